"""What the workflows and queries share: opening the database, and an organisation's framework (or,
for its plan record, its plan)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.errors import AssessmentError, NotFound, StaleEntry
from ..domain.framework import Framework
from ..domain.plan import Plan
from ..domain.record import Entry, OrganisationRecord
from ..formats.framework_file import find_framework
from ..formats.plan_file import find_plan
from ..storage.store import Store, database_url, open_store  # noqa: F401 - database_url for the app
from .access import Actor


def connect(url: str | None = None) -> Store:
    """The database at `url` (default: `DATABASE_URL`, else the SQLite file under data/), its schema
    brought up to date. Pass it to every workflow and query."""
    return open_store(url or database_url())


def framework_of(record: OrganisationRecord, requested: str | None = None) -> Framework:
    """The framework an organisation's record follows; for one with no period yet, `requested` (else
    the default, NPS 2018). A `requested` framework other than the one its periods follow is refused."""
    if requested and record.periods and requested != record.framework_id:
        raise AssessmentError(f"{record.organisation.id} is assessed against {record.framework_id}, "
                              f"not {requested}")
    return find_framework(requested or record.framework_or())


def plan_of(record: OrganisationRecord) -> Plan:
    """The plan an organisation's plan record follows (NotFound where it has no period yet)."""
    if not record.periods:
        raise NotFound(f"{record.organisation.id} follows no plan yet; start a period of it with a plan "
                       "(period start --record plan --framework PLAN)")
    return find_plan(record.framework_id)


def check_item(framework: Framework, kind: str, item: str) -> None:
    """Refuse (NotFound) an objective or key area the framework does not have."""
    known = framework.objectives if kind == "objective" else framework.key_areas if kind == "key_area" else {}
    if item not in known:
        raise NotFound(f"{framework.id} has no {kind.replace('_', ' ')} '{item}'")


@dataclass
class SaveResult:
    """What a save did: the entries saved, those someone else saved meanwhile (with theirs), and the
    person's drafts still waiting elsewhere in the period."""

    saved: list[tuple[str, str]] = field(default_factory=list)          # (kind, item)
    stale: dict[tuple[str, str], Entry | None] = field(default_factory=dict)   # (kind, item) -> the entry now
    waiting: list[tuple[str, str]] = field(default_factory=list)        # drafts not saved by this save


def save_checked(tx, actor: Actor, org_id: str, period: str, ready: list, result: SaveResult) -> SaveResult:
    """Write entries already checked (`ready`: (edit, the entry saved when the edit began or None, the
    entry to save)): each whose edit started from an older version than the one saved now is not
    written, and comes back in `stale` with the saved entry, for the person to choose."""
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
