"""Targets as a council sets them (issue 26, point 3): one target for a whole key area in one step,
an n/a objective that leaves the key area's target standing on the rest, and the period a target is
to be reached by, set on the Score page and shown in the report ("4.00 by 2025/26")."""

from __future__ import annotations

import pytest

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import AssessmentError, InvalidEdit
from assessment.domain.report import movement_table, progress_report
from assessment.domain.scores import NOT_APPLICABLE, Score
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import save_record, stored
from .test_ui_scoring import db, new_app, open_score_page  # noqa: F401 (db is a fixture)

KA = "engaging-councillors"   # objectives 1, 2 and 3


@pytest.fixture
def medway_2024(store, medway, nps):
    save_record(store, medway)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")   # every score carried, to be confirmed
    return store


def test_one_target_for_a_key_area_sets_each_objective_and_leaves_scores_alone(medway_2024, nps):
    workflows.save_edits(medway_2024, LOCAL_ACTOR, "medway", "2024", [EntryEdit("2", base_version=1, score="n/a")])
    changed = workflows.set_key_area_target(medway_2024, LOCAL_ACTOR, "medway", "2024", KA, "4 – Leader", "2025/26")
    assert changed == ["1", "2", "3"]
    entries = stored(medway_2024, "medway").period("2024").entries
    assert [(entries[o].target, entries[o].target_period) for o in "123"] == [
        (Score(4.0), "2025/26"), (NOT_APPLICABLE, "2025/26"), (Score(4.0), "2025/26")]
    assert entries["1"].carried and entries["3"].carried        # a target is not a confirmation of the score
    (last,) = queries.history(medway_2024, LOCAL_ACTOR, "medway", "2024", "1")[-1:]
    assert last.change == "target set for Engaging Councillors"
    assert [str(c) for c in last.changes] == ["target: no target → 4 – Leader", "target period: — → 2025/26"]
    # the n/a objective does not knock out the key area's target: it stands on the other two
    report = progress_report(nps, stored(medway_2024, "medway"), "2024")
    line = next(k for k in report.key_areas if k.id == KA)
    assert line.targets_complete and line.gap is not None and line.target_by == "2025/26"
    row = next(r for r in movement_table(report, nps) if r["Key area"] == "Engaging Councillors")
    assert row["Target"] == "4.00 by 2025/26" and row["Against target"].endswith("below target")
    # again, the same: nothing changes; each objective can still be changed on its own
    assert workflows.set_key_area_target(medway_2024, LOCAL_ACTOR, "medway", "2024", KA, "4", "2025/26") == []
    workflows.save_edits(medway_2024, LOCAL_ACTOR, "medway", "2024",
                         [EntryEdit("3", base_version=entries["3"].version, target="5 – Innovator")])
    line = next(k for k in progress_report(nps, stored(medway_2024, "medway"), "2024").key_areas if k.id == KA)
    assert line.target.mean == 4.5 and line.target_by == "2025/26"


def test_targets_by_different_periods_name_none(medway_2024, nps):
    workflows.set_key_area_target(medway_2024, LOCAL_ACTOR, "medway", "2024", KA, "4", "2025/26")
    version = stored(medway_2024, "medway").period("2024").entries["1"].version
    workflows.save_edits(medway_2024, LOCAL_ACTOR, "medway", "2024",
                         [EntryEdit("1", base_version=version, target_period="2026/27")])
    line = next(k for k in progress_report(nps, stored(medway_2024, "medway"), "2024").key_areas if k.id == KA)
    assert line.target_by is None and line.target_text == "4.00"


@pytest.mark.parametrize("target, by, said", [
    ("9", None, "the target of Engaging Councillors: '9' is not a level of the scale"),
    ("4", "soon", "'soon' is not a period"),
    ("4", "2019", "a target to be reached by 2019 is set in 2024, after it"),
    ("no target", "2026", r"a target period \(2026\) needs a target"),
    ("", None, "choose the target of Engaging Councillors"),
])
def test_an_impossible_target_or_period_is_refused_and_nothing_changes(medway_2024, target, by, said):
    before = stored(medway_2024, "medway").period("2024")
    with pytest.raises(AssessmentError, match=said):
        workflows.set_key_area_target(medway_2024, LOCAL_ACTOR, "medway", "2024", KA, target, by)
    assert stored(medway_2024, "medway").period("2024") == before


def test_unsaved_changes_in_the_key_area_are_saved_or_discarded_first(medway_2024):
    workflows.keep_draft(medway_2024, LOCAL_ACTOR, "medway", "2024", EntryEdit("3", base_version=1, comment="typing"))
    with pytest.raises(AssessmentError, match=r"save or discard your unsaved changes to Engaging Councillors first "
                                              r"\(3\): nothing was changed"):
        workflows.set_key_area_target(medway_2024, LOCAL_ACTOR, "medway", "2024", KA, "4", None)


def test_a_target_period_typed_in_an_edit_is_checked(medway_2024):
    with pytest.raises(InvalidEdit, match="objective 1: the target's period 'next year' is not a period"):
        workflows.save_edits(medway_2024, LOCAL_ACTOR, "medway", "2024",
                             [EntryEdit("1", base_version=1, target_period="next year")])
    for target, by, said in (("4", "2019", "objective 1: a target to be reached by 2019 is set in 2024, after it"),
                             (None, "2026", r"objective 1: a target period \(2026\) needs a target")):
        with pytest.raises(InvalidEdit, match=said):
            workflows.save_edits(medway_2024, LOCAL_ACTOR, "medway", "2024",
                                 [EntryEdit("1", base_version=1, target=target, target_period=by)])
    workflows.save_edits(medway_2024, LOCAL_ACTOR, "medway", "2024", [EntryEdit("1", base_version=1, target="4",
                                                                               target_period=" 2026 ")])
    assert stored(medway_2024, "medway").period("2024").entries["1"].target_period == "2026"


def test_the_score_page_sets_a_key_areas_target_and_an_objectives_target_period(db):
    at = open_score_page(new_app())
    at.selectbox(key=f"score.ka_target.{KA}.level").set_value("4 – Leader")
    at.text_input(key=f"score.ka_target.{KA}.by").input("2025/26")
    at.button(key=f"FormSubmitter:score.ka_target.{KA}-Set this target for every objective").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Set the target of 3 objectives of Engaging Councillors") for s in at.success)
    assert at.selectbox(key="score.medway.2023.1.target").value == "4 – Leader"
    assert at.text_input(key="score.medway.2023.1.target_period").value == "2025/26"
    at.text_input(key="score.medway.2023.2.target_period").input("2026/27").run()
    at.button(key="score.save").click().run()
    from assessment.storage.store import open_store
    entries = stored(open_store(db), "medway").period("2023").entries
    assert [(entries[o].target, entries[o].target_period) for o in "123"] == [
        (Score(4.0), "2025/26"), (Score(4.0), "2026/27"), (Score(4.0), "2025/26")]


def test_a_key_area_record_sets_the_key_areas_own_target(store, worcestershire, worcs):
    save_record(store, worcestershire)
    workflows.start_period(store, LOCAL_ACTOR, "worcestershire", "2023")
    changed = workflows.set_key_area_target(store, LOCAL_ACTOR, "worcestershire", "2023", "obtaining-social-value",
                                            "4", "2025")
    assert changed == ["obtaining-social-value"]
    period = stored(store, "worcestershire").period("2023")
    entry = period.key_area_entries["obtaining-social-value"]
    assert (entry.target, entry.target_period) == (Score(4.0), "2025") and period.entries == {}

