"""A respondent's filled questionnaire (Word) read back into their answers (issue 30): the paper route.

`writers.word_round_questionnaire` makes the questionnaire for one round and one person; this reads
it once filled in, by hand and typed up or typed straight into Word, into what `load_answers` gives
for a YAML file (item -> (answer as written, comment)), so that `workflows.rounds.import_answers`
takes either.

- **Whose it is.** The document must name the round and person it was made for (`paper.marker`, in
  its properties or the header of its pages); one made for another round or person is refused.
- **Hostile files.** The size (`limits.UPLOAD_BYTES`), what the zip unpacks to and the XML elements
  it holds (`zipped.zip_problem` with the Word budget) are checked before python-docx opens it; a
  PDF, an old Word (.doc) or Rich Text file, a workbook or a damaged file is refused in words; the
  tables' cells are counted (`limits.TABLE_CELLS`) as they are read.
- **Tables.** A table is read if its header row has "#" (or, in a round on key areas, "Key area")
  and "Your answer", in any case or spacing ("Comment" too, if it is there); other tables (the
  rubrics) are passed over. Rows are named by the objective's number, or by the key area's title
  (its cell's first line); a blank row is no answer; a repeated header row is skipped.
- **Answers** as people write them: "3", "3 - Mature", "3 – Mature", "Mature", "level 3", "2/3"
  (only where the key area allows half steps), "don't know" ("dont know", "DK"), "n/a", with spaces
  and a full stop anywhere they fall. A comment is kept exactly as written, Markdown or HTML included.
  A questionnaire with nothing answered (the blank one, sent back by mistake) is refused.

Every problem is reported where it is (`FILE: table T, row R (objective N): ...`, counted from 1 as
Word shows them), all of them at once, as `InvalidFile`: nothing is imported from a file with any.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from ...domain import limits
from ...domain.errors import InvalidFile, Problem, ScoreError
from ...domain.framework import Framework
from ...domain.import_plan import size_problem
from ...domain.round_report import item_title
from ...domain.rounds import DONT_KNOW, DONT_KNOW_WORDS, NOT_APPLICABLE
from ...domain.scores import parse_score, written_value
from ..paper import marker, read_marker
from .word_appendix import (
    NOT_DOCX,
    ID_NAMES,
    P,
    TBL,
    WORD,
    GridCell,
    cell_text,
    table_grid,
    row_labels,
    paragraph_text,
    title_key,
    TooManyCells,
    TooWide,
)
from .zipped import zip_problem

ANSWER = "Your answer"
ANSWER_NAMES = {"your answer", "answer", "your answers", "answers", "score", "your score"}
COMMENT_NAMES = {"comment", "comments", "your comment", "your comments", "why", "comments and actions"}
TITLE_NAMES = {"objective", "objectives"}
KEY_AREA_NAMES = {"key area", "key areas"}
_MORE_DONT_KNOW = {"d/k", "d.k", "don't know", "dont know", "do not know", "not known"}
_LEVEL_WORD = re.compile(r"^level\s+", re.IGNORECASE)


def read_round_answers(data: bytes, framework: Framework, *, source: str, round_id: int, email: str,
                       items: Sequence[str], kind: str = "objective") -> dict[str, tuple[str, str]]:
    """The answers in a filled questionnaire of round `round_id` made for `email`: each item (an
    objective id, or a key area's id where `kind` is "key_area") answered -> (the answer as the tool
    writes it: '3', '2/3', "don't know" or 'n/a'; the comment as typed). Items left blank are left
    out. Raises InvalidFile listing every problem, each located."""
    document = _open(data, source)
    _check_marker(document, source, round_id, email.strip().lower())
    return _Reader(framework, source, round_id, items, kind).read(document.element.body)


def _fill_in(round_id: int, email: str) -> str:
    return (f"download {email}'s questionnaire for round {round_id} from the Rounds page (or with `round "
            "questionnaire`), copy the answers into it and import that")


def _refused(source: str, message: str) -> InvalidFile:
    return InvalidFile([Problem(source, None, "", message)])


def _open(data: bytes, source: str):
    """The python-docx Document, once the file has passed every check made before it is opened."""
    if not data:
        raise _refused(source, "the file is empty (0 bytes)")
    too_big = size_problem(len(data))
    if too_big:
        raise _refused(source, too_big)
    if not data.startswith(b"PK"):
        kind = next((f"{name}, not" for magic, name in NOT_DOCX if data.startswith(magic)), "not")
        raise _refused(source, f"the file is {kind} a Word document (.docx): answers are read from the "
                               "questionnaire as a Word document; open it in Word and save it as a Word document "
                               "(.docx), or type the answers into a YAML file")
    unpacked = zip_problem(data, WORD)
    if unpacked:
        raise _refused(source, unpacked)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" in archive.namelist():
                raise _refused(source, "the file is an Excel workbook, not the Word questionnaire (.docx)")
        return Document(io.BytesIO(data))
    except InvalidFile:
        raise
    except Exception:  # noqa: BLE001 - zip, zlib, XML and python-docx errors all mean the same here
        raise _refused(source, "the file is damaged: it starts like a Word document (.docx) but cannot be opened; "
                               "open it in Word, save it again and import the copy") from None


def _check_marker(document, source: str, round_id: int, email: str) -> None:
    """Refuse a document that does not say it is this round's questionnaire for this person: in its
    properties, the header of its pages or a line of its own (`paper.read_marker`)."""
    found: list[tuple[int, str]] = []
    properties = document.core_properties
    for text in (properties.keywords, properties.subject):
        if (named := read_marker(text)) is not None:
            found.append(named)
    for rel in list(document.part.rels.values()):
        element = getattr(rel.target_part, "element", None) if rel.reltype == RT.HEADER and not rel.is_external \
            else None
        if element is not None:
            found += [named for p in element.iter(P) if (named := read_marker(paragraph_text(p)))]
    found += [named for p in document.element.body.iterchildren(P) if (named := read_marker(paragraph_text(p)))]
    expected = (round_id, email)
    if not found:
        raise _refused(source, f"this is not a questionnaire made for a round: it does not say whose answers it "
                               f"holds (“{marker(round_id, email)}” at the top of each page); "
                               + _fill_in(round_id, email))
    other = next((f for f in found if f != expected), None)
    if other is not None:
        made_for = f"round {other[0]}, for {other[1]}"
        raise _refused(source, f"this questionnaire was made for {made_for}, not for round {round_id}, for {email}; "
                               "import it for the round and person it was made for, or "
                               + _fill_in(round_id, email))


class _Reader:
    """Reads the answers tables of a questionnaire's body, collecting every problem."""

    def __init__(self, framework: Framework, source: str, round_id: int, items: Sequence[str], kind: str):
        self.framework, self.source, self.round_id, self.kind = framework, source, round_id, kind
        self.asked = set(items)
        self.by_area = kind == "key_area"
        self.ids = {key.lower(): key for key in framework.objectives}
        self.areas = {title_key(ka.title): ka.id for ka in framework.key_areas.values()}
        self.areas.update({ka.id.lower(): ka.id for ka in framework.key_areas.values()})
        self.given: dict[str, tuple[str, str]] = {}
        self.seen: dict[str, str] = {}        # item -> the row it was read from
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str) -> None:
        if len(self.problems) < limits.PROBLEMS_KEPT:
            self.problems.append(Problem(self.source, None, where, message))

    def read(self, body) -> dict[str, tuple[str, str]]:
        tables, cells, read = list(body.iter(TBL)), 0, 0
        for number, tbl in enumerate(tables, 1):
            try:
                grid = table_grid(tbl, limits.TABLE_CELLS - cells)
            except TooWide:
                raise _refused(self.source, f"table {number} is more than {limits.WORD_TABLE_COLUMNS} columns wide, "
                                            "which Word's tables never are (the questionnaire's have 4)") from None
            except TooManyCells:
                raise _refused(self.source, f"the tables hold more than {limits.TABLE_CELLS:,} cells; documents of "
                                            f"up to {limits.TABLE_CELLS:,} are read (a questionnaire of 59 "
                                            "objectives has about 400)") from None
            cells += len(grid) * len(grid[0])
            found = _header(grid)
            if found is None:
                continue
            columns, start = found
            read += 1
            self._table(number, grid, columns, start)
        if not read:
            what = '"Key area"' if self.by_area else '"#", "Objective"'
            self.problem("", f"no table of answers was found: the questionnaire's tables have the columns {what}, "
                             f"\"Your answer\" and \"Comment\"; this document has {len(tables) or 'no'} "
                             f"table{'' if len(tables) == 1 else 's'} and none has them")
        elif not self.given and not self.problems:
            self.problem("", f"nothing is answered: every row's “{ANSWER}” is blank, so there is nothing to submit "
                             "(is this the filled questionnaire, or the blank one?)")
        if self.problems:
            raise InvalidFile(self.problems)
        return self.given

    def _table(self, number: int, grid: list[list[GridCell | None]], columns: dict[str, int], start: int) -> None:
        named = "key_area" if self.by_area else "id"
        if named not in columns:
            other = "objectives" if self.by_area else "key areas"
            self.problem(f"table {number}", f"it asks about {other}, but round {self.round_id} asks about "
                                            f"{'key areas' if self.by_area else 'objectives'}")
            return
        header = row_labels(grid[start - 1])
        for r in range(start, len(grid)):
            row = grid[r]
            labels = row_labels(row)
            if labels == header or len({id(c) for c in row if c is not None}) < 2 or not any(labels):
                continue   # a repeated header row, a banner across the table, or an empty row
            place = f"table {number}, row {r + 1}"
            text = [cell_text(row, i) for i in range(len(row))]
            answer = " ".join(text[columns["answer"]].split())
            comment = text[columns["comment"]].strip() if "comment" in columns else ""
            label = text[columns[named]].strip()
            if not label:
                if answer or comment:
                    missing = "key area" if self.by_area else "objective number"
                    self.problem(place, f"has an answer or comment but no {missing}")
                continue
            item = self._item(place, label)
            if item is not None:
                self._answer(place, item, answer, comment)

    def _item(self, place: str, label: str) -> str | None:
        """The objective (by its number) or key area (by its title, the cell's first line) a row is for;
        None, with a problem, for one the framework has not or the round does not ask about."""
        if self.by_area:
            first = label.split("\n", 1)[0]
            item = self.areas.get(title_key(first)) or self.areas.get(first.strip().lower())
            shown = f'there is no key area "{first}" in {self.framework.name}'
        else:
            raw = " ".join(label.split())
            item = next((self.ids[c.lower()] for c in (raw, raw.rstrip("."), raw.lstrip("#").strip())
                         if c.lower() in self.ids), None)
            shown = f'there is no objective "{raw}" in {self.framework.name}'
        if item is None:
            self.problem(place, shown)
            return None
        if item not in self.asked:
            self.problem(f"{place} ({self._what(item)})", f"round {self.round_id} does not ask about "
                                                          f"“{item_title(self.framework, item)}”")
            return None
        return item

    def _what(self, item: str) -> str:
        return f"key area {item_title(self.framework, item)}" if self.by_area else f"objective {item}"

    def _answer(self, place: str, item: str, answer: str, comment: str) -> None:
        where = f"{place} ({self._what(item)})"
        if item in self.seen:
            self.problem(where, f"{'it' if self.by_area else 'the objective'} is answered twice (also "
                                f"{self.seen[item]})")
            return
        self.seen[item] = place
        area = item if self.by_area else self.framework.key_area_of[item]
        try:
            written = answer_written(answer, self.framework, half_steps=self.framework.allows_half_steps(area))
        except ScoreError as exc:
            self.problem(where, f'"Your answer": {exc}')
            return
        if (too_long := limits.too_long("the comment", comment, limits.COMMENT)) is not None:
            self.problem(where, too_long)
            return
        if written is None:
            if comment:
                self.problem(where, f"there is a comment but no answer: write a level, “{DONT_KNOW}” or "
                                    f"“{NOT_APPLICABLE}” under “Your answer”, or clear the comment")
            return
        self.given[item] = (written, comment)


def answer_written(raw: str, framework: Framework, *, half_steps: bool) -> str | None:
    """An answer as people write it on a questionnaire, as the tool writes it ('3', '2/3', "don't
    know", 'n/a'), or None when blank. Raises ScoreError for anything else."""
    text = " ".join(raw.replace("’", "'").replace("‘", "'").replace("(", " ").replace(")", " ").split())
    text = _LEVEL_WORD.sub("", text).rstrip(". ")
    lower = text.lower()
    if lower in DONT_KNOW_WORDS or lower in _MORE_DONT_KNOW:
        return DONT_KNOW
    if re.sub(r"[\s.]", "", lower) in ("n/a", "na"):
        return NOT_APPLICABLE
    score = parse_score(text, framework, half_steps=half_steps)
    if score.not_applicable:
        return NOT_APPLICABLE
    return None if score.value is None else written_value(score.value)


def _header(grid: list[list[GridCell | None]]) -> tuple[dict[str, int], int] | None:
    """The answers table's columns (the first of each kind) and its first row of answers, from a
    header in its first three rows; None for any other table."""
    for top in range(min(3, len(grid))):
        columns: dict[str, int] = {}
        for i, name in enumerate(row_labels(grid[top])):
            key = name.lower().rstrip(":").strip()
            kind = ("id" if key in ID_NAMES else "title" if key in TITLE_NAMES else "key_area"
                    if key in KEY_AREA_NAMES else "answer" if key in ANSWER_NAMES else "comment"
                    if key in COMMENT_NAMES else None)
            if kind is not None:
                columns.setdefault(kind, i)
        if "answer" in columns and ("id" in columns or "key_area" in columns):
            return columns, top + 1
    return None
