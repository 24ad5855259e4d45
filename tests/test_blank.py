"""The blank questionnaire: opened again and checked, and rendered by LibreOffice."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm

from assessment.formats.writers.pdf import to_pdf
from assessment.formats.writers.word_questionnaire import HEADERS, blank_docx

from .pdfpages import pdf_info

EMPTY = ["Score", "Target", "Comments and actions"]


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _objective_tables(document):
    return [t for t in document.tables if [c.text for c in t.rows[0].cells] == HEADERS]


def _rubric_tables(document):
    return [t for t in document.tables if t.rows[0].cells[0].text == "Score:"]


def test_every_objective_with_its_title_description_and_empty_columns(nps):
    document = _open(blank_docx(nps, today=date(2026, 11, 21)).data)
    rows = [row for table in _objective_tables(document) for row in table.rows[1:]]
    assert [row.cells[0].text for row in rows] == [str(n) for n in range(1, 60)]
    for row in rows:
        objective = nps.objectives[row.cells[0].text]
        cells = dict(zip(HEADERS, row.cells))
        assert cells["Objective"].text == objective.title
        assert cells["Description"].paragraphs[0].text == objective.description
        for value, text in objective.levels.items():  # an objective's own descriptors are printed
            assert f"For this objective, {value} – {nps.level_names[value]} means: {text}" in cells["Description"].text
        assert all(cells[name].text == "" for name in EMPTY)
        height = row._tr.trPr.find(qn("w:trHeight"))
        assert height.get(qn("w:hRule")) == "atLeast" and int(height.get(qn("w:val"))) == Cm(1.6).twips
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert sum(1 for row in rows if len(row.cells[2].paragraphs) > 1) == sum(1 for o in nps.objectives.values() if o.levels)


def test_rubrics_match_the_framework(nps):
    document = _open(blank_docx(nps).data)
    rubrics = _rubric_tables(document)
    assert len(rubrics) == len(nps.key_areas)
    for table, ka in zip(rubrics, nps.key_areas.values()):
        assert [c.text for c in table.rows[0].cells][1:] == ["1 – Minimum", "2 – Developing", "3 – Mature",
                                                            "4 – Leader", "5 – Innovator"]
        assert [c.text for c in table.rows[1].cells][1:] == [ka.rubric[level] for level in range(1, 6)]
    # The enablers: one captioned rubric table each, then a single objectives table (as in the appendix).
    captions = [p.text for p in document.paragraphs if p.text.endswith("– scoring criteria")]
    assert captions == [f"{o.id} – {ka.title} – scoring criteria" for ka in nps.themes[-1].key_areas for o in ka.objectives]
    assert [len(t.rows) - 1 for t in _objective_tables(document)][-1] == len(nps.themes[-1].key_areas)


def test_layout_headers_instructions_and_footer(nps):
    document = _open(blank_docx(nps, organisation_name="Medway Council", periods_label="2024/25",
                                today=date(2026, 11, 21)).data)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    for table in document.tables:
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        assert all(run.bold for cell in table.rows[0].cells for p in cell.paragraphs for run in p.runs)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            assert [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row._tr.tc_lst] == grid
        assert table.style.name == "Table Grid"
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"Self-assessment questionnaire: {nps.title}"
    assert texts[1].startswith("Organisation: Medway Council") and "Period: 2024/25" in texts[1]
    instructions = texts[2]
    assert "1 – Minimum, 2 – Developing, 3 – Mature, 4 – Leader or 5 – Innovator" in instructions
    assert '"2/3"' in instructions and '"n/a"' in instructions
    footer = section.footer.paragraphs[0]
    assert footer.text == ("National Procurement Strategy for Local Government in England 2018. Generated 21 November "
                           "2026. Page  of ")   # the page and the count are Word fields, filled in as it is read
    assert [t.text.strip() for t in footer._p.xpath(".//w:instrText")] == ["PAGE", "NUMPAGES"]


def test_no_organisation_or_period_leaves_lines_to_fill_in(nps):
    out = blank_docx(nps, organisation_name="Bad\x07name")
    assert out.replaced_characters == 1
    line = _open(out.data).paragraphs[1].text
    assert line.startswith("Organisation: Bad\ufffdname") and "Period: ____" in line


def test_tiny_framework_three_levels_and_its_own_ids(tiny):
    document = _open(blank_docx(tiny).data)
    rubrics = _rubric_tables(document)
    assert len(rubrics) == 2
    for table in rubrics:
        assert [c.text for c in table.rows[0].cells] == ["Score:", "1 – Starting", "2 – Established", "3 – Excellent"]
        assert len(table.columns) == 4
    assert [c.text for c in rubrics[1].rows[1].cells][1:] == ["Spreadsheets.", "A shared register.", "Live dashboards."]
    rows = {row.cells[0].text: row for table in _objective_tables(document) for row in table.rows[1:]}
    assert list(rows) == ["S1", "S2", "D1"]
    assert rows["S2"].cells[2].text == "For this objective, 3 – Excellent means: Every buyer holds a professional qualification."
    assert rows["D1"].cells[2].text == ""
    instructions = document.paragraphs[2].text
    assert "1 – Starting, 2 – Established or 3 – Excellent" in instructions
    assert "In Data, an objective between two levels" in instructions  # only Data allows half steps


def test_libreoffice_renders_a_sane_number_of_landscape_pages(nps, tiny):
    fields = pdf_info(to_pdf(blank_docx(nps).data, "nps"))
    assert 10 <= int(fields["Pages"]) <= 30  # 59 objectives in rows at least 1.6 cm high: about 17 pages
    width, _, height = fields["Page size"].split()[:3]
    assert float(width) > float(height)
    assert int(pdf_info(to_pdf(blank_docx(tiny).data, "tiny"))["Pages"]) == 1
