"""The members' progress report (Word): opened again, checked, and rendered by LibreOffice."""

from __future__ import annotations

import io
from datetime import date
from fractions import Fraction

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from assessment.domain.record import Action
from assessment.domain.report import (
    at_a_glance,
    gap_line,
    move_line,
    open_actions_sentence,
    progress_report,
    radar_rows,
)
from assessment.formats.charts import radar_caption
from assessment.formats.writers.pdf import to_pdf
from assessment.formats.writers.word_report import RADAR_POINTER, RADAR_TITLE, report_docx

from .pdfpages import page_texts

TODAY = date(2026, 11, 21)


def _tables(document):
    """Cell texts, with the no-break spaces that keep a narrow cell's last word company read as spaces."""
    return [[[c.text.replace("\u00a0", " ") for c in row.cells] for row in table.rows] for table in document.tables]


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
    assert movement[0] == ["Key area", "2022", "2023", "Scored", "Level", "Target", "Against target", "Direction"]
    assert movement[-1][0] == "Overall" and len(movement) == 1 + 15
    # the direction with its amount, as the page shows it ("▼ down" alone hid how far)
    overall = report.overall
    assert movement[-1][-1] == f"▲ up {overall.change:.2f}" and overall.change > 0
    assert all(row[-1] == "= no change" or row[-1][-4:].replace(".", "").isdigit() for row in movement[1:])
    improved = tables[2]
    assert len(improved) == 1 + len(report.improved)
    row3 = next(r for r in improved if r[0].startswith("3. "))
    assert row3[2:4] == ["2", "2/3"] and row3[4] == medway.period("2023").entries["3"].comment
    assert f"Figure 1. {radar_caption(radar_rows(nps, medway, '2023'))} {RADAR_POINTER}" in text
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
    assert _tables(document)[1][0] == ["Key area", "2022", "Scored", "Level", "Target", "Against target"]
    document = Document(io.BytesIO(report_docx(worcs, worcestershire, "2022", today=TODAY).data))
    risk = next(r for r in _tables(document)[1] if r[0] == "Managing Strategic Risk")
    assert risk[1:] == ["3.00", "1 of 1", "3 – Mature", "5.00 by 2025", "2 levels to go"]   # its targets say by when


def test_awkward_text_comes_through_and_is_counted(nps, medway):
    entry = medway.period("2023").entries["3"]
    entry.comment = "Cyngor Sir Ddinbych: ŵ ŷ 🙂 مرحبا \x07 end"
    out = report_docx(nps, medway, "2023", today=TODAY)
    assert out.replaced_characters == 1
    texts = [c for t in _tables(Document(io.BytesIO(out.data))) for r in t for c in r]
    assert "Cyngor Sir Ddinbych: ŵ ŷ 🙂 مرحبا \ufffd end" in texts


def test_libreoffice_renders_the_report_with_at_a_glance_on_one_page(nps, worcs, medway, worcestershire):
    """The page after the title page holds all of "At a glance"; the radar's table opens the next."""
    medway.period("2023").entries["20"].actions.append(
        Action("Agree the contract change procedure", owner="Head of Category Management", due=date(2026, 6, 30)))
    for framework, record, period in ((nps, medway, "2023"), (worcs, worcestershire, "2022")):
        export = report_docx(framework, record, period, today=TODAY)
        pdf = to_pdf(export.data, export.title)
        texts = page_texts(pdf)
        assert 3 <= len(texts) <= 12, len(texts)
        report = progress_report(framework, record, period, today=TODAY)
        glance = at_a_glance(report, framework)
        first, second, third = texts[:3]
        assert "Procurement maturity: progress report" in first and "At a glance" not in first
        assert second.lstrip().startswith("At a glance")
        last_words = " ".join(open_actions_sentence(glance.open_actions, glance.overdue, TODAY).split()[-3:])
        assert last_words in " ".join(second.split()), f"{export.title}: at a glance runs over its page"
        assert third.lstrip().startswith("Key areas in numbers (Figure 1)")
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)   # A4 portrait, in points


def _glance_part(document) -> list:
    """The paragraphs from the "At a glance" heading to the next Heading 1."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "At a glance")
    end = next(i for i, p in enumerate(paragraphs) if i > start and p.style.name == "Heading 1")
    return paragraphs[start:end]


def _bullets(part, heading: str) -> list[str]:
    at = next(i for i, p in enumerate(part) if p.text == heading)
    lines = []
    for p in part[at + 1:]:
        if p.style.name != "List Bullet":
            break
        lines.append(p.text)
    return lines


def _mean_by_hand(entries, ids) -> Fraction | None:
    values = [Fraction(entries[i].score.value) for i in ids if i in entries and entries[i].score.value is not None]
    return sum(values) / len(values) if values else None


def test_the_report_opens_at_a_glance(nps, medway):
    medway.period("2023").entries["20"].actions.append(
        Action("Agree the contract change procedure", owner="Head of Category Management", due=date(2026, 6, 30)))
    document = Document(io.BytesIO(report_docx(nps, medway, "2023", today=TODAY).data))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:6] == [("Heading 1", "At a glance"), ("Heading 2", "Overall level"),
                            ("Heading 2", "Where we are today and where we want to be"),
                            ("Heading 2", "The biggest gaps"), ("Heading 2", "The biggest moves since 2022"),
                            ("Heading 2", "Open and overdue actions")]
    assert headings[6] == ("Heading 1", "Key areas in numbers (Figure 1)")
    part = _glance_part(document)
    assert part[0].paragraph_format.page_break_before   # after the title page, on a page of its own
    report = progress_report(nps, medway, "2023", today=TODAY)
    glance = at_a_glance(report, nps)
    texts = [p.text for p in part]
    assert f"Overall in 2023: {glance.overall}." in texts
    # The overall mean by hand, from the record's scores: 59 objectives, none n/a.
    entries = medway.period("2023").entries
    mean = _mean_by_hand(entries, list(entries))
    assert f"Overall in 2023: 3 – Mature (mean {float(mean):.2f} from 59 of 59 objectives)." in texts
    # No targets in Medway's record: no gaps, and the page says why.
    assert _bullets(part, "The biggest gaps") == [] and glance.gaps_note in texts
    moves = _bullets(part, "The biggest moves since 2022")
    assert moves == [move_line(line, "2022") for line in glance.moves] and len(moves) == 3
    # The biggest move by hand: each key area's mean in 2023 against 2022.
    before = medway.period("2022").entries
    change = {ka.title: _mean_by_hand(entries, [o.id for o in ka.objectives]) -
              _mean_by_hand(before, [o.id for o in ka.objectives]) for ka in nps.key_areas.values()}
    biggest = max(change, key=lambda title: abs(change[title]))
    assert moves[0].startswith(f"{biggest}: ▲ up {float(change[biggest]):.2f} since 2022")
    assert "22 actions are open; 1 of them is overdue at 21 November 2026." in texts


def test_at_a_glance_names_the_biggest_gaps_where_targets_are_set(worcs, worcestershire):
    document = Document(io.BytesIO(report_docx(worcs, worcestershire, "2022", today=TODAY).data))
    part = _glance_part(document)
    glance = at_a_glance(progress_report(worcs, worcestershire, "2022", today=TODAY), worcs)
    gaps = _bullets(part, "The biggest gaps")
    assert gaps == [gap_line(line) for line in glance.gaps] and len(gaps) == 4   # three, and a tie with the third
    # By hand: target minus score per key area (Worcestershire keeps one level per key area).
    entries = worcestershire.period("2022").key_area_entries
    by_hand = sorted(((entries[ka.id].target.value - entries[ka.id].score.value, ka.title)
                      for ka in worcs.key_areas.values() if ka.id in entries and entries[ka.id].target.value),
                     key=lambda pair: -pair[0])
    assert [g.split(":")[0] for g in gaps] == [title for gap, title in by_hand if gap >= by_hand[2][0]]
    assert gaps[0].endswith(f"{by_hand[0][0]:g} levels below")
    texts = [p.text for p in part]
    assert "The biggest moves" in texts and glance.moves_note in texts   # the first period: nothing moved yet
    assert "No actions are open at 21 November 2026." in texts


def test_the_radar_has_alternative_text_and_its_table_follows(nps, medway):
    document = Document(io.BytesIO(report_docx(nps, medway, "2023", today=TODAY).data))
    assert len(document.inline_shapes) == 1
    described = document.inline_shapes[0]._inline.docPr
    caption = radar_caption(radar_rows(nps, medway, "2023"))
    assert described.get("title") == RADAR_TITLE
    assert described.get("descr") == f"{caption} {RADAR_POINTER}" and caption
    assert RADAR_POINTER == 'The same numbers are in the table headed "Key areas in numbers (Figure 1)", which follows.'
    body = [child for child in document.element.body.iterchildren()]
    picture_at = next(i for i, child in enumerate(body) if child.xpath(".//wp:docPr"))
    following = [child for child in body[picture_at + 1:]]
    heading = next(c for c in following if c.xpath("string(.)") == "Key areas in numbers (Figure 1)")
    table = next(c for c in following if c.tag == qn("w:tbl"))
    assert following.index(heading) < following.index(table)   # the radar's table, first after the glance page
    assert table.xpath("string(.//w:tr[1])").startswith("Key area")


def test_every_table_has_a_repeating_header_row_and_headings_are_word_headings(nps, medway):
    document = Document(io.BytesIO(report_docx(nps, medway, "2023", attach_appendix=True, today=TODAY).data))
    assert len(document.tables) > 20
    for table in document.tables:
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) in (None, "true", "1")
    styles = {p.text: p.style.name for p in document.paragraphs}
    for heading in ("At a glance", "Key areas in numbers (Figure 1)", "Summary", "Movement by key area",
                    "What moved since 2022", "Overdue actions", "Appendix 1 – Complete Objectives List: Medway Council"):
        assert styles[heading] == "Heading 1", heading
    for heading in ("Overall level", "The biggest gaps", "Improved (24)", "Engaging Councillors", "Enablers"):
        assert styles[heading] == "Heading 2", heading
    # After the title page, nothing that looks like a heading is only bold text in the body style
    # (the enablers' rubric captions are captions, under their theme's heading).
    body = document.paragraphs[next(i for i, p in enumerate(document.paragraphs) if p.text == "At a glance"):]
    fake = [p.text for p in body if p.style.name == "Normal" and p.runs
            and all(r.bold for r in p.runs) and len(p.text) < 60 and "scoring criteria" not in p.text]
    assert fake == []


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
