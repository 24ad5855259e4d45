"""Reading an objectives appendix (Word) back in: Medway's layout (seed 002) and our `appendix_docx`.

Objectives tables are found by their header: "#" (or "No.", "Ref", "Number"), "Objective" (or, for
a record kept one level per key area, "Key area", its rows named by the key areas' titles), optional
"Description", then "<period> Score" and "<period> Comments and Action" (or "Comments", "Comment"), in
any case or spacing, under a banner row or as two rows ("2023" over "Score" and "Comments"). Other
tables are passed over and other columns ("RAG") ignored with a warning; a split table repeats the
header (or is read with the previous table's columns); repeated header rows and banners are skipped.
A cell spanning columns counts for its first column; one merged down is read for each row it covers.
Cell text is its paragraphs joined by "\\n", stripped; trailing lines `Action: <text> (<owner>, <21 March
2027>, <status>)`, exactly as `layouts.comments_and_action` writes them, become actions.
Every problem is collected, located as `<source>: table T, row R (objective N), column "...": ...`
(counted from 1, as Word shows them); a plan with problems holds no periods.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from docx import Document

from ...domain.errors import Problem, ScoreError
from ...domain.framework import Framework
from ...domain.import_plan import ImportPlan
from ...domain.limits import TABLE_CELLS, WORD_ELEMENTS, WORD_PART_ELEMENTS, WORD_TABLE_COLUMNS
from ...domain.record import PERIOD_HINT, Entry, PeriodRecord, period_key, valid_period
from ...domain.scores import UNSCORED, parse_score
from ..layouts import actions_in_sentences, read_score_cell, split_actions
from .zipped import Budget, zip_problem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TBL, TR, TC, P, R, T, VAL = (W + n for n in ("tbl", "tr", "tc", "p", "r", "t", "val"))
TAB, BR, CR, NB_HYPHEN = (W + n for n in ("tab", "br", "cr", "noBreakHyphen"))
TC_PR, GRID_SPAN, V_MERGE = (W + n for n in ("tcPr", "gridSpan", "vMerge"))
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml"}   # content controls around rows or cells
_DELETED = {W + "del", W + "moveFrom"}                         # tracked deletions
ID_NAMES = {"#", "no", "no.", "ref", "ref.", "number", "id"}
TITLE_NAMES = {"objective", "objectives", "objective title"}
_PERIOD_COLUMN = re.compile(r"^(.+?)\s+(score|comments?(?:\s+(?:and|&)\s+actions?)?)$", re.IGNORECASE)
NOT_DOCX = ((b"%PDF", "a PDF"), (b"\xd0\xcf\x11\xe0", "an old Word (.doc) or other Office 97–2003 file"),
             (b"{\\rtf", "a Rich Text (.rtf) file"))
WORD = Budget(WORD_PART_ELEMENTS, WORD_ELEMENTS, "a 10-period appendix has about 31,000 in all, 12,600 in its "
                                                 "word/document.xml")


@dataclass(eq=False)
class GridCell:
    text: str


@dataclass
class _Column:
    index: int                  # grid column
    name: str                   # as written, whitespace collapsed
    kind: str                   # id, title, description, score, comment, bad period, other
    period: str | None = None


def read_appendix(data: bytes, framework: Framework, *, source: str) -> ImportPlan:
    """The periods, scores, comments and actions of a Word objectives appendix, or all its problems."""
    plan = ImportPlan.for_file(source, framework, len(data))
    if plan.problems:
        return plan
    body = _open(data, plan)
    if body is not None:
        _Reader(framework, source, plan).read(body)
    if plan.problems:
        plan.periods = []
    return plan


def _open(data: bytes, plan: ImportPlan):
    """The document's body element, or None with the reason added to the plan's problems."""
    if not data:
        plan.problem("", "the file is empty (0 bytes)")
        return None
    if not data.startswith(b"PK"):
        kind = next((name for magic, name in NOT_DOCX if data.startswith(magic)), None)
        text = data[:4096].decode("utf-8", "replace")
        plain = text.count("\ufffd") <= 1 and all(c.isprintable() or c.isspace() for c in text)
        plan.problem("", f"the file is {kind or ('plain text' if plain else 'something else')}, not a "
                        "Word document (.docx); open it in Word and save it as a Word document (.docx)")
        return None
    too_big = zip_problem(data, WORD)
    if too_big:
        plan.problem("", too_big)
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" in archive.namelist():
                plan.problem("", "the file is an Excel workbook, not a Word document (.docx); "
                                "import it as a spreadsheet")
                return None
        return Document(io.BytesIO(data)).element.body
    except Exception:  # noqa: BLE001 - zip, zlib, XML and python-docx errors all mean the same here
        plan.problem("", "the file is damaged: it starts like a Word document (.docx) but cannot "
                        "be opened; open it in Word, save it again and import the copy")
        return None


class _Reader:
    def __init__(self, framework: Framework, source: str, plan: ImportPlan):
        self.framework, self.source, self.plan = framework, source, plan
        self.ids = {key.lower(): key for key in framework.objectives}
        self.areas = {title_key(ka.title): ka.id for ka in framework.key_areas.values()}
        self.entries: dict[str, dict[str, Entry]] = {}
        self.area_entries: dict[str, dict[str, Entry]] = {}   # a record kept one level per key area
        self.seen: dict[tuple[str, str], str] = {}     # (period, objective) -> the row it was read from
        self.seen_areas: dict[tuple[str, str], str] = {}   # (period, key area) -> the row it was read from
        self.ignored: dict[str, list[int]] = {}        # column name -> tables
        self.rows = 0                                  # rows with an objective number
        self.foreign: list[tuple[bool, str, str]] = []  # (a problem?, where, what) for unknown numbers and titles

    def read(self, body) -> None:
        tables, previous, cells = list(body.iter(TBL)), None, 0
        for number, tbl in enumerate(tables, 1):
            try:
                grid = table_grid(tbl, TABLE_CELLS - cells)
            except TooWide:
                self.plan.problem("", f"table {number} is more than {WORD_TABLE_COLUMNS} columns wide, which Word's "
                                      f"tables never are (an appendix of 10 periods has 23)")
                return
            except TooManyCells:
                self.plan.problem("", f"the tables hold more than {TABLE_CELLS:,} cells; documents of up to "
                                      f"{TABLE_CELLS:,} are read (a 10-period appendix has about 1,800)")
                return
            cells += len(grid) * len(grid[0])
            header = _find_header(grid)
            if header is None and previous and len(grid[0]) == previous[1] and self._id(grid[0][previous[2]]):
                header = previous[0], 0
                self.plan.warn("", f"table {number} has no header row; it is read with "
                                          "the columns of the table before it")
            if header:
                id_column = next(c.index for c in header[0] if c.kind in ("id", "key_area"))
                previous = header[0], len(grid[0]), id_column
                self._table(number, grid, *header)
        if previous:
            self._finish()
        elif not tables and not any((t.text or "").strip() for t in body.iter(T)):
            self.plan.problem("", "the document is empty")
        else:
            self.plan.problem(
                "", 'no objectives table was found: the appendix needs a table whose header row has '
                f'"#", "Objective" (or "Key area", for a record kept one level per key area) and "<period> Score" '
                f'or "<period> Comments and Action" columns (such as "2023 Score"); this document has '
                f'{len(tables) or "no"} table{"" if len(tables) == 1 else "s"} and none has that header')

    def _table(self, number: int, grid: list[list[GridCell | None]], columns: list[_Column], start: int) -> None:
        where_table = f"table {number}"
        periods: dict[str, dict[str, _Column]] = {}
        bad: dict[str, list[str]] = {}
        for column in columns:
            if column.kind == "bad period":
                bad.setdefault(column.period or "", []).append(f'"{column.name}"')
            elif column.kind == "other":
                self.ignored.setdefault(column.name, []).append(number)
            elif column.kind in ("score", "comment") and column.period is not None:
                if column.kind in periods.setdefault(column.period, {}):
                    self.plan.problem(where_table, f'there are two "{column.name}" columns')
                periods[column.period].setdefault(column.kind, column)
        for period, names in bad.items():
            self.plan.problem(f"{where_table}, column{'s' * (len(names) > 1)} {' and '.join(names)}",
                              f"'{period}' is not a period; {PERIOD_HINT}")
        first = {c.kind: c.index for c in reversed(columns)}
        header_rows = {row_labels(row) for row in grid[:start]}
        by_area = "id" not in first   # a key-area table: a row per key area, named by its title
        named = first["key_area" if by_area else "id"]
        for r in range(start, len(grid)):
            row, above = grid[r], grid[r - 1] if r else [None] * len(grid[r])
            labels = row_labels(row)
            if labels in header_rows or len({id(c) for c in row if c is not None}) < 2:
                continue  # a repeated header row, a banner across the table, or an empty row
            place = f"table {number}, row {r + 1}"
            if not labels[named]:
                if any(labels[c.index] for cols in periods.values() for c in cols.values()):
                    missing = "key area" if by_area else "objective number"
                    self.plan.problem(place, f"has a score or comment but no {missing}")
                continue
            self.rows += 1
            item = self._named(place, labels, first, by_area, row)
            if item is None:
                continue
            where = (f"{place} (key area {self.framework.key_areas[item].title})" if by_area
                     else f"{place} (objective {item})")
            for column in (c for cols in periods.values() for c in cols.values()):
                if row[column.index] is not None and row[column.index] is above[column.index] and labels[column.index]:
                    self.plan.warn(where, f'"{column.name}" is merged with the row above; its text '
                                          "is read for both rows")
            self._row(place, where, item, [cell_text(row, i) for i in range(len(row))], periods,
                      kind="key_area" if by_area else "objective")

    def _named(self, place: str, labels: tuple[str, ...], first: dict[str, int], by_area: bool,
               row: list[GridCell | None]) -> str | None:
        """The key area (by its title) or objective (by its number, its title checked) a row is for;
        None, noted, for one the framework does not have."""
        if by_area:
            area = self.areas.get(title_key(labels[first["key_area"]]))
            if area is None:
                self.foreign.append((True, place, f'there is no key area "{labels[first["key_area"]]}" in '
                                                  f"{self.framework.id}"))
            return area
        objective_id = self._id(row[first["id"]])
        if objective_id is None:
            self.foreign.append((True, place, f'there is no objective "{labels[first["id"]]}" in {self.framework.id}'))
            return None
        title, expected = labels[first["title"]], self.framework.objectives[objective_id].title
        if title and title_key(title) != title_key(expected):
            differs = f'objective {objective_id} is titled "{expected}" in {self.framework.id} but "{title}" here'
            self.foreign.append((False, place, differs))
        return objective_id

    def _row(self, place: str, where: str, objective_id: str, text: list[str],
             periods: dict[str, dict[str, _Column]], kind: str = "objective") -> None:
        seen = self.seen if kind == "objective" else self.seen_areas
        what = f"objective {objective_id}" if kind == "objective" else "the key area"
        twice = [p for p in periods if (p, objective_id) in seen]
        if twice:
            self.plan.problem(where, f"{what} appears twice for {' and '.join(twice)} "
                                     f"(also {seen[twice[0], objective_id]})")
            return
        half = self.framework.allows_half_steps(self.framework.key_area_of[objective_id] if kind == "objective"
                                                else objective_id)
        for period, cols in periods.items():
            seen[period, objective_id] = place
            written, carried = read_score_cell(text[cols["score"].index]) if "score" in cols else ("", False)
            try:
                score = parse_score(written, self.framework, half_steps=half) if "score" in cols else None
            except ScoreError as exc:
                self.plan.problem(f'{where}, column "{cols["score"].name}"', str(exc))
                continue
            comment, actions = split_actions(text[cols["comment"].index]) if "comment" in cols else (None, [])
            stated = [a for a in actions_in_sentences(comment) if a.text not in {x.text for x in actions}]
            if stated:
                self.plan.sentence_actions[(period, objective_id)] = stated
            if (score and (score.is_scored or score.not_applicable)) or comment or actions:
                entry = Entry(objective_id, kind, comment=comment, actions=actions, carried=carried and bool(score),
                              score=score or UNSCORED)
                kept = self.entries if kind == "objective" else self.area_entries
                kept.setdefault(period, {})[objective_id] = entry

    def _id(self, cell: GridCell | None) -> str | None:
        raw = " ".join(cell.text.split()) if cell else ""
        for candidate in (raw, raw.rstrip("."), raw.lstrip("#").strip()):
            if candidate.lower() in self.ids:
                return self.ids[candidate.lower()]
        return None

    def _finish(self) -> None:
        source, plan = self.source, self.plan
        if self.rows and len(self.foreign) * 2 > self.rows:
            plan.problems.insert(0, Problem(source, None, "", (
                f"this looks like an appendix for another framework: {len(self.foreign)} of {self.rows} objective "
                f"rows have numbers or titles that are not those of {self.framework.id} ({self.framework.title}), "
                f"e.g. {self.foreign[0][1]}: {self.foreign[0][2]}; choose the framework the file follows")))
        else:
            for is_problem, where, message in self.foreign:
                (plan.problem if is_problem else plan.warn)(where, message)
        if self.ignored:
            plan.warn("", "these columns are not read: " + ", ".join(
                f'"{name}" (table{"s" if len(t) > 1 else ""} {", ".join(map(str, t))})'
                for name, t in self.ignored.items()))
        ids, areas = list(self.framework.objectives), self.framework.key_areas
        for period in sorted({p for p, _ in [*self.seen, *self.seen_areas]}, key=period_key):
            by_area = any(p == period for p, _ in self.seen_areas)
            if by_area and any(p == period for p, _ in self.seen):
                plan.problem(period, f"{period} has rows for objectives and rows for key areas; a period is scored "
                                     "one way or the other")
                continue
            missing = ([areas[a].title for a in areas if (period, a) not in self.seen_areas] if by_area
                       else [i for i in ids if (period, i) not in self.seen])
            if missing:
                shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
                plan.warn(period, f"{len(missing)} of {len(areas) if by_area else len(ids)} "
                                  f"{'key areas' if by_area else 'objectives'} not in the file: {shown}")
            if period in self.entries or period in self.area_entries:
                plan.periods.append(PeriodRecord(period, entries=self.entries.get(period, {}),
                                                 key_area_entries=self.area_entries.get(period, {})))
            else:
                plan.warn("", f"{period} has columns but no scores or comments; it is not imported")


# --- the grid, the header and the text of a cell ------------------------------------------------------


def _children(element, tag: str):
    """Child elements with `tag`, looking through content controls (w:sdt) and custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


class TooWide(Exception):
    """A table row wider than `limits.WORD_TABLE_COLUMNS` (w:gridSpan="1000000" would be a million)."""


class TooManyCells(Exception):
    """The tables' grids pass `limits.TABLE_CELLS`."""


def table_grid(tbl, room: int = TABLE_CELLS) -> list[list[GridCell | None]]:
    """Rows of grid columns, all as wide as the widest: a cell spanning columns is repeated, a cell merged
    down (w:vMerge) is the cell above, and columns a row skips (w:gridBefore, short rows) are None.
    Refused (before it is built) wider than Word allows or past `room` cells."""
    rows: list[list[GridCell | None]] = []
    above: list[GridCell | None] = []
    cells = 0
    for tr in _children(tbl, TR):
        row: list[GridCell | None] = [None] * _columns_of(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        for tc in _children(tr, TC):
            properties = tc.find(TC_PR)
            span, merge = (None, None) if properties is None else (properties.find(GRID_SPAN), properties.find(V_MERGE))
            at = len(row)
            if merge is not None and merge.get(VAL, "continue") == "continue" and at < len(above) and above[at]:
                cell = above[at]
            else:
                cell = GridCell("\n".join(paragraph_text(p) for p in _children(tc, P)))
            row += [cell] * max(1, _columns_of(span, 1))
            if len(row) > WORD_TABLE_COLUMNS:
                raise TooWide
        cells += len(row)
        if cells > room:
            raise TooManyCells
        rows.append(row)
        above = row
    width = max((len(row) for row in rows), default=0)
    if len(rows) * width > room:
        raise TooManyCells
    return [row + [None] * (width - len(row)) for row in rows] or [[]]


def _columns_of(element, default: int) -> int:
    """A count of grid columns (w:gridSpan, w:gridBefore), `default` if it is not a number; refused
    past Word's maximum before a row is made that wide."""
    value = (element.get(VAL) or "").strip() if element is not None else ""
    if not re.fullmatch(r"[0-9]+", value):
        return default
    if len(value) > 3 or int(value) > WORD_TABLE_COLUMNS:
        raise TooWide
    return int(value)


def paragraph_text(p) -> str:
    """As Word shows it: text, tabs and line breaks; deleted text and tab stop settings left out."""
    out = []
    for element in p.iter(T, TAB, BR, CR, NB_HYPHEN):
        run = element.getparent()
        if run.tag != R or run.getparent().tag in _DELETED:
            continue
        tag = element.tag
        if tag == T or tag == TAB or tag == NB_HYPHEN:
            # itertext: an entity reference the file declares itself is kept as written ("&co;", never
            # expanded), and the text after it is kept too (`.text` stopped at it)
            out.append("".join(element.itertext()) if tag == T else "\t" if tag == TAB else "-")
        elif tag == CR or element.get(W + "type", "textWrapping") == "textWrapping":  # not a page break
            out.append("\n")
    return "".join(out)


def _text_of(cell: GridCell | None) -> str:
    """A cell's text, or "" for none (a banner spanning columns counts for each)."""
    return cell.text if cell is not None else ""


def cell_text(row: list[GridCell | None], i: int) -> str:
    """The text of grid column `i`: a cell spanning columns counts for its first column only."""
    cell = row[i]
    return "" if cell is None or (i > 0 and row[i - 1] is cell) else cell.text


def row_labels(row: list[GridCell | None]) -> tuple[str, ...]:
    return tuple(" ".join(cell_text(row, i).split()) for i in range(len(row)))


def _find_header(grid: list[list[GridCell | None]]) -> tuple[list[_Column], int] | None:
    """The columns and the first data row, from a header in the first three rows: one row, or two rows
    where a cell spanning columns ("2023") stands over "Score" and "Comments"."""
    for top in range(min(3, len(grid))):
        columns = _columns(row_labels(grid[top]))
        if columns:
            return columns, top + 1
        if top + 1 < len(grid):
            upper, lower = grid[top], grid[top + 1]
            columns = _columns(tuple(" ".join((_text_of(upper[i]) + " " + (
                cell_text(lower, i) if lower[i] is not upper[i] else "")).split()) for i in range(len(upper))))
            if columns:
                return columns, top + 2
    return None


def _columns(labels: tuple[str, ...]) -> list[_Column] | None:
    """What each labelled column holds, if the labels make an objectives table's header."""
    columns = []
    for i, name in enumerate(labels):
        key, match = name.lower().rstrip(":").strip(), _PERIOD_COLUMN.match(name)
        if not key:
            continue
        if key in ID_NAMES or key in TITLE_NAMES or key == "description":
            columns.append(_Column(i, name, "id" if key in ID_NAMES else "title" if key in TITLE_NAMES else key))
        elif key in ("key area", "key areas"):
            columns.append(_Column(i, name, "key_area"))
        elif match and valid_period(match.group(1)):
            columns.append(_Column(i, name, "score" if match.group(2).lower() == "score" else "comment",
                                   match.group(1)))
        else:
            columns.append(_Column(i, name, "bad period" if match else "other", match and match.group(1)))
    kinds = {c.kind for c in columns}
    named = {"id", "title"} <= kinds or "key_area" in kinds   # objectives, or (a table per key area) key areas
    return columns if named and kinds & {"score", "comment", "bad period"} else None


def title_key(title: str) -> str:
    """Titles compared by letters, digits and '&' only (case, spaces, dashes and punctuation aside)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", title).casefold() if ch.isalnum() or ch == "&")
