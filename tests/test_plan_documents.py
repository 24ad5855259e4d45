"""A plan record's documents: the members' report (Word, and its PDF) and the workbook, made from a
Stevenage plan record rated over three periods through the workflows, opened again and checked."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from assessment import workflows
from assessment.domain.plan_report import overdue_line, plan_report
from assessment.domain.record import PLAN_RECORD, record_key
from assessment.formats.covering_file import parse_covering
from assessment.formats.plan_file import find_plan
from assessment.formats.writers.pdf import as_pdf
from assessment.formats.writers.plan_report_docx import plan_report_docx, plan_report_title, rating_words
from assessment.formats.writers.plan_workbook import plan_workbook_xlsx
from assessment.workflows import LOCAL_ACTOR, PlanEdit

from .pdfpages import page_texts, pdf_info

ON = date(2024, 4, 30)
HOSTILE = "<script>alert(1)</script> **bold** =1+1"
FORMULA = "=1+1 is text, not a sum"
E = PlanEdit
# Three years of Stevenage's plan, as its head of procurement might rate it.
PERIODS: dict[str, list[PlanEdit]] = {
    "2021/22": [E("outcome", "local-suppliers", rating="Amber", comment="Research into the local supplier base begun"),
                E("outcome", "reduce-waste", rating="Red", comment=HOSTILE),
                E("action", "cwb-1", base_version=1, rating="Not started"),
                E("action", "cwb-2", base_version=1, rating="Amber", comment="Supplier event held in March"),
                E("indicator", "local-supply-chain-spend", value="37"),
                E("indicator", "contracts-to-local-suppliers", value="12"),
                E("indicator", "toms", value="no data")],
    "2022/23": [E("outcome", "local-suppliers", rating="Green on target"),
                E("outcome", "reduce-waste", rating="Amber", comment="Check list drafted"),
                E("action", "cwb-1", rating="Amber"),
                E("action", "cwb-2", rating="Green on target"),
                E("indicator", "local-supply-chain-spend", value="39"),
                E("indicator", "contracts-to-local-suppliers", value="15"),
                E("indicator", "toms", value="3")],
    "2023/24": [E("outcome", "local-suppliers", rating="Green delivered", comment="Local spend up"),
                E("outcome", "reduce-waste", rating="Red", comment=FORMULA),
                E("action", "cwb-1", rating="Green delivered", comment=HOSTILE),
                E("action", "cwb-2", rating="Red", comment="Portal work stalled"),
                E("indicator", "local-supply-chain-spend", value="36"),
                E("indicator", "contracts-to-local-suppliers", value="15"),
                E("indicator", "toms", value="no data")],
}


@pytest.fixture(scope="module")
def plan():
    return find_plan("stevenage-2021")


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """Stevenage's plan record with three periods, made through the workflows in a SQLite file."""
    store = workflows.connect(f"sqlite:///{tmp_path_factory.mktemp('plan') / 'plan.db'}")
    try:
        workflows.add_organisation(store, LOCAL_ACTOR, "stevenage", "Stevenage Borough Council")
        for first, (period, edits) in zip((True, False, False), PERIODS.items()):
            workflows.start_plan_period(store, LOCAL_ACTOR, "stevenage", period,
                                        plan_id="stevenage-2021" if first else None)
            assert not workflows.rate_plan(store, LOCAL_ACTOR, "stevenage", period, edits).stale
        with store.transaction(write=False) as tx:
            return tx.load_record(record_key("stevenage", PLAN_RECORD))
    finally:
        store.engine.dispose()


def _tables(document) -> list[list[list[str]]]:
    return [[[c.text.replace("\u00a0", " ") for c in row.cells] for row in table.rows] for table in document.tables]


def _rows(table: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(table[0], row)) for row in table[1:]]


def _find(tables, first_header: str, containing: str) -> list[dict[str, str]]:
    """The rows of the table whose first header is `first_header` and which has a row containing `containing`."""
    return next(_rows(t) for t in tables if t[0][0] == first_header and any(containing in c for r in t for c in r))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture(scope="module")
def report_2023(plan, record):
    export = plan_report_docx(plan, record, "2023/24", ON)
    return export, Document(io.BytesIO(export.data))


def test_the_report_names_its_organisation_plan_period_and_status(plan, report_2023):
    export, document = report_2023
    text = _text(document)
    assert export.title == f"Stevenage Borough Council: {plan_report_title(plan, '2023/24')}"
    assert "Stevenage Borough Council" in text and plan.title in text
    assert "Progress in 2023/24, compared with 2022/23" in text and "Prepared 30 April 2024" in text
    assert "Status: DRAFT" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["At a glance", *[t.title for t in plan.themes], "Overdue actions"]
    assert len(document.sections) == 1 and document.sections[0].orientation == WD_ORIENT.PORTRAIT
    footer = document.sections[0].footer.paragraphs[0]
    assert "Generated 30 April 2024" in footer.text
    assert [t.text.strip() for t in footer._p.xpath(".//w:instrText")] == ["PAGE", "NUMPAGES"]
    for table in document.tables:   # headers repeat on every page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_at_a_glance_counts_each_rating_in_the_scales_order_in_words(plan, record, report_2023):
    _, document = report_2023
    glance = _tables(document)[0]
    assert glance[0] == ["Rating", "Outcomes and actions"]
    # both outcomes and cwb-1 rated green delivered or red; the rest not rated
    assert [r[0] for r in glance[1:]] == ["Green delivered", "Green on target", "Amber", "Red", "Not started",
                                          "Not rated", "All"]
    assert [r[1] for r in glance[1:]] == ["2", "0", "0", "2", "0", "18", "22"]
    assert plan_report(plan, record, "2023/24", ON).counts() == {"Green delivered": 2, "Red": 2, "Not rated": 18}
    text = _text(document)
    assert "Since 2022/23: outcomes 1 better, 1 worse; actions 1 better, 1 worse." in text
    themes = _rows(next(t for t in _tables(document) if t[0][0] == "Theme"))
    assert [(r["Theme"], r["2023/24 rating"], r["Movement"], r["Overdue actions"]) for r in themes] == [
        ("Community Wealth Building", "Green delivered", "better", "1"), ("Sustainability", "Red", "worse", "1"),
        ("Social Value and Ethical Procurement", "Not rated", "", "1"), ("Commercial & Insourcing", "Not rated", "", "1"),
        ("Pro-active Procurement", "Not rated", "", "0")]
    # each shaded cell says its rating in words too
    table = document.tables[0]
    for row in table.rows[1:]:
        fill = row.cells[0]._tc.tcPr.find(qn("w:shd"))
        if fill is not None:
            assert row.cells[0].text in [r.name for r in plan.ratings]


def test_outcomes_with_their_ratings_last_periods_and_movement_in_words(report_2023):
    _, document = report_2023
    tables = _tables(document)
    local = _find(tables, "Outcome", "Increase the number of local suppliers")
    assert local[0] == {"Outcome": "Increase the number of local suppliers we use within Stevenage year on year from "
                                   "our current baseline",
                        "2023/24 rating": "Green delivered", "2022/23 rating": "Green on target",
                        "Movement": "better", "Comment": "Local spend up"}
    waste = _find(tables, "Outcome", "Reduce waste")[0]
    assert (waste["2023/24 rating"], waste["2022/23 rating"], waste["Movement"], waste["Comment"]) == \
        ("Red", "Amber", "worse", FORMULA)
    unrated = _find(tables, "Outcome", "Measure the delivery of social value")[0]
    assert (unrated["2023/24 rating"], unrated["Movement"]) == ("Not rated", "")


def test_indicators_against_the_baseline_and_last_period(report_2023):
    _, document = report_2023
    rows = {r["Indicator"]: r for r in _find(_tables(document), "Indicator", "Amount spent with the local supply chain")}
    spend = rows["Amount spent with the local supply chain"]
    assert spend == {"Indicator": "Amount spent with the local supply chain", "Unit": "% of spend",
                     "Baseline": "37% goes to suppliers locally (2020/21)", "2023/24 value": "36",
                     "Against baseline": "worse", "Since last period": "worse (was 39)"}
    contracts = rows["Number of contracts awarded to local suppliers"]
    assert (contracts["Baseline"], contracts["Against baseline"], contracts["Since last period"]) == \
        ("none set", "no baseline", "no change (was 15)")
    toms = next(r for t in _tables(document) if t[0][0] == "Indicator" for r in _rows(t) if "TOM" in r["Indicator"])
    assert (toms["2023/24 value"], toms["Since last period"]) == ("no data", "was 3")


def test_indicator_directions_in_the_second_period(plan, record):
    document = Document(io.BytesIO(plan_report_docx(plan, record, "2022/23", ON).data))
    spend = _find(_tables(document), "Indicator", "Amount spent")[1]
    assert (spend["2022/23 value"], spend["Against baseline"], spend["Since last period"]) == \
        ("39", "better", "better (was 37)")
    toms = next(r for t in _tables(document) if t[0][0] == "Indicator" for r in _rows(t) if "TOM" in r["Indicator"])
    assert (toms["2022/23 value"], toms["Against baseline"], toms["Since last period"]) == \
        ("3", "no baseline", "no value in 2021/22")   # last year there was no data


def test_actions_with_target_rating_movement_and_hostile_words_shown_as_typed(report_2023):
    export, document = report_2023
    actions = _find(_tables(document), "No.", "Understand the local supplier base")
    assert list(actions[0]) == ["No.", "Action", "Target", "2023/24 rating", "Movement", "Comment"]
    assert actions[0] == {"No.": "1", "Action": "Understand the local supplier base", "Target": "by December 2021",
                          "2023/24 rating": "Green delivered", "Movement": "better", "Comment": HOSTILE}
    assert (actions[1]["Target"], actions[1]["2023/24 rating"], actions[1]["Movement"]) == \
        ("by March 2022", "Red", "worse")
    assert actions[2]["Target"] == "to commence April 2022"
    # shown literally: one run each, not markup, not bold
    cell = next(c for t in document.tables for row in t.rows for c in row.cells if c.text == HOSTILE)
    assert [r.bold for r in cell.paragraphs[0].runs] == [None]
    assert export.replaced_characters == 0


def test_overdue_actions_are_named(plan, record, report_2023):
    _, document = report_2023
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    overdue = plan_report(plan, record, "2023/24", ON).overdue
    # due by a date before 30 April 2024 and still open; cwb-1, rated Green delivered, is not
    assert [o.action.id for o in overdue] == ["cwb-2", "sustainability-1", "social-value-1", "commercial-2"]
    themes = {a.id: t.title for t, o in plan.iter_outcomes() for a in o.actions}
    assert bullets == [f"{themes[o.action.id]} – {overdue_line(o)}" for o in overdue]
    assert ("Community Wealth Building – 2. Understand opportunities for local suppliers: due 31 March 2022 (open)"
            in bullets)
    assert f"{len(overdue)} actions are overdue at 30 April 2024." in _text(document)


def test_nothing_overdue_is_said(plan, record):
    document = Document(io.BytesIO(plan_report_docx(plan, record, "2021/22", date(2021, 3, 1)).data))
    text = _text(document)
    assert "No actions are overdue at 1 March 2021." in text
    assert not [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "2021/22 is the plan's first period, so nothing has moved yet." in text
    local = _find(_tables(document), "Outcome", "Increase the number")[0]
    assert (local["2021/22 rating"], local["Last period"], local["Movement"]) == ("Amber", "none", "first rated")


def test_a_covering_report_opens_it(plan, record):
    covering = parse_covering("meeting: {committee: Executive, date: 2024-06-12}\nauthor: Strategic Director\n"
                              "sections:\n  - heading: Purpose\n    text: To report progress on the strategy.\n"
                              "  - heading: Recommendations\n    items: [That the Executive notes the progress]\n",
                              "covering.yaml")
    document = Document(io.BytesIO(plan_report_docx(plan, record, "2023/24", ON, covering=covering).data))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "EXECUTIVE: 12 JUNE 2024"
    assert texts[1] == plan_report_title(plan, "2023/24").upper()
    assert "Progress in 2023/24, compared with 2022/23" not in texts   # no title page after it
    assert "1.\tTo report progress on the strategy." in texts and "At a glance" in texts


def test_a_rating_whose_name_does_not_say_its_colour_is_named_with_it(plan):
    done = plan.ratings[0].model_copy(update={"name": "Complete"})
    assert rating_words(done) == "Complete (green)" and rating_words(plan.ratings[2]) == "Amber"
    assert rating_words(None) == "Not rated"


def test_the_report_as_pdf_holds_the_ratings_and_the_overdue_actions(plan, report_2023):
    """Made by LibreOffice, as the downloads make it (not skipped: the test set-up installs it)."""
    export, _ = report_2023
    pdf = as_pdf(export)
    assert pdf.data.startswith(b"%PDF-") and pdf.title == export.title
    pages = page_texts(pdf.data)
    words = " ".join(" ".join(pages).split())
    assert pages[1].lstrip().startswith("At a glance") and "Green delivered" in pages[1]
    assert [p.lstrip().split("\n")[0].strip() for p in pages[2:7]] == [t.title for t in plan.themes]
    for token in ("<script>alert(1)</script>", "**bold**", "=1+1"):   # a cell's lines may wrap: word by word
        assert token in words, token
    assert "Community Wealth Building – 2. Understand opportunities for local suppliers: due 31 March 2022 (open)" in words
    info = pdf_info(pdf.data)
    assert info["Title"] == export.title and info["Page size"].startswith("595")   # A4 portrait
    assert len(pages) <= 9


# ---------------------------------------------------------------- the workbook

@pytest.fixture(scope="module")
def book(plan, record):
    return openpyxl.load_workbook(io.BytesIO(plan_workbook_xlsx(plan, record, ON).data))


def _block(ws, heading: str) -> list[dict]:
    """The rows of the table under `heading` (column A) on a period sheet, keyed by its header."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == heading)
    header = [c.value for c in ws[start + 1] if c.value is not None]
    rows = []
    for r in range(start + 2, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            break
        rows.append({h: ws.cell(r, i + 1) for i, h in enumerate(header)})
    return rows


def test_workbook_sheets_and_summary_counts(book):
    assert book.sheetnames == ["Summary", "2021-22", "2022-23", "2023-24", "Actions"]
    ws = book["Summary"]
    assert ws["A1"].value == "Stevenage Borough Council: progress on the plan"
    assert ws["A3"].value == "Generated 30 April 2024. Status – 2021/22: DRAFT; 2022/23: DRAFT; 2023/24: DRAFT"
    table = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in (2, 3, 4)] for r in range(7, 14)}
    assert [ws.cell(6, c).value for c in range(1, 5)] == ["Rating", "2021/22", "2022/23", "2023/24"]
    assert table == {"Green delivered": [0, 0, 2], "Green on target": [0, 2, 0], "Amber": [2, 2, 0],
                     "Red": [1, 0, 2], "Not started": [1, 0, 0], "Not rated": [18, 18, 18], "All": [22, 22, 22]}
    assert ws["A10"].fill.fgColor.rgb.endswith("F4CCCC")   # Red, shaded and written


def test_workbook_period_sheet_holds_outcomes_indicators_and_actions(book):
    ws = book["2023-24"]
    outcomes = _block(ws, "Outcomes")
    waste = next(r for r in outcomes if r["Outcome"].value == "Reduce waste through smarter procurement")
    assert [waste[h].value for h in ("2023/24 rating", "2022/23 rating", "Movement")] == ["Red", "Amber", "worse"]
    assert waste["Comment"].value == FORMULA and waste["Comment"].data_type == "s"   # never a formula
    indicators = {r["Indicator"].value: r for r in _block(ws, "Indicators")}
    spend = indicators["Amount spent with the local supply chain"]
    assert spend["2023/24 value"].value == 36 and spend["2023/24 value"].data_type == "n"
    assert [spend[h].value for h in ("Baseline", "Against baseline", "Since last period")] == \
        ["37% goes to suppliers locally (2020/21)", "worse", "worse (was 39)"]
    toms = next(r for name, r in indicators.items() if "TOM" in name)
    assert toms["2023/24 value"].value == "no data"
    actions = {r["Action"].value: r for r in _block(ws, "Actions")}
    cwb1 = actions["1. Understand the local supplier base"]
    assert [cwb1[h].value for h in ("Target", "2023/24 rating", "Movement", "Comment")] == \
        ["by December 2021", "Green delivered", "better", HOSTILE]
    assert cwb1["Comment"].data_type == "s"
    first = _block(book["2021-22"], "Outcomes")
    hostile = next(r for r in first if r["Comment"].value == HOSTILE)
    assert hostile["Movement"].value == "first rated"


def test_workbook_actions_sheet_has_each_plan_action_once(plan, book):
    ws = book["Actions"]
    header = [c.value for c in ws[4]]
    assert header == ["Theme", "No.", "Action", "Target", "Due", "Owner", "Status", "Overdue"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=ws.max_row)]
    assert len(rows) == len(plan.actions) == 17
    cwb1 = rows[0]
    assert cwb1[:5] == ["Community Wealth Building", "1", "Understand the local supplier base", "by December 2021",
                        datetime(2021, 12, 31)]
    assert (cwb1[6], cwb1[7]) == ("open", "No")   # rated Green delivered in 2023/24: not overdue
    assert (rows[1][2], rows[1][7]) == ("Understand opportunities for local suppliers", "Yes")
    assert ws["E5"].number_format == "d mmmm yyyy"
    commence = next(r for r in rows if r[2] == "Targeting procurements for the local supply base")
    assert (commence[3], commence[4], commence[7]) == ("to commence April 2022", None, "No")
