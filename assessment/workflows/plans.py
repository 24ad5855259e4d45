"""A plan beside the scores: start a period of an organisation's plan record, rate its outcomes and
actions and record its indicators' values (reading it as councils report it is
`queries.plan_report`). Sign-off, history and backups are the same workflows as for scored periods,
given the plan record's key (`domain.record.record_key(org, "plan")`)."""

from __future__ import annotations

from dataclasses import replace

from ..domain import limits
from ..domain.edits import PlanEdit
from ..domain.errors import InvalidEdit, NotFound
from ..domain.plan import NO_DATA, Plan
from ..domain.record import (
    PLAN_RECORD,
    Action,
    Entry,
    PeriodRecord,
    check_period,
    entry_problems,
    parse_evidence,
    record_key,
)
from ..formats.plan_file import find_plan
from ..storage.store import Store
from .access import EDIT, Actor, allow, allow_change
from .common import plan_of
from .common import SaveResult, save_checked



def start_plan_period(store: Store, actor: Actor, org_id: str, name: str, *,
                      plan_id: str | None = None) -> PeriodRecord:
    """A new period of the organisation's plan record. The first names the plan (`plan_id`); in it,
    each of the plan's actions is raised once, with its target's due date, and shown in every later
    period until it is done or dropped. A later period starts unrated."""
    key = record_key(org_id, PLAN_RECORD)
    allow(actor, key, EDIT)
    check_period(name)
    with store.transaction() as tx:
        record = tx.record(key)
        chosen = plan_id or (record.framework_id if record.periods else None)
        if chosen is None:
            raise InvalidEdit(f"{org_id} follows no plan yet: name the plan for its first period (--framework "
                              "stevenage-2021)")
        if record.periods and chosen != record.framework_id:
            raise InvalidEdit(f"{org_id}'s plan record follows {record.framework_id}; a plan is not changed part "
                              "way through")
        plan = find_plan(chosen)
        period = PeriodRecord(name, plan_entries={} if record.periods else raised_actions(plan))
        tx.add_period(key, period, plan.id, plan.version, user=actor.name)
        tx.add_event(key, name, "started", actor.name, plan=plan.id)
    return period


def _apply(plan: Plan, base: Entry, edit: PlanEdit) -> Entry:
    where = plan.what(edit.kind, edit.item)
    changes: dict = {}
    if edit.rating is not None:
        if edit.kind == "indicator":
            raise InvalidEdit(f"{where}: an indicator has a value, not a rating")
        rating = plan.rating(edit.rating) if edit.rating.strip() else None
        if edit.rating.strip() and rating is None:
            raise InvalidEdit(f"{where}: '{edit.rating[:40]}' is not a rating of this plan; use one of "
                              + ", ".join(r.name for r in plan.ratings))
        changes["rating"] = rating.id if rating else None
    if edit.value is not None:
        if edit.kind != "indicator":
            raise InvalidEdit(f"{where}: only an indicator has a value")
        text = edit.value.strip().replace(",", "").removesuffix("%").strip()
        if text.lower() == NO_DATA:
            changes.update(value=None, no_data=True)
        elif not text:
            changes.update(value=None, no_data=False)
        else:
            try:
                number = float(text.lstrip("£"))
            except ValueError:
                raise InvalidEdit(f"{where}: '{edit.value[:40]}' is not a number; write a number such as 37, or "
                                  f"'{NO_DATA}'") from None
            if number != number or abs(number) > limits.INDICATOR_VALUE:
                raise InvalidEdit(f"{where}: '{edit.value[:40]}' is not a number a council would record")
            changes.update(value=number, no_data=False)
    if edit.comment is not None:
        changes["comment"] = edit.comment.strip() or None
    if edit.evidence is not None:
        changes["evidence"] = parse_evidence(edit.evidence)
    entry = replace(base, **changes)
    problems = entry_problems(entry)
    if problems:
        raise InvalidEdit(f"{where}: {problems[0]}")
    return entry


def rate_plan(store: Store, actor: Actor, org_id: str, period: str, edits: list[PlanEdit]) -> SaveResult:
    """Save edits to a period of the plan record in one transaction: every edit checked first (an
    item the plan lacks, a rating not on its scale, a value that is not a number refuse the whole
    save); an edit that started from an older version than the one saved now comes back in `stale`.
    (Drafts of a plan's entries are kept and saved by the same workflows as scores' drafts.)"""
    key = record_key(org_id, PLAN_RECORD)
    allow(actor, key, EDIT)
    with store.transaction() as tx:
        record = tx.record(key)
        current = record.period(period)
        allow_change(actor, key, current)
        return save_checked(tx, actor, key, period, ready_plan_edits(plan_of(record), current, edits), SaveResult())


def check_plan_item(plan: Plan, kind: str, item: str) -> None:
    """Refuse (NotFound) an outcome, action or indicator the plan does not have."""
    known: dict[str, dict] = {"outcome": plan.outcomes, "action": plan.actions, "indicator": plan.indicators}
    if item not in known.get(kind, {}):
        raise NotFound(f"{plan.id} has no {kind} '{item[:64]}'")


def ready_plan_edits(plan: Plan, current: PeriodRecord, edits: list) -> list[tuple[PlanEdit, Entry | None, Entry]]:
    """Each edit checked and applied to the entry saved now: (edit, saved entry or None, entry to save).
    The first problem refuses them all."""
    ready = []
    for edit in edits:
        if not isinstance(edit, PlanEdit):
            raise InvalidEdit(f"{edit.kind.replace('_', ' ')} {edit.item} is not an entry of a plan")
        check_plan_item(plan, edit.kind, edit.item)
        saved = current.plan_entries.get(edit.key)
        ready.append((edit, saved, _apply(plan, saved or Entry(item=edit.item, kind=edit.kind), edit)))
    return ready


def raised_actions(plan: Plan) -> dict[tuple[str, str], Entry]:
    """The entries a plan record's first period starts with: each of the plan's actions raised once,
    with its target's due date (as `start_plan_period` raises them; `plan_imports` for a plan record
    file's first period)."""
    return {("action", action.id): Entry(item=action.id, kind="action",
                                         actions=[Action(text=f"{action.number}. {action.title}",
                                                         due=action.target.due if action.target else None)])
            for action in plan.actions.values()}
