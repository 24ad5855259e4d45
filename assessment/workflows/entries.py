"""Saving what people change: a key area's edits, one action's progress."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..edits import EntryEdit, apply_edit
from ..errors import AssessmentError, NotFound, StaleEntry
from ..record import ACTION_STATUSES, RAG, Action, Entry
from ..store import Store
from .access import EDIT, Actor, allow
from .common import framework_of


@dataclass
class SaveResult:
    """What a save did: the entries saved, and those someone else saved meanwhile (with theirs)."""

    saved: list[tuple[str, str]] = field(default_factory=list)          # (kind, item)
    stale: dict[tuple[str, str], Entry] = field(default_factory=dict)   # (kind, item) -> the entry saved now


def save_edits(store: Store, actor: Actor, org_id: str, period: str, edits: list[EntryEdit]) -> SaveResult:
    """Save edits to entries of one period in one transaction.

    Every edit is checked first: an impossible score (or an item the framework lacks) refuses the
    whole save, with nothing written. An edit that started from an older version than the one saved
    now is not written; it comes back in `stale`, with the saved entry, for the person to choose.
    """
    allow(actor, org_id, EDIT)
    result = SaveResult()
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        framework = framework_of(record)
        current = record.period(period)
        ready = []
        for edit in edits:
            known = framework.objectives if edit.kind == "objective" else framework.key_areas
            if edit.item not in known:
                raise NotFound(f"{framework.id} has no {edit.kind.replace('_', ' ')} '{edit.item}'")
            saved = (current.entries if edit.kind == "objective" else current.key_area_entries).get(edit.item)
            base = saved or Entry(item=edit.item, kind=edit.kind)
            ready.append((edit, saved, apply_edit(framework, base, edit)))   # ScoreError before any write
        for edit, saved, entry in ready:
            if (saved.version if saved else 0) != edit.base_version:
                result.stale[edit.key] = saved
                continue
            try:
                tx.save_entry(org_id, period, entry, expected_version=edit.base_version, user=actor.name)
            except StaleEntry as exc:   # saved by someone else between our read and our write
                result.stale[edit.key] = exc.current
                continue
            result.saved.append(edit.key)
    return result


def edit_action(store: Store, actor: Actor, org_id: str, action_id: int, *, status: str, owner: str | None,
                due: date | None, rag: str | None) -> Action:
    """Change one action's status, owner, due date and red/amber/green (a new version of its entry)."""
    allow(actor, org_id, EDIT)
    if status not in ACTION_STATUSES:
        raise AssessmentError(f"'{status}' is not an action status ({', '.join(ACTION_STATUSES)})")
    if rag not in (None, *RAG):
        raise AssessmentError(f"'{rag}' is not red, amber or green")
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        for period in record.periods:
            for entry in [*period.entries.values(), *period.key_area_entries.values()]:
                for action in entry.actions:
                    if action.id == action_id:
                        changed = replace(action, status=status, owner=(owner or "").strip() or None, due=due,
                                          rag=rag)
                        tx.save_entry(org_id, period.period,
                                      replace(entry, actions=[changed if a.id == action_id else a
                                                              for a in entry.actions]),
                                      expected_version=entry.version, user=actor.name)
                        return changed
    raise NotFound(f"{org_id} has no action {action_id}")
