"""The Excel workbook: opened again with openpyxl and checked cell by cell."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl

from assessment.domain.action_list import action_rows
from assessment.domain.numbers import two_places
from assessment.domain.record import Action, Entry, Organisation, OrganisationRecord, PeriodRecord
from assessment.domain.rollups import ROLL_UP_RULE, key_area_summaries, overall_summary, theme_summaries
from assessment.domain.scores import NOT_APPLICABLE, Score
from assessment.domain.summary import period_summary
from assessment.formats.readers.spreadsheet import read_spreadsheet
from assessment.formats.writers.excel_workbook import CELL_LIMIT, workbook_xlsx

TODAY = date(2026, 11, 21)


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _table(ws, header_row: int) -> list[dict]:
    """The rows under `header_row` as dicts keyed by header, with the cells kept under '_cells'."""
    header = [c.value for c in ws[header_row]]
    rows = []
    for cells in ws.iter_rows(min_row=header_row + 1):
        if all(c.value is None for c in cells):
            continue
        row = {h: c.value for h, c in zip(header, cells)}
        row["_cells"] = dict(zip(header, cells))
        rows.append(row)
    return rows


def _by_objective(ws) -> dict:
    return {str(r["#"]): r for r in _table(ws, 4) if r["#"] is not None}


def test_sheets_and_summary_header(nps, medway):
    book = _open(workbook_xlsx(nps, medway, today=TODAY).data)
    assert book.sheetnames == ["Summary", "2022", "2023", "Actions"]
    ws = book["Summary"]
    text = [ws.cell(r, 1).value for r in range(1, 6)]
    assert "Medway Council" in text[0]
    assert text[1] == "Framework: National Procurement Strategy for Local Government in England 2018"   # not "2018, version 2018"
    assert text[2] == "Generated 21 November 2026. Status – 2022: Approved; 2023: Approved"
    assert text[3] == ROLL_UP_RULE
    assert ws["A7"].value == "Key area" and ws["A7"].font.bold and ws["C7"].value == "2022 n"
    assert ws.freeze_panes == "C8" and ws.auto_filter.ref.startswith("A7:")
    for name in ("2022", "2023", "Actions"):
        assert book[name]["A4"].font.bold and book[name].freeze_panes is not None
        assert book[name].auto_filter.ref.startswith("A4:")


def test_medway_period_sheets_hold_every_objective_with_numbers(nps, medway):
    book = _open(workbook_xlsx(nps, medway, today=TODAY).data)
    for period in ("2022", "2023"):
        ws = book[period]
        assert period in ws["A1"].value
        assert [r["#"] for r in _table(ws, 4)] == list(range(1, 60))
    rows22, rows23 = _by_objective(book["2022"]), _by_objective(book["2023"])
    assert rows22["18"]["Score"] == 2.5 and isinstance(rows22["18"]["Score"], float)
    assert rows22["18"]["Score label"] == "2/3"
    assert rows23["1"]["Score"] == 3 and rows23["1"]["Score label"] == "3 – Mature"
    assert rows23["1"]["_cells"]["Score"].data_type == "n"
    assert rows23["3"]["Score"] == 2.5 and rows23["3"]["Score label"] == "2/3"
    for period, rows in (("2022", rows22), ("2023", rows23)):
        for oid, entry in medway.period(period).entries.items():
            assert rows[oid]["Comment"] == entry.comment, (period, oid)
    assert "\n" in rows23["2"]["Comment"]  # a comment with a line break survives as written
    assert rows23["2"]["_cells"]["Comment"].alignment.wrap_text
    assert rows23["2"]["Carried forward?"] == "No"


def test_actions_sheet(nps, medway):
    book = _open(workbook_xlsx(nps, medway, today=TODAY).data)
    rows = _table(book["Actions"], 4)
    assert len(rows) == len(action_rows(nps, medway)) == 22
    first = rows[0]
    assert (first["Period"], first["#"], first["Owner"], first["Status"]) == (
        "2022", 3, "Category Management", "open")
    policy = next(r for r in rows if r["Action"] == "Organisation to create a social value policy.")
    assert (policy["Status"], policy["Latest progress"]) == (
        "done", "in 2023: done – Social Value policy has been produced and is on the Category Management intranet "
        "pages.")
    assert first["Objective / key area"] == "3. Councillor Development"
    assert first["Action"].startswith("Category Management to create Councillor development programmes")


def test_action_due_dates_are_date_cells_and_overdue_is_relative_to_today(nps, medway):
    entries = medway.period("2023").entries
    entries["1"].actions = [Action("Brief the portfolio holder", owner="Head of Procurement",
                                   due=date(2027, 3, 31), rag="amber"),
                            Action("Publish the pipeline", due=date(2026, 1, 15), status="in progress", rag="red")]
    entries["4"].actions = [Action("Old and done", due=date(2020, 5, 1), status="done", rag="green")]
    rows = {r["Action"]: r for r in _table(_open(workbook_xlsx(nps, medway, today=TODAY).data)["Actions"], 4)}
    assert len(rows) == 25
    brief = rows["Brief the portfolio holder"]
    assert brief["Due"] == datetime(2027, 3, 31) and brief["_cells"]["Due"].is_date
    assert "mmmm" in brief["_cells"]["Due"].number_format
    assert (brief["Overdue?"], brief["RAG"], brief["Period"], brief["#"]) == ("No", "Amber", "2023", 1)
    assert rows["Publish the pipeline"]["Overdue?"] == "Yes"
    assert rows["Old and done"]["Overdue?"] == "No"  # done actions are never overdue
    assert rows["Old and done"]["Due"] == datetime(2020, 5, 1)


def _two(value: float) -> float:
    return float(two_places(value))


def test_summary_numbers_equal_the_roll_ups(nps, medway):
    ws = _open(workbook_xlsx(nps, medway, today=TODAY).data)["Summary"]
    rows = _table(ws, 7)
    by_key_area = {(r["Key area"], r["Theme"]): r for r in rows}
    for period in ("2022", "2023"):
        record = medway.period(period)
        for area in key_area_summaries(nps, record):
            theme = next(t.title for t in nps.themes if area.id in [ka.id for ka in t.key_areas])
            row = by_key_area[(area.title, theme)]
            assert (row[f"{period} n"], row[f"{period} mean"]) == (area.score.n, _two(area.score.mean))
            assert row["_cells"][f"{period} mean"].number_format == "0.00"
        for theme in theme_summaries(nps, record):
            assert by_key_area[("All key areas", theme.title)][f"{period} mean"] == _two(theme.score.mean)
        overall = by_key_area[("All key areas", "All themes")]
        assert overall[f"{period} n"] == overall_summary(nps, record).score.n == 59
        assert overall[f"{period} mean"] == _two(overall_summary(nps, record).score.mean)
        # the same numbers as the CLI and Word summaries
        assert [r[f"{period} mean"] for r in rows if r["Key area"] != "All key areas"] == [
            a["mean"] for a in period_summary(nps, medway, period)["key_areas"]]
        assert overall["_cells"]["Key area"].font.bold
    # Engaging councillors in 2022 by hand: objectives 1, 2 and 3 scored 3, 3 and 2.
    hand = [medway.period("2022").entries[o.id].score.value for o in nps.key_areas["engaging-councillors"].objectives]
    row = by_key_area[("Engaging Councillors", "Showing leadership")]
    assert hand == [3.0, 3.0, 2.0]
    assert row["2022 mean"] == _two(sum(hand) / len(hand)) == 2.67 and row["2022 n"] == 3
    assert by_key_area[("Engaging Senior Members", "Showing leadership")]["2023 mean"] == 3.63  # 3.625 rounds up
    assert row["2022 level reached"] == "2 – Developing"


def test_worcestershire_key_area_record(worcs, worcestershire):
    book = _open(workbook_xlsx(worcs, worcestershire, today=TODAY).data)
    assert book.sheetnames == ["Summary", "2022", "Actions"]
    rows = _table(book["2022"], 4)
    assert len(rows) == 9 and all(r["#"] is None for r in rows)
    entries = worcestershire.period("2022").key_area_entries
    titles = {worcs.key_areas[k].title: e for k, e in entries.items()}
    for row in rows:
        entry = titles[row["Key area"]]
        assert (row["Score"], row["Target"]) == (entry.score.value, entry.target.value)
        assert row["Target by"] == "2025" and row["Comment"] == entry.comment
    leaders = next(r for r in rows if r["Key area"] == "Engaging with Members and Senior Leaders")
    assert (leaders["Score"], leaders["Score label"], leaders["Target"], leaders["Target label"]) == (
        2, "2 – Developing", 4, "4 – Leader")
    summary = {r["Key area"]: r for r in _table(book["Summary"], 7) if r["Key area"] != "All key areas"}
    assert (summary["Engaging with Members and Senior Leaders"]["2022 target"],
            summary["Engaging with Members and Senior Leaders"]["2022 gap"]) == (4, 2)
    assert book["Actions"]["A5"].value == "No actions recorded."


def _tiny_record(period: str = "2023/24") -> OrganisationRecord:
    entries = {
        "S1": Entry("S1", score=Score(2.0), target=Score(3.0), comment="=SUM(A1:A9) is text, not a formula",
                    carried=True, previous_comment="Last year"),
        "S2": Entry("S2", score=NOT_APPLICABLE),
        "D1": Entry("D1", score=Score(1.5), actions=[Action("Buy a dashboard", due=date(2026, 1, 1))]),
    }
    return OrganisationRecord(Organisation("t", "Tiny Council"), "tiny-kit", "0.1",
                              [PeriodRecord(period, "draft", entries)])


def test_period_names_with_a_slash_n_a_and_unscored(tiny):
    book = _open(workbook_xlsx(tiny, _tiny_record(), today=TODAY).data)
    assert book.sheetnames == ["Summary", "2023-24", "Actions"]
    ws = book["2023-24"]
    assert "2023/24" in ws["A1"].value
    rows = _by_objective(ws)
    assert list(rows) == ["S1", "S2", "D1"]
    assert (rows["S2"]["Score"], rows["S2"]["Score label"]) == (None, "n/a")
    assert (rows["D1"]["Score"], rows["D1"]["Score label"]) == (1.5, "1/2")
    assert rows["S1"]["Comment"] == "=SUM(A1:A9) is text, not a formula"
    assert rows["S1"]["_cells"]["Comment"].data_type == "s"
    assert (rows["S1"]["Carried forward?"], rows["S1"]["Previous comment"]) == ("Yes", "Last year")
    assert (rows["S1"]["Target"], rows["S1"]["Target label"]) == (3, "3 – Excellent")
    actions = _table(book["Actions"], 4)
    assert [(a["Period"], a["#"], a["Overdue?"]) for a in actions] == [("2023/24", "D1", "Yes")]
    record = _tiny_record()
    record.period("2023/24").entries.pop("S2")
    assert _by_objective(_open(workbook_xlsx(tiny, record).data)["2023-24"])["S2"]["Score label"] == "not yet scored"


def test_awkward_text_is_cleaned_kept_or_cut(nps, medway):
    long = "Long comment, still readable. " * 400  # 12,000 characters: fits in a cell
    too_long = "ŵ🎉" * 20_000  # 60,000 UTF-16 units: more than a cell holds
    kept = "Cymraeg: ŵ ŷ Ŵ Ŷ — emoji 🎉👍🏽 — עברית and العربية\nsecond line"
    entries = medway.period("2023").entries
    entries["1"].comment = "Bell\x07 and form feed\x0c and lone \ud800 surrogate and \ufffe"
    entries["2"].comment = kept
    entries["4"].comment = long
    entries["5"].comment = too_long
    entries["6"].actions = [Action("Null\x00 byte in an action", owner="Ow\x1fner")]
    out = workbook_xlsx(nps, medway, today=TODAY)
    assert out.replaced_characters == 6
    book = _open(out.data)
    rows = _by_objective(book["2023"])
    assert rows["1"]["Comment"] == "Bell\ufffd and form feed\ufffd and lone \ufffd surrogate and \ufffd"
    assert rows["2"]["Comment"] == kept
    assert len(long) == 12_000 and rows["4"]["Comment"] == long
    cut = rows["5"]["Comment"]
    assert len(cut.encode("utf-16-le")) // 2 <= CELL_LIMIT
    assert cut.startswith("ŵ🎉ŵ🎉") and "cut: 60,000 characters" in cut
    assert "\ud83c" not in cut  # no emoji split in half
    assert out.notes == ["2023!I9: text of 60,000 characters cut to Excel's limit of 32,767"]
    action = next(r for r in _table(book["Actions"], 4) if r["Action"].startswith("Null"))
    assert (action["Action"], action["Owner"]) == ("Null\ufffd byte in an action", "Ow\ufffdner")


def test_a_target_by_that_could_not_be_is_refused_on_import(worcs, worcestershire):
    """The workbook's "Target by" column comes back through the same rule as the Score page's."""
    book = _open(workbook_xlsx(worcs, worcestershire, today=TODAY).data)
    sheet = book["2022"]
    header = [c.value for c in sheet[4]]
    column = header.index("Target by") + 1
    sheet.cell(row=5, column=column).value = "2019"          # before the period it is set in
    sheet.cell(row=6, column=column).value = "next year"     # not a period
    out = io.BytesIO()
    book.save(out)
    plan = read_spreadsheet(out.getvalue(), worcs, source="book.xlsx")
    said = [p.message for p in plan.problems]
    assert "a target to be reached by 2019 is set in 2022, after it: give 2022 or a later period" in said
    assert any(m.startswith("'next year' is not a period") for m in said), said
