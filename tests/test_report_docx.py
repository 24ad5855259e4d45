"""The members' progress report (Word): opened again, checked, and rendered by LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from assessment.exports.report_docx import report_docx
from assessment.record import Action
from assessment.report import open_actions_sentence, progress_report

TODAY = date(2026, 11, 21)


def _tables(document):
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def _text(document):
    return "\n".join(p.text for p in document.paragraphs)


def test_report_content(nps, medway):
    medway.period("2023").entries["20"].actions.append(
        Action("Agree the contract change procedure", owner="Head of Category Management", due=date(2026, 6, 30)))
    out = report_docx(nps, medway, "2023", today=TODAY)
    document = Document(io.BytesIO(out.data))
    report = progress_report(nps, medway, "2023", today=TODAY)
    text = _text(document)
    assert "Medway Council" in text and "Procurement maturity: progress report" in text
    assert "Self-assessment for 2023, compared with 2022" in text and "Prepared 21 November 2026" in text
    assert report.summary in text
    # The radar is an image, and its numbers are in the table that follows.
    assert len(document.inline_shapes) == 1
    tables = _tables(document)
    radar = tables[0]
    assert radar[0] == ["Key area", "2023", "n", "Target", "2022"] or set(radar[0]) == {"Key area", "2023", "n", "Target", "2022"}
    assert len(radar) == 1 + 14
    movement = tables[1]
    assert movement[0] == ["Key area", "2022", "2023", "n", "Level", "Target", "Gap", "Direction"]
    assert movement[-1][0] == "Overall" and len(movement) == 1 + 15
    improved = tables[2]
    assert len(improved) == 1 + len(report.improved)
    row3 = next(r for r in improved if r[0].startswith("3. "))
    assert row3[2:4] == ["2", "2/3"] and row3[4] == medway.period("2023").entries["3"].comment
    assert "Figure 1. Key areas: 2023, where we are today (blue) and 2022 (grey). The same numbers" in text
    # Open at 2023: 11 raised in 2022 (the social value policy was done in 2023), 10 raised in 2023, 1 added here.
    assert "22 actions are open; 1 of them is overdue at 21 November 2026." in text
    overdue = tables[-1]
    assert overdue[0] == ["Key area", "Objective", "Action", "Owner", "Due", "From"]
    assert overdue[1][2:5] == ["Agree the contract change procedure", "Head of Category Management", "30 June 2026"]
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert len(document.sections) == 1 and document.sections[0].orientation == WD_ORIENT.PORTRAIT
    footer = document.sections[0].footer.paragraphs[0]
    assert "Generated 21 November 2026" in footer.text
    assert [t.text.strip() for t in footer._p.xpath(".//w:instrText")] == ["PAGE", "NUMPAGES"]


def test_report_with_appendix_attached_turns_landscape(nps, medway):
    document = Document(io.BytesIO(report_docx(nps, medway, "2023", attach_appendix=True, today=TODAY).data))
    first, last = document.sections[0], document.sections[-1]
    assert first.orientation == WD_ORIENT.PORTRAIT and last.orientation == WD_ORIENT.LANDSCAPE
    assert last.page_width > last.page_height
    numbers = [row.cells[0].text for table in document.tables if table.rows[0].cells[0].text == "#"
               for row in table.rows[1:]]
    assert numbers == [str(n) for n in range(1, 60)]


def test_first_period_and_key_area_record(nps, worcs, medway, worcestershire):
    document = Document(io.BytesIO(report_docx(nps, medway, "2022", today=TODAY).data))
    assert "What moved" not in _text(document)
    assert _tables(document)[1][0] == ["Key area", "2022", "n", "Level", "Target", "Gap"]
    document = Document(io.BytesIO(report_docx(worcs, worcestershire, "2022", today=TODAY).data))
    risk = next(r for r in _tables(document)[1] if r[0] == "Managing Strategic Risk")
    assert risk[1:] == ["3.00", "1", "3 – Mature", "5.00", "+2.00"]


def test_awkward_text_comes_through_and_is_counted(nps, medway):
    entry = medway.period("2023").entries["3"]
    entry.comment = "Cyngor Sir Ddinbych: ŵ ŷ 🙂 مرحبا \x07 end"
    out = report_docx(nps, medway, "2023", today=TODAY)
    assert out.replaced_characters == 1
    texts = [c for t in _tables(Document(io.BytesIO(out.data))) for r in t for c in r]
    assert "Cyngor Sir Ddinbych: ŵ ŷ 🙂 مرحبا \ufffd end" in texts


def test_libreoffice_renders_the_report(nps, medway, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (scripts/system-deps.sh installs it)"
    path = tmp_path / "report.docx"
    path.write_bytes(report_docx(nps, medway, "2023", today=TODAY).data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert 4 <= int(fields["Pages"]) <= 12, fields["Pages"]
    width, _, height = fields["Page size"].split()[:3]
    assert round(float(width)) == 595 and round(float(height)) == 842  # A4 portrait, in points


def test_the_open_actions_sentence_counts_in_words():
    assert open_actions_sentence(0, 0, TODAY) == "No actions are open at 21 November 2026."
    assert open_actions_sentence(1, 0, TODAY) == "1 action is open; none is overdue at 21 November 2026."
    assert open_actions_sentence(3, 2, TODAY) == "3 actions are open; 2 of them are overdue at 21 November 2026."


def test_the_report_says_page_n_of_m_and_has_a_title_and_british_english(nps, medway):
    document = Document(io.BytesIO(report_docx(nps, medway, "2023", attach_appendix=True, today=TODAY).data))
    fields = [t.text.strip() for t in document.sections[0].footer.paragraphs[0]._p.xpath(".//w:instrText")]
    assert fields == ["PAGE", "NUMPAGES"] and document.sections[0].footer.paragraphs[0].text.endswith("Page  of ")
    appendix_fields = [t.text.strip() for t in document.sections[-1].footer.paragraphs[0]._p.xpath(".//w:instrText")]
    assert appendix_fields == ["PAGE", "NUMPAGES"]   # the appendix's own footer counts the whole document too
    assert document.core_properties.title == "Medway Council: procurement maturity progress report, 2023"
    assert document.core_properties.language == "en-GB"
    assert document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val") == ["en-GB"]
