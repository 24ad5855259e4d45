"""Import plans: the preview says exactly what the import writes; writing is all or nothing and keeps history.

`importing.changes` is the one rule for what an import changes ("unchanged" included); the
preview and the import workflow both use it.
"""

from __future__ import annotations

import copy

import pytest

from assessment import workflows
from assessment.domain.errors import InvalidImport, NotFound, Problem
from assessment.domain.import_plan import ImportPlan, changes, preview
from assessment.domain.record import Action, Entry, PeriodRecord
from assessment.domain.scores import Score
from assessment.storage.store import Transaction
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import reopened, save_record, stored


def _plan(periods, problems=()):
    return ImportPlan("appendix.docx", "nps-2018", "2018", periods=periods, problems=list(problems))


def _period(name, **scores):
    return PeriodRecord(name, entries={k: Entry(k, score=Score(v), comment=f"comment {k}") for k, v in scores.items()})


def _apply(store, org_id, plan, framework):
    """What the Import page and `import appendix` do once a file is read: preview, then apply."""
    saved = stored(store, org_id)
    prepared = workflows.ImportPreview(org_id, saved.organisation.name, plan.source, framework, plan,
                                       preview(plan, saved))
    return workflows.apply_import(store, LOCAL_ACTOR, prepared)


def _versions(store, org_id, period):
    return {k: e.version for k, e in stored(store, org_id).period(period).entries.items()}


def test_a_plan_with_problems_writes_nothing(store, nps, medway):
    save_record(store, medway)
    before = stored(store, "medway")
    problem = Problem("appendix.docx", None, "table 1, row 2", "'6' is not a score")
    plan = _plan([_period("2024", **{"1": 4})], problems=[problem])
    with pytest.raises(InvalidImport) as caught:
        _apply(store, "medway", plan, nps)
    assert str(caught.value) == ("appendix.docx: nothing was imported:\n"
                                 "  appendix.docx: table 1, row 2: '6' is not a score")
    assert stored(store, "medway") == before


def test_an_import_never_creates_an_organisation(store, nps):
    with pytest.raises(NotFound):
        workflows.preview_import(store, LOCAL_ACTOR, "nobody", "a.csv", b"Period,Objective number,Score,Comment\n")
    assert queries.organisations(store, LOCAL_ACTOR) == []


def test_preview_then_import_updates_with_history_and_keeps_actions(store, nps, medway):
    save_record(store, medway)
    reopened(store, "medway", "2023")
    saved_2023 = medway.period("2023").entries
    changed = _period("2023", **{"1": 4.0, "2": saved_2023["2"].score.value})
    changed.entries["2"].comment = saved_2023["2"].comment           # unchanged entry
    changed.entries["1"].actions = [Action("Brief the new portfolio holder")]
    plan = _plan([changed, _period("2024", **{"1": 4.5, "5": 3})])
    report = {p.period: p for p in preview(plan, stored(store, "medway"))}
    assert report["2023"].changed == ["1"] and report["2023"].unchanged == 1 and not report["2023"].new_period
    assert report["2024"].new_period and report["2024"].scored == 2
    assert report["2023"].summary == ("2023: 2 entries (2 scored, 0 n/a, 0 blank), 2 comments, 1 action; "
                                      "overwrites 1 saved entry (1).")
    version_before = _versions(store, "medway", "2023")
    _apply(store, "medway", plan, nps)
    after = stored(store, "medway")
    one = after.period("2023").entries["1"]
    assert one.score == Score(4.0) and one.comment == "comment 1" and one.version == version_before["1"] + 1
    old_actions = [a.text for a in saved_2023["1"].actions]
    assert [a.text for a in one.actions] == old_actions + ["Brief the new portfolio holder"]
    assert after.period("2023").entries["2"].version == version_before["2"]
    history = queries.history(store, LOCAL_ACTOR, "medway", "2023", "1")
    assert [str(c) for c in history[-1].changes if c.field == "score"] == [
        f"score: {saved_2023['1'].score.label(nps)} → 4 – Leader"]
    assert (history[-1].by, history[-1].change) == ("local user", "import appendix.docx")
    assert after.period("2024").entries["1"].score == Score(4.5)
    # Everything else in 2023 is as it was.
    assert {k: e.score for k, e in after.period("2023").entries.items() if k != "1"} == \
        {k: e.score for k, e in saved_2023.items() if k != "1"}


@pytest.mark.parametrize("what", ["target", "action"])
def test_the_preview_counts_as_changed_exactly_what_the_import_writes(store, nps, medway, what):
    """A file that changes only an objective's target, or only adds an action, changes that entry:
    the preview said "unchanged" here while the store wrote a new version (they used two rules)."""
    save_record(store, medway)
    reopened(store, "medway", "2023")
    saved = medway.period("2023").entries["4"]
    imported = Entry("4", score=saved.score, comment=saved.comment)
    if what == "target":
        imported.target = Score(5.0)
    else:
        imported.actions = [Action("Publish the procurement strategy")]
    plan = _plan([PeriodRecord("2023", entries={"4": imported})])
    (shown,) = preview(plan, stored(store, "medway"))
    assert (shown.changed, shown.unchanged) == (["4"], 0)
    before = _versions(store, "medway", "2023")
    _apply(store, "medway", plan, nps)
    after = _versions(store, "medway", "2023")
    assert {k for k in after if after[k] != before[k]} == {"4"}
    (again,) = preview(plan, stored(store, "medway"))
    assert (again.changed, again.unchanged) == ([], 1)


def test_changes_is_the_one_rule_the_preview_reports(medway):
    plan = _plan([_period("2023", **{"1": 4.0, "2": medway.period("2023").entries["2"].score.value}),
                  _period("2030", **{"1": 1})])
    plan.periods[0].entries["2"].comment = medway.period("2023").entries["2"].comment
    found = changes(plan, medway)
    assert [(c.period.period, c.new_period, [e.item for e in c.changed], c.unchanged) for c in found] == \
        [("2023", False, ["1"], 1), ("2030", True, [], 0)]
    assert [(p.period, p.new_period, p.changed, p.unchanged) for p in preview(plan, medway)] == \
        [("2023", False, ["1"], 1), ("2030", True, [], 0)]


def test_importing_the_same_plan_twice_changes_nothing_the_second_time(store, nps, medway):
    save_record(store, medway)
    plan = _plan([_period("2024", **{"1": 4})])
    _apply(store, "medway", plan, nps)
    first = stored(store, "medway")
    second = preview(plan, first)[0]
    assert second.changed == [] and second.unchanged == 1 and not second.new_period
    _apply(store, "medway", copy.deepcopy(plan), nps)
    assert stored(store, "medway").period("2024").entries["1"].version == first.period("2024").entries["1"].version


def test_a_file_for_another_framework_is_refused(store, nps, tiny):
    workflows.add_organisation(store, LOCAL_ACTOR, "medway", "Medway Council")
    _apply(store, "medway", _plan([_period("2023", **{"1": 3})]), nps)
    plan = ImportPlan("other.docx", tiny.id, tiny.version, periods=[_period("2024", S1=2)])
    with pytest.raises(InvalidImport, match="medway is assessed against nps-2018, but this file is for tiny-kit"):
        _apply(store, "medway", plan, tiny)
    assert [p.period for p in stored(store, "medway").periods] == ["2023"]


def test_a_failure_half_way_leaves_the_saved_record_as_it_was(store, nps, medway, monkeypatch):
    save_record(store, medway)
    before = stored(store, "medway")
    calls = []
    original = Transaction._insert_entries

    def fail_on_the_second_period(self, assessment, entries, user):
        calls.append(assessment.period)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, assessment, entries, user)

    monkeypatch.setattr(Transaction, "_insert_entries", fail_on_the_second_period)
    plan = _plan([_period("2024", **{"1": 4}), _period("2025", **{"1": 5})])
    with pytest.raises(RuntimeError, match="disk full"):
        _apply(store, "medway", plan, nps)
    assert calls == ["2024", "2025"] and stored(store, "medway") == before


def test_size_limit_message_rounds_up():
    from assessment.domain.import_plan import size_problem
    from assessment.domain.limits import UPLOAD_BYTES
    assert size_problem(UPLOAD_BYTES) is None
    assert size_problem(UPLOAD_BYTES + 1) == "the file is 20.1 MB; files up to 20 MB can be imported"
    assert size_problem(50 * 2**20) == "the file is 50.0 MB; files up to 20 MB can be imported"


def test_a_target_of_n_a_is_imported_and_kept(store, nps, medway):
    """An imported "n/a" target was passed over (only a level counted as a target)."""
    from assessment.domain.scores import NOT_APPLICABLE
    save_record(store, medway)
    reopened(store, "medway", "2023")
    saved = medway.period("2023").entries["4"]
    plan = _plan([PeriodRecord("2023", entries={"4": Entry("4", score=saved.score, comment=saved.comment,
                                                           target=NOT_APPLICABLE)})])
    assert preview(plan, stored(store, "medway"))[0].changed == ["4"]
    _apply(store, "medway", plan, nps)
    assert stored(store, "medway").period("2023").entries["4"].target == NOT_APPLICABLE


def test_a_plan_keeps_the_first_thousand_problems_and_counts_the_rest(nps):
    """A reader finding a problem on every one of 20,000 rows holds 1,000 of them, and says how
    many more; the message lists the first 30."""
    from assessment.domain.errors import InvalidImport
    from assessment.domain.import_plan import ImportPlan
    from assessment.domain.limits import PROBLEMS_KEPT, PROBLEMS_SHOWN
    plan = ImportPlan.for_file("bad.csv", nps, 100)
    for row in range(2, 20_002):
        plan.problem(f"row {row}", "not a period")
    assert len(plan.problems) == PROBLEMS_KEPT and plan.more_problems == 20_000 - PROBLEMS_KEPT
    with pytest.raises(InvalidImport) as caught:
        plan.check()
    lines = str(caught.value).splitlines()
    assert len(lines) == 1 + PROBLEMS_SHOWN + 1
    assert lines[1] == "  bad.csv: row 2: not a period" and lines[-1] == "  … and 19,970 more"
