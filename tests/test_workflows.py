"""The application layer (assessment/workflows): every change and every read goes through it, each
in one transaction, with who is acting checked. Run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import AlreadyExists, AssessmentError, NotAllowed, NotFound, ScoreError
from assessment.domain.scores import Score
from assessment.workflows import LOCAL_ACTOR, Actor, queries

from .conftest import FIXTURES, reopened, save_record, stored

VISITOR = Actor("visitor")                                              # signed in, no role anywhere
REVIEWER = Actor("councillor", roles={"medway": "reviewer"})
OTHER_EDITOR = Actor("kent officer", roles={"kent": "editor"})
EDITOR = Actor("medway officer", roles={"medway": "editor"})


@pytest.fixture
def medway_saved(store, medway):
    """Medway's example record, its approved 2023 reopened (these tests edit it)."""
    save_record(store, medway)
    reopened(store, "medway", "2023")
    return store


def _every_change(store):
    """Each workflow that changes data, called on Medway as an editor would call it."""
    appendix = FIXTURES / "imports" / "docx" / "styled.docx"
    return {
        "start a period": lambda actor: workflows.start_period(store, actor, "medway", "2024"),
        "confirm carried scores": lambda actor: workflows.confirm_scores(store, actor, "medway", "2023"),
        "save a key area": lambda actor: workflows.save_edits(store, actor, "medway", "2023",
                                                              [EntryEdit("1", base_version=1, comment="x")]),
        "edit an action": lambda actor: workflows.edit_action(store, actor, "medway", 1, status="done", owner=None,
                                                              due=None, rag=None),
        "preview an import": lambda actor: workflows.preview_import(store, actor, "medway", appendix.name, appendix),
        "delete a period": lambda actor: workflows.delete_period(store, actor, "medway", "2022"),
        "add an organisation": lambda actor: workflows.add_organisation(store, actor, "kent", "Kent County Council"),
        "load the examples": lambda actor: workflows.load_examples(store, actor),
        "restore": lambda actor: workflows.restore(store, actor, b"{}", source="x.json"),
    }


def _every_read(store):
    return {
        "record": lambda actor: queries.record(store, actor, "medway"),
        "summary": lambda actor: queries.period_summary(store, actor, "medway", "2023"),
        "report": lambda actor: queries.report(store, actor, "medway", "2023"),
        "actions": lambda actor: queries.actions(store, actor, "medway"),
        "history": lambda actor: queries.history(store, actor, "medway", "2023", "1"),
        "backup": lambda actor: workflows.backup(store, actor),
    }


@pytest.mark.parametrize("actor", [VISITOR, REVIEWER, OTHER_EDITOR], ids=["visitor", "reviewer", "other editor"])
def test_every_change_is_refused_to_someone_without_the_right(medway_saved, actor):
    before = stored(medway_saved, "medway")
    for what, change in _every_change(medway_saved).items():
        with pytest.raises(NotAllowed):
            change(actor)
            pytest.fail(f"{what} was allowed to {actor.name}")
    assert stored(medway_saved, "medway") == before
    assert [o.id for o in queries.organisations(medway_saved, LOCAL_ACTOR)] == ["medway"]


@pytest.mark.parametrize("actor", [VISITOR, OTHER_EDITOR], ids=["visitor", "other editor"])
def test_every_read_is_refused_to_someone_of_another_organisation(medway_saved, actor):
    for what, read in _every_read(medway_saved).items():
        with pytest.raises(NotAllowed):
            read(actor)
            pytest.fail(f"{what} was shown to {actor.name}")
    assert queries.organisations(medway_saved, actor) == []


def test_a_reviewer_reads_and_an_editor_edits_but_does_not_administer(medway_saved):
    assert queries.record(medway_saved, REVIEWER, "medway").record.organisation.name == "Medway Council"
    assert [o.id for o in queries.organisations(medway_saved, REVIEWER)] == ["medway"]
    workflows.start_period(medway_saved, EDITOR, "medway", "2024")
    with pytest.raises(NotAllowed, match="medway officer may not administer the records of 'medway'"):
        workflows.delete_period(medway_saved, EDITOR, "medway", "2024")
    history = queries.history(medway_saved, EDITOR, "medway", "2024", "1")
    assert (history[0].by, history[0].change) == ("medway officer", "started, carried forward from 2023")


def test_start_period_follows_the_organisations_framework(medway_saved, tiny):
    with pytest.raises(AssessmentError, match="no framework with id 'tiny-kit'"):
        workflows.start_period(medway_saved, LOCAL_ACTOR, "medway", "2024", framework_id="tiny-kit")
    started = workflows.start_period(medway_saved, LOCAL_ACTOR, "medway", "2024")
    assert (started.carried, started.carried_from) == (59, "2023")
    assert stored(medway_saved, "medway").framework_id == "nps-2018"
    with pytest.raises(AlreadyExists):
        workflows.start_period(medway_saved, LOCAL_ACTOR, "medway", "2024")
    with pytest.raises(AssessmentError, match="is not a period"):
        workflows.start_period(medway_saved, LOCAL_ACTOR, "medway", "next year")


def test_starting_a_period_copies_no_actions_and_deleting_it_takes_only_its_own(medway_saved):
    def counts():
        record = stored(medway_saved, "medway")
        return {p.period: sum(len(e.actions) for e in p.entries.values()) for p in record.periods}
    assert counts() == {"2022": 12, "2023": 10}
    started = workflows.start_period(medway_saved, LOCAL_ACTOR, "medway", "2024")
    assert started.actions == 21 and counts() == {"2022": 12, "2023": 10, "2024": 0}
    workflows.save_edits(medway_saved, LOCAL_ACTOR, "medway", "2024",
                         [EntryEdit("1", base_version=1, actions=[{"text": "Brief the new cabinet"}])])
    deleted = workflows.delete_period(medway_saved, LOCAL_ACTOR, "medway", "2024")
    assert (deleted.entries, deleted.actions) == (59, 1)
    assert counts() == {"2022": 12, "2023": 10}
    with pytest.raises(NotFound):
        workflows.delete_period(medway_saved, LOCAL_ACTOR, "medway", "2024")


def test_confirm_carried_scores(medway_saved):
    workflows.start_period(medway_saved, LOCAL_ACTOR, "medway", "2024")
    assert workflows.confirm_scores(medway_saved, LOCAL_ACTOR, "medway", "2024", [("objective", "3")]) == \
        [("objective", "3")]
    period = stored(medway_saved, "medway").period("2024")
    assert not period.entries["3"].carried and period.entries["3"].version == 2
    assert period.entries["3"].score == Score(2.5) and period.entries["4"].carried
    assert len(workflows.confirm_scores(medway_saved, LOCAL_ACTOR, "medway", "2024")) == 58
    with pytest.raises(NotFound):
        workflows.confirm_scores(medway_saved, LOCAL_ACTOR, "medway", "2024", [("objective", "99")])


def test_save_edits_is_all_checked_first_then_one_transaction(medway_saved):
    edits = [EntryEdit("1", base_version=1, score="4 – Leader", comment="Better."),
             EntryEdit("2", base_version=1, score="7")]
    with pytest.raises(ScoreError, match="objective 2: '7' is not a level"):
        workflows.save_edits(medway_saved, LOCAL_ACTOR, "medway", "2023", edits)
    assert stored(medway_saved, "medway").period("2023").entries["1"].version == 1   # nothing written
    with pytest.raises(NotFound, match="nps-2018 has no objective '999'"):
        workflows.save_edits(medway_saved, LOCAL_ACTOR, "medway", "2023", [EntryEdit("999", comment="x")])
    result = workflows.save_edits(medway_saved, LOCAL_ACTOR, "medway", "2023", edits[:1])
    assert result.saved == [("objective", "1")] and result.stale == {}
    again = workflows.save_edits(medway_saved, Actor("bob", every_right=True), "medway", "2023",
                                 [EntryEdit("1", base_version=1, comment="Bob's words."),
                                  EntryEdit("5", base_version=1, comment="Fine.")])
    assert again.saved == [("objective", "5")]
    assert again.stale[("objective", "1")].comment == "Better."
    assert stored(medway_saved, "medway").period("2023").entries["1"].comment == "Better."


def test_edit_an_action_and_record_its_progress(medway_saved):
    action = stored(medway_saved, "medway").period("2023").entries["3"].actions[0]
    changed = workflows.edit_action(medway_saved, LOCAL_ACTOR, "medway", action.id, status="in progress",
                                    owner=" Category Management ", due=date(2027, 3, 21), rag="amber",
                                    note="Programme drafted", on=date(2026, 11, 30))
    assert (changed.status, changed.owner, changed.rag) == ("in progress", "Category Management", "amber")
    again = stored(medway_saved, "medway").period("2023").entries["3"]
    assert (again.actions[0].status, again.actions[0].due, again.version) == ("in progress", date(2027, 3, 21), 1)
    assert [(u.status, u.on, u.note, u.period, u.by) for u in again.actions[0].updates] == [
        ("in progress", date(2026, 11, 30), "Programme drafted", "2023", "local user")]
    note_only = workflows.edit_action(medway_saved, LOCAL_ACTOR, "medway", action.id, owner="Category Management",
                                      due=None, rag=None, note="Waiting for the new rules")
    assert [u.note for u in note_only.updates] == ["Programme drafted", "Waiting for the new rules"]
    assert note_only.updates[-1].status == "in progress" and note_only.updates[-1].on == date.today()
    with pytest.raises(NotFound, match="medway has no action 999999"):
        workflows.edit_action(medway_saved, LOCAL_ACTOR, "medway", 999999, status="done", owner=None, due=None,
                              rag=None)
    with pytest.raises(AssessmentError, match="'finished' is not an action status"):
        workflows.edit_action(medway_saved, LOCAL_ACTOR, "medway", action.id, status="finished", owner=None,
                              due=None, rag=None)


def test_an_approved_periods_action_records_progress_but_keeps_its_owner_and_due_date(medway_saved):
    """2022 is approved: a new owner sent with progress is refused whole (the page no longer offers
    it), and nothing is saved; progress with the owner and due date as approved is saved."""
    action = stored(medway_saved, "medway").period("2022").entries["7"].actions[0]
    with pytest.raises(AssessmentError, match="2022 is approved, so it cannot be given a new owner or due date for "
                       "its actions: their progress can still be recorded, and an action that needs a new date is "
                       "marked dropped here and raised again in the period being scored"):
        workflows.edit_action(medway_saved, LOCAL_ACTOR, "medway", action.id, status="done",
                              owner="Workforce Development", due=action.due, rag="green", note="Launched")
    assert stored(medway_saved, "medway").period("2022").entries["7"].actions[0] == action
    saved = workflows.edit_action(medway_saved, LOCAL_ACTOR, "medway", action.id, status="done", owner=action.owner,
                                  due=action.due, rag="green", note="Launched")
    assert (saved.status, saved.owner, saved.rag, saved.updates[-1].note) == ("done", action.owner, "green", "Launched")


def test_an_action_of_another_organisation_cannot_be_reached(medway_saved, worcestershire):
    save_record(medway_saved, worcestershire)
    workflows.add_organisation(medway_saved, LOCAL_ACTOR, "kent", "Kent County Council")
    medway_action = stored(medway_saved, "medway").period("2023").entries["3"].actions[0]
    kent_editor = Actor("kent officer", roles={"kent": "editor"})
    with pytest.raises(NotFound):
        workflows.edit_action(medway_saved, kent_editor, "kent", medway_action.id, status="done", owner=None,
                              due=None, rag=None)


def test_the_import_workflow_refuses_what_it_cannot_read(medway_saved, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("notes")
    with pytest.raises(AssessmentError, match="choose a Word appendix"):
        workflows.preview_import(medway_saved, LOCAL_ACTOR, "medway", path.name, path)
    styled = FIXTURES / "imports" / "docx" / "styled.docx"   # 2022 and 2023
    reopened(medway_saved, "medway", "2022")
    prepared = workflows.preview_import(medway_saved, LOCAL_ACTOR, "medway", styled.name, styled)
    assert prepared.organisation == "Medway Council" and prepared.framework.id == "nps-2018"
    assert [p.period for p in prepared.periods] == [p.period for p in prepared.plan.periods]


def test_an_organisation_name_longer_than_the_database_keeps_is_refused(store):
    """SQLite would keep it and PostgreSQL refuse it: both are told the same, before anything is written."""
    with pytest.raises(AssessmentError, match="^cannot add this organisation: the organisation's name is 100,000 "
                                              "characters long; up to 200 can be kept$"):
        workflows.add_organisation(store, LOCAL_ACTOR, "long", "n" * 100_000)
    assert queries.organisations(store, LOCAL_ACTOR) == []
