"""Saving what people change: a key area's edits, one action's progress."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..domain.edits import AnyEdit, Draft, EntryEdit, apply_edit, merged, what
from ..domain.errors import AssessmentError, InvalidEdit, NotFound
from ..domain.history import entry_at
from ..domain.record import (
    ACTION_PLAN,
    ACTION_PROGRESS,
    ACTION_STATUSES,
    RAG,
    Action,
    ActionUpdate,
    PLAN_RECORD,
    Entry,
    OrganisationRecord,
    PeriodRecord,
    split_record_key,
    target_period_problem,
)
from ..domain.reminders import chosen_owner
from ..domain.rollups import kept_by_key_area
from ..domain.scores import NOT_APPLICABLE, Score, parse_score
from ..storage.store import Store
from .access import EDIT, Actor, allow, allow_change
from .common import SaveResult, check_item, framework_of, plan_of, save_checked
from .plans import check_plan_item, ready_plan_edits


def save_edits(store: Store, actor: Actor, org_id: str, period: str, edits: list[EntryEdit]) -> SaveResult:
    """Save edits to entries of one period in one transaction.

    Every edit is checked first: an impossible score (or an item the framework lacks) refuses the
    whole save, with nothing written. An edit that started from an older version than the one saved
    now is not written; it comes back in `stale`, with the saved entry, for the person to choose.
    """
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        record = tx.record(org_id)   # read, not changed: the kept record while nothing has changed
        current = record.period(period)
        allow_change(actor, org_id, current)
        return save_checked(tx, actor, org_id, current.period, _ready(record, current, edits), SaveResult())


def _ready(record: OrganisationRecord, current: PeriodRecord, edits: list) -> list:
    """Each edit checked and applied: (edit, the entry saved now or None, the entry to save); an
    impossible score, rating or value refuses them all. A plan record's edits are a plan's."""
    if record.record == PLAN_RECORD:
        return ready_plan_edits(plan_of(record), current, edits)
    framework = framework_of(record)
    ready: list[tuple[EntryEdit, Entry | None, Entry]] = []
    for edit in edits:
        if not isinstance(edit, EntryEdit):
            raise InvalidEdit(f"{edit.kind} {edit.item} is an entry of a plan, not of the scores")
        check_item(framework, edit.kind, edit.item)
        saved = current.saved_entry(edit.kind, edit.item)
        base = saved or Entry(item=edit.item, kind=edit.kind)
        entry = apply_edit(framework, base, edit)   # ScoreError before any write
        if edit.target_period is not None and (
                problem := target_period_problem(entry.target_period, entry.target, current.period)):
            raise InvalidEdit(f"{what(framework, edit.kind, edit.item)}: {problem}")
        ready.append((edit, saved, entry))
    return ready


# ---------------------------------------------------------------- drafts

def keep_draft(store: Store, actor: Actor, org_id: str, period: str, edit: AnyEdit, *, tab: str = "") -> Draft:
    """Keep what was just changed in a field as the person's draft of that entry in browser tab `tab`
    (the fields changed before are kept, and so is the version the draft started from: the version
    the tab showed, so a save made meanwhile, even the same person's in another tab, is a conflict
    to choose, never a silent mix)."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        record = tx.record(org_id)
        allow_change(actor, org_id, record.period(period))
        if record.record == PLAN_RECORD:
            check_plan_item(plan_of(record), edit.kind, edit.item)
        else:
            check_item(framework_of(record), edit.kind, edit.item)
        before = {d.edit.key: d.edit for d in tx.drafts(org_id, period, actor.name, tab)}.get(edit.key)
        kept = merged(before, edit)
        tx.put_draft(org_id, period, actor.name, kept, tab)
    return Draft(period, actor.name, kept, tab=tab)


def discard_drafts(store: Store, actor: Actor, org_id: str, period: str,
                   keys: list[tuple[str, str]] | None = None, *, tab: str | None = "") -> int:
    """Throw away the person's drafts of a period in tab `tab` (every tab with None; only those of
    `keys` if given); how many. Allowed in a frozen period: nothing submitted is changed."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        return tx.delete_drafts(org_id, period, actor.name, keys, tab)


def save_drafts(store: Store, actor: Actor, org_id: str, period: str,
                keys: list[tuple[str, str]] | None = None, *, tab: str = "") -> SaveResult:
    """Save the person's drafts of a period in tab `tab` (those of `keys`, or all), in one
    transaction, as `save_edits` saves edits. Saved drafts are gone; a stale one stays, for the person
    to choose (`keep_mine`, or discard it to use theirs); `waiting` lists the drafts this save left
    alone."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        record = tx.record(org_id)
        current = record.period(period)
        allow_change(actor, org_id, current)
        drafts = {d.edit.key: d.edit for d in tx.drafts(org_id, period, actor.name, tab)}
        chosen = [drafts[k] for k in (keys if keys is not None else list(drafts)) if k in drafts]
        result = save_checked(tx, actor, org_id, period, _ready(record, current, chosen), SaveResult())
        tx.delete_drafts(org_id, period, actor.name, result.saved, tab)
        result.waiting = [k for k in drafts if k not in {e.key for e in chosen}]
    return result


def keep_mine(store: Store, actor: Actor, org_id: str, period: str, key: tuple[str, str], *,
              tab: str = "") -> Draft:
    """After someone else (or the same person in another tab) saved an entry the person has a draft
    of in tab `tab`: base the draft on what is saved now, so that saving it overwrites theirs
    knowingly (their version stays in the history)."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        current = tx.load_record(org_id).period(period)
        allow_change(actor, org_id, current)
        draft = {d.edit.key: d.edit for d in tx.drafts(org_id, period, actor.name, tab)}.get(key)
        if draft is None:
            raise NotFound(f"there is no draft of {key[0].replace('_', ' ')} {key[1]} in {period}")
        saved = current.saved_entry(*key)
        draft = replace(draft, base_version=saved.version if saved else 0)
        tx.put_draft(org_id, period, actor.name, draft, tab)
    return Draft(period, actor.name, draft, tab=tab)


def take_drafts_here(store: Store, actor: Actor, org_id: str, period: str, *, tab: str) -> list[tuple[str, str]]:
    """Bring the person's drafts of a period from their other tabs (a tab closed, a visit before) into
    tab `tab`, where it has none of the same entry (those stay where they are); returns the entries
    brought. Each keeps the version it started from, so a save made since is still a conflict."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        allow_change(actor, org_id, tx.record(org_id).period(period))
        mine = tx.drafts(org_id, period, actor.name)
        here = {d.edit.key for d in mine if d.tab == tab}
        brought: list[tuple[str, str]] = []
        others = sorted((d for d in mine if d.tab != tab),
                        key=lambda d: d.updated_at.timestamp() if d.updated_at else 0.0)
        for draft in others:
            if draft.edit.key in here or draft.edit.key in brought:
                continue
            tx.put_draft(org_id, period, actor.name, draft.edit, tab)
            tx.delete_drafts(org_id, period, actor.name, [draft.edit.key], draft.tab)
            brought.append(draft.edit.key)
    return brought


# What the lock says of an action raised in a submitted or approved period: its owner and due date
# stay as members saw them, so a rescheduled action is raised again in the period being scored.
ACTION_PLAN_LOCKED = ("given a new owner or due date for its actions: their progress can still be recorded, and an "
                      "action that needs a new date is marked dropped here and raised again in the period being scored")


def edit_action(store: Store, actor: Actor, org_id: str, action_id: int, *, owner: str | None, due: date | None,
                rag: str | None, status: str | None = None, note: str | None = None,
                on: date | None = None) -> Action:
    """Change an action's owner (one of the organisation's people by their email address, or a team
    or post written without an @: `reminders.chosen_owner`), due date and red/amber/green; with a new
    `status` or a progress `note`, record a dated change in its life (`on`, default today), in the
    organisation's latest period. An action is edited wherever it was raised; the entry it belongs to keeps its version.
    An action raised in an approved period goes on recording its progress (status, notes and
    red/amber/green) between rounds; its owner and due date are as approved until it is reopened."""
    allow(actor, org_id, EDIT)
    if rag not in (None, *RAG):
        raise AssessmentError(f"'{rag}' is not red, amber or green")
    if status is not None and status not in ACTION_STATUSES:
        raise AssessmentError(f"'{status}' is not an action status ({', '.join(ACTION_STATUSES)})")
    note = (note or "").strip() or None
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        found = next(((p, a) for p in record.periods
                      for e in [*p.entries.values(), *p.key_area_entries.values(), *p.plan_entries.values()]
                      for a in e.actions if a.id == action_id), None)
        if found is None:
            raise NotFound(f"{org_id} has no action {action_id}")
        raised_in, current = found
        owner = (owner or "").strip() or None
        plan_changed = (owner, due) != (current.owner, current.due)
        allow_change(actor, org_id, raised_in, ACTION_PLAN if plan_changed else ACTION_PROGRESS,
                     what=ACTION_PLAN_LOCKED)
        if owner != current.owner:   # one of the organisation's people (by address), or a team or post
            org = split_record_key(org_id)[0]
            owner = chosen_owner(owner, (p.email for p in tx.people(org)), record.organisation.name)
        change = None
        if (status is not None and status != current.status) or note:
            latest = record.sorted_periods()[-1].period
            change = ActionUpdate(status=status or current.status, on=on or date.today(), note=note, period=latest)
        return tx.update_action(org_id, action_id, owner=owner, due=due, rag=rag,
                                change=change, user=actor.name)


def restore_version(store: Store, actor: Actor, org_id: str, period: str, item: str, version: int, *,
                    kind: str = "objective", expected_version: int | None = None) -> Entry:
    """Make an earlier version of an entry the current one, as a new version (itself kept in
    history, "restored version N"). With `expected_version` (the version the person saw), a save
    made meanwhile by someone else is refused (StaleEntry)."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        current = tx.load_record(org_id).period(period)
        allow_change(actor, org_id, current)
        entry = (current.entries if kind == "objective" else current.key_area_entries).get(item)
        found = [v for v in tx.versions(org_id, period, item, kind) if v.version == version]
        if entry is None or not found:
            raise NotFound(f"{period} has no version {version} of {kind.replace('_', ' ')} {item}")
        if version == entry.version:
            raise AssessmentError(f"version {version} is the current one already")
        tx.change = f"restored version {version}"
        return tx.save_entry(org_id, period, entry_at(entry, found[0]),
                             expected_version=expected_version if expected_version is not None else entry.version,
                             user=actor.name)


def set_key_area_target(store: Store, actor: Actor, org_id: str, period: str, key_area_id: str, target: str,
                        by: str | None = None) -> list[str]:
    """One target for a whole key area in one step, as councils set them: each objective of it takes
    `target` ("4 – Leader", "4", or "no target" to clear them) and the period it is to be reached by
    (`by`, "2025/26", not before `period`; None for none), each still changeable after. An objective
    scored n/a takes a target of n/a, so the key area's target stands on the rest. Scores stay as
    they are (a carried one stays carried). For a period kept one level per key area, the key area's
    own target is set. Refused while the actor has unsaved changes there (save or discard them
    first). Returns the objectives (or the key area) whose target changed, each a new version."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        current = record.period(period)
        allow_change(actor, org_id, current)
        framework = framework_of(record)
        check_item(framework, "key_area", key_area_id)
        title = framework.key_areas[key_area_id].title
        if not (target or "").strip():
            raise AssessmentError(f"choose the target of {title}: a level, or \"no target\" to clear it")
        chosen = parse_score(target, framework, where=f"the target of {title}",
                             half_steps=framework.allows_half_steps(key_area_id))
        when = _target_period(" ".join((by or "").split()) or None, chosen, period)
        per_key_area = kept_by_key_area(record, period)
        items = [key_area_id] if per_key_area else list(framework.objective_ids[key_area_id])
        kind = "key_area" if per_key_area else "objective"
        waiting = [d.edit.item for d in tx.drafts(org_id, period, person=actor.name)
                   if d.edit.kind == kind and d.edit.item in items]
        if waiting:
            names = "it" if per_key_area else ", ".join(sorted(waiting, key=items.index))
            raise AssessmentError(f"save or discard your unsaved changes to {title} first ({names}): nothing was "
                                  "changed")
        tx.change = f"target set for {title}"
        changed = []
        entries = current.key_area_entries if per_key_area else current.entries
        for item in items:
            entry = entries.get(item) or Entry(item, kind)
            its = NOT_APPLICABLE if entry.score.not_applicable else chosen
            if (entry.target, entry.target_period) != (its, when):
                tx.save_entry(org_id, period, replace(entry, target=its, target_period=when),
                              expected_version=entry.version, user=actor.name)
                changed.append(item)
    return changed


def _target_period(by: str | None, target: Score, period: str) -> str | None:
    """The period a target is to be reached by, checked (`record.target_period_problem`)."""
    if problem := target_period_problem(by, target, period):
        raise AssessmentError(problem)
    return by
