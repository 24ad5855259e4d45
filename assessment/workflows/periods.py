"""Periods: start one (blank or carried forward), confirm carried scores, delete one started by mistake."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import NotFound
from ..record import PeriodRecord
from ..scoring import new_period
from ..store import Store
from .access import ADMINISTER, EDIT, Actor, allow
from .common import framework_of


@dataclass(frozen=True)
class StartedPeriod:
    period: PeriodRecord
    carried_from: str | None     # the period it was carried forward from, if any
    carried: int                 # scores carried forward, to be confirmed
    actions: int                 # actions of earlier periods still open, shown in this one


def start_period(store: Store, actor: Actor, org_id: str, name: str, *, carry: bool = True,
                 framework_id: str | None = None) -> StartedPeriod:
    """Start period `name`, carried forward from the latest one unless `carry` is false (or there is
    none). Against the organisation's framework; `framework_id` only chooses one for its first period."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        framework = framework_of(record, framework_id)
        new = new_period(record, name.strip(), carry=carry)
        tx.add_period(org_id, new.period, framework.id, framework.version, user=actor.name)
    still_open = sum(a.is_open for p in record.periods for e in [*p.entries.values(), *p.key_area_entries.values()]
                     for a in e.actions)
    return StartedPeriod(new.period, new.carried_from, new.carried, still_open)


@dataclass(frozen=True)
class DeletedPeriod:
    period: str
    entries: int
    actions: int                 # actions raised in it, gone with it


def delete_period(store: Store, actor: Actor, org_id: str, name: str) -> DeletedPeriod:
    """Delete a period with everything in it: its entries, the actions raised in it, their history
    and everyone's drafts. An administrator's act."""
    allow(actor, org_id, ADMINISTER)
    with store.transaction() as tx:
        period = tx.load_record(org_id).period(name)
        tx.delete_period(org_id, name)
    entries = [*period.entries.values(), *period.key_area_entries.values()]
    return DeletedPeriod(name, len(entries), sum(len(e.actions) for e in entries))


def confirm_scores(store: Store, actor: Actor, org_id: str, period: str,
                   items: list[tuple[str, str]] | None = None, *,
                   versions: dict[tuple[str, str], int] | None = None) -> list[tuple[str, str]]:
    """Confirm carried scores as they stand: the given (kind, item) pairs, or every carried entry of
    the period. Each is saved as a new version (with history); returns the pairs confirmed. With
    `versions` (the versions the person saw), an entry saved since by someone else is refused
    (StaleEntry) and nothing is confirmed."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        current = record.period(period)
        entries = {(e.kind, e.item): e for e in [*current.entries.values(), *current.key_area_entries.values()]}
        wanted = items if items is not None else list(entries)
        unknown = [item for kind, item in wanted if (kind, item) not in entries]
        if unknown:
            raise NotFound(f"{org_id} {period} has no entry for {', '.join(unknown)}")
        confirmed = []
        for key in wanted:
            entry = entries[key]
            seen = (versions or {}).get(key, entry.version)
            if entry.carried or seen != entry.version:
                tx.save_entry(org_id, period, replace(entry, carried=False), expected_version=seen, user=actor.name)
                confirmed.append(key)
    return confirmed
