"""What councillors read is true: one story of targets; an action's whole life; carried scores marked.

The report's sentences, its tables, the radar and the Word documents are all made from the same
rules (`scoring.gap`, `report.target_sentences`, `Action.open_at`, `layouts.score_cell`); these
tests follow each through every place it is shown.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from docx import Document

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.report import movement_table, progress_report, radar_rows
from assessment.domain.rollups import carry_forward
from assessment.domain.scores import Score
from assessment.formats.charts import radar_caption, radar_text_table
from assessment.formats.readers.spreadsheet import read_spreadsheet
from assessment.formats.readers.word_appendix import read_appendix
from assessment.formats.writers.excel_workbook import actions_csv, actions_xlsx, workbook_xlsx
from assessment.formats.writers.word_appendix import appendix_docx
from assessment.formats.writers.word_report import report_docx
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import save_record, stored

TODAY = date(2026, 12, 2)


# ---------------------------------------------------------------- targets: one story

def _one_target(medway):
    """Medway 2024, carried forward and confirmed, with one target: objective 1 of Engaging Councillors."""
    period = carry_forward(medway.period("2023"), "2024").period
    for entry in period.entries.values():
        entry.carried = False
    period.entries["1"].target = Score(4.0)
    medway.periods.append(period)
    return medway


def test_a_target_for_part_of_a_key_area_is_one_story_everywhere(nps, medway):
    record = _one_target(medway)
    report = progress_report(nps, record, "2024", today=TODAY)
    assert "All 0 key areas" not in report.summary
    assert ("1 key area has a target for only some of its objectives (Engaging Councillors, 1 of 3 scored), "
            "so no gap is given there.") in report.summary
    row = next(r for r in movement_table(report, nps) if r["Key area"] == "Engaging Councillors")
    assert (row["Target"], row["Against target"]) == ("4.00 (1 of 3 scored)", "–")
    rows = radar_rows(nps, record, "2024", None)
    assert [r["value"] for r in rows if r["series"] == "target"] == [None] * 14      # nothing drawn
    table = next(r for r in radar_text_table(rows) if r["Key area"] == "Engaging Councillors")
    assert table["Target"] == "4.00 (1 of 3 scored)"
    assert ("The target of Engaging Councillors covers only some of what is scored, so it is not drawn "
            "(the table gives it).") in radar_caption(rows)
    text = _docx_text(report_docx(nps, record, "2024", None, today=TODAY).data)
    assert "Engaging Councillors, 1 of 3 scored" in text and "4.00 (1 of 3 scored)" in text
    assert "covers only some of what is scored, so it is not drawn" in text


def test_a_target_for_the_whole_key_area_gives_one_gap_everywhere(nps, medway):
    record = _one_target(medway)
    for objective in ("2", "3"):
        record.period("2024").entries[objective].target = Score(4.0)
    report = progress_report(nps, record, "2024", today=TODAY)
    line = next(k for k in report.key_areas if k.id == "engaging-councillors")
    assert line.gap is not None and line.gap > 0
    assert report.summary.count("below its target") == 1 and "only some" not in report.summary
    row = next(r for r in movement_table(report, nps) if r["Key area"] == "Engaging Councillors")
    assert (row["Target"], row["Against target"]) == ("4.00", f"{4 - line.now.mean:.2f} below target")
    drawn = [r for r in radar_rows(nps, record, "2024", None) if r["series"] == "target" and r["value"]]
    assert [(r["key_area"], r["value"]) for r in drawn] == [("Engaging Councillors", 4.0)]


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# ---------------------------------------------------------------- an action's whole life

def _open_counts(store) -> dict[str, int]:
    record = stored(store, "medway")
    framework = queries.record(store, LOCAL_ACTOR, "medway").framework
    return {p.period: len(progress_report(framework, record, p.period, today=TODAY).actions)
            for p in record.sorted_periods()}


def test_an_actions_life_across_three_periods(store, medway):
    save_record(store, medway)
    # Open at 2022: the 12 raised in 2022. At 2023: 11 of those (the social value policy was done in
    # 2023) and the 10 raised in 2023.
    assert _open_counts(store) == {"2022": 12, "2023": 21}
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    assert _open_counts(store) == {"2022": 12, "2023": 21, "2024": 21}   # starting 2024 changes nothing
    action = stored(store, "medway").period("2022").entries["3"].actions[0]
    workflows.edit_action(store, LOCAL_ACTOR, "medway", action.id, owner=action.owner, due=None, rag="amber",
                          status="in progress", note="Programme drafted", on=date(2026, 11, 3))
    workflows.edit_action(store, LOCAL_ACTOR, "medway", action.id, owner=action.owner, due=None, rag="green",
                          status="done", note="Programme launched", on=date(2026, 12, 1))
    assert _open_counts(store) == {"2022": 12, "2023": 21, "2024": 20}   # closed in 2024, open before it
    (row,) = [r for r in queries.actions(store, LOCAL_ACTOR, "medway")[0] if r.action.id == action.id]
    assert [(row.action.status_at("2022", p), row.open_at(p)) for p in ("2022", "2023", "2024")] == \
        [("open", True), ("open", True), ("done", False)]
    assert [(u.status, u.note) for u in row.action.updates] == [("in progress", "Programme drafted"),
                                                               ("done", "Programme launched")]
    # The appendix prints each action in the period it was raised in (here, quoted in the 2022
    # comment, so once), never again in the periods after it.
    appendix = _docx_text(appendix_docx(*_view(store), ["2022", "2023", "2024"]).data)
    assert appendix.count("Category Management to create Councillor development programmes") == 1


def _view(store):
    view = queries.record(store, LOCAL_ACTOR, "medway")
    return view.framework, view.record


def test_the_action_list_downloads_as_shown(nps, medway):
    from assessment.domain.action_list import action_rows, filter_rows
    shown = filter_rows(action_rows(nps, medway), raised_in=["2023"])
    book = openpyxl.load_workbook(io.BytesIO(actions_xlsx(nps, "Medway Council", shown, today=TODAY,
                                                          shown="10 of 22").data))
    sheet = book["Actions"]
    assert sheet["A1"].value == "Medway Council – actions (10 of 22)"
    assert [sheet.cell(5 + i, 1).value for i in range(10)] == ["2023"] * 10 and sheet.cell(15, 1).value is None
    text = actions_csv(nps, shown, today=TODAY).decode("utf-8-sig").splitlines()
    assert text[0].startswith("Period,#,Objective / key area,Key area,Action,Owner,Due,Status,RAG,Overdue?")
    assert len(text) == 11


# ---------------------------------------------------------------- carried scores are marked

def test_carried_scores_are_marked_in_word_excel_and_read_back(store, nps, medway):
    save_record(store, medway)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    workflows.save_edits(store, LOCAL_ACTOR, "medway", "2024", [EntryEdit("1", base_version=1, score="4 – Leader")])
    framework, record = _view(store)
    document = Document(io.BytesIO(appendix_docx(framework, record, ["2023", "2024"]).data))
    intro = document.paragraphs[1].text
    assert ('In 2024, 58 of the 59 scores are carried forward from the period before and not yet confirmed; '
            'they are marked "3 (carried)".') in intro
    first = next(t for t in document.tables if t.rows[0].cells[0].text == "#")
    assert [c.text for c in first.rows[1].cells][3::2][:2] == ["3", "4"]          # objective 1: confirmed as 4
    assert first.rows[2].cells[5].text == "3 (carried)"                          # objective 2: carried
    plan = read_appendix(appendix_docx(framework, record, ["2024"]).data, framework, source="a.docx")
    period = plan.periods[0]
    assert (period.entries["2"].score, period.entries["2"].carried) == (Score(3.0), True)
    assert (period.entries["1"].score, period.entries["1"].carried) == (Score(4.0), False)
    report = progress_report(framework, record, "2024", today=TODAY)
    assert "(58 more carried forward from the last period, not yet confirmed)" in report.summary
    book = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(framework, record, today=TODAY).data))
    header = [c.value for c in book["2024"][4]]
    carried = {book["2024"].cell(r, 1).value: book["2024"].cell(r, header.index("Carried forward?") + 1).value
               for r in range(5, 64)}
    assert (carried[1], carried[2]) == ("No", "Yes")
    again = read_spreadsheet(workbook_xlsx(framework, record, today=TODAY).data, framework, source="w.xlsx")
    twenty_four = next(p for p in again.periods if p.period == "2024")
    assert (twenty_four.entries["2"].carried, twenty_four.entries["1"].carried) == (True, False)


# ---------------------------------------------------------------- "Action: ..." in Medway's comments

def test_actions_stated_in_comments_can_be_tracked_on_import(store, nps, medway, tmp_path):
    from .test_seed_appendix import seed_as_docx
    workflows.add_organisation(store, LOCAL_ACTOR, "copy", "Copy Council")
    path = tmp_path / "medway.docx"
    path.write_bytes(seed_as_docx())
    prepared = workflows.preview_import(store, LOCAL_ACTOR, "copy", path.name, path)
    assert prepared.sentence_actions >= 15
    workflows.apply_import(store, LOCAL_ACTOR, prepared, track_actions=True)
    record = stored(store, "copy")
    forty = record.period("2022").entries["40"]
    assert [a.text for a in forty.actions] == ["Organisation to create a social value policy."]
    assert forty.comment.endswith("Action: Organisation to create a social value policy.")   # comment verbatim
    untracked = workflows.preview_import(store, LOCAL_ACTOR, "copy", path.name, path)
    assert untracked.periods[0].changed == []     # importing again adds nothing


def test_the_command_line_and_the_workbook_tell_the_same_target_story(nps, medway):
    from assessment.domain.summary import period_summary, summary_table
    record = _one_target(medway)
    text = summary_table(period_summary(nps, record, "2024"))
    line = next(x for x in text.splitlines() if x.startswith("Engaging Councillors"))
    assert "4.00 (1 of 3 scored)" in line and line.rstrip().endswith("–")
    book = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(nps, record, today=TODAY).data))
    summary = book["Summary"]
    header = [c.value for c in summary[7]]
    row = next(r for r in summary.iter_rows(min_row=8, values_only=True) if r[0] == "Engaging Councillors")
    # numbers only: the target, how many of the scored have one (its coverage), and no gap
    assert (row[header.index("2024 n")], row[header.index("2024 target")], row[header.index("2024 with target")],
            row[header.index("2024 gap")]) == (3, 4, 1, None)
