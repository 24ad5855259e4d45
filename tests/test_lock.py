"""One lock, in the write path (issue 24): what members approve is what was submitted.

The table of store writes is generated from the marks on `store.Transaction` (each public method
says its lock case: `store.writes(...)` or `store.reads`): a new method without a mark, or a new
content write without a case here, fails. Each content write is refused on a submitted and on an
approved period with nothing written, by the store itself; each lock case the store accepts there
(action progress, sign-off, a new period, discarding one's own drafts) is accepted. Then each layer
is shown to hold alone: with the store's guard switched off every content workflow still refuses
(they ask `may_change`), and with the workflows' question switched off the store still refuses.
Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date

import pytest

from assessment.domain.covering import CoveringReport

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.rounds import Round
from assessment.domain.errors import AlreadyExists, AssessmentError, PeriodLocked
from assessment.domain.record import ActionUpdate, PeriodRecord
from assessment.domain.scores import Score
from assessment.formats.framework_file import find_framework
from assessment.storage import store as store_module
from assessment.storage.store import Transaction
from assessment.workflows import LOCAL_ACTOR, queries
from assessment.workflows import access as access_module

from .conftest import save_record, stored

EDITOR = workflows.Actor("officer@medway.gov.uk", roles={"medway": "editor"})
FROZEN = {"submitted": "2024", "approved": "2023"}


@pytest.fixture
def medway_frozen(store, medway):
    """Medway's example record (2022 and 2023 approved) and 2024 started, confirmed and submitted,
    with a draft of the editor's kept in 2024 before it was submitted."""
    save_record(store, medway)
    workflows.start_period(store, EDITOR, "medway", "2024")
    workflows.confirm_scores(store, EDITOR, "medway", "2024")
    workflows.save_edits(store, EDITOR, "medway", "2024", [EntryEdit("9", base_version=2, actions=[
        {"text": "Brief the new members", "owner": "Head of procurement", "status": "open", "rag": None,
         "due": None}])])
    workflows.keep_draft(store, EDITOR, "medway", "2024", EntryEdit("8", base_version=2, comment="Not yet saved"))
    workflows.submit_period(store, EDITOR, "medway", "2024", ignore_drafts=True)
    return store


def _public(cls) -> dict[str, object]:
    return {name: f for name, f in vars(cls).items() if inspect.isfunction(f) and not name.startswith("_")}


def _content_writes(store, period: str) -> dict:
    """Every store write of a period's content, called on `period` as the workflows call them."""
    record = stored(store, "medway")
    entry = record.period(period).entries["8"]
    changed = replace(entry, score=Score(5.0), comment="Changed after it was put before members")
    framework = find_framework(record.framework_id)
    whole = replace(record, periods=[record.period(period)])
    return {
        "save_entry": lambda tx: tx.save_entry("medway", period, changed, expected_version=entry.version, user="x"),
        "write_entries": lambda tx: tx.write_entries("medway", period, framework, new=[], changed=[changed], user="x"),
        "delete_entry": lambda tx: tx.delete_entry("medway", period, "objective", "8"),
        "put_draft": lambda tx: tx.put_draft("medway", period, "x", EntryEdit("8", base_version=entry.version,
                                                                              comment="draft")),
        "delete_period": lambda tx: tx.delete_period("medway", period),
        "save_record": lambda tx: tx.save_record(whole, user="x", replace=True),
        "save_covering": lambda tx: tx.save_covering("medway", period, CoveringReport(author="Someone after"),
                                                     expected_version=None, user="x"),
        "add_round": lambda tx: tx.add_round(Round("medway", period, date(2027, 1, 31))),
    }


def _everything(store):
    record = stored(store, "medway")
    return (record, queries.drafts(store, LOCAL_ACTOR, "medway"),
            [(v.version, v.entry) for p in record.periods for v in _versions(store, p.period)])


def _versions(store, period: str):
    with store.transaction(write=False) as tx:
        return tx.versions("medway", period, "8")


def test_every_method_of_the_store_says_what_it_does_to_a_period():
    cases = {name: getattr(f, "lock_case", None) for name, f in _public(Transaction).items()}
    unmarked = [name for name, case in cases.items() if case is None]
    assert not unmarked, f"mark these with store.writes(...) or store.reads: {unmarked}"
    known = {store_module.READS, store_module.CONTENT_OF_A_PERIOD, store_module.ACTIONS_OF_A_PERIOD,
             store_module.SIGN_OFF_OF_A_PERIOD, store_module.NEW_PERIOD, store_module.OWN_DRAFTS_DISCARDED,
             store_module.NOT_A_PERIOD, store_module.ROUND_OF_A_PERIOD, store_module.PEERS_OF_A_PERIOD}
    assert set(cases.values()) <= known


def test_every_content_write_is_in_the_table(medway_frozen):
    """A new content write must join `_content_writes` (so that it is refused here too)."""
    content = {name for name, f in _public(Transaction).items()
               if getattr(f, "lock_case", None) == store_module.CONTENT_OF_A_PERIOD}
    assert content == set(_content_writes(medway_frozen, "2024"))


@pytest.mark.parametrize("status", FROZEN)
def test_the_store_refuses_every_content_write_to_a_frozen_period(medway_frozen, status):
    period = FROZEN[status]
    before = _everything(medway_frozen)
    for what, write in _content_writes(medway_frozen, period).items():
        with pytest.raises(PeriodLocked, match=f"^{period} is {status}"):
            with medway_frozen.transaction() as tx:
                write(tx)
            pytest.fail(f"the store let {what} change {period}, which is {status}")
    assert _everything(medway_frozen) == before


@pytest.mark.parametrize("status", FROZEN)
def test_the_store_takes_what_a_frozen_period_still_takes(medway_frozen, status):
    """An action's progress; a sign-off move; one's own drafts discarded; a new period beside it; an
    approved period put forward for peer comparison. An action's owner and due date are refused (as
    members approved them)."""
    period = FROZEN[status]
    action = next(a for e in stored(medway_frozen, "medway").period(period).entries.values() for a in e.actions)
    with medway_frozen.transaction() as tx:
        tx.update_action("medway", action.id, owner=action.owner, due=action.due, rag="green", user="x",
                         change=ActionUpdate("in progress", date(2026, 12, 1), "Met the suppliers", period))
    with pytest.raises(PeriodLocked, match="given a new owner or due date"):
        with medway_frozen.transaction() as tx:
            tx.update_action("medway", action.id, owner="Someone else", due=action.due, rag=None, change=None,
                             user="x")
    with medway_frozen.transaction() as tx:
        assert tx.delete_drafts("medway", period, EDITOR.name) == (1 if period == "2024" else 0)
    with medway_frozen.transaction() as tx:
        tx.add_period("medway", PeriodRecord("2025"), "nps-2018", "2018", user="x")
    with pytest.raises(AlreadyExists):
        with medway_frozen.transaction() as tx:
            tx.add_period("medway", PeriodRecord(period), "nps-2018", "2018", user="x")
    # Put forward for peer comparison: an approved period only (its content does not change).
    if status == "approved":
        with medway_frozen.transaction() as tx:
            tx.set_peers_opt_in("medway", period, "x")
        with medway_frozen.transaction() as tx:
            assert [(o.org_id, o.period) for o in tx.peer_opt_ins()] == [("medway", period)]
    else:
        with pytest.raises(PeriodLocked, match=f"{period} is submitted: only an approved period is compared"):
            with medway_frozen.transaction() as tx:
                tx.set_peers_opt_in("medway", period, "x")
    with medway_frozen.transaction() as tx:
        tx.set_status("medway", period, "draft")
    assert stored(medway_frozen, "medway").period(period).status == "draft"
    with medway_frozen.transaction() as tx:          # reopened, it is no longer put forward
        assert tx.peer_opt_ins() == []


def _every_content_workflow(store, period: str) -> dict:
    """Every workflow that changes a period's content, as an editor (or administrator) calls it."""
    entry = stored(store, "medway").period(period).entries["8"]
    edit = EntryEdit("8", base_version=entry.version, comment="Changed after it was put before members")
    sheet = f"Period,Objective number,Score,Comment\n{period},8,5,Imported after submission\n".encode()
    return {
        "save_edits": lambda: workflows.save_edits(store, LOCAL_ACTOR, "medway", period, [edit]),
        "keep_draft": lambda: workflows.keep_draft(store, LOCAL_ACTOR, "medway", period, edit),
        "save_drafts": lambda: workflows.save_drafts(store, EDITOR, "medway", period),
        "keep_mine": lambda: workflows.keep_mine(store, EDITOR, "medway", period, ("objective", "8")),
        "confirm_scores": lambda: workflows.confirm_scores(store, LOCAL_ACTOR, "medway", period,   # as seen at
                                                           [("objective", "8")], versions={("objective", "8"): 0}),
        "restore_version": lambda: workflows.restore_version(store, LOCAL_ACTOR, "medway", period, "8", 1),
        "set_key_area_target": lambda: workflows.set_key_area_target(store, LOCAL_ACTOR, "medway", period,
                                                                     "engaging-senior-managers", "5", "2027"),
        "preview_import": lambda: workflows.preview_import(store, LOCAL_ACTOR, "medway", "late.csv", sheet),
        "import_record": lambda: workflows.import_record(store, LOCAL_ACTOR, _only(stored(store, "medway"), period),
                                                         replace=True),
        "delete_period": lambda: workflows.delete_period(store, LOCAL_ACTOR, "medway", period),
        "edit_action (owner)": lambda: workflows.edit_action(
            store, LOCAL_ACTOR, "medway", _an_action(store, period), owner="Someone else", due=None, rag=None),
    }


def _only(record, period: str):
    return replace(record, periods=[record.period(period)])


def _an_action(store, period: str) -> int:
    return next(a.id for e in stored(store, "medway").period(period).entries.values() for a in e.actions)


@pytest.mark.parametrize("status", FROZEN)
def test_every_content_workflow_asks_the_lock_even_without_the_store_guard(medway_frozen, status, monkeypatch):
    """With the store's guard switched off, the workflows still refuse: each asks `may_change`
    (removing its question from any of them fails this test)."""
    monkeypatch.setattr(Transaction, "_check_open", lambda self, row, change="content", what="changed": None)
    period = FROZEN[status]
    before = _everything(medway_frozen)
    for what, change in _every_content_workflow(medway_frozen, period).items():
        with pytest.raises(PeriodLocked, match=f"^{period} is {status}"):
            change()
            pytest.fail(f"{what} changed {period}, which is {status}")
    assert _everything(medway_frozen) == before


@pytest.mark.parametrize("status", FROZEN)
def test_the_store_refuses_even_when_no_workflow_asks(medway_frozen, status, monkeypatch):
    """With the workflows' question switched off, the store refuses every content write all the same."""
    monkeypatch.setattr(access_module, "may_change", lambda *args, **kwargs: None)
    period = FROZEN[status]
    before = _everything(medway_frozen)
    for what, change in _every_content_workflow(medway_frozen, period).items():
        if what in ("preview_import", "keep_mine") or (what in ("save_drafts", "restore_version") and period != "2024"):
            continue   # a preview writes nothing; keep_mine rewrites a draft (below); 2023 has no drafts to save
            # and one version of objective 8 (nothing to restore): the store's own refusals are above
        with pytest.raises(PeriodLocked):
            change()
            pytest.fail(f"{what} changed {period}, which is {status}, with no workflow asking")
    with pytest.raises(PeriodLocked):
        workflows.keep_mine(medway_frozen, EDITOR, "medway", period, ("objective", "8")) if period == "2024" else \
            workflows.keep_draft(medway_frozen, LOCAL_ACTOR, "medway", period, EntryEdit("8", base_version=1, comment="x"))
    assert _everything(medway_frozen) == before


def test_a_submitted_period_takes_progress_and_goes_back_to_draft_by_withdrawing_or_reopening(medway_frozen):
    action = _an_action(medway_frozen, "2024")
    workflows.edit_action(medway_frozen, EDITOR, "medway", action, owner=_owner(medway_frozen, action), due=None,
                          rag="amber", status="in progress", note="Started")
    with pytest.raises(AssessmentError, match="give the reason for withdrawing it"):
        workflows.withdraw_period(medway_frozen, EDITOR, "medway", "2024", reason=" ")
    withdrawn = workflows.withdraw_period(medway_frozen, EDITOR, "medway", "2024", reason="Submitted by mistake")
    assert withdrawn.status == "draft"
    with pytest.raises(AssessmentError, match="2024 is draft, so it cannot be withdrawn; only a period that is "
                                              "submitted can"):
        workflows.withdraw_period(medway_frozen, EDITOR, "medway", "2024", reason="again")
    with pytest.raises(AssessmentError, match="2023 is approved, so it cannot be withdrawn"):
        workflows.withdraw_period(medway_frozen, EDITOR, "medway", "2023", reason="an editor cannot undo approval")
    events = queries.period_history(medway_frozen, LOCAL_ACTOR, "medway", "2024")
    assert [e.describe() for e in events[:2]] == ["withdrawn: Submitted by mistake",
                                                  "submitted, leaving out 1 unsaved draft"]


def _owner(store, action_id: int):
    return next(a.owner for p in stored(store, "medway").periods for e in p.entries.values() for a in e.actions
                if a.id == action_id)


def test_the_lock_is_one_function_that_pages_and_workflows_share(medway_frozen):
    """`may_change` answers the pages' question in the words the workflows refuse with."""
    record = stored(medway_frozen, "medway")
    reviewer = workflows.Actor("cllr@medway.gov.uk", roles={"medway": "reviewer"})
    assert workflows.may_change(EDITOR, "medway", record.period("2024")).startswith(
        "2024 is submitted for approval, so it cannot be changed")
    assert workflows.may_change(reviewer, "medway", record.period("2022")) == \
        "cllr@medway.gov.uk may not change the records of 'medway'"
    workflows.withdraw_period(medway_frozen, EDITOR, "medway", "2024", reason="one more change")
    assert workflows.may_change(EDITOR, "medway", stored(medway_frozen, "medway").period("2024")) is None
