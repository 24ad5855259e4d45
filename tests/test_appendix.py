"""The Word objectives appendix: opened again and checked, and rendered by LibreOffice."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from assessment.formats.writers.pdf import to_pdf
from assessment.formats.writers.word_appendix import appendix_docx

from .pdfpages import page_texts, pages


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _objective_rows(document):
    rows = {}
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:3] == ["#", "Objective", "Description"]:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                rows[cells[0]] = dict(zip(header, cells))
    return rows


def test_medway_appendix_content(nps, medway):
    out = appendix_docx(nps, medway, today=date(2026, 11, 21))
    document = _open(out.data)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    rows = _objective_rows(document)
    assert list(rows) == [str(n) for n in range(1, 60)]
    assert rows["18"]["2022 Score"] == "2/3" and rows["3"]["2023 Score"] == "2/3" and rows["1"]["2023 Score"] == "3"
    assert rows["35"]["2023 Comments and Action"] == "As per previous year's comment."
    assert rows["1"]["2022 Comments and Action"] == medway.period("2022").entries["1"].comment
    assert rows["2"]["2023 Comments and Action"] == medway.period("2023").entries["2"].comment  # keeps its break
    rubric = document.tables[0]
    assert [c.text for c in rubric.rows[0].cells][1:] == ["1 – Minimum", "2 – Developing", "3 – Mature",
                                                         "4 – Leader", "5 – Innovator"]
    assert rubric.rows[1].cells[1].text == nps.key_areas["engaging-councillors"].rubric[1]
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert section.footer.paragraphs[0].text.startswith("National Procurement Strategy for Local Government in England "
                                                        "2018. ") and "21 November 2026" in section.footer.paragraphs[0].text
    assert out.replaced_characters == 0


def test_actions_not_quoted_in_the_comment_are_added(nps, medway):
    from assessment.domain.record import Action
    entry = medway.period("2023").entries["1"]
    entry.actions.append(Action("Brief the portfolio holder", owner="Head of Procurement", due=date(2027, 3, 31)))
    rows = _objective_rows(_open(appendix_docx(nps, medway).data))
    assert rows["1"]["2023 Comments and Action"].endswith(
        "Action: Brief the portfolio holder (Head of Procurement, 31 March 2027, open)")
    # Medway's own actions are quoted in its comments, so they are not repeated.
    assert rows["3"]["2022 Comments and Action"].count("Category Management to create") == 1


def test_awkward_text_is_cleaned_or_kept(nps, medway):
    long = "Long comment. " * 800
    entries = medway.period("2023").entries
    entries["1"].comment = "Bell\x07 and form feed\x0c and lone \ud800 surrogate"
    entries["2"].comment = "Cymraeg: ŵ ŷ — emoji 🎉 — עברית and العربية\nsecond line"
    entries["2"].actions = []
    entries["4"].comment = long
    out = appendix_docx(nps, medway, periods=["2023"])
    assert out.replaced_characters == 3
    rows = _objective_rows(_open(out.data))
    assert rows["1"]["2023 Comments and Action"] == "Bell\ufffd and form feed\ufffd and lone \ufffd surrogate"
    assert rows["2"]["2023 Comments and Action"] == "Cymraeg: ŵ ŷ — emoji 🎉 — עברית and العربية\nsecond line"
    assert rows["4"]["2023 Comments and Action"] == long
    assert "2022 Score" not in rows["1"]


# A page the body leaves more than 40% empty is "mostly blank". The enablers' rubric tables, kept
# together as one block, left three pages 45-55% filled; today the tallest block kept together (a
# key area's heading, rubric and first objective) leaves at most about a third of a page empty.
MOSTLY_BLANK = 0.6


def test_libreoffice_renders_landscape_pages_none_mostly_blank_but_the_last(nps, worcs, medway, worcestershire):
    rendered = {}
    for framework, record, periods, expected in ((nps, medway, ["2022", "2023"], range(10, 41)),
                                                 (worcs, worcestershire, ["2022"], range(3, 16))):
        export = appendix_docx(framework, record, periods, today=date(2026, 11, 21))
        footer = _open(export.data).sections[-1].footer.paragraphs[0].text
        assert footer.startswith(f"{framework.name}. ")   # the framework as documents name it
        pdf = rendered[record.organisation.id] = to_pdf(export.data, export.title)
        found = pages(pdf, footer_starts=" ".join(framework.name.split()[:4]))
        assert len(found) in expected, len(found)   # Medway, 59 objectives, two periods: about 19 pages
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert box.width > box.height
        short = [(page.number, round(page.filled, 2)) for page in found[:-1] if page.filled < MOSTLY_BLANK]
        assert short == [], f"{export.title}: pages whose body ends less than {MOSTLY_BLANK:.0%} down: {short}"
    enablers = next(text for text in page_texts(rendered["medway"]) if "Enablers" in text)
    assert "56 – Developing talent – scoring criteria" in enablers   # the theme's heading with its first rubric


def test_cell_text_is_written_as_python_docx_writes_a_run():
    from docx.oxml.parser import parse_xml

    from assessment.formats.writers.word_appendix import W_NS, _paragraphs

    def shape(element):  # tag, attributes, text and children, ignoring namespace declarations
        return (element.tag, sorted(element.attrib.items()), element.text,
                [shape(child) for child in element if not (child.tag == qn("w:rPr") and len(child) == 0)])
    for text in ("plain", " leading and trailing ", "tab\there", "carriage\rreturn", "a & b < c > d",
                 "\ttab first", "ends with tab\t", "Cymraeg: ŵ ŷ — 🎉 — עברית"):
        for bold in (False, True):
            ours = parse_xml(f'<w:body xmlns:w="{W_NS}">{_paragraphs(text, bold=bold)}</w:body>')[0]
            theirs = Document().add_paragraph()
            theirs.add_run(text).bold = bold or None
            assert shape(ours) == shape(theirs._p), text


def test_appendix_after_a_portrait_report(nps, medway):
    from docx.enum.section import WD_SECTION

    from assessment.formats.writers.word_appendix import write_appendix
    from assessment.formats.writers.word_text import TextCleaner
    document = Document()
    document.add_heading("Procurement maturity: report to members", level=1)
    document.add_paragraph("Where we are today and where we want to be.")
    document.sections[0].footer.paragraphs[0].text = "Report footer"
    clean = TextCleaner()
    write_appendix(document, nps, medway, ["2022", "2023"], clean, new_section=True, today=date(2026, 11, 21))
    buffer = io.BytesIO()
    document.save(buffer)
    reopened = _open(buffer.getvalue())
    first, last = reopened.sections[0], reopened.sections[-1]
    assert len(reopened.sections) == 2 and last.start_type == WD_SECTION.NEW_PAGE
    assert first.orientation == WD_ORIENT.PORTRAIT and first.page_width < first.page_height
    assert last.orientation == WD_ORIENT.LANDSCAPE and last.page_width > last.page_height
    assert reopened.paragraphs[0].text == "Procurement maturity: report to members"
    assert list(_objective_rows(reopened)) == [str(n) for n in range(1, 60)]
    assert first.footer.paragraphs[0].text == "Report footer"
    assert not last.footer.is_linked_to_previous and "21 November 2026" in last.footer.paragraphs[0].text
    assert clean.replaced == 0


def test_a_record_kept_per_key_area_gets_its_levels_in_the_appendix(nps, worcestershire):
    """It printed 59 empty objective rows."""
    import io

    from docx import Document
    document = Document(io.BytesIO(appendix_docx(nps, worcestershire).data))
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Key area"]
    rows = [[c.text for c in r.cells] for t in tables for r in t.rows[1:]]
    # laid out as a key-area record: no empty "#" column, the key areas listed, not "objectives"
    # (NPS 2018's key areas have no description of their own, so there is no column for one)
    assert [c.text for c in tables[0].rows[0].cells] == ["Key area", "2022 Score", "2022 Comments and Action"]
    assert len(rows) == 14
    risk = next(r for r in rows if r[0] == "Managing Strategic Risk")
    assert risk[1] == "3"
    assert document.paragraphs[0].text.startswith("Appendix – Key Areas: ") or any(
        p.text.startswith("Appendix – Key Areas: ") for p in document.paragraphs)
    assert not any("Objectives List" in p.text for p in document.paragraphs)


def test_a_score_confirmed_unchanged_says_so_and_reads_back_as_no_comment(nps, medway):
    """56 of 59 objectives confirmed unchanged printed an empty 2024 comment: "no information" to a committee."""
    from dataclasses import replace

    from assessment.domain.record import PeriodRecord
    from assessment.domain.rollups import carry_forward, confirm
    from assessment.formats.readers.word_appendix import read_appendix
    started = carry_forward(medway.period("2023"), "2024").period
    confirmed = {"1": confirm(started.entries["1"]),                                  # same score, nothing written
                 "2": replace(confirm(started.entries["2"]), comment="Reviewed in March."),  # same score, words
                 "3": confirm(started.entries["3"], score=started.entries["3"].score.__class__(4.0))}  # moved
    medway.periods.append(PeriodRecord("2024", entries={**started.entries, **confirmed}))
    rows = _objective_rows(_open(appendix_docx(nps, medway, ["2023", "2024"]).data))
    assert rows["1"]["2024 Comments and Action"] == "Confirmed unchanged from 2023"
    assert rows["2"]["2024 Comments and Action"] == "Reviewed in March."
    assert rows["3"]["2024 Comments and Action"] == ""                     # changed, with nothing written
    assert rows["4"]["2024 Comments and Action"] == ""                     # carried, not yet confirmed
    assert rows["4"]["2024 Score"].endswith("(carried)")
    read = read_appendix(appendix_docx(nps, medway, ["2023", "2024"]).data, nps, source="a.docx")
    entries = {p.period: p.entries for p in read.periods}["2024"]
    assert entries["1"].comment is None and entries["2"].comment == "Reviewed in March."
