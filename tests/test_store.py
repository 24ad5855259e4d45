"""Storage on a real SQLite file and a real PostgreSQL server (each test runs on both)."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from assessment import workflows
from assessment.domain.errors import AlreadyExists, NotFound, PeriodLocked, StaleEntry
from assessment.domain.record import Action, Evidence, Organisation
from assessment.domain.scores import Score
from assessment.formats.record_file import record_as_data
from assessment.storage.store import Transaction
from assessment.storage.tables import Base
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import ROOT, database_at, reopened, save_record, stored


def save_entry(store, org_id, period, entry, *, expected_version, user="local user"):
    with store.transaction() as tx:
        return tx.save_entry(org_id, period, entry, expected_version=expected_version, user=user)


def test_migrations_match_the_tables(store):
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_whole_record_round_trip(store, medway):
    counts = save_record(store, medway)
    assert counts == {"periods": 2, "entries": 118, "actions": 22}
    again = stored(store, "medway")
    assert record_as_data(again) == record_as_data(medway)
    assert again.period("2023").entries["3"].score == Score(2.5)


def test_key_area_record_round_trip(store, worcestershire):
    save_record(store, worcestershire)
    assert record_as_data(stored(store, "worcestershire")) == record_as_data(worcestershire)


def test_import_is_all_or_nothing(store, medway, monkeypatch):
    """The second period fails after the first has been written (flushed): nothing remains."""
    calls = {"n": 0}
    original = Transaction._insert_entries

    def failing(self, assessment, entries, user):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, assessment, entries, user)

    monkeypatch.setattr(Transaction, "_insert_entries", failing)
    with pytest.raises(RuntimeError):
        save_record(store, medway)
    assert calls["n"] == 2
    assert queries.organisations(store, LOCAL_ACTOR) == []


def test_existing_periods_are_refused_unless_replaced(store, medway):
    save_record(store, medway)
    with pytest.raises(AlreadyExists, match="already has period"):
        save_record(store, medway)
    medway.period("2023").entries["1"].comment = "Replaced."
    with pytest.raises(PeriodLocked, match="^2022 is approved, so it cannot be replaced; an administrator can reopen"):
        save_record(store, medway, replace=True)
    reopened(store, "medway", "2022")
    reopened(store, "medway", "2023")
    save_record(store, medway, replace=True)
    assert stored(store, "medway").period("2023").entries["1"].comment == "Replaced."


def test_save_entry_versions_and_history(store, medway):
    save_record(store, medway)
    reopened(store, "medway", "2023")
    entry = stored(store, "medway").period("2023").entries["3"]
    assert entry.version == 1
    changed = replace(entry, score=Score(3.0), comment="Training delivered.",
                      actions=[*entry.actions, Action("Publish the programme", owner="HR", status="open")],
                      evidence=[Evidence("https://example.org/training", "Training plan")])
    saved = save_entry(store, "medway", "2023", changed, expected_version=1, user="head of procurement")
    assert saved.version == 2 and saved.updated_by == "head of procurement"
    again = stored(store, "medway").period("2023").entries["3"]
    assert again.score == Score(3.0) and again.comment == "Training delivered."
    assert [a.text for a in again.actions][-1] == "Publish the programme"
    assert again.evidence[0].title == "Training plan"
    history = queries.history(store, LOCAL_ACTOR, "medway", "2023", "3")
    assert [(h.version, str(h.changes[0])) for h in history] == [(1, "score: not yet scored → 2/3"),
                                                                  (2, "score: 2/3 → 3 – Mature")]
    assert history[1].by == "head of procurement"


def test_a_stale_save_is_refused_and_nothing_is_lost(store, medway):
    save_record(store, medway)
    reopened(store, "medway", "2023")
    first = stored(store, "medway").period("2023").entries["7"]
    save_entry(store, "medway", "2023", replace(first, comment="Alice's words"), expected_version=first.version,
               user="alice")
    with pytest.raises(StaleEntry) as caught:
        save_entry(store, "medway", "2023", replace(first, comment="Bob's words"), expected_version=first.version,
                   user="bob")
    assert "alice" in str(caught.value) and caught.value.current.comment == "Alice's words"
    assert stored(store, "medway").period("2023").entries["7"].comment == "Alice's words"


def test_action_edits_keep_their_ids(store, medway):
    save_record(store, medway)
    reopened(store, "medway", "2022")
    entry = stored(store, "medway").period("2022").entries["3"]
    action = entry.actions[0]
    edited = replace(entry, actions=[replace(action, status="done", rag="green")])
    save_entry(store, "medway", "2022", edited, expected_version=entry.version)
    again = stored(store, "medway").period("2022").entries["3"].actions
    assert [(a.id, a.status, a.rag) for a in again] == [(action.id, "done", "green")]


def test_start_period_carries_forward(store, medway):
    save_record(store, medway)
    started = workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    assert (started.carried_from, started.carried) == ("2023", 59)
    three = stored(store, "medway").period("2024").entries["3"]
    assert three.carried and three.score == Score(2.5) and three.comment is None
    assert three.previous_comment == medway.period("2023").entries["3"].comment
    assert three.actions == []                             # not copied: each action stays where it was raised
    old = stored(store, "medway").period("2023").entries["3"].actions
    assert [a.status for a in old] == ["open"] and old[0].open_at("2023", "2024")
    with pytest.raises(AlreadyExists):
        workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2025", carry=False)
    assert stored(store, "medway").period("2025").entries == {}


def test_organisations_and_not_found(store):
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council", "County council", "South East")
    with pytest.raises(AlreadyExists):
        workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent again")
    assert [(o.id, o.periods) for o in queries.organisations(store, LOCAL_ACTOR)] == [("kent", [])]
    assert queries.organisations(store, LOCAL_ACTOR)[0].organisation == \
        Organisation("kent", "Kent County Council", "county", "South East")   # the fixed list's word (`domain.peers`)
    with pytest.raises(NotFound, match="no organisation 'surrey'"):
        stored(store, "surrey")


def test_a_crash_mid_save_leaves_the_last_saved_state(db_url, medway):
    """A process that dies in the middle of saving an entry leaves the stored entry as it was."""
    from assessment.storage.store import open_store
    store = open_store(db_url)
    save_record(store, medway)
    reopened(store, "medway", "2023")
    store.engine.dispose()
    child = textwrap.dedent(f"""
        import os
        from dataclasses import replace
        from assessment import workflows
        from assessment.domain.edits import EntryEdit
        from assessment.storage.store import Transaction
        store = workflows.connect({db_url!r})
        original = Transaction._update_entry
        def update_then_die(self, row, entry, user):
            original(self, row, entry, user)
            self.s.flush()
            os._exit(9)
        Transaction._update_entry = update_then_die
        workflows.save_edits(store, workflows.LOCAL_ACTOR, "medway", "2023",
                             [EntryEdit("5", base_version=1, score="1", comment="half written")])
    """)
    result = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 9, result.stderr
    again = open_store(db_url)
    entry = stored(again, "medway").period("2023").entries["5"]
    assert entry.score == Score(4.0) and entry.comment == medway.period("2023").entries["5"].comment
    assert entry.version == 1
    again.engine.dispose()


def test_another_framework_end_to_end(store, tiny, tmp_path):
    """Nothing is hard-wired to NPS 2018: a record against the tiny framework loads, stores, rolls up."""
    from assessment.domain.summary import period_summary
    from assessment.formats.record_file import load_record
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
    save_record(store, record)
    with store.transaction() as tx:   # tiny-kit is not among the deployment's frameworks: read the store itself
        again = tx.load_record("smallville")
    assert again.framework_id == "tiny-kit"
    summary = period_summary(tiny, again, "2024/25")
    skills = {k["id"]: k for k in summary["key_areas"]}["skills"]
    assert (skills["n"], skills["mean"], skills["level_name"], skills["target"]) == (2, 1.5, "Starting", 3.0)
    assert summary["overall"]["n"] == 3
    bad = path.read_text(encoding="utf-8").replace("score: Starting", "score: '1/2'")
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(Exception, match="half step, which this key area does not allow"):
        load_record(path, lambda framework_id: tiny)


def test_upgrading_a_saved_database_keeps_every_row(db_url):
    """A database made by the first schema (0001), with rows in it, is upgraded in place: nothing lost."""
    from sqlalchemy import text

    from assessment.storage.store import open_store
    engine, _ = database_at(db_url, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organisations (id, name, created_at) VALUES ('x', 'X Council', "
                                "CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO assessments (id, organisation_id, period, framework_id, framework_version,"
                                " status, created_at) VALUES (1, 'x', '2023', 'nps-2018', '2018', 'draft', "
                                "CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO entries (id, assessment_id, kind, item_id, score, not_applicable, target,"
                                " carried, version, updated_at) VALUES (1, 1, 'objective', '3', 2.5, false, 4, false,"
                                " 1, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO actions (id, entry_id, text, status, updated_at) VALUES "
                                "(1, 1, 'Train councillors', 'carried forward', CURRENT_TIMESTAMP)"))
        # 2024 was started from 2023: the action was copied there, and the copy was then done.
        connection.execute(text("INSERT INTO assessments (id, organisation_id, period, framework_id, framework_version,"
                                " status, created_at) VALUES (2, 'x', '2024', 'nps-2018', '2018', 'draft', "
                                "CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO entries (id, assessment_id, kind, item_id, score, not_applicable, target,"
                                " carried, version, updated_at) VALUES (2, 2, 'objective', '3', 2.5, false, 4, true,"
                                " 1, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO actions (id, entry_id, text, owner, status, carried_from, updated_by, "
                                "updated_at) VALUES (2, 2, 'Train councillors', 'HR', 'done', 1, 'alice', "
                                "'2024-03-05 10:00:00')"))
        connection.execute(text("INSERT INTO entry_history (id, entry_id, version, score, not_applicable, target, "
                                "changed_at) VALUES (1, 1, 1, 2.5, false, 4, CURRENT_TIMESTAMP)"))
    engine.dispose()
    store = open_store(db_url)
    with store.transaction() as tx:
        entry = tx.load_record("x").period("2023").entries["3"]
        first = tx.versions("x", "2023", "3")[0]
        assert (first.entry.target, first.whole) == (Score(4.0), False)   # a version from before snapshots
    assert (entry.score, entry.target, [a.text for a in entry.actions]) == \
        (Score(2.5), Score(4.0), ["Train councillors"])
    with store.transaction() as tx:
        record = tx.load_record("x")
    (action,) = record.period("2023").entries["3"].actions            # one action, for its whole life
    assert (action.status, action.owner) == ("done", "HR")
    assert [(u.status, u.on, u.period, u.by) for u in action.updates] == [("done", date(2024, 3, 5), "2024", "alice")]
    assert record.period("2024").entries["3"].actions == []
    assert action.open_at("2023", "2023") and not action.open_at("2023", "2024")
    store.engine.dispose()


def test_a_target_of_n_a_is_kept(store, tiny, tmp_path):
    """It was offered in the form, then saved as nothing and read back as "not yet scored"."""
    from assessment.domain.scores import NOT_APPLICABLE
    from assessment.formats.record_file import load_record, record_as_data
    path = tmp_path / "record.yaml"
    path.write_text(textwrap.dedent("""
        organisation: {id: smallville, name: Smallville Council}
        framework: {id: tiny-kit, version: "0.1"}
        periods:
          - period: "2024"
            entries:
              - {objective: S1, score: "2", target: n/a}
    """), encoding="utf-8")
    record = load_record(path, lambda framework_id: tiny)
    assert record.period("2024").entries["S1"].target == NOT_APPLICABLE
    save_record(store, record)
    with store.transaction() as tx:
        again = tx.load_record("smallville")
        history = [v.entry for v in tx.versions("smallville", "2024", "S1")]
    assert again.period("2024").entries["S1"].target == NOT_APPLICABLE
    assert record_as_data(again)["periods"][0]["entries"][0]["target"] == "n/a"
    assert history[0].target == NOT_APPLICABLE


def test_the_schema_head_read_from_file_names_is_alembics_own():
    """open_store skips Alembic when the database is at the head it reads from the migrations' names."""
    from assessment.storage import backup
    from assessment.storage import store as store_module
    assert store_module.head_revision() == backup.head_revision()
    assert backup.known_revisions() == {p.name.split("_", 1)[0]
                                        for p in (store_module.MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def test_a_database_at_the_head_is_opened_without_alembic(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT
    url = f"sqlite:///{tmp_path / 'head.db'}"
    from assessment.storage.store import open_store
    open_store(url).engine.dispose()      # created and migrated
    code = ("import sys; from assessment.storage.store import open_store, current_revision, head_revision; "
            f"s = open_store({url!r}); assert current_revision(s.engine) == head_revision(); "
            "print('alembic' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


# ---------------------------------------------------------------- records kept for reading

def _kept(store, org_id):
    with store.transaction(write=False) as tx:
        return tx.record(org_id)


def _fresh(store, org_id):
    with store.transaction(write=False) as tx:
        return tx.load_record(org_id)


def test_a_record_read_twice_with_nothing_changed_is_read_once(store, medway):
    save_record(store, medway)
    first = _kept(store, "medway")
    assert _kept(store, "medway") is first
    assert first == _fresh(store, "medway")


def test_every_change_to_a_record_is_read_at_once(store, medway):
    """Each workflow that changes a record gives the organisation a new stamp, so the next read
    loads it afresh (and a draft, which is not part of the record, does not)."""
    from assessment.domain.edits import EntryEdit
    save_record(store, medway)
    actor = LOCAL_ACTOR

    def read():
        return queries.record(store, actor, "medway").record

    before = read()
    workflows.start_period(store, actor, "medway", "2024")
    after_start = read()
    assert after_start is not before and [p.period for p in after_start.periods][-1] == "2024"

    version = after_start.period("2024").entries["1"].version
    workflows.keep_draft(store, actor, "medway", "2024", EntryEdit("1", base_version=version, score="5"))
    assert read() is after_start   # a draft leaves the record as it was

    workflows.save_drafts(store, actor, "medway", "2024")
    after_save = read()
    assert after_save is not after_start and after_save.period("2024").entries["1"].score.value == 5

    workflows.confirm_scores(store, actor, "medway", "2024")
    after_confirm = read()
    assert after_confirm is not after_save
    assert not after_confirm.period("2024").entries["2"].carried

    action = next(a for p in after_confirm.periods for e in p.entries.values() for a in e.actions)
    workflows.edit_action(store, actor, "medway", action.id, owner=action.owner, due=action.due, rag="red",
                          note="Met the supplier forum")   # progress, which an approved period still takes
    after_action = read()
    changed = next(a for p in after_action.periods for e in p.entries.values() for a in e.actions if a.id == action.id)
    assert changed.rag == "red" and changed.updates[-1].note == "Met the supplier forum"

    workflows.submit_period(store, actor, "medway", "2024")
    assert read().period("2024").status == "submitted"
    workflows.reopen_period(store, actor, "medway", "2024", reason="one more change")
    assert read().period("2024").status == "draft"
    workflows.delete_period(store, actor, "medway", "2024")
    assert [p.period for p in read().periods] == ["2022", "2023"]
    assert read() == _fresh(store, "medway")


def test_a_change_made_by_another_process_is_read(db_url, medway):
    """The stamp is in the database: a second process's change is seen by the first's next read."""
    from assessment.storage.store import open_store
    here, there = open_store(db_url), open_store(db_url)
    try:
        save_record(here, medway)
        kept = _kept(here, "medway")
        workflows.start_period(there, LOCAL_ACTOR, "medway", "2024")
        read = _kept(here, "medway")
        assert read is not kept and read.period("2024")
    finally:
        here.engine.dispose()
        there.engine.dispose()


def test_reading_and_exporting_leave_the_kept_record_as_it_was_loaded(store, medway, nps):
    """The kept record is shared by every session of a process: no query or export may change it."""
    from assessment.formats.writers.excel_workbook import workbook_xlsx
    from assessment.formats.writers.record_json import record_json
    from assessment.formats.writers.word_appendix import appendix_docx
    from assessment.formats.writers.word_report import report_docx
    save_record(store, medway)
    kept = _kept(store, "medway")
    as_loaded = copy.deepcopy(kept)
    queries.report(store, LOCAL_ACTOR, "medway", "2023")
    queries.period_summary(store, LOCAL_ACTOR, "medway", "2023", "2022")
    queries.actions(store, LOCAL_ACTOR, "medway")
    queries.record_export(store, LOCAL_ACTOR, "medway")
    appendix_docx(nps, kept)
    report_docx(nps, kept, "2023")
    workbook_xlsx(nps, kept)
    record_json(kept, [])
    assert _kept(store, "medway") is kept
    assert kept == as_loaded == _fresh(store, "medway")


def test_the_records_kept_are_bounded():
    from assessment.storage.store import RecordCache
    cache = RecordCache(size=2)
    for org in ("a", "b", "c"):
        cache.put(org, "s1", org)   # any object stands for a record here
    assert cache.get("a", "s1") is None and cache.get("b", "s1") == "b" and cache.get("c", "s1") == "c"
    assert cache.get("b", "s2") is None   # another stamp: loaded afresh
    cache.put("d", None, "d")           # a database from before stamps: never kept
    assert cache.get("d", None) is None
