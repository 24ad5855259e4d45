"""Every action of an organisation across objectives and periods, for listing and filtering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .framework import Framework
from .record import Action, OrganisationRecord


@dataclass(frozen=True)
class ListedAction:
    period: str        # the period it was raised in
    item: str          # objective id, or key area id for key-area entries
    kind: str
    key_area_id: str
    title: str
    action: Action

    def overdue(self, today: date) -> bool:
        """Open now and past its due date."""
        return self.action.is_open and self.action.due is not None and self.action.due < today

    def open_at(self, period: str, end: date | None = None) -> bool:
        """Raised in or before `period` and not closed by its end (`Action.open_at`)."""
        return self.action.open_at(self.period, period, end)


def action_rows(framework: Framework, record: OrganisationRecord) -> list[ListedAction]:
    rows: list[ListedAction] = []
    for period in record.sorted_periods():
        for entry in [*period.entries.values(), *period.key_area_entries.values()]:
            if entry.kind == "objective":
                key_area_id = framework.key_area_of.get(entry.item, "")
                objective = framework.objectives.get(entry.item)
                title = f"{entry.item}. {objective.title}" if objective is not None else entry.item
            else:
                key_area_id, title = entry.item, framework.key_areas[entry.item].title
            rows.extend(ListedAction(period.period, entry.item, entry.kind, key_area_id, title, a)
                        for a in entry.actions)
    return rows


def filter_rows(rows: list[ListedAction], *, owners: list[str] | None = None, statuses: list[str] | None = None,
                key_areas: list[str] | None = None, due_by: date | None = None,
                overdue_only: bool = False, today: date | None = None, raised_in: list[str] | None = None,
                open_at: str | None = None) -> list[ListedAction]:
    today = today or date.today()
    out = []
    for row in rows:
        a = row.action
        if raised_in and row.period not in raised_in:
            continue
        if open_at and not row.open_at(open_at):
            continue
        if owners and (a.owner or "no owner") not in owners:
            continue
        if statuses and a.status not in statuses:
            continue
        if key_areas and row.key_area_id not in key_areas:
            continue
        if due_by and (a.due is None or a.due > due_by):
            continue
        if overdue_only and not row.overdue(today):
            continue
        out.append(row)
    return out
