"""The members' report of a plan's period (Word), as councils report a strategy each year.

Portrait A4, as the progress report is (`word_report`, whose page, tables, notes and footer it
uses): a title page, or the officer's covering report where there is one (`word_covering`);
"At a glance", the count of outcomes and actions at each rating in the plan's scale order and how
they moved; then per theme a table of its outcomes (rating, last period's, the movement in words,
the comment), of its indicators (unit, baseline with its date, the value, against the baseline and
since last period) and of its actions (number, target, rating, movement, comment); last, the
overdue actions named. Built from `domain.plan_report.plan_report`. A rating's cell may be shaded
in its colour, but the rating is always written in words (a colour the name does not say is named
beside it: "Complete (green)"). User text is shown as written, cleaned only of what Word cannot
hold (`TextCleaner`).
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ...domain.covering import CoveringReport
from ...domain.plan import Plan, Rating
from ...domain.plan_report import (
    NOT_RATED,
    PlanReport,
    RatedLine,
    action_rows,
    by_theme,
    indicator_rows,
    movement_counts,
    outcome_rows,
    overdue_line,
    plan_report,
    plan_report_title,
    rating_words,
)
from ...domain.record import OrganisationRecord, long_date
from .word_appendix import WordExport, set_title_and_language
from .word_covering import write_covering
from .word_report import PORTRAIT_USABLE, _footer, _note, _page, _table
from .word_text import TextCleaner

# Light fills behind a rating's words (as the workbook's), dark text on each passes WCAG AA.
SHADES = {"green": "D9EAD3", "amber": "FCE5CD", "red": "F4CCCC", "grey": "E7E7E7"}
OUTCOME_WIDTHS = [Cm(4.8), Cm(2.8), Cm(2.8), Cm(2.0)]
INDICATOR_WIDTHS = [Cm(3.9), Cm(2.0), Cm(3.2), Cm(2.2), Cm(2.2)]
ACTION_WIDTHS = [Cm(0.9), Cm(3.6), Cm(2.9), Cm(2.8), Cm(2.0)]


def plan_report_docx(plan: Plan, record: OrganisationRecord, period: str, on: date, *,
                     covering: CoveringReport | None = None) -> WordExport:
    """The members' report of `period` of a plan record as a .docx, overdue actions as of `on`.
    `covering` opens it (default: the period's own covering report, where it has one)."""
    report = plan_report(plan, record, period, on)
    clean = TextCleaner()
    document = Document()
    _page(document)
    title = f"{record.organisation.name}: {plan_report_title(plan, period)}"
    set_title_and_language(document, title, author=record.organisation.name)
    status = clean(record.period(period).status_line())
    covering = covering if covering is not None else record.period(period).covering
    if covering is not None and not covering.empty:
        write_covering(document, covering, plan_report_title(plan, period), status, clean)
    else:
        _title_page(document, report, record.organisation.name, status, clean)
    _at_a_glance(document, report, clean)
    for theme, outcomes, indicators, actions in by_theme(report):
        _theme(document, report, theme.title, theme.description, outcomes, indicators, actions, clean)
    _overdue(document, report, clean)
    _footer(document, f"{title}. {status}. Generated {long_date(on)}. ")
    out = io.BytesIO()
    document.save(out)
    return WordExport(out.getvalue(), clean.replaced, title)


def _title_page(document, report: PlanReport, organisation: str, status: str, clean: TextCleaner) -> None:
    name = document.add_paragraph(clean(organisation), style="Title")
    name.paragraph_format.space_before = Cm(5)
    document.add_paragraph("Progress report on the plan", style="Subtitle")
    lines = [clean(report.plan.name),
             f"Progress in {report.period}" + (f", compared with {report.previous}" if report.previous else ""),
             f"Prepared {long_date(report.on)}"]
    for line in lines:
        document.add_paragraph(line).runs[0].font.size = Pt(13)
    shown = document.add_paragraph().add_run(f"Status: {status}")
    shown.font.size, shown.font.bold = Pt(13), True


def _at_a_glance(document, report: PlanReport, clean: TextCleaner) -> None:
    document.add_heading("At a glance", level=1).paragraph_format.page_break_before = True
    counts = report.counts()
    names = [r.name for r in report.plan.ratings]
    rows = [{"Rating": rating_words(r), "Outcomes and actions": str(counts.get(r.name, 0))}
            for r in report.plan.ratings]
    if counts.get(NOT_RATED):
        rows.append({"Rating": NOT_RATED, "Outcomes and actions": str(counts[NOT_RATED])})
    rows.append({"Rating": "All", "Outcomes and actions": str(len(report.outcomes) + len(report.actions))})
    document.add_paragraph(f"How many of the plan's {len(report.outcomes)} outcomes and {len(report.actions)} "
                           f"actions are at each rating in {report.period}, best first.")
    _table(document, rows, clean, widths=[Cm(6.0), Cm(4.0)], bold_last=True)
    _shade_column(document.tables[-1], 0, [*report.plan.ratings, *([None] * (len(rows) - len(names)))])
    if report.previous:
        document.add_paragraph(f"Since {report.previous}: outcomes {movement_counts(report.outcomes)}; "
                               f"actions {movement_counts(report.actions)}.")
    else:
        document.add_paragraph(f"{report.period} is the plan's first period, so nothing has moved yet.")
    document.add_paragraph(_overdue_sentence(report))
    _outcomes_at_a_glance(document, report, clean)


def _outcomes_at_a_glance(document, report: PlanReport, clean: TextCleaner) -> None:
    """Each theme's outcomes: the rating, how it moved, and how many of its actions are overdue."""
    document.add_heading("Each theme's outcomes", level=2)
    theme_of = {o.id: t.title for t, o in report.plan.iter_outcomes()}
    late = Counter(report.plan.outcome_of[o.action.id] for o in report.overdue)
    rows = [{"Theme": theme_of[line.id], "Outcome": line.title, f"{report.period} rating": rating_words(line.rating),
             "Movement": line.movement, "Overdue actions": str(late[line.id])} for line in report.outcomes]
    _table(document, rows, clean, widths=_rest([Cm(3.4), Cm(6.0), Cm(2.8), Cm(2.0)]))
    _shade_column(document.tables[-1], 2, [line.rating for line in report.outcomes])


def _theme(document, report: PlanReport, title: str, description: str | None, outcomes: list[RatedLine],
           indicators: list, actions: list[RatedLine], clean: TextCleaner) -> None:
    document.add_heading(clean(title), level=1).paragraph_format.page_break_before = True
    if description:
        _note(document, clean(description))
    document.add_heading("Outcomes", level=2)
    _rated_table(document, outcome_rows(report, outcomes), outcomes, OUTCOME_WIDTHS, clean, rating_column=1)
    if indicators:
        document.add_heading("Indicators", level=2)
        _table(document, indicator_rows(report, indicators), clean, widths=_rest(INDICATOR_WIDTHS))
    if actions:
        document.add_heading("Actions", level=2)
        rows = action_rows(report, actions)
        _rated_table(document, rows, actions, ACTION_WIDTHS, clean, rating_column=3)


def _rated_table(document, rows: list[dict], lines: list[RatedLine], widths: list, clean: TextCleaner, *,
                 rating_column: int) -> None:
    _table(document, rows, clean, widths=_rest(widths))
    table = document.tables[-1]
    _shade_column(table, rating_column, [line.rating for line in lines])
    if list(rows[0])[rating_column + 1].endswith("rating"):   # last period's rating beside it
        _shade_column(table, rating_column + 1, [line.previous for line in lines])


def _rest(widths: list) -> list:
    """The given widths and, last, the rest of the page's width."""
    return [*widths, PORTRAIT_USABLE - sum(widths)]


def _shade_column(table, column: int, ratings: list[Rating | None]) -> None:
    """Shade a column's cells below the header in each rating's colour (the words are already there)."""
    for row, rating in zip(table.rows[1:], ratings):
        if rating is None:
            continue
        properties = row.cells[column]._tc.get_or_add_tcPr()
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:color"), "auto")
        shade.set(qn("w:fill"), SHADES[rating.colour])
        properties.append(shade)


def _overdue_sentence(report: PlanReport) -> str:
    n = len(report.overdue)
    if not n:
        return f"No actions are overdue at {long_date(report.on)}."
    return f"{n} action{' is' if n == 1 else 's are'} overdue at {long_date(report.on)}."


def _overdue(document, report: PlanReport, clean: TextCleaner) -> None:
    document.add_heading("Overdue actions", level=1)
    document.add_paragraph(_overdue_sentence(report)
                           + (" Each was due by the date given, and is not done, dropped or rated delivered."
                              if report.overdue else ""))
    theme_of = {o.id: t.title for t, o in report.plan.iter_outcomes()}
    for item in report.overdue:   # numbers start again in each theme: the theme says which "1."
        theme = theme_of[report.plan.outcome_of[item.action.id]]
        document.add_paragraph(clean(f"{theme} – {overdue_line(item)}"), style="List Bullet")
