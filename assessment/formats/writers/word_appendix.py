"""The objectives appendix (Word) in the layout of seed 002.

Landscape A4; a title; per key area a heading, the rubric table (a row of "1 – Minimum" …
"5 – Innovator" over a row of descriptors) and the objectives table with #, Objective,
Description, then "<period> Score" and "<period> Comments and Action" for each chosen period.
Header rows repeat across pages; widths are set on columns and cells with autofit off so that
Word and LibreOffice agree; the footer names the framework, its version and the date.

`appendix_docx` returns a document of its own; `write_appendix` puts the same content into a
document the caller already has (e.g. after a portrait members' report, in a landscape section
of its own). The table helpers here (`Layout`, `write_framework_tables`) are shared with the blank
questionnaire in `blank.py`.

For speed, the body is written as WordprocessingML text and parsed once by lxml, rather than
cell by cell through python-docx's proxies (which cost about as much again as the content itself):
the XML is the same as python-docx's own `add_table` / `cell.width` / `add_run` would write.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Cm, Emu, Length, Pt, RGBColor

from ...domain.framework import Framework, KeyArea, Objective
from ...domain.record import OrganisationRecord, framework_notes, long_date, status_text
from ...domain.rollups import confirmed_unchanged, previous_period, scored_by_key_area
from ..layouts import CARRIED, appendix_columns, comments_and_action, score_cell
from .word_text import TextCleaner

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(29.7), Cm(21.0), Cm(1.5)
USABLE = PAGE_WIDTH - 2 * MARGIN
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class WordExport:
    """The document's bytes, how many characters of user text had to be replaced, and its title."""

    data: bytes
    replaced_characters: int = 0
    title: str = ""


def appendix_docx(framework: Framework, record: OrganisationRecord, periods: list[str] | None = None,
                  *, today: date | None = None) -> WordExport:
    """The objectives appendix for `periods` (default: `record.appendix_periods()`) as a .docx."""
    chosen = periods or record.appendix_periods()
    clean = TextCleaner()
    document = Document()
    set_text_style(document)
    title = f"{record.organisation.name}: {_kind([record.period(p) for p in chosen])} appendix, {' and '.join(chosen)}"
    set_title_and_language(document, title, author=record.organisation.name)
    write_appendix(document, framework, record, chosen, clean, new_section=False, today=today)
    return WordExport(save(document), clean.replaced, title)


def write_appendix(document, framework: Framework, record: OrganisationRecord, periods: Sequence[str],
                   clean: TextCleaner, *, new_section: bool, today: date | None = None,
                   number: int | None = None) -> None:
    """Write the objectives appendix for `periods` at the end of `document` (a python-docx Document).

    With `new_section`, the appendix starts on a new page in a landscape A4 section of its own
    (so it can follow a portrait report) with its own footer; without it, the document's last
    section is made landscape A4. The text takes the document's Normal style (`appendix_docx`
    sets Arial 9 pt with `set_text_style`). User text goes through `clean`, which counts what it
    replaced. `number` numbers it ("Appendix 1") where it follows a covering report.
    """
    chosen = list(periods)
    period_records = [record.period(p) for p in chosen]
    by_key_area = _kind(period_records) == "key areas"
    # beside periods scored per objective, a period scored one level per key area has no objective
    # rows: its levels are written after each key area's table, not as an empty column
    per_area = [] if by_key_area else [p for p in period_records if scored_by_key_area(p)]
    columns = [p for p in period_records if p not in per_area]
    layout = Layout(document)
    start_landscape(document, new_section=new_section)
    listed = "Key Areas" if by_key_area else "Complete Objectives List"
    layout.heading(f"Appendix{f' {number}' if number else ''} – {listed}: {clean(record.organisation.name)}", 1)
    layout.paragraph(f"{framework.name}. Scores for "
                     f"{' and '.join(chosen)}, with comments and the actions raised in each period. Levels: "
                     + ", ".join(lv.label for lv in framework.levels)
                     + '. A score such as "2/3" is between two levels.' + carried_note(period_records)
                     + "".join(f" {clean(note)}." for note in framework_notes(period_records))
                     + "".join(f" {p.period} was scored one level per key area: each key area's level follows its "
                               "objectives." for p in per_area))
    # a record kept per key area has no objective numbers, and a description only where its key areas have one
    described = not by_key_area or any(ka.description for ka in framework.key_areas.values())
    headers = (["Key area", "Description"] if described else ["Key area"]) if by_key_area \
        else ["#", "Objective", "Description"]
    for period in columns:
        headers += appendix_columns(period.period)
    fixed: list[Length] = ([Cm(4.0), Cm(5.2)] if described else [Cm(4.6)]) if by_key_area \
        else [Cm(1.0), Cm(3.6), Cm(4.6)]
    score_width = Cm(1.9) if any("/" in p.period for p in columns) else Cm(1.6)   # "2024/25 Score" unbroken
    comment_width = Emu((USABLE - sum(fixed) - score_width * len(columns)) // max(1, len(columns)))
    widths = fixed + [score_width, comment_width] * len(columns)

    before = {p.period: record.period(prior) if (prior := previous_period(record, p.period)) else None
              for p in period_records}

    def cells(item: Objective | KeyArea) -> list[str]:
        """A row per objective; for a record kept one level per key area, a row per key area."""
        texts = ([item.title, item.description or ""] if described else [item.title]) if by_key_area \
            else [item.id, item.title, item.description or ""]
        for period in columns:
            entry = (period.key_area_entries if by_key_area else period.entries).get(item.id)
            earlier = before[period.period]
            was = (earlier.key_area_entries if by_key_area else earlier.entries).get(item.id) if earlier else None
            unchanged_from = earlier.period if earlier and confirmed_unchanged(entry, was) else None
            texts.append(score_cell(entry))
            texts.append(clean(comments_and_action(entry, unchanged_from=unchanged_from)) if entry else "")
        return texts

    def after(ka: KeyArea) -> list[str]:
        """A key area's level in each period scored per key area (beside periods scored per objective)."""
        lines = []
        for period in per_area:
            entry = period.key_area_entries.get(ka.id)
            comment = comments_and_action(entry) if entry else ""
            lines.append(f"{ka.title}, {period.period} (one level for the key area): "
                         + (score_cell(entry) or "not scored") + (f". {comment}" if comment else ""))
        return [clean(line) for line in lines]

    write_framework_tables(layout, framework, clean, headers, widths, cells, per_key_area=by_key_area,
                           after=after if per_area else None)
    layout.flush()
    status = clean(status_text(period_records))
    header(document, f"{clean(record.organisation.name)}: {_kind(period_records)} appendix. Status – {status}")
    footer(document, f"{framework.name}. {status}. "
                     f"Generated {long_date(today or date.today())}.")


def _kind(periods: list) -> str:
    """What the appendix lists: "key areas" for a record kept one level per key area, else "objectives"."""
    return "key areas" if periods and all(scored_by_key_area(p) for p in periods) else "objectives"


# --- the shared layout: sections, styles, key-area groups, tables -------------------------------------


def carried_note(periods) -> str:
    """' In 2024, 12 of the 59 scores are carried forward from the period before and not yet
    confirmed; they are marked "3 (carried)".' ('' when none is)."""
    parts = []
    for period in periods:
        entries = [*period.entries.values(), *period.key_area_entries.values()]
        carried = sum(1 for e in entries if e.carried and e.score.written)
        if carried:
            parts.append(f"In {period.period}, {carried} of the {sum(1 for e in entries if e.score.written)} scores "
                         "are carried forward from the period before and not yet confirmed")
    return (" " + "; ".join(parts) + f'; they are marked "3 {CARRIED}".') if parts else ""


def set_text_style(document) -> None:
    """Arial 9 pt for the Normal style: the appendix's wide tables are measured for it; Arial for
    the headings too."""
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9)
    set_heading_font(document)


HEADING_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2")
TEXT_COLOUR = RGBColor(0x0B, 0x0C, 0x0C)   # GOV.UK's text colour


def set_heading_font(document, name: str = "Arial") -> None:
    """`name` for the title and heading styles, in near-black (the template's light blues fall short
    of the contrast WCAG asks of text this size). Their theme fonts (Calibri Light in python-docx's
    template) would win over a font name alone, so they are taken off."""
    for style in HEADING_STYLES:
        document.styles[style].font.color.rgb = TEXT_COLOUR
        fonts = document.styles[style].element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:ascii"), name)
        fonts.set(qn("w:hAnsi"), name)


def start_landscape(document, *, new_section: bool) -> None:
    """Landscape A4 with 1.5 cm margins: a new section on a new page, or the last section as it is."""
    section = document.add_section(WD_SECTION.NEW_PAGE) if new_section else document.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def header(document, text: str) -> None:
    """The last section's own header (not inherited), in 8 pt bold: the periods' status."""
    _own(document.sections[-1].header, text, bold=True)


def footer(document, text: str) -> None:
    """The last section's own footer (not inherited from a section before it), in 8 pt, ending
    "Page N of M" (counting the whole document, also when the appendix follows the report)."""
    part = document.sections[-1].footer
    _own(part, text + " ")
    page_of_pages(part.paragraphs[0])


FOOTER_SIZE = Pt(8)


def page_of_pages(paragraph, size: Length = FOOTER_SIZE) -> None:
    """Append "Page N of M" to `paragraph`: Word's PAGE and NUMPAGES fields, filled in as it is read."""
    for text, field in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        paragraph.add_run(text).font.size = size
        run = paragraph.add_run()
        run.font.size = size
        for kind in ("begin", "instr", "separate", "end"):
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {field} "
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def set_title_and_language(document, title: str, *, author: str = "") -> None:
    """The document's title and author (its properties, which screen readers and PDF converters
    read; not python-docx's own name as author) and its language, British English, for every style
    that does not say otherwise. Their text is made safe for Word, not counted: the body shows it."""
    safe = TextCleaner()
    core = document.core_properties
    core.title, core.author, core.last_modified_by = safe(title), safe(author), safe(author)
    core.language = "en-GB"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    run_properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if run_properties is not None:
        language = run_properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            run_properties.append(language)
        language.set(qn("w:val"), "en-GB")


def _own(part, text: str, *, bold: bool = False) -> None:
    """`text` in 8 pt as a header's or footer's own (not linked to the section before)."""
    part.is_linked_to_previous = False
    paragraph = part.paragraphs[0]
    paragraph.text = text
    paragraph.runs[0].font.size = Pt(8)
    paragraph.runs[0].font.bold = bold


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Group:
    """What goes under one heading: the key areas' rubric tables, then one objectives table.

    Most key areas are a group of their own. A theme whose key areas hold one objective each
    (the NPS enablers) is one group, as in the seed: the theme's heading and description, a
    captioned rubric table per key area, then a single objectives table.
    """

    heading: str
    description: str | None
    rubrics: list[tuple[KeyArea, str | None]]
    objectives: list[Objective]


def groups(framework: Framework) -> Iterator[Group]:
    for theme in framework.themes:
        if len(theme.key_areas) > 1 and all(len(ka.objectives) == 1 for ka in theme.key_areas):
            yield Group(theme.title, theme.description,
                        [(ka, f"{ka.objectives[0].id} – {ka.title} – scoring criteria") for ka in theme.key_areas],
                        [o for ka in theme.key_areas for o in ka.objectives])
            continue
        for ka in theme.key_areas:
            yield Group(ka.title, None, [(ka, None)], list(ka.objectives))


def write_framework_tables(layout: Layout, framework: Framework, clean: TextCleaner, headers: list[str],
                           widths: list[Length], cells: Callable[[Objective | KeyArea], list[str]],
                           *, row_height: Length | None = None, whole_rows: bool = False,
                           per_key_area: bool = False, after: Callable[[KeyArea], list[str]] | None = None) -> None:
    """Every group of the framework: heading, rubric table(s), then the objectives table whose
    columns are `headers` (bold, repeated on every page) and whose rows are `cells(objective)` (with
    `per_key_area`, `cells(key area)`), each at least `row_height` high and, with `whole_rows`,
    never split across pages; `after(key area)`: lines written after each group's table."""
    for group in groups(framework):
        layout.heading(group.heading, 2)
        if group.description:
            layout.paragraph(clean(group.description), keep_next=True)
        for i, (ka, caption) in enumerate(group.rubrics):
            rubric_table(layout, framework, ka, caption, with_objectives=i == len(group.rubrics) - 1)
        rows = [ka for ka, _ in group.rubrics] if per_key_area else group.objectives
        layout.table(widths, headers, [cells(x) for x in rows], row_height=row_height, whole_rows=whole_rows)
        for ka, _ in group.rubrics:
            for line in after(ka) if after else []:
                layout.paragraph(line)
        layout.paragraph("")


def rubric_table(layout: Layout, framework: Framework, ka: KeyArea, caption: str | None, *,
                 with_objectives: bool = True) -> None:
    """A row of "1 – Minimum" … over a row of the key area's descriptors, then an empty paragraph;
    kept whole, with its caption, and `with_objectives` on the page of what follows (the start of
    the objectives table). In a group of several rubrics (the enablers) only the last keeps with
    what follows: a chain of all of them is taller than a page, and was pushed whole onto pages of
    its own, leaving pages mostly blank."""
    if caption:
        layout.paragraph(caption, bold=True, keep_next=True)
    levels = framework.levels
    widths: list[Length] = [Cm(3.2)] + [Emu((USABLE - Cm(3.2)) // len(levels))] * len(levels)
    layout.table(widths, ["Score:"] + [level.label for level in levels],
                 [["Subsection high level principle/ specific behaviour:"]
                  + [ka.rubric[level.value] for level in levels]],
                 keep_next=with_objectives, keep_together=True)
    layout.paragraph("", keep_next=with_objectives)


# --- WordprocessingML written as text ----------------------------------------------------------------

_BOLD_RUN = "<w:r><w:rPr><w:b/></w:rPr>"
_SPECIAL = re.compile(r"[\t\r]")
_TABLE_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
               'w:noHBand="0" w:noVBand="1" w:val="04A0"/>')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f"<w:t{space}>{_escape(text)}</w:t>"


def _run_content(line: str) -> str:
    """As python-docx's add_run: text in w:t, a tab as w:tab, a carriage return as w:br."""
    if not _SPECIAL.search(line):
        return _t(line)
    parts = []
    start = 0
    for match in _SPECIAL.finditer(line):
        if match.start() > start:
            parts.append(_t(line[start:match.start()]))
        parts.append("<w:tab/>" if match.group() == "\t" else "<w:br/>")
        start = match.end()
    if start < len(line):
        parts.append(_t(line[start:]))
    return "".join(parts)


def _paragraphs(text: str, bold: bool = False, style: str = "", keep_next: bool = False) -> str:
    """One w:p per line of `text` (an empty line is an empty paragraph); `keep_next` keeps it on
    the same page as what follows."""
    inner = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep_next else "")
    ppr = f"<w:pPr>{inner}</w:pPr>" if inner else ""
    run = _BOLD_RUN if bold else "<w:r>"
    return "".join(f"<w:p>{ppr}{run}{_run_content(line)}</w:r></w:p>" if line else f"<w:p>{ppr}</w:p>"
                   for line in text.split("\n"))


def _twips(width: Length | int) -> int:
    return Emu(width).twips


class Layout:
    """Collects body content as WordprocessingML text and adds it to the document on `flush`.

    Tables are written as python-docx writes them: the document's "Table Grid" style, centred,
    fixed layout (autofit off), each width on its w:gridCol and on every cell's w:tcW, the
    header row marked to repeat on every page, header text bold.
    """

    def __init__(self, document) -> None:
        self.document = document
        styles = document.styles
        self._style_ids = {name: styles[name].style_id for name in ("Table Grid", "Heading 1", "Heading 2")}
        self._parts: list[str] = []

    def heading(self, text: str, level: int) -> None:
        self._parts.append(_paragraphs(text, style=self._style_ids[f"Heading {level}"]))

    def paragraph(self, text: str, *, bold: bool = False, keep_next: bool = False) -> None:
        self._parts.append(_paragraphs(text, bold=bold, keep_next=keep_next))

    def table(self, widths: Sequence[Length], headers: Sequence[str], rows: Sequence[Sequence[str]],
              *, row_height: Length | None = None, whole_rows: bool = False, keep_together: bool = False,
              keep_next: bool = False) -> None:
        """A table of `headers` over `rows` of cell texts; line breaks become paragraphs; each
        body row at least `row_height` high if given (room to write by hand) and, with
        `whole_rows`, kept on one page; with `keep_together`, the whole table on one page; with
        `keep_next`, the whole table on the page of what follows it (a rubric with the start of its
        objectives)."""
        whole_rows = whole_rows or keep_together or keep_next
        twips = [_twips(w) for w in widths]
        tcs = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr>' for w in twips]
        body_trpr = (("<w:cantSplit/>" if whole_rows else "")
                     + (f'<w:trHeight w:val="{_twips(row_height)}" w:hRule="atLeast"/>' if row_height else ""))
        body_trpr = f"<w:trPr>{body_trpr}</w:trPr>" if body_trpr else ""
        parts = [(f'<w:tbl><w:tblPr><w:tblStyle w:val="{self._style_ids["Table Grid"]}"/>'
                  '<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
                  f'{_TABLE_LOOK}</w:tblPr><w:tblGrid>'),
                 "".join(f'<w:gridCol w:w="{w}"/>' for w in twips),
                 '</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>']
        # Word keeps a row with the next while its paragraphs keep with the next.
        parts += [tc + _paragraphs(text, bold=True, keep_next=keep_next or (keep_together and bool(rows))) + "</w:tc>"
                  for tc, text in zip(tcs, headers)]
        parts.append("</w:tr>")
        for i, row in enumerate(rows):
            keep_row = keep_next or (keep_together and i < len(rows) - 1)
            parts.append("<w:tr>" + body_trpr)
            parts += [tc + _paragraphs(text, keep_next=keep_row) + "</w:tc>" for tc, text in zip(tcs, row)]
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self._parts.append("".join(parts))

    def flush(self) -> None:
        """Add what was collected at the end of the document's body (before its last w:sectPr)."""
        if not self._parts:
            return
        body = parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(self._parts)}</w:body>')
        self._parts = []
        end = self.document.element.body.get_or_add_sectPr()
        for child in list(body):
            end.addprevious(child)
