"""The Excel workbook: a summary sheet, one sheet per period, and the actions list.

"Summary": organisation, framework, date and the roll-up rule, then one row per key area with,
for each period, n, mean, level reached, target and gap; a theme row follows each theme's key
areas and the overall row comes last. One sheet per period ("2023/24" is named "2023-24"): a row
per objective, and a row per key area scored as a whole (seed 000); scores are numbers (a half
step is 2.5, with "2/3" in the label beside it), n/a and not yet scored are empty with a label.
"Actions": every action, its due date a real date cell, and whether it is overdue on `today`.
Headers are bold, panes frozen under them, tables filtered. All text is cleaned (`TextCleaner`),
kept as text even when it starts with "=", and cut with a visible marker past Excel's 32,767
characters per cell; each cut is noted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ...domain.action_list import ListedAction, action_rows, latest_progress
from ...domain.framework import Framework
from ...domain.numbers import rounded
from ...domain.record import (
    OPEN_ACTION_STATUSES,
    Entry,
    OrganisationRecord,
    PeriodRecord,
    evidence_text,
    long_date,
    status_text,
)
from ...domain.rollups import (
    KEY_AREA_RULE,
    ROLL_UP_RULE,
    AreaSummary,
    key_area_summaries,
    level_reached,
    overall_summary,
    scored_by_key_area,
    theme_summaries,
)
from ...domain.scores import Score
from ..layouts import ACTIONS_SHEET_COLUMNS, KEY_AREA_ROW, PERIOD_SHEET_COLUMNS
from .word_text import TextCleaner

CELL_LIMIT = 32_767  # characters per cell, as Excel counts them (UTF-16 code units)
MEAN, GAP, DAY = "0.00", "+0.00;-0.00;0.00", "d mmmm yyyy"
BOLD, TITLE = Font(bold=True), Font(bold=True, size=14)
TOP, WRAP = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
RAG_FILLS = {r: PatternFill("solid", fgColor=c) for r, c in
             (("red", "F4CCCC"), ("amber", "FCE5CD"), ("green", "D9EAD3"))}


@dataclass
class WorkbookExport:
    """The workbook's bytes, how many characters of text were replaced, and what was cut."""

    data: bytes
    replaced_characters: int = 0
    notes: list[str] = field(default_factory=list)


def workbook_xlsx(framework: Framework, record: OrganisationRecord, *, today: date | None = None) -> WorkbookExport:
    """Summary, one sheet per period and the actions, as an .xlsx."""
    today, writer, book, periods = today or date.today(), _Writer(), Workbook(), record.sorted_periods()
    _summary(writer, book.active, framework, record, periods, today)
    names = {"summary", "actions"}
    for period in periods:
        _period_sheet(writer, book.create_sheet(_sheet_name(period.period, names)), framework, record, period)
    _actions(writer, book.create_sheet("Actions"), framework, record, today)
    out = io.BytesIO()
    book.save(out)
    return WorkbookExport(out.getvalue(), writer.clean.replaced, writer.notes)


class _Writer:
    """Writes cells: text cleaned, counted, forced to stay text, and cut to fit a cell."""

    def __init__(self) -> None:
        self.clean, self.notes = TextCleaner(), list[str]()

    def put(self, ws, row: int, column: int, value, *, font=None, align=TOP, number_format=None):
        cell = ws.cell(row, column)
        if isinstance(value, str) and value:
            cell.value = self._fit(self.clean(value), f"{ws.title}!{cell.coordinate}")
            cell.data_type = "s"  # never a formula, whatever it starts with
        else:
            cell.value = None if value == "" else value
        cell.alignment = align
        if font:
            cell.font = font
        if number_format:
            cell.number_format = number_format
        return cell

    def _fit(self, text: str, where: str) -> str:
        units = len(text.encode("utf-16-le")) // 2
        if units <= CELL_LIMIT:
            return text
        marker = f" […cut: {units:,} characters is more than an Excel cell holds; the full text is in the record]"
        keep = (CELL_LIMIT - len(marker.encode("utf-16-le")) // 2) * 2
        self.notes.append(f"{where}: text of {units:,} characters cut to Excel's limit of {CELL_LIMIT:,}")
        return text.encode("utf-16-le")[:keep].decode("utf-16-le", errors="ignore") + marker

    def table(self, ws, top: int, columns: Sequence[tuple[str, float]], rows: list[list], *, wrap=(),
              formats: dict[int, str] | None = None, bold_rows=(), freeze_after: int = 1) -> None:
        """A header at row `top`, then `rows`; columns are counted from 0 in `wrap` and `formats`."""
        formats = formats or {}
        for i, (name, width) in enumerate(columns):
            self.put(ws, top, i + 1, name, font=BOLD, align=WRAP)
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        for r, values in enumerate(rows):
            for i, value in enumerate(values):
                self.put(ws, top + 1 + r, i + 1, value, font=BOLD if r in bold_rows else None,
                         align=WRAP if i in wrap else TOP, number_format=formats.get(i))
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A{top}:{last}{top + max(1, len(rows))}"
        ws.freeze_panes = ws.cell(top + 1, freeze_after + 1)
        ws.print_title_rows, ws.page_setup.orientation = f"{top}:{top}", "landscape"  # printed: fit to width
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage = 1, 0, True


def _sheet_name(period: str, taken: set[str]) -> str:
    """Excel forbids \\ / ? * [ ] : in sheet names and allows 31 characters; names must differ."""
    base = re.sub(r"[\\/?*\[\]:]", "-", period)[:28] or "Period"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base} {n}"
    taken.add(name.lower())
    return name


def _number(score: Score) -> float | int | None:
    if not score.is_scored:
        return None
    return int(score.value) if score.value == int(score.value) else score.value  # type: ignore[arg-type]


def _id(item: str) -> int | str:
    """NPS ids are numbers ("18"), written as numbers so they sort as numbers; others stay text."""
    return int(item) if item.isascii() and item.isdigit() and str(int(item)) == item else item


def _rollup_cells(area: AreaSummary, framework: Framework) -> list:
    """n, mean, level reached, target (a number), how many of the n have a target, gap (a number,
    empty where the target covers only part of what is scored)."""
    s = area.score
    with_target = s.n if area.target_direct and area.target.mean is not None else area.target.n
    return [s.n, rounded(s.mean), level_reached(s, framework), rounded(area.target.mean), with_target,
            rounded(area.gap)]


def _summary(w: _Writer, ws, framework: Framework, record: OrganisationRecord, periods: list[PeriodRecord],
             today: date) -> None:
    ws.title = "Summary"
    w.put(ws, 1, 1, f"{record.organisation.name}: procurement maturity self-assessment", font=TITLE)
    w.put(ws, 2, 1, f"Framework: {framework.name}")
    w.put(ws, 3, 1, f"Generated {long_date(today)}. Status – {status_text(periods)}")
    w.put(ws, 4, 1, KEY_AREA_RULE if periods and all(scored_by_key_area(p) for p in periods) else ROLL_UP_RULE)
    w.put(ws, 5, 1, "Levels: " + ", ".join(lv.label for lv in framework.levels)
          + '. A score such as "2/3" is between two levels. Gap = target minus mean; above 0 is short of target. '
          "\"with target\" is how many of the n scored have a target; where fewer, the gap is left empty.")
    columns = [("Key area", 42), ("Theme", 28)]
    formats: dict[int, str] = {}
    for p in periods:
        start = len(columns)
        columns += [(f"{p.period} n", 8), (f"{p.period} mean", 9), (f"{p.period} level reached", 16),
                    (f"{p.period} target", 9), (f"{p.period} with target", 9), (f"{p.period} gap", 8)]
        formats.update({start + 1: MEAN, start + 3: MEAN, start + 5: GAP})
    areas = [{a.id: a for a in key_area_summaries(framework, p)} for p in periods]
    themes = [{a.id: a for a in theme_summaries(framework, p)} for p in periods]
    rows, bold = [], set()
    for theme in framework.themes:
        for ka in theme.key_areas:
            rows.append([ka.title, theme.title] + [c for a in areas for c in _rollup_cells(a[ka.id], framework)])
        bold.add(len(rows))
        rows.append(["All key areas", theme.title] + [c for t in themes for c in _rollup_cells(t[theme.id], framework)])
    bold.add(len(rows))
    rows.append(["All key areas", "All themes"]
                + [c for p in periods for c in _rollup_cells(overall_summary(framework, p), framework)])
    w.table(ws, 7, columns, rows, wrap={0, 1}, formats=formats, bold_rows=bold, freeze_after=2)


def _entry_cells(entry: Entry | None, framework: Framework) -> list:
    entry = entry or Entry("")
    return [_number(entry.score), entry.score.label(framework), _number(entry.target),
            entry.target.label(framework) if entry.target.state != "unscored" else "", entry.target_period or "",
            entry.comment or "", entry.previous_comment or "", evidence_text(entry.evidence),
            "Yes" if entry.carried else "No"]


def _period_sheet(w: _Writer, ws, framework: Framework, record: OrganisationRecord, period: PeriodRecord) -> None:
    w.put(ws, 1, 1, f"{record.organisation.name} – {period.period}: {period.status_line()}", font=TITLE)
    w.put(ws, 2, 1, 'Score and Target are numbers: a half step such as "2/3" is 2.5. Empty: n/a or not yet '
                    "scored (see the label). Key areas scored as a whole have no objective number.")
    rows = []
    if period.entries or not period.key_area_entries:
        rows += [[_id(o.id), o.title, ka.title, *_entry_cells(period.entries.get(o.id), framework)]
                 for _, ka, o in framework.iter_objectives()]
    rows += [["", KEY_AREA_ROW, ka.title, *_entry_cells(period.key_area_entries[ka.id], framework)]
             for ka in framework.key_areas.values() if ka.id in period.key_area_entries]
    w.table(ws, 4, list(PERIOD_SHEET_COLUMNS), rows, wrap={1, 2, 8, 9, 10}, freeze_after=2)


def _actions(w: _Writer, ws, framework: Framework, record: OrganisationRecord, today: date) -> None:
    actions_sheet(w, ws, framework, record.organisation.name, action_rows(framework, record), today)


def actions_sheet(w: _Writer, ws, framework: Framework, organisation: str, rows: list[ListedAction], today: date,
                  shown: str | None = None) -> None:
    """One row per action: the period it was raised in, where it belongs, what, who, when, its status
    now, red/amber/green, whether it is overdue, and its latest dated progress."""
    w.put(ws, 1, 1, f"{organisation} – actions" + (f" ({shown})" if shown else ""), font=TITLE)
    w.put(ws, 2, 1, f"Overdue: {' or '.join(OPEN_ACTION_STATUSES)}, and due before {long_date(today)}. "
                    "Period: the period the action was raised in.")
    cells = [action_cells(row, framework, today) for row in rows]
    w.table(ws, 4, list(ACTIONS_SHEET_COLUMNS), cells, wrap={2, 3, 4, 5, 10}, formats={6: DAY}, freeze_after=3)
    if not cells:
        w.put(ws, 5, 1, "No actions recorded.")
    for r, values in enumerate(cells, start=5):
        if values[8].lower() in RAG_FILLS:
            ws.cell(r, 9).fill = RAG_FILLS[values[8].lower()]


def action_cells(row: ListedAction, framework: Framework, today: date) -> list:
    """The cells of `layouts.ACTIONS_SHEET_COLUMNS` for one action."""
    a = row.action
    key_area = framework.key_areas[row.key_area_id].title if row.key_area_id in framework.key_areas else ""
    return [row.period, _id(row.item) if row.kind == "objective" else "", row.title, key_area, a.text,
            a.owner or "", a.due, a.status, (a.rag or "").capitalize(), "Yes" if row.overdue(today) else "No",
            latest_progress(a)]


def actions_xlsx(framework: Framework, organisation: str, rows: list[ListedAction], *, today: date | None = None,
                 shown: str | None = None) -> WorkbookExport:
    """The action list as shown (already filtered) as a workbook of one sheet, for monitoring."""
    today, writer, book = today or date.today(), _Writer(), Workbook()
    ws = book.active
    ws.title = "Actions"
    actions_sheet(writer, ws, framework, organisation, rows, today, shown)
    out = io.BytesIO()
    book.save(out)
    return WorkbookExport(out.getvalue(), writer.clean.replaced, writer.notes)


def actions_csv(framework: Framework, rows: list[ListedAction], *, today: date | None = None) -> bytes:
    """The same list as CSV (UTF-8 with a BOM, so that Excel keeps Welsh letters), dates as 21 November
    2026, every cell text (nothing that starts with "=" is read as a formula)."""
    today, clean = today or date.today(), TextCleaner()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in ACTIONS_SHEET_COLUMNS])
    for row in rows:
        cells = action_cells(row, framework, today)
        cells[6] = long_date(cells[6], missing="")
        writer.writerow([_csv_safe(clean(str(c))) if c not in (None, "") else "" for c in cells])
    return out.getvalue().encode("utf-8-sig")


def _csv_safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
