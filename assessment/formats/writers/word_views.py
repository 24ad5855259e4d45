"""The members' Word report's parts from a respondent round (issue 30), where the period has an
applied one: "Views gathered" in the report's body and "Moderation log" as an appendix.

"Views gathered" starts a page: who took part (every percentage with its numbers), the range chart
(`formats.range_chart`: each objective's band of answers, median and agreed level; a picture with
alternative text, Figure 2) and the table of the same numbers with the comments the moderator
published (without names), the objectives where views differ most, and participation by department
and by perspective, groups too small to show withheld and the reason said. The moderation log is a
landscape section of its own (after the objectives appendix, where there is one), with its own
header and footer: each objective's agreed level, the figures it was agreed against, the
rationale, the meeting and who agreed it. The words and tables are `domain.round_report`'s, as
the page's are; respondents are never named.
"""

from __future__ import annotations

import io

from docx.shared import Cm

from ...domain.framework import Framework
from ...domain.record import long_date
from ...domain.round_report import (
    DIFFER_HEADING,
    LOG_HEADING,
    VIEWS_HEADING,
    RoundReport,
    differ_most_lines,
    differ_most_note,
    log_sentence,
    moderation_log,
    participation_sentence,
    participation_tables,
    views_table,
)
from ..charts import chart_png
from ..range_chart import range_caption, range_chart, range_description
from .word_appendix import USABLE, footer, header, start_landscape
from .word_report import PORTRAIT_USABLE, _note, _table
from .word_text import TextCleaner

CHART_TITLE = "Range chart of the views gathered"
TABLE_HEADING = "Views gathered by objective (Figure 2)"
CHART_POINTER = f'The same numbers are in the table headed "{TABLE_HEADING}", which follows.'


def write_views(document, report: RoundReport, framework: Framework, clean: TextCleaner) -> None:
    """The "Views gathered" section, on a new page of the report's (portrait) body."""
    document.add_heading(VIEWS_HEADING, level=1).paragraph_format.page_break_before = True
    document.add_paragraph(clean(participation_sentence(report)))
    picture = document.add_picture(io.BytesIO(chart_png(range_chart(report, framework, width=320, font_size=14),
                                                        scale=2)), width=min(Cm(16.5), PORTRAIT_USABLE))
    picture._inline.docPr.set("title", CHART_TITLE)
    picture._inline.docPr.set("descr", clean(f"{range_description(report, framework)} {CHART_POINTER}"))
    document.paragraphs[-1].alignment = 1  # centred
    _note(document, clean(f"Figure 2. {range_caption(report, framework)} {CHART_POINTER}"))
    document.add_heading(TABLE_HEADING, level=2)
    document.add_paragraph("The level agreed for each objective, beside the respondents' median and range and how "
                           "many answered with a level (n), and the comments the moderator published, without names.")
    _table(document, views_table(report, framework), clean,
           widths=[Cm(3.8), Cm(2.2), Cm(4.4), Cm(2.2), PORTRAIT_USABLE - Cm(12.6)])
    document.add_heading(DIFFER_HEADING, level=2)
    lines = differ_most_lines(report, framework)
    for line in lines:
        document.add_paragraph(clean(line), style="List Bullet")
    if not lines:
        document.add_paragraph(differ_most_note(report))
    for group in participation_tables(report):
        document.add_heading(f"Who took part, {group.heading[0].lower()}{group.heading[1:]}", level=2)
        document.add_paragraph(group.note)
        _table(document, group.rows, clean, widths=[Cm(7.0), Cm(7.0)])


def write_moderation_log(document, report: RoundReport, framework: Framework, clean: TextCleaner, *,
                         number: int | None, organisation: str, status: str, today) -> None:
    """The moderation log as an appendix, in a landscape section of its own at the end."""
    start_landscape(document, new_section=True)
    document.add_heading(f"Appendix{f' {number}' if number else ''} – {LOG_HEADING}: {clean(organisation)}", level=1)
    document.add_paragraph(clean(log_sentence(report)))
    _table(document, moderation_log(report, framework), clean,
           widths=[Cm(4.6), Cm(2.2), Cm(5.0), USABLE - Cm(19.4), Cm(3.8), Cm(3.8)])
    header(document, f"{clean(organisation)}: moderation log, round {report.round.id} on {report.round.period}. "
                     f"Status – {status}")
    footer(document, f"{framework.name}. {status}. Generated {long_date(today)}.")
