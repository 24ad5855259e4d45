"""Reading spreadsheets in: the filled-in template (.xlsx or .csv) and the workbook this tool exports.

`read_spreadsheet` tells an .xlsx (a zip) from CSV text by content, and reads (a) any sheet or CSV
whose header row has the template's columns (`layouts.TEMPLATE_COLUMNS`), in any order, matched
without regard to case or spacing, and (b) the workbook that `exports.workbook.workbook_xlsx`
writes: its period sheets (the period is in the title cell, "Medway Council – 2023/24: DRAFT"; before
December 2026 "Medway Council – 2023/24 (approved)"),
key areas scored as a whole, and its Actions sheet. Every problem is located by sheet, row and
column and all are collected (a plan with problems holds no periods); rows with no score, target
or comment are skipped; text keeps its line breaks and letters but not surrounding spaces. CSV may
be UTF-8 (with or without BOM), UTF-16 or, with a warning, Windows-1252; comma, semicolon or tab
separated.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from ...domain.errors import ScoreError
from ...domain.framework import Framework
from ...domain.import_plan import ImportPlan
from ...domain.limits import (
    SHEET_CELLS,
    SHEET_COLUMNS,
    SHEET_ROWS,
    WORKBOOK_ELEMENTS,
    WORKBOOK_PART_ELEMENTS,
    WORKBOOK_SETUP_ELEMENTS,
)
from ...domain.record import (
    ACTION_STATUSES,
    OLD_ACTION_STATUSES,
    RAG,
    Action,
    Entry,
    PeriodRecord,
    long_date,
    parse_evidence,
    period_key,
    target_period_problem,
    valid_period,
)
from ...domain.scores import Score, parse_score
from ..layouts import ACTIONS_SHEET_REQUIRED, KEY_AREA_ROW, PERIOD_HINT, PERIOD_SHEET_REQUIRED
from ..layouts import TEMPLATE_COLUMNS as COLUMNS
from ..layouts import TEMPLATE_REQUIRED as REQUIRED
from .zipped import Budget, zip_problem

TEMPLATE_KEYS = {" ".join(c.split()).casefold() for c in COLUMNS}
TEMPLATE_LAYOUT = "the template's columns are " + ", ".join(COLUMNS)

EXPORT_LAYOUT = "a period sheet of this tool's workbook has the columns " + ", ".join(PERIOD_SHEET_REQUIRED) + ", …"
ACTIONS_LAYOUT = ("the Actions sheet of this tool's workbook has the columns " + ", ".join(ACTIONS_SHEET_REQUIRED)
                  + ", …")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx files with a password
WORKBOOK = Budget(WORKBOOK_PART_ELEMENTS, WORKBOOK_ELEMENTS, "this tool's 10-period workbook has about 21,000 in "
                                                             "all, 2,900 in its biggest sheet", WORKBOOK_SETUP_ELEMENTS)


def _title_period(title: str) -> str | None:
    """The period in a period sheet's title, "Medway Council – 2023/24: DRAFT" (before December 2026,
    "… – 2023/24 (approved)"): the first text after " – " that is a period (an organisation's name
    or an approval's wording may hold " – " too); failing that, the first such text, so that a
    mistyped period is reported; None where the title has no " – "."""
    found = [re.split(r": | \(", part, maxsplit=1)[0].strip() for part in title.split(" – ")[1:]]
    return next((p for p in found if valid_period(p)), found[0] if found else None)


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


class _Unreadable(Exception):
    """The file cannot be read as a spreadsheet at all."""


def _sheets(data: bytes, notes: list[str]) -> tuple[bool, list[tuple[str | None, list[list]]]]:
    """(is a workbook, [(sheet name or None for CSV, rows)]) by the file's content."""
    if not data.strip():
        raise _Unreadable("the file is empty")
    if data.startswith(OLE2):
        raise _Unreadable("this is an Excel 97–2003 workbook (.xls) or a workbook with a password; open it "
                          "in Excel, remove any password and save it as an Excel Workbook (.xlsx)")
    if data.startswith(b"PK"):
        too_big = zip_problem(data, WORKBOOK)
        if too_big:
            raise _Unreadable(too_big)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return True, [(ws.title, _bounded_rows(ws)) for ws in book.worksheets]
            finally:
                book.close()
        except _Unreadable:
            raise
        except Exception:  # a damaged zip or XML: openpyxl and zipfile raise many kinds
            raise _Unreadable("the file cannot be opened as an Excel workbook (.xlsx): it is damaged or "
                              "incomplete; save it again from Excel and upload the new file") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\0" in data:
        raise _Unreadable("this is neither an Excel workbook (.xlsx) nor a CSV file")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            notes.append("the file is not UTF-8, so it was read as Windows-1252: letters such as ŵ and ŷ "
                         "may be wrong; save it as “CSV UTF-8” to keep them")
    if text.count("\n") > SHEET_ROWS + 1:
        raise _Unreadable(f"the file has more than {SHEET_ROWS:,} rows; files of up to {SHEET_ROWS:,} rows are read "
                          "(59 objectives for 10 periods are 590)")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    if text.count(delimiter) + text.count("\n") > SHEET_CELLS:   # counted before the parse makes a string of each
        raise _Unreadable(f"the file has more than {SHEET_CELLS:,} cells; files of up to {SHEET_CELLS:,} cells are "
                          "read (59 objectives for 10 periods in the template's columns are 2,400)")
    try:
        return False, [(None, list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))]
    except csv.Error as exc:
        raise _Unreadable(f"the file cannot be read as CSV: {exc}") from None


def _bounded_rows(ws) -> list[list]:
    """A sheet's rows, read one at a time, at most `limits.SHEET_COLUMNS` wide, refused past
    `limits.SHEET_ROWS` (a row's number can skip a million empty rows, each made as it is read; the
    cells it holds are bounded by its part's XML elements, `zipped.Budget`). The size the sheet
    declares is ignored (openpyxl would pad every row to it: a 30 KB file declaring A1:XFD1048576
    took 24 GB)."""
    ws.reset_dimensions()
    rows = []
    for row in ws.iter_rows(values_only=True, max_col=SHEET_COLUMNS):
        rows.append(list(row))
        if len(rows) > SHEET_ROWS:
            raise _Unreadable(f'sheet "{ws.title}" has more than {SHEET_ROWS:,} rows; sheets of up to '
                              f"{SHEET_ROWS:,} rows are read (59 objectives for 10 periods are 590)")
    while rows and all(v is None for v in rows[-1]):
        rows.pop()   # trailing empty rows, as a sheet's declared size used to trim them
    return rows


def _at(sheet: str | None, row: int, column: str | None = None) -> str:
    return ", ".join(([f'sheet "{sheet}"'] if sheet is not None else []) + [f"row {row}"]
                     + ([f'column "{column}"'] if column else []))


def _plain(value):
    """A cell as text or number: text stripped (as the app's form strips comments; line breaks inside
    are kept, as \\n), empty text None, 3.0 is 3, dates as text for messages."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return long_date(value.date())
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip() or None
    return value


def _text(value) -> str | None:
    value = _plain(value)
    return None if value is None else str(value)


@dataclass
class _Row:
    """One row under a header: `row("Score")` is the cell (plain), `row.at("Score")` its location."""

    sheet: str | None
    number: int
    values: list
    cols: dict[str, tuple[int, str]]  # header, normalised -> (index, header as written)

    def __call__(self, name: str, plain: bool = True):
        i = self.cols.get(_norm(name), (len(self.values),))[0]
        value = self.values[i] if i < len(self.values) else None
        return _plain(value) if plain else value

    def at(self, name: str) -> str:
        return _at(self.sheet, self.number, self.cols.get(_norm(name), (0, name))[1])


def _quoted(items) -> str:
    return ", ".join(f'"{x}"' for x in items)


class _Reader:
    def __init__(self, framework: Framework, plan: ImportPlan):
        self.fw, self.plan = framework, plan
        self.periods: dict[str, PeriodRecord] = {}
        self.seen: dict[tuple, str] = {}
        self.pending: list[tuple[str, str, str, Action]] = []  # actions, attached once every sheet is read
        self.kinds: dict[str, dict[str, str]] = {}   # per period, the kinds of template row and where each first is
        self.key_areas = {_norm(ka.title): ka.id for ka in framework.key_areas.values()}

    def problem(self, where: str, message: str) -> None:
        self.plan.problem(where, message)

    def warn(self, where: str, message: str) -> None:
        self.plan.warn(where, message)

    def table(self, sheet, rows, top: int, required: tuple, layout: str) -> list[_Row]:
        """The rows under the header at `top`; none (after a problem) when a required column is missing."""
        cols: dict[str, tuple[int, str]] = {}
        for i, value in enumerate(rows[top]):
            cols.setdefault(_norm(value), (i, " ".join(str(value).split())))
        cols.pop("", None)
        missing = [name for name in required if _norm(name) not in cols]
        if missing:
            plural = len(missing) > 1
            self.problem(_at(sheet, top + 1), f"the column{'s' * plural} {_quoted(missing)} "
                         f"{'are' if plural else 'is'} missing (columns found: "
                         f"{_quoted(n for _, n in cols.values()) or 'none'}); {layout}")
            return []
        if layout == TEMPLATE_LAYOUT and (extra := [n for k, (_, n) in cols.items() if k not in TEMPLATE_KEYS]):
            self.warn(_at(sheet, top + 1), f"column{'s' * (len(extra) > 1)} {_quoted(extra)} ignored: "
                      "not one of the template's columns")
        return [_Row(sheet, r, values, cols) for r, values in enumerate(rows[top + 1:], start=top + 2)]

    def read(self, is_book: bool, sheets) -> None:
        tables = 0
        for sheet, rows in sheets:
            for top, row in enumerate(rows[:20]):
                names = {_norm(v) for v in row}
                kind = ("export" if "score label" in names else "actions" if {"#", "action"} <= names
                        else "template" if len(names & TEMPLATE_KEYS) >= 3 else None)
                if kind:
                    tables += 1
                    getattr(self, kind)(sheet, rows, top)
                    break
        if not tables:
            where = f"no sheet ({_quoted(s for s, _ in sheets)}) has" if is_book else "none of the first 20 rows is"
            self.problem("", f"{where} a header row with the template's columns ({', '.join(COLUMNS)})"
                         + (", and this is not a workbook exported by this tool" if is_book else ""))
        for period, kind, item, action in self.pending:
            record = self.periods.setdefault(period, PeriodRecord(period))
            entries = record.entries if kind == "objective" else record.key_area_entries
            entries.setdefault(item, Entry(item, kind)).actions.append(action)
        for name, kinds in self.kinds.items():   # a filled-in template scores a period one way
            if len(kinds) > 1:
                self.problem(kinds["key_area"], f"{name} has rows for objectives (first {kinds['objective']}) and "
                             "for key areas as a whole: a period is scored one way; keep one kind of row")
        if tables and not self.periods and not self.plan.problems:
            self.problem("", "no row has a score, target or comment, so there is nothing to import")
        if self.plan.problems:  # as the appendix reader: a plan with problems holds no periods
            return
        for name in sorted(self.periods, key=period_key):
            record = self.periods[name]
            record.entries = {o: record.entries[o] for o in self.fw.objectives if o in record.entries}
            whole = bool(record.key_area_entries) and not record.entries
            expected, what = (self.fw.key_areas, "key areas") if whole else (self.fw.objectives, "objectives")
            missing = len(expected) - len(record.key_area_entries if whole else record.entries)
            if missing:
                self.warn(name, f"{missing} of the {len(expected)} {what} {'is' if missing == 1 else 'are'} not "
                          f"in the file or left blank; what is saved for {'it' if missing == 1 else 'them'} is kept")
            self.plan.periods.append(record)

    def period(self, raw, where: str) -> str | None:
        text = (_text(raw) or "").strip()
        if not valid_period(text) and valid_period(text.replace("-", "/")):
            text = text.replace("-", "/")  # "2023-24", as in sheet names
        if not valid_period(text):
            what = f"'{text}' is not a period" if text else "the period is empty"
            self.problem(where, f"{what}; {PERIOD_HINT}")
            return None
        return text

    def objective(self, raw, title, where: str, title_where: str) -> str | None:
        item = (_text(raw) or "").strip()
        if item not in self.fw.objectives:
            ids = list(self.fw.objectives)
            known = f"{ids[0]}–{ids[-1]}" if len(ids) > 6 else ", ".join(ids)
            self.problem(where, (f"'{item}' is not an objective number of {self.fw.title} (objectives "
                                         f"{known})" if item else "the objective number is empty"))
            return None
        shown = _text(title)
        if shown and _norm(title) != _norm(self.fw.objectives[item].title):
            self.warn(title_where, f"objective {item} is called '{shown.strip()}' here but "
                      f"'{self.fw.objectives[item].title}' in {self.fw.title}; it was read as objective {item}")
        return item

    def key_area(self, raw, where: str) -> str | None:
        if _norm(raw) not in self.key_areas:
            self.problem(where, f"'{_text(raw) or ''}' is not a key area of {self.fw.title}")
        return self.key_areas.get(_norm(raw))

    def score(self, row: _Row, column: str, item: str | None, kind: str = "objective") -> Score | None:
        area = item if kind == "key_area" else self.fw.key_area_of.get(item or "")
        try:
            return parse_score(row(column), self.fw, half_steps=self.fw.allows_half_steps(area) if area else None)
        except ScoreError as exc:
            self.problem(row.at(column), str(exc))
            return None

    def add(self, period: str | None, entry: Entry, where: str) -> None:
        """Keep an entry read without problems, unless its objective is in the period already."""
        if period is None or not entry.item:
            return
        key = (period, entry.kind, entry.item)
        if key in self.seen:
            what = "objective" if entry.kind == "objective" else "key area"
            self.problem(where, f"{what} {entry.item} is in period {period} twice (also {self.seen[key]}); "
                         "keep one of the rows")
            return
        self.seen[key] = where.rsplit(", column", 1)[0]
        record = self.periods.setdefault(period, PeriodRecord(period))
        (record.entries if entry.kind == "objective" else record.key_area_entries)[entry.item] = entry

    def template(self, sheet, rows, top: int) -> None:
        for row in self.table(sheet, rows, top, REQUIRED, TEMPLATE_LAYOUT):
            if row("Score") is None and row("Target") is None and row("Comment") is None:
                continue
            period = self.period(row("Period"), row.at("Period"))
            # a key area scored as a whole: no objective number, the Objective cell says so (or is empty)
            kind = "key_area" if _text(row("Objective number")) is None and _norm(row("Objective")) in (
                _norm(KEY_AREA_ROW), "") and _text(row("Key area")) is not None else "objective"
            item = (self.objective(row("Objective number"), row("Objective"), row.at("Objective number"),
                                   row.at("Objective"))
                    if kind == "objective" else self.key_area(row("Key area"), row.at("Key area")))
            if period is not None:
                self.kinds.setdefault(period, {}).setdefault(kind, row.at("Objective number"))
            score, target = self.score(row, "Score", item, kind), self.score(row, "Target", item, kind)
            if score is not None and target is not None:   # else a problem was noted
                self.add(period, Entry(item or "", kind, score=score, target=target, comment=_text(row("Comment"))),
                         row.at("Objective number" if kind == "objective" else "Key area"))

    def export(self, sheet, rows, top: int) -> None:
        """A period sheet of our own workbook: the label ("2/3", "3 – Mature") is read, else the number."""
        table = self.table(sheet, rows, top, PERIOD_SHEET_REQUIRED, EXPORT_LAYOUT)
        in_title = _title_period(_text(rows[0][0] if rows[0] else None) or "")
        period = self.period(in_title or sheet.replace("-", "/"), _at(sheet, 1))
        for row in table if period else []:
            kind = "key_area" if row("#") is None and row("Objective") == KEY_AREA_ROW else "objective"
            item = (self.objective(row("#"), row("Objective"), row.at("#"), row.at("Objective"))
                    if kind == "objective" else self.key_area(row("Key area"), row.at("Key area")))
            score = self.score(row, "Score label" if row("Score label") is not None else "Score", item, kind)
            number = self.score(row, "Score", item, kind) if row("Score label") is not None else None
            if score and number and number != score and row("Score") is not None:
                self.problem(row.at('Score'), f"{row('Score')} disagrees with the Score label "
                             f"'{row('Score label')}'; correct one of them")
                score = None
            target = self.score(row, "Target label" if row("Target label") is not None else "Target", item, kind)
            if score == Score() and target == Score() and _text(row("Comment")) is None:
                continue
            by = self.period(row("Target by"), row.at("Target by")) if row("Target by") is not None else ""
            evidence = parse_evidence(_text(row("Evidence")))
            if score is None or target is None:   # a problem was noted
                continue
            if period and by and (wrong := target_period_problem(by, target, period)):
                self.problem(row.at("Target by"), wrong)
                continue
            self.add(period if by is not None else None,
                     Entry(item or "", kind, score, target, by or None, _text(row("Comment")),
                           _text(row("Previous comment")), _norm(row("Carried forward?")) == "yes", evidence=evidence),
                     row.at("#"))   # a period comes in as a draft: its status is given by sign-off in the tool

    def actions(self, sheet, rows, top: int) -> None:
        for row in self.table(sheet, rows, top, ACTIONS_SHEET_REQUIRED, ACTIONS_LAYOUT):
            if _text(row("Action")) is None:
                continue
            period = self.period(row("Period"), row.at("Period"))
            kind = "objective" if row("#") is not None else "key_area"
            item = (self.objective(row("#"), None, row.at("#"), "") if kind == "objective"
                    else self.key_area(row("Key area"), row.at("Key area")))
            due = row("Due", plain=False)
            if isinstance(due, datetime):
                due = due.date()
            elif isinstance(due, str) and due.strip():
                due = next((d for form in ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y") if (d := _date(due, form))), due)
                if isinstance(due, str):
                    self.problem(row.at('Due'), f"'{due}' is not a date; write it as 21 November 2026")
            status, rag = _norm(row("Status")) or "open", _norm(row("RAG")) or None
            status = OLD_ACTION_STATUSES.get(status, status)   # workbooks before December 2026
            if status not in ACTION_STATUSES:
                self.problem(row.at('Status'), f"'{row('Status')}' is not an action status "
                             f"({', '.join(ACTION_STATUSES)})")
            if rag not in (None, *RAG):
                self.problem(row.at('RAG'), f"'{row('RAG')}' is not red, amber or green")
            if period and item and not isinstance(due, str):
                self.pending.append((period, kind, item,
                                     Action(_text(row("Action")) or "", _text(row("Owner")), due or None, status, rag)))


def _date(text: str, form: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), form).date()
    except ValueError:
        return None


def read_spreadsheet(data: bytes, framework: Framework, *, source: str) -> ImportPlan:
    """The periods, problems and warnings found in a filled-in template or an exported workbook."""
    plan = ImportPlan.for_file(source, framework, len(data))
    if plan.problems:
        return plan
    notes: list[str] = []
    try:
        is_book, sheets = _sheets(data, notes)
    except _Unreadable as exc:
        plan.problem("", str(exc))
        return plan
    for note in notes:
        plan.warn("", note)
    _Reader(framework, plan).read(is_book, sheets)
    return plan
