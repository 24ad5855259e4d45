"""The spreadsheet template and its reader: filled templates (.xlsx and CSV), our own Excel
export read back, and every bad input with its golden message (tests/fixtures/imports/spreadsheets)."""

from __future__ import annotations

import csv
import importlib.util
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from assessment.domain.errors import AssessmentError, InvalidImport
from assessment.domain.import_plan import preview
from assessment.domain.limits import UPLOAD_BYTES
from assessment.domain.scores import NOT_APPLICABLE, UNSCORED, Score
from assessment.formats.readers.spreadsheet import read_spreadsheet
from assessment.formats.writers.excel_workbook import workbook_xlsx
from assessment.formats.writers.import_template import COLUMNS, template_csv, template_xlsx

from .conftest import texts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports" / "spreadsheets"
TODAY = date(2026, 11, 21)
WELSH = "Mae’r cynllun yn barod: ŵyr, ŷd, Llŷn\nAil linell"
EMOJI = "Good progress 👍🏽 – see the plan ✅"
RTL = "התקדמות טובה – تقدم جيد"
# objective -> (Score, Target, Comment as typed), then the score and target expected back
FILLED = {
    "1": ("3", "4", WELSH, Score(3.0), Score(4.0)),
    "2": ("2/3", "", EMOJI, Score(2.5), UNSCORED),
    "3": ("n/a", "", "Not relevant to a district council.\n\nSecond paragraph.", NOT_APPLICABLE, UNSCORED),
    "4": ("Mature", "4/5", RTL, Score(3.0), Score(4.5)),
    "5": ("", "", "Comment only: not yet scored", UNSCORED, UNSCORED),
    "6": ("4 - Leader", "5", "", Score(4.0), Score(5.0)),
}


def _fill_xlsx(data: bytes, values: dict[tuple[str, str], tuple]) -> bytes:
    """The template with (period, objective) -> (score, target, comment) typed into its cells."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Scores"]
    for row in ws.iter_rows(min_row=2):
        key = (str(row[0].value), str(row[1].value))
        if key in values:
            for cell, value in zip(row[4:7], values[key]):
                cell.value = value if value != "" else None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[list], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def _check_filled(plan, period: str = "2023/24") -> None:
    assert texts(plan.problems) == []
    record = {p.period: p for p in plan.check().periods}[period]
    assert list(record.entries) == list(FILLED)  # objective 5 (comment only) is kept; blank rows are not
    for item, (_, _, comment, score, target) in FILLED.items():
        entry = record.entries[item]
        assert (entry.score, entry.target, entry.comment) == (score, target, comment or None), item


# ---------------------------------------------------------------- the template

def test_the_xlsx_template_has_the_columns_lists_and_instructions(nps):
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(nps, ["2023/24", "2024/25"])))
    assert book.sheetnames == ["Scores", "How to fill this in"]
    ws = book["Scores"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.max_row == 1 + 2 * 59
    assert [c.value for c in ws[2]] == ["2023/24", 1, nps.objectives["1"].title,
                                        nps.key_areas[nps.key_area_of["1"]].title, None, None, None]
    assert [c.value for c in ws[119]][:2] == ["2024/25", 59]
    assert ws["G2"].alignment.wrap_text and ws["E2"].number_format == "@"  # "2/3" stays text
    assert ws.column_dimensions["G"].width > ws.column_dimensions["E"].width > 0
    [validation] = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"1,1/2,2,2/3,3,3/4,4,4/5,5,n/a"'
    assert str(validation.sqref) == "E2:F119"
    help_text = "\n".join(str(c.value) for c in book["How to fill this in"]["A"])
    assert help_text.startswith("How to fill this in")
    for phrase in ("1 is Minimum", "5 is Innovator", "half step such as 2/3", "n/a", "CSV UTF-8", "2024/25"):
        assert phrase in help_text


def test_the_score_list_follows_the_framework(tiny):
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(tiny, ["2024"])))
    lists = {v.formula1: str(v.sqref) for v in book["Scores"].data_validations.dataValidation}
    # Skills (S1, S2) allows whole levels only; Data (D1) allows half steps.
    assert lists == {'"1,2,3,n/a"': "E2:F3", '"1,1/2,2,2/3,3,n/a"': "E4:F4"}
    assert "Half steps are not allowed in: Skills." in [c.value for c in book["How to fill this in"]["A"]]


def test_the_csv_template_is_utf8_with_a_bom(nps):
    data = template_csv(nps, ["2023/24"])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS) and len(rows) == 60
    assert rows[18] == ["2023/24", "18", nps.objectives["18"].title, nps.key_areas[nps.key_area_of["18"]].title,
                        "", "", ""]


def test_a_template_for_a_period_that_is_not_one_is_refused(nps):
    with pytest.raises(AssessmentError, match="'last year' is not a period"):
        template_csv(nps, ["last year"])


# ---------------------------------------------------------------- filled templates

def test_a_filled_xlsx_template_reads_back(nps):
    values = {("2023/24", k): v[:3] for k, v in FILLED.items()}
    values[("2024/25", "7")] = (2.5, 4, "As per previous year's comment")  # numbers as Excel keeps them
    plan = read_spreadsheet(_fill_xlsx(template_xlsx(nps, ["2023/24", "2024/25"]), values), nps,
                            source="scores.xlsx")
    _check_filled(plan)
    later = plan.periods[1]
    assert later.period == "2024/25" and later.status == "draft"
    assert later.entries["7"].score == Score(2.5) and later.entries["7"].target == Score(4.0)
    assert texts(plan.warnings) == [
        "scores.xlsx: 2023/24: 53 of the 59 objectives are not in the file or left blank; what is saved for "
        "them is kept",
        "scores.xlsx: 2024/25: 58 of the 59 objectives are not in the file or left blank; what is saved for "
        "them is kept"]


@pytest.mark.parametrize("encoding, delimiter", [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t")])
def test_a_filled_csv_template_reads_back(nps, encoding, delimiter):
    rows = list(csv.reader(io.StringIO(template_csv(nps, ["2023/24"]).decode("utf-8-sig"))))
    for row in rows[1:]:
        if row[1] in FILLED:
            row[4:7] = FILLED[row[1]][:3]
    _check_filled(read_spreadsheet(_csv(rows, encoding=encoding, delimiter=delimiter), nps, source="scores.csv"))


def test_columns_in_any_order_any_case_and_extra_columns_are_ignored(nps):
    data = _csv([["  comment ", "SCORE", "Notes", "period", "Objective  Number", "RAG"],
                 ["Línea uno\r\nline two", "2/3", "ignore me", "2023/24", "12", "red"],
                 ["", "", "", "2023/24", "13", "green"]])
    plan = read_spreadsheet(data, nps, source="mine.csv")
    entry = plan.check().periods[0].entries["12"]
    assert (entry.score, entry.comment) == (Score(2.5), "Línea uno\nline two")
    assert list(plan.periods[0].entries) == ["12"]  # row 3 has no score or comment: skipped
    assert texts(plan.warnings)[0] == 'mine.csv: row 1: columns "Notes", "RAG" ignored: not one of the template\'s columns'


def test_the_format_is_told_by_content_not_by_name(nps):
    xlsx = _fill_xlsx(template_xlsx(nps, ["2024"]), {("2024", "1"): ("3", "", "")})
    assert read_spreadsheet(xlsx, nps, source="scores.csv").check().periods[0].entries["1"].score == Score(3.0)
    text = _csv([list(COLUMNS), ["2024", "1", "", "", "4", "", ""]])
    assert read_spreadsheet(text, nps, source="scores.xlsx").check().periods[0].entries["1"].score == Score(4.0)


def test_a_changed_title_is_a_warning_and_the_number_decides(nps):
    data = _csv([list(COLUMNS), ["2023-24", "17", "Our own words", "", "3", "", ""]])
    plan = read_spreadsheet(data, nps, source="s.csv")
    assert plan.check().periods[0].period == "2023/24" and "17" in plan.periods[0].entries
    assert texts(plan.warnings)[0] == (f"s.csv: row 2, column \"Objective\": objective 17 is called 'Our own words' here "
                                f"but '{nps.objectives['17'].title}' in {nps.title}; it was read as objective 17")


def test_a_windows_1252_csv_is_read_with_a_warning(nps):
    data = _csv([list(COLUMNS), ["2024", "1", "", "", "3", "", "Café meeting"]], encoding="cp1252")
    plan = read_spreadsheet(data, nps, source="old.csv")
    assert plan.check().periods[0].entries["1"].comment == "Café meeting"
    assert any("read as Windows-1252" in w for w in texts(plan.warnings))


def test_half_steps_only_where_the_key_area_allows_them(tiny):
    data = _csv([list(COLUMNS), ["2024", "S1", "", "", "2/3", "", ""], ["2024", "D1", "", "", "2/3", "", ""]])
    plan = read_spreadsheet(data, tiny, source="t.csv")
    assert texts(plan.problems) == ["t.csv: row 2, column \"Score\": '2/3' is a half step, which this key area does not "
                             "allow; choose a whole level"]
    assert plan.periods == []  # a plan with problems holds nothing to write
    allowed = _csv([list(COLUMNS), ["2024", "S1", "", "", "2", "", ""], ["2024", "D1", "", "", "2/3", "", ""]])
    entries = read_spreadsheet(allowed, tiny, source="t.csv").check().periods[0].entries
    assert (entries["S1"].score, entries["D1"].score) == (Score(2.0), Score(2.5))


# ---------------------------------------------------------------- our own Excel export

def test_our_own_export_round_trips(nps, medway):
    plan = read_spreadsheet(workbook_xlsx(nps, medway, today=TODAY).data, nps, source="medway.xlsx").check()
    assert (plan.framework_id, plan.framework_version, plan.problems, plan.warnings) == ("nps-2018", "2018", [], [])
    assert [p.period for p in plan.periods] == ["2022", "2023"]
    for read, saved in zip(plan.periods, medway.sorted_periods()):
        assert read.status == "draft"   # a file never says a period is approved: sign-off in the tool does
        assert {k: e.score for k, e in read.entries.items()} == {k: e.score for k, e in saved.entries.items()}
        assert {k: e.comment for k, e in read.entries.items()} == {k: e.comment for k, e in saved.entries.items()}
        assert {k: [(a.text, a.owner, a.due, a.status, a.rag) for a in e.actions] for k, e in read.entries.items()} \
            == {k: [(a.text, a.owner, a.due, a.status, a.rag) for a in e.actions] for k, e in saved.entries.items()}
    assert plan.periods[1].entries["3"].score == Score(2.5)  # written "2/3" in the label
    assert sum(len(e.actions) for p in plan.periods for e in p.entries.values()) == 22
    assert all(p.changed == [] and p.new_entries == 0 for p in preview(plan, medway))


def test_a_key_area_record_round_trips(nps, worcestershire_on_nps):
    plan = read_spreadsheet(workbook_xlsx(nps, worcestershire_on_nps, today=TODAY).data, nps, source="w.xlsx").check()
    [read], [saved] = plan.periods, worcestershire_on_nps.periods
    assert read.entries == {} and read.status == "draft"
    fields = lambda e: (e.kind, e.score, e.target, e.target_period, e.comment)  # noqa: E731
    assert {k: fields(e) for k, e in read.key_area_entries.items()} == \
        {k: fields(e) for k, e in saved.key_area_entries.items()}
    assert texts(plan.warnings) == ["w.xlsx: 2022: 4 of the 14 key areas are not in the file or left blank; what is "
                             "saved for them is kept"]


def test_a_record_on_an_overlay_round_trips_in_its_own_words(worcs, worcestershire):
    """Worcestershire's workbook, in its own framework's words, reads back against that framework."""
    plan = read_spreadsheet(workbook_xlsx(worcs, worcestershire, today=TODAY).data, worcs, source="w.xlsx").check()
    [read], [saved] = plan.periods, worcestershire.periods
    fields = lambda e: (e.kind, e.score, e.target, e.target_period, e.comment)  # noqa: E731
    assert {k: fields(e) for k, e in read.key_area_entries.items()} == \
        {k: fields(e) for k, e in saved.key_area_entries.items()}
    assert len(read.key_area_entries) == 9 and texts(plan.warnings) == []


def test_the_export_label_is_preferred_but_a_number_is_accepted(nps, medway):
    book = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(nps, medway, today=TODAY).data))
    ws = book["2023"]
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    ws.cell(rows[1], 4).value, ws.cell(rows[1], 5).value = 4.5, None   # a number only
    ws.cell(rows[2], 4).value, ws.cell(rows[2], 5).value = None, "1/2"  # a label only
    out = io.BytesIO()
    book.save(out)
    entries = read_spreadsheet(out.getvalue(), nps, source="m.xlsx").check().periods[1].entries
    assert (entries["1"].score, entries["2"].score) == (Score(4.5), Score(1.5))


# ---------------------------------------------------------------- bad inputs

BAD = sorted(p for p in FIXTURES.iterdir() if p.suffix not in (".py", ".expected"))


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_spreadsheets_give_the_golden_messages(nps, path: Path):
    expected = path.with_name(path.name + ".expected").read_text(encoding="utf-8").strip().splitlines()
    plan = read_spreadsheet(path.read_bytes(), nps, source=path.name)
    assert texts(plan.problems) == expected
    with pytest.raises(InvalidImport) as caught:
        plan.check()
    assert texts(caught.value.problems) == expected
    assert all(line.startswith(f"{path.name}: ") for line in expected)


def test_a_file_over_the_limit_is_refused_before_it_is_read(nps):
    expected = (FIXTURES / "too_big.xlsx.expected").read_text(encoding="utf-8").strip().splitlines()
    plan = read_spreadsheet(bytes(UPLOAD_BYTES + 1536 * 1024), nps, source="too_big.xlsx")
    assert texts(plan.problems) == expected and plan.periods == []
    with pytest.raises(InvalidImport):
        plan.check()


def test_every_fixture_has_a_golden_file_and_the_script_still_makes_them():
    names = {p.name for p in BAD} | {"too_big.xlsx"}
    assert {p.name.removesuffix(".expected") for p in FIXTURES.glob("*.expected")} == names
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    built = script.build()
    assert set(built) == {p.name for p in BAD}
    for name, data in built.items():
        on_disk = (FIXTURES / name).read_bytes()
        if name == "corrupt.xlsx":  # half a zip, whose bytes vary with the zip's timestamps
            assert on_disk.startswith(b"PK") and 1000 < len(on_disk) < len(built["no_data_rows.xlsx"])
        elif name.endswith(".xlsx"):  # so do a whole workbook's: compare the cells
            assert _cells(data) == _cells(on_disk), name
        else:
            assert data == on_disk, name


def _cells(data: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
