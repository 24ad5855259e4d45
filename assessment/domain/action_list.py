"""Every action of an organisation across objectives and periods, for listing and filtering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .framework import Framework
from .record import Action, OrganisationRecord, long_date


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


def latest_progress(action: Action) -> str:
    """'21 November 2026: done – Programme launched.', or '' with no change recorded."""
    if not action.updates:
        return ""
    u = action.updates[-1]
    when = long_date(u.on, missing=f"in {u.period}" if u.period else "undated")
    return f"{when}: {u.status}" + (f" – {u.note}" if u.note else "")


def listed_table(rows: list[ListedAction], today: date) -> list[dict[str, str]]:
    """The action list as the Actions page and `actions` show it: one row per action."""
    return [{"Objective": f"{r.title} (raised in {r.period})", "Action": r.action.text,
             "Owner": r.action.owner or "–",
             "Due": long_date(r.action.due) + (" ⚠ overdue" if r.overdue(today) else ""),
             "Status": r.action.status + (f", {r.action.rag}" if r.action.rag else ""),
             "Latest progress": latest_progress(r.action) or "–"} for r in rows]


def listed_data(rows: list[ListedAction], framework: Framework, today: date) -> list[dict]:
    """The action list as JSON-ready data: dates in ISO 8601, `overdue` as true or false."""
    return [{"id": r.action.id, "period": r.period, "kind": r.kind, "item": r.item, "title": r.title,
             "key_area": framework.key_areas[r.key_area_id].title if r.key_area_id in framework.key_areas else None,
             "text": r.action.text, "owner": r.action.owner, "due": r.action.due.isoformat() if r.action.due else None,
             "status": r.action.status, "rag": r.action.rag, "overdue": r.overdue(today),
             "latest_progress": latest_progress(r.action) or None} for r in rows]
