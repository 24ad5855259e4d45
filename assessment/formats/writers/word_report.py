"""The members' progress report (Word): what a councillor reads in two minutes.

Portrait A4: a title page; "At a glance" (the web report's first screen: the overall level, the
radar chart, the biggest gaps and moves, open and overdue actions) on the page after it; the
radar's numbers as a table on the next page; the plain-English summary; the movement table per
key area; the objectives that moved, with their comments; the overdue actions; and, optionally,
the objectives appendix in a landscape section at the end. Built from `report.progress_report`,
the same data as the page. Every heading is a Word heading (the navigation pane lists them),
the radar picture has alternative text, and every table's header row repeats on each page. A period
with a covering report opens with it instead of the title page (`word_covering`), and then always
carries the objectives appendix, as Appendix 1. A period with an applied respondent round also has
"Views gathered" after the overdue actions and the moderation log as the last appendix
(`word_views`). Given a release's figures for the period (`peers`), the report sets the council beside
one of its groups (`word_peers`): the group's band on the radar and its column in Figure 1's numbers,
the at-a-glance sentence and a "Peers" section after the movement table.
"""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ...domain.covering import report_title
from ...domain.framework import Framework
from ...domain.peer_report import PeerComparison, ReleaseLike, own_levels
from ...domain.record import OrganisationRecord, long_date
from ...domain.report import (
    ProgressReport,
    action_table,
    at_a_glance,
    gap_line,
    move_line,
    movement_table,
    mover_table,
    open_actions_sentence,
    progress_report,
    radar_rows,
)
from ...domain.rollups import PREVIOUS
from ...domain.round_report import Band, RoundReport, radar_band
from ..charts import chart_png, radar_caption, radar_chart, radar_text_table
from .word_covering import write_covering
from .word_appendix import WordExport, page_of_pages, set_heading_font, set_title_and_language, write_appendix
from .word_text import TextCleaner

PORTRAIT_USABLE = Cm(21.0 - 2 * 2.0)


def report_docx(framework: Framework, record: OrganisationRecord, period: str,
                compare_with: str | None = PREVIOUS, *, attach_appendix: bool = False,
                appendix_periods: list[str] | None = None, today: date | None = None,
                views: RoundReport | None = None, peers: ReleaseLike | None = None,
                peer_group: str | None = None) -> WordExport:
    """The members' progress report for `period` as a .docx (optionally with the appendix); with
    `views` (the period's applied respondent round), "Views gathered" and the moderation log too;
    with `peers` (`queries.peer_view`: a release's figures for the period), the council beside the
    group `peer_group` names ("type", "region" or a club's name; None: its type)."""
    today = today or date.today()
    report = progress_report(framework, record, period, compare_with, today=today)
    clean = TextCleaner()
    document = Document()
    _page(document)
    title = f"{record.organisation.name}: procurement maturity progress report, {period}"
    set_title_and_language(document, title, author=record.organisation.name)
    status = clean(record.period(period).status_line())
    covering = record.period(period).covering
    if covering is not None and not covering.empty:
        # the officer's words open it, as the council's committee reports open; the appendix follows
        write_covering(document, covering, report_title(period), status, clean)
        attach_appendix = True
    else:
        _title_page(document, report, clean, status)
    rows = radar_rows(framework, record, period, report.compare_with)
    band = radar_band(views, framework)
    compared = None
    if peers is not None:
        from .word_peers import comparison   # it lays its table out as this module does
        compared = comparison(peers, peer_group, framework)
    _at_a_glance(document, report, framework, rows, clean, band, compared)
    _radar_numbers(document, report, rows, clean, band, compared)
    _summary(document, report, clean)
    _movement(document, report, framework, clean)
    if compared is not None:
        from .word_peers import write_peers
        write_peers(document, compared, rows, clean)
    _overdue_actions(document, report, clean)
    if views is not None:
        from .word_views import write_views   # it lays its tables out as this module does
        write_views(document, views, framework, clean)
    if attach_appendix:
        chosen = appendix_periods or record.appendix_periods(period)
        write_appendix(document, framework, record, chosen, clean, new_section=True, number=1, today=today)
    if views is not None:
        from .word_views import write_moderation_log
        write_moderation_log(document, views, framework, clean, number=2 if attach_appendix else 1,
                             organisation=record.organisation.name, status=status, today=today)
    _footer(document, f"{title}. {framework.name}. {status}. Generated {long_date(today)}. ")
    out = io.BytesIO()
    document.save(out)
    return WordExport(out.getvalue(), clean.replaced, title)


def _summary(document, report: ProgressReport, clean: TextCleaner) -> None:
    document.add_heading("Summary", level=1)
    document.add_paragraph(clean(report.summary))
    _note(document, report.rule)
    for note in report.framework_notes:   # a period scored against another framework
        document.add_paragraph(clean(note) + ".")


def _movement(document, report: ProgressReport, framework: Framework, clean: TextCleaner) -> None:
    """The movement table per key area, then the objectives that moved, with their comments."""
    document.add_heading("Movement by key area", level=1)
    movement = movement_table(report, framework)
    _table(document, movement, clean, widths=_movement_widths(list(movement[0])), bold_last=True)
    if not report.compare_with:
        return
    document.add_heading(f"What moved since {report.compare_with}", level=1)
    for heading, movers in (("Improved", report.improved), ("Declined", report.declined)):
        document.add_heading(f"{heading} ({len(movers)})", level=2)
        if movers:
            _table(document, mover_table(movers), clean,
                   widths=[Cm(4.0), Cm(3.0), Cm(1.2), Cm(1.2), PORTRAIT_USABLE - Cm(9.4)])
        else:
            document.add_paragraph(f"No {report.completion.items} {heading.lower()}.")


def _overdue_actions(document, report: ProgressReport, clean: TextCleaner) -> None:
    document.add_heading("Overdue actions", level=1)
    document.add_paragraph(open_actions_sentence(len(report.actions), len(report.overdue), report.today))
    if report.overdue:
        overdue = [{k: v for k, v in row.items() if k not in ("Overdue", "Status")}
                   for row in action_table(report.overdue)]
        _table(document, overdue, clean, widths=[Cm(3.0), Cm(3.0), PORTRAIT_USABLE - Cm(12.6), Cm(2.6),
                                                 Cm(2.6), Cm(1.4)])


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    set_heading_font(document)


def _title_page(document, report: ProgressReport, clean: TextCleaner, status: str) -> None:
    name = document.add_paragraph(clean(report.organisation), style="Title")
    name.paragraph_format.space_before = Cm(5)   # room above, without empty paragraphs a screen reader reads out
    document.add_paragraph("Procurement maturity: progress report", style="Subtitle")
    lines = [f"Self-assessment for {report.period}"
             + (f", compared with {report.compare_with}" if report.compare_with else ""),
             f"Against the {report.framework_name}",
             f"Prepared {long_date(report.today)}"]
    for line in lines:
        document.add_paragraph(line).runs[0].font.size = Pt(13)
    shown = document.add_paragraph().add_run(f"Status: {status}")
    shown.font.size, shown.font.bold = Pt(13), True


RADAR_TITLE = "Radar chart of the key areas"
NUMBERS_HEADING = "Key areas in numbers (Figure 1)"
RADAR_POINTER = f'The same numbers are in the table headed "{NUMBERS_HEADING}", which follows.'


def _at_a_glance(document, report: ProgressReport, framework: Framework, rows: list[dict],
                 clean: TextCleaner, band: dict[str, Band], peers: PeerComparison | None = None) -> None:
    """The page after the title page: the same as the web report's first screen."""
    glance = at_a_glance(report, framework)
    document.add_heading("At a glance", level=1).paragraph_format.page_break_before = True
    document.add_heading("Overall level", level=2)
    document.add_paragraph(f"Overall in {report.period}: {glance.overall}.")
    _note(document, report.rule)
    if peers is not None:   # "At or above the median of 23 unitary authorities in 9 of 14 key areas (release …)."
        document.add_paragraph(clean(peers.sentence(own_levels(rows))))
    document.add_heading("Where we are today and where we want to be", level=2)
    _radar(document, framework, rows, band, peers)
    document.add_heading("The biggest gaps", level=2)
    _listed(document, [clean(gap_line(line)) for line in glance.gaps], glance.gaps_note)
    document.add_heading(f"The biggest moves since {report.compare_with}" if report.compare_with
                         else "The biggest moves", level=2)
    _listed(document, [clean(move_line(line, report.compare_with)) for line in glance.moves], glance.moves_note)
    document.add_heading("Open and overdue actions", level=2)
    document.add_paragraph(open_actions_sentence(glance.open_actions, glance.overdue, report.today))


def _radar(document, framework: Framework, rows: list[dict], band: dict[str, Band],
           peers: PeerComparison | None = None) -> None:
    """The radar picture, centred, with alternative text that says what it shows and where its
    numbers are (Word's "Alt Text"; LibreOffice carries it into a tagged PDF), and its caption."""
    caption = radar_caption(rows, band, peers)
    picture = document.add_picture(
        io.BytesIO(chart_png(radar_chart(rows, framework, size=500, font_size=15, band=band, peers=peers), scale=2)),
        width=Cm(13.5))
    picture._inline.docPr.set("title", RADAR_TITLE)
    picture._inline.docPr.set("descr", f"{caption} {RADAR_POINTER}")
    document.paragraphs[-1].alignment = 1  # centred
    _note(document, f"Figure 1. {caption} {RADAR_POINTER}")


def _listed(document, lines: list[str], note: str) -> None:
    """Bulleted lines, then a note saying why there are fewer than asked for (if it says anything)."""
    for line in lines:
        document.add_paragraph(line, style="List Bullet")
    if note:
        document.add_paragraph(note)


def _radar_numbers(document, report: ProgressReport, rows: list[dict], clean: TextCleaner,
                   band: dict[str, Band], peers: PeerComparison | None = None) -> None:
    """Figure 1's numbers, at the top of the page after "At a glance"."""
    document.add_heading(NUMBERS_HEADING, level=1).paragraph_format.page_break_before = True
    radar = radar_text_table(rows, band, peers)
    if peers is not None:
        from .word_peers import numbers_widths
        widths = numbers_widths(list(radar[0]), peers)
    else:
        widths = _share(len(radar[0]), first=Cm(8))
    _table(document, radar, clean, widths=widths)
    if not report.has_targets:
        _note(document, "No targets have been set, so the chart has no target line.")


def _note(document, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.italic = True
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)


def _share(columns: int, first) -> list:
    rest = (PORTRAIT_USABLE - first) // max(1, columns - 1)
    return [first] + [rest] * (columns - 1)


def _movement_widths(headers: list[str]) -> list:
    fixed = {"Scored": Cm(1.6), "Level": Cm(2.6), "Target": Cm(1.9), "Against target": Cm(2.1),
             "Direction": Cm(2.3)}
    periods = [h for h in headers if h not in fixed and h != "Key area"]
    rest = PORTRAIT_USABLE - sum(fixed[h] for h in headers if h in fixed) - Cm(1.5) * len(periods)
    return [rest if h == "Key area" else fixed.get(h, Cm(1.5)) for h in headers]


# "2 levels to go": in these narrow columns a last word of up to three letters is kept with the word
# before it, so that "go" never sits on a line of its own. (Longer ones are not: a pair too wide for
# the cell would be broken inside a word, "targe|t".)
_LAST_WORD = re.compile(r" (\S{1,3})$")
_KEPT_TOGETHER = {"Target", "Against target", "Direction"}


def _table(document, rows: list[dict], clean: TextCleaner, *, widths: list, bold_last: bool = False,
           rows_whole: bool = False) -> None:
    """A plain table of dict rows: bold header row repeated on every page, fixed widths; with
    `rows_whole` (short rows only: a row taller than a page would be cut) no row split across pages."""
    headers = list(rows[0])
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for r, row in enumerate(table.rows):
        texts = headers if r == 0 else ["" if v is None else str(v) for v in rows[r - 1].values()]
        bold = r == 0 or (bold_last and r == len(rows))
        for cell, text, width, column in zip(row.cells, texts, widths, headers):
            cell.width = width
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(clean(text).split("\n")):
                if i:
                    paragraph = cell.add_paragraph()
                run = paragraph.add_run(_LAST_WORD.sub("\u00a0\\1", line) if r and column in _KEPT_TOGETHER else line)
                run.bold = bold or None
                run.font.size = Pt(9)
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for row in table.rows if rows_whole else ():
        whole = OxmlElement("w:cantSplit")
        whole.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(whole)
    document.add_paragraph()


def _footer(document, text: str) -> None:
    """Footer text followed by "Page N of M", in every section."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.add_run(text).font.size = Pt(8)
    page_of_pages(paragraph)
