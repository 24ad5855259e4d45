"""The spreadsheet template (.xlsx or .csv) to fill in, one row per objective per period (for a
record kept one level per key area, one row per key area: its Objective cell says
`layouts.KEY_AREA_ROW` and its number is empty).

Its columns are `layouts.TEMPLATE_COLUMNS`; Objective and Key area are prefilled to help the
person filling it in (a key area's row is read by its Key area). `readers.spreadsheet` reads it
(and our own workbook).
"""

from __future__ import annotations

import csv
import io
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from ...domain.framework import Framework
from ...domain.record import check_period
from ...domain.scores import score_choices
from ..layouts import KEY_AREA_ROW, PERIOD_HINT
from ..layouts import TEMPLATE_COLUMNS as COLUMNS

WIDTHS = (10, 11, 50, 30, 9, 9, 80)


def _rows(framework: Framework, periods: list[str], per_key_area: bool = False):
    """(period, key area, number, title) of each row to fill in."""
    for period in periods or [""]:  # no period given: the Period column is left to fill in
        if period:
            check_period(period)
        if per_key_area:
            for ka in framework.key_areas.values():
                yield period, ka, "", KEY_AREA_ROW
        else:
            for _, ka, o in framework.iter_objectives():
                yield period, ka, o.id, o.title


def template_csv(framework: Framework, periods: list[str], *, per_key_area: bool = False) -> bytes:
    """The template as CSV: UTF-8 with a BOM, so that Excel shows Welsh letters such as ŵ correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([period, number, title, ka.title, "", "", ""]
                     for period, ka, number, title in _rows(framework, periods, per_key_area))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(framework: Framework, periods: list[str], *, per_key_area: bool = False) -> bytes:
    """The template as an .xlsx: sheet "Scores", with a list of scores on Score and Target (half
    steps only in key areas that allow them), and sheet "How to fill this in"."""
    book = Workbook()
    ws = book.active
    ws.title = "Scores"
    ws.append(COLUMNS)
    for i, width in enumerate(WIDTHS):
        ws.cell(1, i + 1).font = Font(bold=True)
        ws.column_dimensions[chr(65 + i)].width = width
    rows = list(_rows(framework, periods, per_key_area))
    for r, (period, ka, number, title) in enumerate(rows, start=2):
        ws.append([int(period) if period.isdigit() else period, int(number) if number.isdigit() else number or None,
                   title, ka.title, None, None, None])
        for column in "AEFG":  # text, so that Excel keeps "2/3" as it is written rather than as a date
            ws[f"{column}{r}"].number_format = "@"
        for column in "CDG":
            ws[f"{column}{r}"].alignment = Alignment(vertical="top", wrap_text=True)
    first = 2
    for half, run in groupby(framework.allows_half_steps(ka.id) for _, ka, _, _ in rows):
        choices = [s.written for s in score_choices(framework, half) if s.written is not None]
        last = first + len(list(run)) - 1
        ws.add_data_validation(DataValidation(
            type="list", formula1='"' + ",".join(choices) + '"', sqref=f"E{first}:F{last}", allow_blank=True,
            showErrorMessage=True, errorTitle="Not a score", error="Choose from the list: " + ", ".join(choices)))
        first = last + 1
    ws.freeze_panes, ws.auto_filter.ref = "A2", f"A1:G{ws.max_row}"
    _instructions(book.create_sheet("How to fill this in"), framework, per_key_area)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(ws, framework: Framework, per_key_area: bool = False) -> None:
    whole = [ka.title for ka in framework.key_areas.values() if not framework.allows_half_steps(ka.id)]
    item = "key area" if per_key_area else "objective"
    lines = [
        "How to fill this in",
        f"This template is for {framework.name}. Each row of the sheet "
        + ("“Scores” is one key area in one period, scored as a whole." if per_key_area
           else "“Scores” is one objective in one period."),
        "Score: choose from the list. " + "; ".join(f"{lv.value} is {lv.name}" for lv in framework.levels)
        + f". A half step such as 2/3 means the {item} is between two levels. Write n/a when the "
          f"{item} does not apply, and leave the cell empty when it is not yet scored.",
        ("Half steps are not allowed in: " + ", ".join(whole) + "." if whole else ""),
        "Target: the level you want to reach, written in the same way (optional).",
        "Comment: write as much as you need. Line breaks (Alt+Enter) and letters such as ŵ and ŷ are kept.",
        f"Period: {PERIOD_HINT}. To fill in another period, copy the rows and change the Period.",
        ("Key area: leave it as it is; it says which key area the row is." if per_key_area else
         "Objective number: leave it as it is. Objective and Key area are there to help you; they are not read."),
        f"Rows with no score, target or comment are skipped, and what is saved for those {item}s is kept.",
        "Keep the column headings. You may move columns or add your own; added columns are ignored.",
        "Saving as CSV: choose “CSV UTF-8” so that Welsh letters are kept. If you fill in the CSV file in "
        "Excel, format the Score and Target columns as Text first, or Excel will turn 2/3 into a date.",
        "Importing: choose Import, then upload this file. You will see what would change before anything "
        "is saved, and every problem is listed with its row and column.",
    ]
    ws.column_dimensions["A"].width = 110
    for r, line in enumerate([x for x in lines if x], start=1):
        ws.cell(r, 1, line).alignment = Alignment(vertical="top", wrap_text=True)
    ws["A1"].font = Font(bold=True, size=14)
