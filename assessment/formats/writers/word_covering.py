"""The covering report at the front of the members' Word report (and so of its PDF copy).

Laid out as the council's committee reports are: the meeting ("CABINET: 6 FEBRUARY 2025"), the
report's title and its author ("REPORT OF THE DIRECTOR OF ..."), then each section under its own
heading with its paragraphs numbered through the whole report and its recommendations lettered,
as `covering.blocks` lays them out (the page shows the same blocks). Numbers and letters are
written as text with a hanging indent, not Word list numbering, so they are the same in every
program that opens the file and in the PDF. Every heading is a Word heading.
"""

from __future__ import annotations

from docx.shared import Cm, Pt

from ...domain.covering import CoveringReport, author_line, blocks
from .word_text import TextCleaner


def write_covering(document, report: CoveringReport, title: str, status: str, clean: TextCleaner) -> None:
    """The covering report, from the top of `document` (a python-docx Document)."""
    if (meeting := report.meeting.line()):
        _bold(document.add_paragraph(), clean(meeting))
    document.add_heading(clean(title.upper()), level=1)
    if (author := author_line(report.author)):
        _bold(document.add_paragraph(), clean(author))
    _bold(document.add_paragraph(), f"Status: {status}")
    laid_out = blocks(report)
    parts = any(b.part for b in laid_out)   # PART A, PART B: their sections a level below
    for block in laid_out:
        if block.kind == "heading":
            document.add_heading(clean(block.text), level=2 if block.part or not parts else 3)
        elif block.kind == "contact":
            _lines(document.add_paragraph(), clean(block.text))
        else:
            _marked(document, clean(block.text), f"{block.mark}." if block.kind == "paragraph" else f"{block.mark})",
                    indent=Cm(0) if block.kind == "paragraph" else Cm(1.0), numbered=bool(block.mark))


def _bold(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(12)


def _marked(document, text: str, mark: str, *, indent, numbered: bool) -> None:
    """A paragraph (or item) with its number (or letter) hanging in the margin before it."""
    paragraph = document.add_paragraph()
    hang = Cm(1.0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = indent + (hang if numbered else 0)
    if numbered:
        fmt.first_line_indent = -hang
        fmt.tab_stops.add_tab_stop(indent + hang)
        paragraph.add_run(f"{mark}\t")
    _lines(paragraph, text)


def _lines(paragraph, text: str) -> None:
    """`text` into `paragraph`, its line breaks kept (an address, a list of papers)."""
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break()
        paragraph.add_run(line)
