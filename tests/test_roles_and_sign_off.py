"""Who may do what, sign-off and history (issue 14): every workflow and every query is called as a
councillor (reviewer), as an editor of another organisation and as a signed-out visitor, and each
is refused with nothing changed; an approved period refuses every change except its actions'
progress; history says what changed and an earlier version can be restored; an import is undone
as one change; people are added by email and bound to the identity they first sign in with.
Run on SQLite and PostgreSQL."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from datetime import date, timedelta

import pytest

from assessment import workflows
from assessment.domain.covering import CoveringReport
from assessment.domain.edits import EntryEdit, PlanEdit
from assessment.domain.errors import AssessmentError, InvalidEdit, NotAllowed, NotFound, PeriodLocked
from assessment.domain.scores import Score
from assessment.storage import backup as backup_module
from assessment.workflows import LOCAL_ACTOR, SIGNED_OUT, Actor, queries

from .conftest import FIXTURES, ROOT, save_record, stored

ADMIN = Actor("head@medway.gov.uk", roles={"medway": "administrator"})
EDITOR = Actor("officer@medway.gov.uk", roles={"medway": "editor"})
REVIEWER = Actor("councillor@medway.gov.uk", roles={"medway": "reviewer"})
OTHER_EDITOR = Actor("officer@kent.gov.uk", roles={"kent": "editor"})
APPENDIX = FIXTURES / "imports" / "docx" / "styled.docx"     # Medway 2022 and 2023, ten objectives
REPORT_TEXT = FIXTURES / "report-text" / "medway-2024.yaml"
OUTSIDERS = [REVIEWER, OTHER_EDITOR, SIGNED_OUT]
OUTSIDER_IDS = ["reviewer", "editor of another organisation", "signed out"]


@pytest.fixture
def medway_year(store, medway):
    """Medway's record (2022 and 2023 approved, as in the example data) and a draft 2024 started
    from it, with an import into 2024 to undo and Kent as a second organisation."""
    save_record(store, medway)
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council")
    workflows.start_period(store, EDITOR, "medway", "2024")
    workflows.save_edits(store, EDITOR, "medway", "2024", [EntryEdit("1", base_version=1, comment="First try")])
    return store


def _an_import(store):
    """Medway's 2023 appendix imported into 2024 (a draft): the file's periods renamed."""
    prepared = workflows.preview_import(store, EDITOR, "medway", "styled.xlsx", _sheet_for_2024(store))
    workflows.apply_import(store, EDITOR, prepared)
    return queries.imports(store, EDITOR, "medway")[0]


def _sheet_for_2024(store) -> bytes:
    lines = ["Period,Objective number,Score,Comment", "2024,2,4,Imported comment", "2024,3,2/3,Imported too"]
    return ("\n".join(lines) + "\n").encode()


def _every_change(store, imported_event: int, prepared):
    """Every workflow that changes data, called on Medway's draft 2024 as its editor would."""
    edit = EntryEdit("1", base_version=2, comment="x")
    return {
        "start_period": lambda a: workflows.start_period(store, a, "medway", "2025"),
        "confirm_scores": lambda a: workflows.confirm_scores(store, a, "medway", "2024"),
        "save_edits": lambda a: workflows.save_edits(store, a, "medway", "2024", [edit]),
        "keep_draft": lambda a: workflows.keep_draft(store, a, "medway", "2024", edit),
        "discard_drafts": lambda a: workflows.discard_drafts(store, a, "medway", "2024"),
        "save_drafts": lambda a: workflows.save_drafts(store, a, "medway", "2024"),
        "keep_mine": lambda a: workflows.keep_mine(store, a, "medway", "2024", ("objective", "1")),
        "set_key_area_target": lambda a: workflows.set_key_area_target(store, a, "medway", "2024",
                                                                       "engaging-councillors", "4", "2025"),
        "take_drafts_here": lambda a: workflows.take_drafts_here(store, a, "medway", "2024", tab="another-tab"),
        "edit_action": lambda a: workflows.edit_action(store, a, "medway", 1, status="done", owner=None, due=None,
                                                       rag=None),
        "restore_version": lambda a: workflows.restore_version(store, a, "medway", "2024", "1", 1),
        "preview_import": lambda a: workflows.preview_import(store, a, "medway", "a.csv", _sheet_for_2024(store)),
        "apply_import": lambda a: workflows.apply_import(store, a, prepared),
        "import_record": lambda a: workflows.import_record(store, a, stored(store, "medway"), replace=True),
        "undo_import": lambda a: workflows.undo_import(store, a, "medway", imported_event),
        "delete_period": lambda a: workflows.delete_period(store, a, "medway", "2024"),
        "submit_period": lambda a: workflows.submit_period(store, a, "medway", "2024"),
        "approve_period": lambda a: workflows.approve_period(store, a, "medway", "2023", decision="Cabinet"),
        "reopen_period": lambda a: workflows.reopen_period(store, a, "medway", "2023", reason="mistake"),
        "withdraw_period": lambda a: workflows.withdraw_period(store, a, "medway", "2024", reason="mistake"),
        "add_organisation": lambda a: workflows.add_organisation(store, a, "surrey", "Surrey County Council"),
        "add_person": lambda a: workflows.add_person(store, a, "someone@medway.gov.uk", "medway", "editor"),
        "remove_person": lambda a: workflows.remove_person(store, a, "head@medway.gov.uk", "medway"),
        "load_examples": lambda a: workflows.load_examples(store, a),
        "backup": lambda a: workflows.backup(store, a),
        "restore": lambda a: workflows.restore(store, a, b"{}", source="x.json"),
        "save_dated_backup": lambda a: workflows.save_dated_backup(store, a, ROOT / "no-such-folder", keep=1),
        "check_backup": lambda a: workflows.check_backup(store, a, b"{}", source="x.json"),
        "people": lambda a: workflows.people(store, a, "medway"),
        "everyone": lambda a: workflows.everyone(store, a),
        "unbind_person": lambda a: workflows.unbind_person(store, a, "head@medway.gov.uk", "a test"),
        "sign_in_log": lambda a: workflows.sign_in_log(store, a),
        "notify": lambda a: workflows.notify(store, a, today=date(2026, 11, 21), mailer=None),
        "reminder_log": lambda a: workflows.reminder_log(store, a),
        "set_reminders": lambda a: workflows.set_reminders(store, a, "head@medway.gov.uk", False),
        "reminders_on": lambda a: workflows.reminders_on(store, a, "head@medway.gov.uk"),
        "action_owners": lambda a: workflows.action_owners(store, a, "medway"),
        "save_covering": lambda a: workflows.save_covering(store, a, "medway", "2024", CoveringReport(author="Anyone")),
        "import_covering": lambda a: workflows.import_covering(store, a, "medway", "2024", REPORT_TEXT),
        "set_report_shape": lambda a: workflows.set_report_shape(store, a, "medway", None),
        "start_plan_period": lambda a: workflows.start_plan_period(store, a, "medway", "2025", plan_id="stevenage-2021"),
        "rate_plan": lambda a: workflows.rate_plan(store, a, "medway", "2024", []),
        "import_plan_record": lambda a: workflows.import_plan_record(
            store, a, ROOT / "data" / "examples" / "plans" / "medway-plan.yaml", replace=True),
        "erase_person": lambda a: workflows.erase_person(store, a, "head@medway.gov.uk", "Left"),
        "personal_data_of": lambda a: workflows.personal_data_of(store, a, "head@medway.gov.uk"),
        "delete_organisation": lambda a: workflows.delete_organisation(store, a, "medway", "Medway Council"),
        "run_retention": lambda a: workflows.run_retention(store, a, today=date(2026, 11, 21), days={},
                                                           dry_run=False),
        "open_round": lambda a: workflows.open_round(store, a, "medway", "2024", closes=date.today() + timedelta(days=9)),
        "invite": lambda a: workflows.invite(store, a, 1, "x@partner.org", department="Legal", perspectives=["legal"]),
        "revoke": lambda a: workflows.revoke(store, a, 1, "x@partner.org"),
        "answer_as": lambda a: workflows.answer_as(store, a, 1, {"1": ("3", "")}),
        "import_answers": lambda a: workflows.import_answers(store, a, 1, "x@partner.org", {"1": ("3", "")}),
        "close_round": lambda a: workflows.close_round(store, a, 1),
        "round_spread": lambda a: workflows.round_spread(store, a, 1),
        "moderate": lambda a: workflows.moderate(store, a, 1, "1", "3"),
        "apply_round": lambda a: workflows.apply_round(store, a, 1),
        "rounds_of": lambda a: workflows.rounds_of(store, a, "medway"),
        "round_answers": lambda a: workflows.round_answers(store, a, 1),
        "set_moderators": lambda a: workflows.set_moderators(store, a, 1, []),
        "send_invitation": lambda a: workflows.send_invitation(store, a, 1, "y@partner.org", department="Legal",
                                                               perspectives=["legal"], base_url="http://localhost",
                                                               mailer=None),
        "peers_opt_in": lambda a: workflows.peers_opt_in(store, a, "medway", "2023"),
        "peers_withdraw": lambda a: workflows.peers_withdraw(store, a, "medway", "2023"),
        "peers_opted_in": lambda a: workflows.peers_opted_in(store, a, "medway"),
        "add_club": lambda a: workflows.add_club(store, a, "Club", ["medway", "kent"]),
        "peer_groups": lambda a: workflows.peer_groups(store, a),
        "publish_release": lambda a: workflows.publish_release(store, a),
        "peer_releases": lambda a: workflows.peer_releases(store, a),
        "peer_series": lambda a: workflows.peer_series(store, a),
        "peers_put_forward": lambda a: workflows.peers_put_forward(store, a),
        "remove_peer_document": lambda a: workflows.remove_peer_document(store, a, "club", "Club"),
        "set_organisation_place": lambda a: workflows.set_organisation_place(store, a, "medway", "unitary", None),
        "add_series": lambda a: workflows.add_series(store, a, "National", source="LGA", year=2025,
                                                     framework_id="nps-2018", levels={"engaging-councillors": 3}),
        "paper_questionnaire": lambda a: workflows.paper_questionnaire(store, a, 1, "x@partner.org"),
        "import_paper_answers": lambda a: workflows.import_paper_answers(
            store, a, 1, "x@partner.org", b'answers:\n  - objective: "1"\n    score: 3\n', source="a.yaml"),
    }


def _everything_stored(store):
    """All that a refusal must leave as it was: the record, its history, people, drafts and events."""
    record = stored(store, "medway")
    versions = {(p.period, k): [v.entry for v in queries.history(store, LOCAL_ACTOR, "medway", p.period, k)]
                for p in record.periods for k in p.entries}
    return (record, versions, workflows.everyone(store, LOCAL_ACTOR), queries.period_history(store, LOCAL_ACTOR, "medway"),
            queries.drafts(store, LOCAL_ACTOR, "medway"), [o.id for o in queries.organisations(store, LOCAL_ACTOR)])


# Answer whether an actor may change a period, or moderate a round; change nothing (tests/test_lock.py,
# tests/test_round_kinds.py).
QUESTIONS = {"may_change", "may_moderate"}


def test_every_workflow_is_in_the_refusal_table(medway_year):
    """A workflow added later must be added to the table above (so that it is checked too)."""
    taking_an_actor = {name for name in workflows.__all__ if name not in QUESTIONS
                       if inspect.isfunction(getattr(workflows, name)) and "actor" in _parameters(getattr(workflows, name))}
    assert taking_an_actor == set(_every_change(medway_year, 0, None))


def _parameters(function) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


@pytest.mark.parametrize("actor", OUTSIDERS, ids=OUTSIDER_IDS)
def test_every_workflow_refuses_those_without_the_right(medway_year, actor):
    event = _an_import(medway_year)
    workflows.add_person(medway_year, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    prepared = workflows.preview_import(medway_year, EDITOR, "medway", "b.csv", _sheet_for_2024(medway_year))
    workflows.keep_draft(medway_year, EDITOR, "medway", "2024", EntryEdit("5", base_version=1, comment="draft"))
    workflows.confirm_scores(medway_year, EDITOR, "medway", "2024")
    workflows.submit_period(medway_year, EDITOR, "medway", "2024", ignore_drafts=True)
    workflows.reopen_period(medway_year, LOCAL_ACTOR, "medway", "2024", reason="to test")
    before = _everything_stored(medway_year)
    for what, change in _every_change(medway_year, event.id, prepared).items():
        with pytest.raises(NotAllowed):
            change(actor)
            pytest.fail(f"{what} was allowed to {actor.name}")
    assert _everything_stored(medway_year) == before


def _every_query(store, period: str):
    return {
        "organisations": lambda a: "medway" in [o.id for o in queries.organisations(store, a)] or _refused(),
        "record": lambda a: queries.record(store, a, "medway"),
        "record_with_periods": lambda a: queries.record_with_periods(store, a, "medway", period),
        "period_summary": lambda a: queries.period_summary(store, a, "medway", period),
        "report": lambda a: queries.report(store, a, "medway", period),
        "actions": lambda a: queries.actions(store, a, "medway"),
        "history": lambda a: queries.history(store, a, "medway", period, "1"),
        "period_history": lambda a: queries.period_history(store, a, "medway", period),
        "imports": lambda a: queries.imports(store, a, "medway"),
        "drafts": lambda a: queries.drafts(store, a, "medway", period),
        "record_export": lambda a: queries.record_export(store, a, "medway"),
        "frameworks_to_start": lambda a: queries.frameworks_to_start(store, a, "medway"),   # an editor's choice
        "taken_back": lambda a: queries.taken_back(store, a, "medway"),
        "names": lambda a: queries.names(store, a, "medway"),
        "managed_organisations": lambda a: "medway" in [o.id for o in queries.managed_organisations(store, a)]
        or _refused(),
        "covering": lambda a: queries.covering(store, a, "medway", period),
        "covering_versions": lambda a: queries.covering_versions(store, a, "medway", period),
        "plan_report": lambda a: queries.plan_report(store, a, "medway", period),
        "plan_record": lambda a: queries.plan_record(store, a, "medway"),
        "plan_history": lambda a: queries.plan_history(store, a, "medway", period, "outcome", "local-suppliers"),
        "round_report": lambda a: queries.round_report(store, a, "medway", period),
        "peer_view": lambda a: queries.peer_view(store, a, "medway", period),
        "round_view": lambda a: queries.round_view(store, a, 1),
        "my_questionnaires": lambda a: queries.my_questionnaires(store, a) or _refused(),
    }


def _refused():
    raise NotAllowed("nothing shown")


def test_every_query_is_in_the_table(medway_year):
    asked = {name for name, f in vars(queries).items() if inspect.isfunction(f) and f.__module__ == queries.__name__
             and not name.startswith("_") and "actor" in _parameters(f)}
    assert asked == set(_every_query(medway_year, "2024"))


@pytest.mark.parametrize("actor", [OTHER_EDITOR, SIGNED_OUT], ids=["editor of another organisation", "signed out"])
def test_another_organisation_and_a_signed_out_visitor_read_nothing(medway_year, actor):
    for period in ("2023", "2024"):     # approved and draft alike
        for what, read in _every_query(medway_year, period).items():
            with pytest.raises(NotAllowed):
                read(actor)
                pytest.fail(f"{what} of {period} was shown to {actor.name}")


DEPLOYER = Actor("it@council.gov.uk", administers_deployment=True)   # the deployment's administrator, no role
DEPLOYMENT_WORK = {"add_organisation", "add_person", "remove_person", "load_examples", "backup", "restore", "people",
                   "save_dated_backup", "check_backup",
                   "everyone", "unbind_person", "sign_in_log", "notify", "reminder_log", "set_reminders", "reminders_on",
                   # personal data: the law's requests reach into records (docs/privacy.md), and are theirs to answer
                   "erase_person", "personal_data_of", "delete_organisation", "run_retention",
                   # peer comparison's clubs, releases and outside series are the deployment's
                   "add_club", "peer_groups", "publish_release", "peer_releases", "add_series", "peer_series",
                   "peers_put_forward", "remove_peer_document", "set_organisation_place"}


def test_the_deployment_administrator_manages_organisations_and_people_but_sees_no_record_without_a_role(medway_year):
    """With sign-in on, administering the deployment (organisations, people, backups) is not a role at
    a council: every change to Medway's record and every read of it is refused until they hold a
    role there; the local user of local mode keeps every right."""
    event = _an_import(medway_year)
    workflows.add_person(medway_year, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    signs_in(medway_year, "sub-head", "head@medway.gov.uk")
    prepared = workflows.preview_import(medway_year, EDITOR, "medway", "b.csv", _sheet_for_2024(medway_year))
    before = _everything_stored(medway_year)
    for what, change in _every_change(medway_year, event.id, prepared).items():
        if what in DEPLOYMENT_WORK:
            continue
        with pytest.raises(NotAllowed):
            change(DEPLOYER)
            pytest.fail(f"{what} was allowed to the deployment's administrator")
    for period in ("2023", "2024"):
        for what, read in _every_query(medway_year, period).items():
            if what == "managed_organisations":
                continue
            with pytest.raises(NotAllowed):
                read(DEPLOYER)
                pytest.fail(f"{what} of {period} was shown to the deployment's administrator")
    assert _everything_stored(medway_year) == before
    # what is theirs to do
    assert [o.id for o in queries.managed_organisations(medway_year, DEPLOYER)] == ["kent", "medway"]
    assert [p.email for p in workflows.people(medway_year, DEPLOYER, "medway").people] == ["head@medway.gov.uk"]
    workflows.add_organisation(medway_year, DEPLOYER, "surrey", "Surrey County Council")
    workflows.add_person(medway_year, DEPLOYER, "head@surrey.gov.uk", "surrey", "administrator")
    workflows.unbind_person(medway_year, DEPLOYER, "head@medway.gov.uk", "new account")
    assert json.loads(workflows.backup(medway_year, DEPLOYER))["counts"]["organisations"] == 3
    # a role makes the record theirs to see, as anyone's
    workflows.add_person(medway_year, DEPLOYER, "it@council.gov.uk", "medway", "reviewer")
    reviewing = Actor("it@council.gov.uk", administers_deployment=True, roles={"medway": "reviewer"})
    assert [p.period for p in queries.record(medway_year, reviewing, "medway").record.periods] == ["2022", "2023"]
    with pytest.raises(NotAllowed):
        workflows.submit_period(medway_year, reviewing, "medway", "2024")
    assert [e.describe() for e in workflows.people(medway_year, DEPLOYER, "medway").changes][:2] == [
        "it@council.gov.uk: no role → reviewer", "head@medway.gov.uk: freed from the account they signed in with "
        "(new account)"]
    # the local user (no sign-in) keeps every right
    for what in ("record", "report", "drafts"):
        _every_query(medway_year, "2024")[what](LOCAL_ACTOR)
    workflows.confirm_scores(medway_year, LOCAL_ACTOR, "medway", "2024")
    workflows.submit_period(medway_year, LOCAL_ACTOR, "medway", "2024")


def test_a_reviewer_reads_only_what_was_put_before_them(medway_year):
    """A councillor sees submitted and approved periods (2022, 2023), never the draft 2024 nor
    anyone's drafts, imports or the editors' history of work in progress."""
    workflows.keep_draft(medway_year, EDITOR, "medway", "2024", EntryEdit("5", base_version=1, comment="draft"))
    seen = queries.record(medway_year, REVIEWER, "medway").record
    assert [p.period for p in seen.periods] == ["2022", "2023"]
    assert [o.id for o in queries.organisations(medway_year, REVIEWER)] == ["medway"]
    queries.report(medway_year, REVIEWER, "medway", "2023")
    assert queries.history(medway_year, REVIEWER, "medway", "2023", "1")
    assert [p["period"] for p in queries.record_export(medway_year, REVIEWER, "medway")["periods"]] == ["2022", "2023"]
    assert "drafts" not in queries.record_export(medway_year, REVIEWER, "medway") or \
        not queries.record_export(medway_year, REVIEWER, "medway")["drafts"]
    for what, read in _every_query(medway_year, "2024").items():
        if what in ("organisations", "record", "actions", "record_export", "taken_back", "names", "plan_record"):
            continue   # read above: 2024 is simply not in them (taken_back: below; names: of no period)
        with pytest.raises((NotAllowed, NotFound)):
            read(REVIEWER)
            pytest.fail(f"{what} of the draft 2024 was shown to a reviewer")
    actions, view = queries.actions(medway_year, REVIEWER, "medway")
    assert {row.period for row in actions} <= {"2022", "2023"}
    workflows.start_plan_period(medway_year, EDITOR, "medway", "2024/25", plan_id="stevenage-2021")
    workflows.rate_plan(medway_year, EDITOR, "medway", "2024/25", [PlanEdit("outcome", "reduce-waste", rating="Red")])
    assert queries.plan_record(medway_year, REVIEWER, "medway").record.periods == []   # the plan's draft too
    assert [p.period for p in queries.plan_record(medway_year, EDITOR, "medway").record.periods] == ["2024/25"]
    workflows.submit_period(medway_year, EDITOR, "medway~plan", "2024/25")
    assert [p.period for p in queries.plan_record(medway_year, REVIEWER, "medway").record.periods] == ["2024/25"]
    workflows.confirm_scores(medway_year, EDITOR, "medway", "2024")
    workflows.submit_period(medway_year, EDITOR, "medway", "2024", ignore_drafts=True)
    assert [p.period for p in queries.record(medway_year, REVIEWER, "medway").record.periods] == ["2022", "2023", "2024"]


# ---------------------------------------------------------------- sign-off and the lock

def test_a_period_moves_draft_submitted_approved_and_reopens_with_a_reason(medway_year):
    with pytest.raises(AssessmentError, match="2024 is draft, so it cannot be approved; only a period that is "
                                              "submitted can"):
        workflows.approve_period(medway_year, ADMIN, "medway", "2024", decision="Cabinet")
    with pytest.raises(AssessmentError, match="^2024 has 58 scores carried forward and not yet confirmed; confirm "
                                              "or change them on the Score a key area page before submitting it$"):
        workflows.submit_period(medway_year, EDITOR, "medway", "2024")   # objective 1 was saved, 58 are carried
    workflows.confirm_scores(medway_year, EDITOR, "medway", "2024")
    submitted = workflows.submit_period(medway_year, EDITOR, "medway", "2024")
    assert (submitted.status, submitted.status_line()) == ("submitted", "Submitted for approval")
    with pytest.raises(NotAllowed, match="officer@medway.gov.uk may not administer"):
        workflows.approve_period(medway_year, EDITOR, "medway", "2024", decision="Cabinet")
    with pytest.raises(InvalidEdit, match="say whose decision approved it"):
        workflows.approve_period(medway_year, ADMIN, "medway", "2024", decision="  ")
    approved = workflows.approve_period(medway_year, ADMIN, "medway", "2024", decision="Cabinet",
                                        on=date(2025, 2, 13), minute="Minute 123/2025")
    assert approved.status_line() == "Approved by Cabinet on 13 February 2025 (Minute 123/2025)"
    assert (approved.approval.by, approved.locked) == ("head@medway.gov.uk", True)
    assert stored(medway_year, "medway").period("2024").approval == approved.approval   # kept, as read again
    with pytest.raises(InvalidEdit, match="give the reason"):
        workflows.reopen_period(medway_year, ADMIN, "medway", "2024", reason="")
    with pytest.raises(NotAllowed):
        workflows.reopen_period(medway_year, EDITOR, "medway", "2024", reason="A late change")
    reopened = workflows.reopen_period(medway_year, ADMIN, "medway", "2024", reason="Scores for 17 were wrong")
    assert (reopened.status, reopened.approval, reopened.status_line()) == ("draft", None, "DRAFT")
    events = queries.period_history(medway_year, EDITOR, "medway", "2024")
    assert [(e.kind, e.person) for e in events][:3] == [("reopened", "head@medway.gov.uk"),
                                                    ("approved", "head@medway.gov.uk"),
                                                    ("submitted", "officer@medway.gov.uk")]
    assert events[0].details["reason"] == "Scores for 17 were wrong"
    assert events[1].details == {"decision": "Cabinet", "on": "2025-02-13", "minute": "Minute 123/2025"}


def test_an_approved_period_refuses_every_change_but_its_actions_progress(medway_year):
    """Medway's 2023 is approved: saving, drafts, confirming, restoring, importing into it, replacing
    it and deleting it are refused with the way out named; its actions go on recording progress."""
    before = stored(medway_year, "medway").period("2023")
    entry = before.entries["1"]
    action = next(a for e in before.entries.values() for a in e.actions)
    edit = EntryEdit("1", base_version=entry.version, comment="changed after approval")
    sheet = b"Period,Objective number,Score,Comment\n2023,2,4,late\n"
    refused = {
        "save": lambda: workflows.save_edits(medway_year, EDITOR, "medway", "2023", [edit]),
        "draft": lambda: workflows.keep_draft(medway_year, EDITOR, "medway", "2023", edit),
        "confirm": lambda: workflows.confirm_scores(medway_year, EDITOR, "medway", "2023"),
        "restore": lambda: workflows.restore_version(medway_year, EDITOR, "medway", "2023", "1", 1),
        "preview an import": lambda: workflows.preview_import(medway_year, EDITOR, "medway", "late.csv", sheet),
        "replace": lambda: workflows.import_record(medway_year, ADMIN, stored(medway_year, "medway"), replace=True),
        "delete": lambda: workflows.delete_period(medway_year, LOCAL_ACTOR, "medway", "2023"),
        "new owner": lambda: workflows.edit_action(medway_year, EDITOR, "medway", action.id, owner="Someone else",
                                                   due=action.due, rag=action.rag),
    }
    for what, change in refused.items():
        with pytest.raises(PeriodLocked, match=r"^202[23] is approved, so it cannot be .*; an administrator can "
                                               r"reopen it, giving a reason$") as caught:
            change()
            pytest.fail(f"{what} changed an approved period")
        assert "\n" not in str(caught.value)
    assert stored(medway_year, "medway").period("2023") == before
    done = workflows.edit_action(medway_year, EDITOR, "medway", action.id, owner=action.owner, due=action.due,
                                 rag="green", status="done", note="Delivered in March", on=date(2025, 3, 31))
    assert (done.status, done.rag, done.updates[-1].note) == ("done", "green", "Delivered in March")
    after = stored(medway_year, "medway").period("2023")
    assert after.status == "approved" and after.entries["1"].score == entry.score


def test_the_cli_signs_off_and_refuses_an_import_into_an_approved_period_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args, code=0):
        result = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args],
                                capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == code, result.stderr
        return result

    run("demo")
    refused = run("import", "appendix", str(APPENDIX), "--org", "medway", code=2)
    assert refused.stderr.strip() == ("error: 2022 is approved, so it cannot be imported into; an administrator "
                                      "can reopen it, giving a reason")
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "medway 2023: reopened as a draft" in run("period", "reopen", "2023", "--org", "medway", "--reason", "Late scores").stdout
    assert "medway 2023: Submitted for approval" in run("period", "submit", "2023", "--org", "medway").stdout
    out = run("period", "approve", "2023", "--org", "medway", "--committee", "Cabinet", "--date", "2024-02-13",
              "--minute", "Minute 99/2024").stdout
    assert "Approved by Cabinet on 13 February 2024 (Minute 99/2024)" in out
    events = json.loads(run("history", "--org", "medway", "--period", "2023", "--format", "json").stdout)
    assert [e["kind"] for e in events][:3] == ["approved", "submitted", "reopened"]
    assert events[2]["details"]["reason"] == "Late scores"
    versions = json.loads(run("history", "--org", "medway", "--period", "2023", "--objective", "1",
                              "--format", "json").stdout)
    assert versions[0]["version"] == 1 and versions[0]["snapshot"]["comment"]
    table = run("history", "--org", "medway", "--period", "2023", "--objective", "1").stdout
    assert "version 1" in table
    assert "head@medway.gov.uk: administrator at medway" in run("users", "add", "Head@Medway.gov.uk", "--org", "medway",
                                             "--role", "administrator").stdout
    run("users", "add", "cllr@medway.gov.uk", "--org", "medway", "--role", "reviewer")
    listed = json.loads(run("users", "list", "--format", "json").stdout)
    assert {p["email"]: p["roles"] for p in listed} == {"head@medway.gov.uk": {"medway": "administrator"},
                                                        "cllr@medway.gov.uk": {"medway": "reviewer"}}
    assert "cllr@medway.gov.uk: no longer reviewer at medway" in run("users", "remove", "cllr@medway.gov.uk", "--org", "medway").stdout
    bad = run("users", "add", "not an address", "--org", "medway", "--role", "editor", code=2)
    assert "is not an email address" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- history, restore, undo

def test_history_says_what_changed_and_an_earlier_version_is_restored_as_a_new_one(medway_year, nps):
    workflows.save_edits(medway_year, EDITOR, "medway", "2024",
                         [EntryEdit("1", base_version=2, score="4 – Leader", comment="Second try")])
    versions = queries.history(medway_year, EDITOR, "medway", "2024", "1")
    assert [(v.version, v.by, v.change) for v in versions] == [
        (1, "officer@medway.gov.uk", "started, carried forward from 2023"),
        (2, "officer@medway.gov.uk", "saved"), (3, "officer@medway.gov.uk", "saved")]
    carried = stored(medway_year, "medway").period("2023").entries["1"]
    assert [str(c) for c in versions[2].changes] == [f"score: {carried.score.label(nps)} → 4 – Leader",
                                                     "comment: First try → Second try"]
    with pytest.raises(NotFound):
        workflows.restore_version(medway_year, EDITOR, "medway", "2024", "1", 9)
    restored = workflows.restore_version(medway_year, EDITOR, "medway", "2024", "1", 2, expected_version=3)
    assert (restored.version, restored.comment, restored.score) == (4, "First try", carried.score)
    last = queries.history(medway_year, EDITOR, "medway", "2024", "1")[-1]
    assert (last.version, last.change) == (4, "restored version 2")
    assert [str(c) for c in last.changes] == [f"score: 4 – Leader → {carried.score.label(nps)}",
                                              "comment: Second try → First try"]


def test_an_import_is_undone_as_one_change(medway_year):
    before = stored(medway_year, "medway").period("2024")
    event = _an_import(medway_year)
    imported = stored(medway_year, "medway").period("2024")
    assert (imported.entries["2"].comment, imported.entries["3"].score) == ("Imported comment", Score(2.5))
    assert workflows.undo_import(medway_year, EDITOR, "medway", event.id) == 2
    after = stored(medway_year, "medway").period("2024")
    for item in ("2", "3"):
        assert before.entries[item].carried and after.entries[item].carried   # undoing confirms nothing
        assert (after.entries[item].score, after.entries[item].comment) == \
            (before.entries[item].score, before.entries[item].comment)
        assert after.entries[item].version == before.entries[item].version + 2   # imported, then put back
        assert queries.history(medway_year, EDITOR, "medway", "2024", item)[-1].change == "undo import styled.xlsx"
    events = queries.period_history(medway_year, EDITOR, "medway", "2024")
    assert [e.kind for e in events][:2] == ["undo import", "import"]          # the period's history names both
    assert [e.kind for e in queries.period_history(medway_year, EDITOR, "medway", "2023")][:1] != ["undo import"]
    with pytest.raises(NotFound, match="nps-2018 has no objective '999'"):
        queries.history(medway_year, EDITOR, "medway", "2024", "999")
    with pytest.raises(AssessmentError, match="was undone already"):
        workflows.undo_import(medway_year, EDITOR, "medway", event.id)


def test_an_import_changed_since_is_not_undone(medway_year):
    event = _an_import(medway_year)
    saved = stored(medway_year, "medway").period("2024").entries["2"]
    workflows.save_edits(medway_year, EDITOR, "medway", "2024",
                         [EntryEdit("2", base_version=saved.version, comment="Changed after the import")])
    with pytest.raises(AssessmentError, match="changed after it.*2024 objective 2"):
        workflows.undo_import(medway_year, EDITOR, "medway", event.id)
    assert stored(medway_year, "medway").period("2024").entries["2"].comment == "Changed after the import"


# ---------------------------------------------------------------- people and sign-in

ISSUER = "https://login.microsoftonline.com/tenant/v2.0"


def signs_in(store, subject: str, email: str | None, name: str | None = None, **claims):
    """The person acting after a sign-in with a verified address (None if refused)."""
    verified = {"email": email, "email_verified": True} if email else {}
    return workflows.sign_in(store, {"iss": ISSUER, "sub": subject, "name": name, **verified, **claims}).actor


def test_people_are_added_by_email_and_bound_to_their_identity_on_first_sign_in(medway_year):
    workflows.add_person(medway_year, LOCAL_ACTOR, "Head@Medway.gov.uk", "medway", "administrator")
    admin = signs_in(medway_year, "sub-1", "head@medway.gov.uk", "Pat Head")
    assert admin.roles == {"medway": "administrator"} and admin.name == "head@medway.gov.uk"
    # The email claim changes (or is missing): the identity still says who they are.
    assert signs_in(medway_year, "sub-1", None, "Pat Head").roles == {"medway": "administrator"}
    # Someone else presenting the same email with another identity is not let in as them.
    assert signs_in(medway_year, "sub-2", "head@medway.gov.uk", "Impostor") is None
    assert signs_in(medway_year, "sub-3", "nobody@medway.gov.uk", "Nobody") is None
    workflows.add_person(medway_year, admin, "cllr@medway.gov.uk", "medway", "reviewer")
    cllr = signs_in(medway_year, "sub-4", "CLLR@medway.gov.uk", "Cllr Smith")
    assert cllr.may("medway", "read") and not cllr.may("medway", "read drafts")
    with pytest.raises(NotAllowed, match="may not manage the people of 'medway'"):
        workflows.add_person(medway_year, cllr, "friend@medway.gov.uk", "medway", "administrator")
    with pytest.raises(NotAllowed, match="only the deployment's administrator"):
        workflows.add_organisation(medway_year, admin, "surrey", "Surrey County Council")
    with pytest.raises(NotAllowed, match="Medway Council would have no administrator left"):
        workflows.remove_person(medway_year, admin, "head@medway.gov.uk", "medway")
    workflows.add_person(medway_year, admin, "cllr@medway.gov.uk", "medway", "editor")
    assert workflows.signed_in_actor(medway_year, ISSUER, "sub-4").roles == {"medway": "editor"}   # at once
    assert workflows.remove_person(medway_year, admin, "cllr@medway.gov.uk", "medway") == "editor"
    assert workflows.signed_in_actor(medway_year, ISSUER, "sub-4").roles == {}
    changes = workflows.people(medway_year, admin, "medway").changes
    assert [(e.details["email"], e.details["before"], e.details["after"]) for e in changes] == [
        ("cllr@medway.gov.uk", "editor", None), ("cllr@medway.gov.uk", "reviewer", "editor"),
        ("cllr@medway.gov.uk", None, "reviewer"), ("head@medway.gov.uk", None, "administrator")]
    with pytest.raises(InvalidEdit, match="is not an email address"):
        workflows.add_person(medway_year, admin, "<script>@", "medway", "editor")
    with pytest.raises(InvalidEdit, match="is not a role"):
        workflows.add_person(medway_year, admin, "x@medway.gov.uk", "medway", "owner")


# ---------------------------------------------------------------- moving the database keeps it all

def test_a_move_from_sqlite_to_postgresql_keeps_people_roles_approvals_and_history(tmp_path, postgres_url, medway):
    from assessment.storage.store import open_store

    from .test_backup import wipe_postgres
    sqlite = open_store(f"sqlite:///{tmp_path / 'council.db'}")
    save_record(sqlite, medway)
    workflows.add_person(sqlite, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    workflows.add_person(sqlite, LOCAL_ACTOR, "cllr@medway.gov.uk", "medway", "reviewer")
    workflows.add_person(sqlite, LOCAL_ACTOR, "deploy@council.gov.uk", None, "deployment-administrator")
    head = signs_in(sqlite, "sub-head", "head@medway.gov.uk", "Pat Head")
    workflows.start_period(sqlite, head, "medway", "2024")
    workflows.save_edits(sqlite, head, "medway", "2024", [EntryEdit("1", base_version=1, comment="Better")])
    workflows.restore_version(sqlite, head, "medway", "2024", "1", 1)
    workflows.confirm_scores(sqlite, head, "medway", "2024")
    workflows.submit_period(sqlite, head, "medway", "2024")
    workflows.approve_period(sqlite, head, "medway", "2024", decision="Cabinet", on=date(2025, 2, 13),
                             minute="Minute 123/2025")
    data = workflows.backup(sqlite, LOCAL_ACTOR)
    assert json.loads(data)["format_version"] == backup_module.FORMAT_VERSION
    wipe_postgres(postgres_url)
    postgres = open_store(postgres_url)
    try:
        counts = workflows.restore(postgres, LOCAL_ACTOR, data, source="council.json")
        assert (counts["people"], counts["memberships"]) == (3, 2)
        assert workflows.backup(postgres, LOCAL_ACTOR) == data
        assert workflows.everyone(postgres, LOCAL_ACTOR) == workflows.everyone(sqlite, LOCAL_ACTOR)
        again = signs_in(postgres, "sub-head", None, "Pat Head")   # bound identity kept
        assert again.roles == {"medway": "administrator"}
        cllr = signs_in(postgres, "sub-cllr", "cllr@medway.gov.uk", "Cllr Smith")
        assert [p.period for p in queries.record(postgres, cllr, "medway").record.periods] == ["2022", "2023", "2024"]
        moved = stored(postgres, "medway").period("2024")
        assert moved.status_line() == "Approved by Cabinet on 13 February 2025 (Minute 123/2025)"
        with pytest.raises(PeriodLocked):
            workflows.save_edits(postgres, again, "medway", "2024",
                                 [EntryEdit("1", base_version=moved.entries["1"].version, comment="After the move")])
        assert queries.history(postgres, again, "medway", "2024", "1") == \
            queries.history(sqlite, head, "medway", "2024", "1")
        assert [v.change for v in queries.history(postgres, again, "medway", "2024", "1")] == [
            "started, carried forward from 2023", "saved", "restored version 1", "confirmed"]   # v1 was carried
        assert queries.period_history(postgres, again, "medway") == queries.period_history(sqlite, head, "medway")
        moved_people, kept_people = workflows.people(postgres, again, "medway"), workflows.people(sqlite, head, "medway")
        assert moved_people.changes == kept_people.changes
        assert [(p.email, p.roles) for p in moved_people.people] == [(p.email, p.roles) for p in kept_people.people]
    finally:
        postgres.engine.dispose()
        sqlite.engine.dispose()


# ---------------------------------------------------------------- the status in what is printed

def test_the_report_the_appendix_and_the_workbook_print_the_status(medway_year, nps):
    """Draft periods say DRAFT; an approved one says whose decision approved it, when, and the
    minute — on the report's cover and footer, the appendix's header and footer, and the workbook."""
    import io

    from docx import Document
    from openpyxl import load_workbook

    from assessment.formats.writers.excel_workbook import workbook_xlsx
    from assessment.formats.writers.word_appendix import appendix_docx
    from assessment.formats.writers.word_report import report_docx
    workflows.confirm_scores(medway_year, EDITOR, "medway", "2024")
    workflows.submit_period(medway_year, EDITOR, "medway", "2024")
    workflows.approve_period(medway_year, ADMIN, "medway", "2024", decision="Cabinet", on=date(2025, 2, 13),
                             minute="Minute 123/2025")
    workflows.start_period(medway_year, EDITOR, "medway", "2025")
    record = stored(medway_year, "medway")
    approved = "Approved by Cabinet on 13 February 2025 (Minute 123/2025)"
    day = date(2026, 11, 21)

    draft_report = Document(io.BytesIO(report_docx(nps, record, "2025", today=day).data))
    cover = [p.text for p in draft_report.paragraphs[:14]]
    assert "Status: DRAFT" in cover
    assert "DRAFT." in draft_report.sections[0].footer.paragraphs[0].text
    approved_report = Document(io.BytesIO(report_docx(nps, record, "2024", today=day).data))
    assert f"Status: {approved}" in [p.text for p in approved_report.paragraphs[:14]]
    assert approved in approved_report.sections[0].footer.paragraphs[0].text

    appendix = Document(io.BytesIO(appendix_docx(nps, record, ["2024", "2025"], today=day).data))
    section = appendix.sections[-1]
    assert section.header.paragraphs[0].text == (f"Medway Council: objectives appendix. Status – 2024: {approved}; "
                                                 "2025: DRAFT")
    assert f"2024: {approved}; 2025: DRAFT." in section.footer.paragraphs[0].text

    book = load_workbook(io.BytesIO(workbook_xlsx(nps, record, today=day).data))
    assert book["2024"]["A1"].value == f"Medway Council – 2024: {approved}"
    assert book["2025"]["A1"].value == "Medway Council – 2025: DRAFT"
    assert book["Summary"]["A3"].value.endswith(f"2023: Approved; 2024: {approved}; 2025: DRAFT")


def test_an_editor_cannot_bring_in_a_period_as_approved_by_a_file(medway_year, medway):
    """A record file or our own workbook is not a way round sign-off: an editor's record file with
    an approved period is refused, and the workbook's periods come in as drafts."""
    from dataclasses import replace as copied

    from assessment.domain.record import PeriodRecord
    record = copied(medway, periods=[PeriodRecord("2026", "approved")])
    with pytest.raises(NotAllowed, match="may not administer"):
        workflows.import_record(medway_year, EDITOR, record)
    workflows.import_record(medway_year, ADMIN, record)
    assert stored(medway_year, "medway").period("2026").status == "approved"
