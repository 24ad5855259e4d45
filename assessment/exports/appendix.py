"""The objectives appendix (Word) in the layout of seed 002.

Landscape A4; a title; per key area a heading, the rubric table (a row of "1 – Minimum" …
"5 – Innovator" over a row of descriptors) and the objectives table with #, Objective,
Description, then "<period> Score" and "<period> Comments and Action" for each chosen period.
Header rows repeat across pages; widths are set on columns and cells with autofit off so that
Word and LibreOffice agree; the footer names the framework, its version and the date.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..framework import Framework
from ..record import Entry, OrganisationRecord, long_date
from .wordtext import TextCleaner

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(29.7), Cm(21.0), Cm(1.5)
USABLE = PAGE_WIDTH - 2 * MARGIN


@dataclass
class WordExport:
    """The document's bytes and how many characters of user text had to be replaced."""

    data: bytes
    replaced_characters: int = 0


def appendix_docx(framework: Framework, record: OrganisationRecord, periods: list[str] | None = None,
                  *, today: date | None = None) -> WordExport:
    """The objectives appendix for `periods` (default: the last two) as a .docx."""
    chosen = periods or [p.period for p in record.sorted_periods()][-2:]
    period_records = [record.period(p) for p in chosen]
    clean = TextCleaner()
    document = Document()
    _landscape(document)
    _styles(document)
    document.add_heading(f"Appendix – Complete Objectives List: {clean(record.organisation.name)}", level=1)
    document.add_paragraph(f"{framework.title} (version {framework.version}). Scores for "
                           f"{' and '.join(chosen)}, with comments and actions. Levels: "
                           + ", ".join(f"{lv.value} – {lv.name}" for lv in framework.levels)
                           + '. A score such as "2/3" is between two levels.')
    for theme in framework.themes:
        if len(theme.key_areas) > 1 and all(len(ka.objectives) == 1 for ka in theme.key_areas):
            # Enablers: a heading, their rubric tables, then one objectives table (as the seed does).
            document.add_heading(theme.title, level=2)
            if theme.description:
                document.add_paragraph(clean(theme.description))
            for ka in theme.key_areas:
                _rubric_table(document, framework, ka, f"{ka.objectives[0].id} – {ka.title} – scoring criteria")
            _objectives_table(document, framework, [o for ka in theme.key_areas for o in ka.objectives],
                              chosen, period_records, clean)
            continue
        for ka in theme.key_areas:
            document.add_heading(ka.title, level=2)
            _rubric_table(document, framework, ka, None)
            _objectives_table(document, framework, ka.objectives, chosen, period_records, clean)
    _footer(document, f"{framework.title}, version {framework.version}. Generated {long_date(today or date.today())}.")
    out = io.BytesIO()
    document.save(out)
    return WordExport(out.getvalue(), clean.replaced)


def _landscape(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9)


def _rubric_table(document, framework: Framework, ka, caption: str | None) -> None:
    if caption:
        document.add_paragraph(caption).runs[0].bold = True
    table = document.add_table(rows=2, cols=len(framework.levels) + 1)
    _prepare(table, [Cm(3.2)] + [(USABLE - Cm(3.2)) // len(framework.levels)] * len(framework.levels))
    _cell(table.rows[0].cells[0], "Score:", bold=True)
    _cell(table.rows[1].cells[0], "Subsection high level principle/ specific behaviour:")
    for i, level in enumerate(framework.levels, start=1):
        _cell(table.rows[0].cells[i], f"{level.value} – {level.name}", bold=True)
        _cell(table.rows[1].cells[i], ka.rubric[level.value])
    _repeat_header(table.rows[0])
    document.add_paragraph()


def _objectives_table(document, framework: Framework, objectives, chosen, period_records, clean) -> None:
    headers = ["#", "Objective", "Description"]
    for name in chosen:
        headers += [f"{name} Score", f"{name} Comments and Action"]
    fixed = [Cm(1.0), Cm(3.6), Cm(4.6)]
    score_width = Cm(1.6)
    comment_width = (USABLE - sum(fixed) - score_width * len(chosen)) // max(1, len(chosen))
    widths = fixed + [score_width, comment_width] * len(chosen)
    table = document.add_table(rows=1 + len(objectives), cols=len(headers))
    _prepare(table, widths)
    for cell, text in zip(table.rows[0].cells, headers):
        _cell(cell, text, bold=True)
    _repeat_header(table.rows[0])
    for row, objective in zip(table.rows[1:], objectives):
        cells = row.cells
        _cell(cells[0], objective.id)
        _cell(cells[1], objective.title)
        _cell(cells[2], objective.description or "")
        for i, period in enumerate(period_records):
            entry = period.entries.get(objective.id)
            _cell(cells[3 + 2 * i], (entry.score.written or "") if entry else "")
            _cell(cells[4 + 2 * i], clean(comments_and_action(entry)) if entry else "")
    document.add_paragraph()


def comments_and_action(entry: Entry) -> str:
    """The comment as written, then any action not already quoted in it."""
    parts = [entry.comment] if entry.comment else []
    for action in entry.actions:
        if entry.comment and action.text in entry.comment:
            continue
        details = ", ".join(x for x in (action.owner, long_date(action.due) if action.due else None,
                                        action.status) if x)
        parts.append(f"Action: {action.text} ({details})")
    return "\n".join(parts)


def _prepare(table, widths) -> None:
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _cell(cell, text: str, bold: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold or None


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _footer(document, text: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.text = text
    paragraph.runs[0].font.size = Pt(8)
