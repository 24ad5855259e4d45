"""Import plans: the preview says what would change; writing is all or nothing and keeps history."""

from __future__ import annotations

import copy

import pytest

from assessment.errors import NotFound
from assessment.importing import ImportPlan, InvalidImport, apply_import, preview
from assessment.record import Action, Entry, Organisation, PeriodRecord
from assessment.scores import Score


def _plan(periods, problems=()):
    return ImportPlan("appendix.docx", "nps-2018", "2018", periods=periods, problems=list(problems))


def _period(name, **scores):
    return PeriodRecord(name, entries={k: Entry(k, score=Score(v), comment=f"comment {k}") for k, v in scores.items()})


def test_a_plan_with_problems_writes_nothing(store, nps, medway):
    store.save_record(medway)
    before = store.load_record("medway")
    plan = _plan([_period("2024", **{"1": 4})], problems=["appendix.docx: table 1, row 2: '6' is not a score"])
    with pytest.raises(InvalidImport) as caught:
        apply_import(store, "medway", plan, nps, user="test")
    assert str(caught.value) == ("appendix.docx: nothing was imported:\n"
                                 "  appendix.docx: table 1, row 2: '6' is not a score")
    assert store.load_record("medway") == before


def test_an_import_never_creates_an_organisation(store, nps):
    with pytest.raises(NotFound):
        apply_import(store, "nobody", _plan([_period("2024", **{"1": 4})]), nps, user="test")
    assert store.organisations() == []


def test_preview_then_import_updates_with_history_and_keeps_actions(store, nps, medway):
    store.save_record(medway)
    saved_2023 = medway.period("2023").entries
    changed = _period("2023", **{"1": 4.0, "2": saved_2023["2"].score.value})
    changed.entries["2"].comment = saved_2023["2"].comment           # unchanged entry
    changed.entries["1"].actions = [Action("Brief the new portfolio holder")]
    plan = _plan([changed, _period("2024", **{"1": 4.5, "5": 3})])
    report = {p.period: p for p in preview(plan, store.load_record("medway"))}
    assert report["2023"].changed == ["1"] and report["2023"].unchanged == 1 and not report["2023"].new_period
    assert report["2024"].new_period and report["2024"].scored == 2
    assert report["2023"].summary == ("2023: 2 entries (2 scored, 0 n/a, 0 blank), 2 comments, 1 actions; "
                                      "overwrites 1 saved entry (1).")
    version_before = store.period_record("medway", "2023").entries["1"].version
    apply_import(store, "medway", plan, nps, user="import appendix.docx")
    after = store.load_record("medway")
    one = after.period("2023").entries["1"]
    assert one.score == Score(4.0) and one.comment == "comment 1" and one.version == version_before + 1
    old_actions = [a.text for a in saved_2023["1"].actions]
    assert [a.text for a in one.actions] == old_actions + ["Brief the new portfolio holder"]
    assert after.period("2023").entries["2"].version == store.period_record("medway", "2023").entries["2"].version
    assert [h["score"] for h in store.history("medway", "2023", "1")][-2:] == [saved_2023["1"].score.written, "4"]
    assert after.period("2024").entries["1"].score == Score(4.5)
    # Everything else in 2023 is as it was.
    assert {k: e.score for k, e in after.period("2023").entries.items() if k != "1"} == \
        {k: e.score for k, e in saved_2023.items() if k != "1"}


def test_importing_the_same_plan_twice_changes_nothing_the_second_time(store, nps, medway):
    store.save_record(medway)
    plan = _plan([_period("2024", **{"1": 4})])
    apply_import(store, "medway", plan, nps, user="test")
    first = store.load_record("medway")
    second = preview(plan, first)[0]
    assert second.changed == [] and second.unchanged == 1 and not second.new_period
    apply_import(store, "medway", copy.deepcopy(plan), nps, user="test")
    assert store.load_record("medway").period("2024").entries["1"].version == first.period("2024").entries["1"].version


def test_a_file_for_another_framework_is_refused(store, nps, tiny):
    store.add_organisation(Organisation("medway", "Medway Council"))
    apply_import(store, "medway", _plan([_period("2023", **{"1": 3})]), nps, user="test")
    plan = ImportPlan("other.docx", tiny.id, tiny.version, periods=[_period("2024", S1=2)])
    with pytest.raises(InvalidImport, match="medway is assessed against nps-2018, but this file is for tiny-kit"):
        apply_import(store, "medway", plan, tiny, user="test")
    assert [p.period for p in store.load_record("medway").periods] == ["2023"]


def test_a_failure_half_way_leaves_the_saved_record_as_it_was(store, nps, medway, monkeypatch):
    store.save_record(medway)
    before = store.load_record("medway")
    calls = []
    original = type(store)._insert_entries

    def fail_on_the_second_period(self, s, assessment, entries, user):
        calls.append(assessment.period)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, s, assessment, entries, user)

    monkeypatch.setattr(type(store), "_insert_entries", fail_on_the_second_period)
    plan = _plan([_period("2024", **{"1": 4}), _period("2025", **{"1": 5})])
    with pytest.raises(RuntimeError, match="disk full"):
        apply_import(store, "medway", plan, nps, user="test")
    assert calls == ["2024", "2025"] and store.load_record("medway") == before


def test_size_limit_message_rounds_up():
    from assessment.importing import MAX_UPLOAD_BYTES, size_problem
    assert size_problem(MAX_UPLOAD_BYTES) is None
    assert size_problem(MAX_UPLOAD_BYTES + 1) == "the file is 20.1 MB; files up to 20 MB can be imported"
    assert size_problem(50 * 2**20) == "the file is 50.0 MB; files up to 20 MB can be imported"
