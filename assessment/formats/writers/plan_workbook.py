"""A plan record as an Excel workbook: a summary, one sheet per period, and the plan's actions.

"Summary": the organisation, the plan, the date and each period's status, then how many outcomes
and actions are at each rating (in the plan's scale order, best first), a column per period.
One sheet per period ("2023/24" is named "2023-24"), its outcomes, indicators and actions one table
under another, with the columns of the members' report (`plan_report_docx`): ratings in words (a
rating's cell shaded in its colour too), movement in words, an indicator's value a number ("no
data" where so). "Actions": each of the plan's actions once, with its target, the due date kept
for it (a date cell), owner, status, and whether it is overdue on `on`. Cells are written as the
objectives workbook writes them (`excel_workbook`): text cleaned, never a formula, cut to fit.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ...domain.plan import Plan
from ...domain.plan_report import (
    NO_DATA,
    NOT_RATED,
    PlanReport,
    action_due,
    against_words,
    baseline_words,
    plan_actions,
    plan_report,
    rating_words,
    since_words,
    target_words,
)
from ...domain.record import OrganisationRecord, long_date, status_text
from .excel_workbook import BOLD, DAY, RAG_FILLS, TITLE, WRAP, WorkbookExport, _sheet_name, _Writer

HEADING = Font(bold=True, size=12)
# The period sheet's tables lie one under another: a column's width suits what each of them puts in it.
PERIOD_WIDTHS = [22, 48, 20, 26, 16, 40, 40]


def plan_workbook_xlsx(plan: Plan, record: OrganisationRecord, on: date) -> WorkbookExport:
    """Summary, one sheet per period and the plan's actions, as an .xlsx (overdue as of `on`)."""
    writer, book, periods = _Writer(), Workbook(), record.sorted_periods()
    reports = [plan_report(plan, record, p.period, on) for p in periods]
    _summary(writer, book.active, plan, record, reports, on)
    names = {"summary", "actions"}
    for period, report in zip(periods, reports):
        ws = book.create_sheet(_sheet_name(period.period, names))
        _period_sheet(writer, ws, record, report, period.status_line())
    _actions(writer, book.create_sheet("Actions"), plan, record, reports[-1] if reports else None, on)
    out = io.BytesIO()
    book.save(out)
    return WorkbookExport(out.getvalue(), writer.clean.replaced, writer.notes)


def _summary(w: _Writer, ws, plan: Plan, record: OrganisationRecord, reports: list[PlanReport], on: date) -> None:
    ws.title = "Summary"
    w.put(ws, 1, 1, f"{record.organisation.name}: progress on the plan", font=TITLE)
    w.put(ws, 2, 1, f"Plan: {plan.name}")
    w.put(ws, 3, 1, f"Generated {long_date(on)}. Status – {status_text(record.sorted_periods()) or 'no periods'}")
    w.put(ws, 4, 1, "How many of the plan's outcomes and actions are at each rating in each period, best first.")
    columns = [("Rating", 28)] + [(r.period, 12) for r in reports]
    counts = [r.counts() for r in reports]
    rows = [[rating_words(rating)] + [c.get(rating.name, 0) for c in counts] for rating in plan.ratings]
    rows.append([NOT_RATED] + [c.get(NOT_RATED, 0) for c in counts])
    rows.append(["All"] + [len(r.outcomes) + len(r.actions) for r in reports])
    w.table(ws, 6, columns, rows, wrap={0}, bold_rows={len(rows) - 1})
    for r, rating in enumerate(plan.ratings, start=7):
        _shade(ws.cell(r, 1), rating.colour)


def _shade(cell, colour: str | None) -> None:
    if colour in RAG_FILLS:
        cell.fill = RAG_FILLS[colour]


def _block(w: _Writer, ws, top: int, heading: str, headers: Sequence[str], rows: list[list],
           colours: dict[int, list[str | None]] | None = None) -> int:
    """A heading at row `top`, a bold header under it, then `rows` (text wrapped); `colours` shades
    a column's cells. The row after the table and a blank one is returned."""
    w.put(ws, top, 1, heading, font=HEADING)
    for i, name in enumerate(headers, start=1):
        w.put(ws, top + 1, i, name, font=BOLD, align=WRAP)
    for r, values in enumerate(rows, start=top + 2):
        for i, value in enumerate(values, start=1):
            w.put(ws, r, i, value, align=WRAP)
    for column, shades in (colours or {}).items():
        for r, colour in enumerate(shades, start=top + 2):
            _shade(ws.cell(r, column + 1), colour)
    return top + 2 + len(rows) + 1


def _colour(rating) -> str | None:
    return rating.colour if rating is not None else None


def _period_sheet(w: _Writer, ws, record: OrganisationRecord, report: PlanReport, status: str) -> None:
    plan, period, previous = report.plan, report.period, report.previous
    theme_of = {o.id: t.title for t, o in plan.iter_outcomes()}
    outcome_of = plan.outcome_of
    w.put(ws, 1, 1, f"{record.organisation.name} – {period}: {status}", font=TITLE)
    w.put(ws, 2, 1, f"{plan.name}. Movement is since {previous}." if previous
          else f"{plan.name}. {period} is the plan's first period.")
    before = f"{previous} rating" if previous else "Last period"
    top = _block(w, ws, 4, "Outcomes", ["Theme", "Outcome", f"{period} rating", before, "Movement", "Comment"],
                 [[theme_of[o.id], o.title, rating_words(o.rating), rating_words(o.previous) if previous else "none",
                   o.movement, o.comment or ""] for o in report.outcomes],
                 {2: [_colour(o.rating) for o in report.outcomes], 3: [_colour(o.previous) for o in report.outcomes]})
    top = _block(w, ws, top, "Indicators",
                 ["Theme", "Indicator", "Unit", "Baseline", f"{period} value", "Against baseline", "Since last period"],
                 [[theme_of[outcome_of[i.indicator.id]], i.indicator.title, i.indicator.unit or "",
                   baseline_words(i.indicator), NO_DATA if i.no_data else _number(i.value), against_words(i),
                   since_words(i, previous)]
                  for i in report.indicators])
    _block(w, ws, top, "Actions", ["Theme", "Action", "Target", f"{period} rating", before, "Movement", "Comment"],
           [[theme_of[outcome_of[a.id]], a.title, target_words(plan.actions[a.id]), rating_words(a.rating),
             rating_words(a.previous) if previous else "none", a.movement, a.comment or ""] for a in report.actions],
           {3: [_colour(a.rating) for a in report.actions], 4: [_colour(a.previous) for a in report.actions]})
    _widths(ws, PERIOD_WIDTHS)


def _number(value: float | None) -> float | int | None:
    """A value as a number cell: whole numbers as whole (37, not 37.0)."""
    return int(value) if value is not None and value == int(value) else value


def _widths(ws, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage = 1, 0, True


def _actions(w: _Writer, ws, plan: Plan, record: OrganisationRecord, latest: PlanReport | None, on: date) -> None:
    """Each of the plan's actions once: the action kept for it (raised in the plan's first period)."""
    w.put(ws, 1, 1, f"{record.organisation.name} – the plan's actions", font=TITLE)
    w.put(ws, 2, 1, f"Overdue: not done, dropped or rated delivered, and due before {long_date(on)}. Due: the date "
                    "kept for the action (from its target where it is to be done by a date).")
    live, overdue = plan_actions(record), {o.action.id for o in (latest.overdue if latest else [])}
    theme_of = {o.id: t.title for t, o in plan.iter_outcomes()}
    rows = []
    for action in plan.actions.values():
        kept = live.get(action.id)
        due = action_due(action, kept)
        rows.append([theme_of[plan.outcome_of[action.id]], action.number, action.title, target_words(action), due,
                     kept.owner or "" if kept is not None else "", kept.status if kept is not None else "not raised",
                     "Yes" if action.id in overdue else "No"])
    w.table(ws, 4, [("Theme", 22), ("No.", 6), ("Action", 48), ("Target", 24), ("Due", 16), ("Owner", 22),
                    ("Status", 14), ("Overdue", 10)], rows, wrap={0, 2, 3, 5}, formats={4: DAY}, freeze_after=3)
