"""Medway's published appendix (seed 002), rebuilt as a plain Word document from the seed's text
with bare python-docx (not our writer), reads back as the example record was transcribed."""

from __future__ import annotations

import io
import re

from docx import Document

from assessment.formats.readers.word_appendix import read_appendix

from .conftest import SEED_002_PATH, texts


def seed_as_docx() -> bytes:
    """Each objectives table of the seed as a Word table ("Table Grid"); lines that continue a
    row's cells (they start with tabs) become further paragraphs of those cells, as in the PDF."""
    lines = SEED_002_PATH.read_text(encoding="utf-8").splitlines()
    document, table = Document(), None
    for line in lines:
        cells = line.split("\t")
        if line.startswith("#\tObjective"):
            table = document.add_table(rows=1, cols=len(cells))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, cells):
                cell.text = text
        elif table is not None and re.match(r"\d+\t", line):
            for cell, text in zip(table.add_row().cells, cells):
                cell.text = text
        elif table is not None and line.startswith("\t") and line.strip():
            for cell, text in zip(table.rows[-1].cells, cells):
                if text.strip():
                    cell.add_paragraph("")
                    cell.add_paragraph(text.strip())
        elif line.strip():
            table = None
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_published_appendix_reads_back_as_transcribed(nps, medway):
    plan = read_appendix(seed_as_docx(), nps, source="medway-appendix.docx")
    assert texts(plan.problems) == []
    # The PDF extraction cut one title short; the number decides and the difference is a warning.
    assert texts(plan.warnings) == ['medway-appendix.docx: table 3, row 4: objective 10 is titled "Staff development '
                             'for partnership working" in nps-2018 but "Staff development for" here']
    assert [p.period for p in plan.periods] == ["2022", "2023"]
    differing = set()
    for period in plan.periods:
        transcribed = medway.period(period.period).entries
        assert len(period.entries) == 59
        for number, entry in period.entries.items():
            assert entry.score == transcribed[number].score, (period.period, number)
            if " ".join((entry.comment or "").split()) != " ".join((transcribed[number].comment or "").split()):
                differing.add((period.period, number))
    # Three 2023 comments were rebuilt by hand where the extraction interleaved lines of the PDF.
    assert differing == {("2023", "10"), ("2023", "31"), ("2023", "32")}
    split = {p.period: sorted((n for n, e in p.entries.items() if e.score.written == "2/3"), key=int)
             for p in plan.periods}
    assert split == {"2022": ["18"], "2023": ["3", "7"]}  # the seed's split scores, as printed
