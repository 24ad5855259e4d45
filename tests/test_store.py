"""Storage on a real SQLite file and a real PostgreSQL server (each test runs on both)."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from assessment.errors import AlreadyExists, NotFound, StaleEntry
from assessment.models import Base
from assessment.record import Action, Evidence, Organisation
from assessment.recordfile import record_as_data
from assessment.scores import Score
from assessment.scoring import key_area_summaries

from .conftest import ROOT


def test_migrations_match_the_models(store):
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_whole_record_round_trip(store, medway):
    counts = store.save_record(medway)
    assert counts == {"periods": 2, "entries": 118, "actions": 22}
    again = store.load_record("medway")
    assert record_as_data(again) == record_as_data(medway)
    assert again.period("2023").entries["3"].score == Score(2.5)


def test_key_area_record_round_trip(store, worcestershire):
    store.save_record(worcestershire)
    assert record_as_data(store.load_record("worcestershire")) == record_as_data(worcestershire)


def test_import_is_all_or_nothing(store, medway, monkeypatch):
    """The second period fails after the first has been written (flushed): nothing remains."""
    calls = {"n": 0}
    original = type(store)._insert_entries

    def failing(self, s, assessment, entries, user):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, s, assessment, entries, user)

    monkeypatch.setattr(type(store), "_insert_entries", failing)
    with pytest.raises(RuntimeError):
        store.save_record(medway)
    assert calls["n"] == 2
    assert store.organisations() == []


def test_existing_periods_are_refused_unless_replaced(store, medway):
    store.save_record(medway)
    with pytest.raises(AlreadyExists, match="already has period"):
        store.save_record(medway)
    medway.period("2023").entries["1"].comment = "Replaced."
    store.save_record(medway, replace=True)
    assert store.load_record("medway").period("2023").entries["1"].comment == "Replaced."


def test_save_entry_versions_and_history(store, medway):
    store.save_record(medway)
    entry = store.period_record("medway", "2023").entries["3"]
    assert entry.version == 1
    changed = replace(entry, score=Score(3.0), comment="Training delivered.",
                      actions=[*entry.actions, Action("Publish the programme", owner="HR", status="open")],
                      evidence=[Evidence("https://example.org/training", "Training plan")])
    saved = store.save_entry("medway", "2023", changed, expected_version=1, user="head of procurement")
    assert saved.version == 2 and saved.updated_by == "head of procurement"
    stored = store.period_record("medway", "2023").entries["3"]
    assert stored.score == Score(3.0) and stored.comment == "Training delivered."
    assert [a.text for a in stored.actions][-1] == "Publish the programme"
    assert stored.evidence[0].title == "Training plan"
    history = store.history("medway", "2023", "3")
    assert [(h["version"], h["score"]) for h in history] == [(1, "2/3"), (2, "3")]
    assert history[1]["changed_by"] == "head of procurement"


def test_a_stale_save_is_refused_and_nothing_is_lost(store, medway):
    store.save_record(medway)
    first = store.period_record("medway", "2023").entries["7"]
    store.save_entry("medway", "2023", replace(first, comment="Alice's words"), expected_version=first.version,
                     user="alice")
    with pytest.raises(StaleEntry) as caught:
        store.save_entry("medway", "2023", replace(first, comment="Bob's words"), expected_version=first.version,
                         user="bob")
    assert "alice" in str(caught.value) and caught.value.current.comment == "Alice's words"
    assert store.period_record("medway", "2023").entries["7"].comment == "Alice's words"


def test_action_edits_keep_their_ids(store, medway):
    store.save_record(medway)
    entry = store.period_record("medway", "2022").entries["3"]
    action = entry.actions[0]
    edited = replace(entry, actions=[replace(action, status="done", rag="green")])
    store.save_entry("medway", "2022", edited, expected_version=entry.version)
    again = store.period_record("medway", "2022").entries["3"].actions
    assert [(a.id, a.status, a.rag) for a in again] == [(action.id, "done", "green")]


def test_start_period_carries_forward(store, medway, nps):
    store.save_record(medway)
    new = store.start_period("medway", "2024", nps)
    three = new.entries["3"]
    assert three.carried and three.score == Score(2.5) and three.comment is None
    assert three.previous_comment == medway.period("2023").entries["3"].comment
    assert [a.text for a in three.actions] == [a.text for a in medway.period("2023").entries["3"].actions]
    old = store.period_record("medway", "2023").entries["3"].actions
    assert all(a.status == "carried forward" for a in old)
    assert three.actions[0].carried_from == old[0].id
    with pytest.raises(AlreadyExists):
        store.start_period("medway", "2024", nps)
    blank = store.start_period("medway", "2025", nps, carry=False)
    assert blank.entries == {}


def test_organisations_and_not_found(store):
    store.add_organisation(Organisation("kent", "Kent County Council", "County council", "South East"))
    with pytest.raises(AlreadyExists):
        store.add_organisation(Organisation("kent", "Kent again"))
    assert [(o.id, periods) for o, periods in store.organisations()] == [("kent", [])]
    with pytest.raises(NotFound, match="no organisation 'surrey'"):
        store.load_record("surrey")


def test_regional_roll_up_matches_the_per_organisation_numbers(store, medway, nps):
    store.save_record(medway)
    mine = {s.id: s.score for s in key_area_summaries(nps, medway.period("2023"))}
    other = replace(copy.deepcopy(medway), organisation=Organisation("twin", "Twin Council"))
    for p in other.periods:
        for e in p.entries.values():
            e.score = Score(1.0) if e.item == "1" else e.score
    store.save_record(other)
    regional = store.regional_rollup(nps)
    mean, n = regional[("2023", "engaging-councillors")]
    assert n == 6 and mean == pytest.approx((mine["engaging-councillors"].mean * 3 * 2 - 3 + 1) / 6)
    assert regional[("2023", "obtaining-social-value")] == (pytest.approx(mine["obtaining-social-value"].mean), 20)


def test_a_crash_mid_save_leaves_the_last_saved_state(db_url, medway):
    """A process that dies in the middle of saving an entry leaves the stored entry as it was."""
    from assessment.store import open_store
    store = open_store(db_url)
    store.save_record(medway)
    store.engine.dispose()
    child = textwrap.dedent(f"""
        import os
        from dataclasses import replace
        from assessment.store import Store, open_store
        from assessment.scores import Score
        store = open_store({db_url!r})
        entry = store.period_record("medway", "2023").entries["5"]
        def die(self, s, assessment, entry, user):
            os._exit(9)
        original = Store._update_entry
        def update_then_die(self, s, row, entry, user):
            original(self, s, row, entry, user)
            s.flush()
            os._exit(9)
        Store._update_entry = update_then_die
        store.save_entry("medway", "2023", replace(entry, score=Score(1.0), comment="half written"),
                         expected_version=entry.version)
    """)
    result = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 9, result.stderr
    again = open_store(db_url)
    entry = again.period_record("medway", "2023").entries["5"]
    assert entry.score == Score(4.0) and entry.comment == medway.period("2023").entries["5"].comment
    assert entry.version == 1
    again.engine.dispose()


def test_another_framework_end_to_end(store, tiny, tmp_path):
    """Nothing is hard-wired to NPS 2018: a record against the tiny framework loads, stores, rolls up."""
    from assessment.recordfile import load_record
    from assessment.summary import period_summary
    path = tmp_path / "tiny-record.yaml"
    path.write_text(textwrap.dedent("""
        organisation: {id: smallville, name: Smallville Council}
        framework: {id: tiny-kit, version: "0.1"}
        periods:
          - period: "2024/25"
            entries:
              - {objective: S1, score: Starting, target: "3"}
              - {objective: S2, score: "2 - Established"}
              - {objective: D1, score: "1/2"}
    """), encoding="utf-8")
    record = load_record(path, lambda framework_id: tiny)
    store.save_record(record)
    again = store.load_record("smallville")
    assert again.framework_id == "tiny-kit"
    summary = period_summary(tiny, again, "2024/25")
    skills = {k["id"]: k for k in summary["key_areas"]}["skills"]
    assert (skills["n"], skills["mean"], skills["level_name"], skills["target"]) == (2, 1.5, "Starting", 3.0)
    assert summary["overall"]["n"] == 3
    bad = path.read_text(encoding="utf-8").replace("score: Starting", "score: '1/2'")
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(Exception, match="half step, which this key area does not allow"):
        load_record(path, lambda framework_id: tiny)
