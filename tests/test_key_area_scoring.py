"""Key-area scoring for any council (issue 26, point 2): a new council chooses to score one level per
key area from its first period; the Score page, the template and its import, the blank
questionnaire, the report and the appendix follow; switching carries each way."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import openpyxl
import pytest
from docx import Document

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.report import movement_table
from assessment.domain.summary import summary_table
from assessment.domain.errors import AssessmentError, InvalidImport
from assessment.domain.report import progress_report
from assessment.domain.rollups import kept_by_key_area, key_area_summary
from assessment.domain.scores import NOT_APPLICABLE, Score
from assessment.formats.readers.spreadsheet import read_spreadsheet
from assessment.formats.writers.import_template import template_csv, template_xlsx
from assessment.formats.framework_file import find_framework
from assessment.formats.writers.word_appendix import appendix_docx
from assessment.formats.writers.word_questionnaire import blank_docx
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import ROOT, save_record, stored, texts


@pytest.fixture
def newtown(store):
    workflows.add_organisation(store, LOCAL_ACTOR, "newtown", "Newtown District Council")
    return store


def test_a_new_council_scores_per_key_area_from_its_first_period(newtown, nps):
    started = workflows.start_period(newtown, LOCAL_ACTOR, "newtown", "2024/25", per="key_area")
    assert (started.per, started.carried_from, started.carried) == ("key_area", None, 0)
    record = stored(newtown, "newtown")
    assert kept_by_key_area(record, "2024/25") and len(record.period("2024/25").key_area_entries) == 14
    assert record.period("2024/25").entries == {}
    # a filled template with key-area rows, imported
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(nps, ["2024/25"], per_key_area=True)))
    sheet = book["Scores"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 14 and all(r[header.index("Objective number")].value is None for r in rows)
    for row, (score, target) in zip(rows, [("2", "4"), ("n/a", "n/a"), ("3", "4")]):
        row[header.index("Score")].value, row[header.index("Target")].value = score, target
    rows[0][header.index("Comment")].value = "Members briefed twice a year."
    out = io.BytesIO()
    book.save(out)
    prepared = workflows.preview_import(newtown, LOCAL_ACTOR, "newtown", "filled.xlsx", out.getvalue())
    assert texts(prepared.plan.problems) == []
    workflows.apply_import(newtown, LOCAL_ACTOR, prepared)
    period = stored(newtown, "newtown").period("2024/25")
    councillors = period.key_area_entries["engaging-councillors"]
    assert (councillors.score, councillors.target, councillors.comment) == (Score(2.0), Score(4.0),
                                                                             "Members briefed twice a year.")
    assert period.key_area_entries["engaging-senior-managers"].score == NOT_APPLICABLE
    # the report speaks of key areas, and the next period carries the choice on
    report = progress_report(nps, stored(newtown, "newtown"), "2024/25")
    assert report.mode == "key_area" and report.rule.startswith("Each key area is scored as a whole")
    assert workflows.start_period(newtown, LOCAL_ACTOR, "newtown", "2025/26").per == "key_area"
    assert kept_by_key_area(stored(newtown, "newtown"), "2025/26")


def test_the_template_refused_key_area_rows_and_now_reads_them(nps):
    """It said "the objective number is empty", 14 times."""
    data = template_csv(nps, ["2024"], per_key_area=True).decode("utf-8-sig")
    lines = data.strip().splitlines()
    assert len(lines) == 15 and lines[1].startswith("2024,,(key area as a whole),Engaging Councillors")
    # as the template has it; one with the Objective cell emptied; one left blank (skipped)
    filled = "\n".join([lines[0], lines[1].replace("Engaging Councillors,,,", "Engaging Councillors,3,4,Noted"),
                        "2024,,,Working with partners,2/3,,", lines[3]]) + "\n"
    plan = read_spreadsheet(filled.encode(), nps, source="kas.csv")
    assert texts(plan.problems) == []
    (period,) = plan.periods
    assert {k: e.score.written for k, e in period.key_area_entries.items()} == {
        "engaging-councillors": "3", "working-with-partners": "2/3"}
    bad = "\n".join([lines[0], "2024,,,Not a key area,3,,"]) + "\n"
    assert texts(read_spreadsheet(bad.encode(), nps, source="bad.csv").problems) == [
        "bad.csv: row 2, column \"Key area\": 'Not a key area' is not a key area of "
        f"{nps.title}"]


def test_switching_carries_a_key_areas_level_from_its_objectives_and_back(store, medway, nps):
    save_record(store, medway)
    started = workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", per="key_area")
    assert started.switched and started.carried == 14
    record = stored(store, "medway")
    entry = record.period("2024").key_area_entries["engaging-councillors"]
    rolled = key_area_summary(nps, record.period("2023"), "engaging-councillors").score
    assert entry.carried and entry.score == Score(float(rolled.level)) and rolled.mean > rolled.level
    assert record.period("2024").entries == {}
    workflows.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    back = workflows.start_period(store, LOCAL_ACTOR, "medway", "2025", per="objective")
    assert back.switched and back.carried == 59
    objectives = stored(store, "medway").period("2025").entries
    assert {objectives[o].score for o in ("1", "2", "3")} == {entry.score}
    assert all(e.carried for e in objectives.values())
    with pytest.raises(AssessmentError, match="'sideways' is not a way of scoring"):
        workflows.start_period(store, LOCAL_ACTOR, "medway", "2026", per="sideways")
    # an appendix of a period scored per objective beside one scored per key area: no empty column
    # for the second; each key area's level follows its objectives
    document = Document(io.BytesIO(appendix_docx(nps, stored(store, "medway"), ["2023", "2024", "2025"]).data))
    assert [c.text for c in document.tables[1].rows[0].cells] == [
        "#", "Objective", "Description", "2023 Score", "2023 Comments and Action", "2025 Score",
        "2025 Comments and Action"]
    lines = [p.text for p in document.paragraphs]
    assert f"Engaging Councillors, 2024 (one level for the key area): {entry.score.written}" in lines
    assert sum(", 2024 (one level for the key area): " in line for line in lines) == 14
    assert "2024 was scored one level per key area: each key area's level follows its objectives." in lines[1]


def test_the_blank_questionnaire_and_the_appendix_follow_the_choice(newtown, nps, worcs):
    workflows.start_period(newtown, LOCAL_ACTOR, "newtown", "2024/25", per="key_area")
    document = Document(io.BytesIO(blank_docx(nps, per_key_area=True).data))
    headers = {tuple(c.text for c in t.rows[0].cells) for t in document.tables}
    # NPS 2018's key areas have no description of their own: no empty column for one
    assert ("Key area", "Score", "Target", "Comments and actions") in headers
    assert not any(h[0] == "#" or "Description" in h for h in headers)
    described = Document(io.BytesIO(blank_docx(worcs, per_key_area=True).data))
    assert ("Key area", "Description", "Score", "Target", "Comments and actions") in {
        tuple(c.text for c in t.rows[0].cells) for t in described.tables}
    assert any(p.text.startswith("For each key area, read its scoring criteria") for p in document.paragraphs)
    appendix = Document(io.BytesIO(appendix_docx(nps, stored(newtown, "newtown")).data))
    assert any(p.text.startswith("Appendix – Key Areas: Newtown District Council") for p in appendix.paragraphs)
    assert ("Key area", "2024/25 Score", "2024/25 Comments and Action") in {
        tuple(c.text for c in t.rows[0].cells) for t in appendix.tables}


def test_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (done.stdout, done.stderr)
        return done.stdout

    run("orgs", "add", "newtown", "--name", "Newtown District Council")
    assert run("period", "start", "2024/25", "--org", "newtown", "--per", "key-area").strip() == (
        "started newtown 2024/25, scored one level per key area: blank")
    blank = tmp_path / "blank.docx"
    run("export", "blank", "--org", "newtown", "--out", str(blank))
    assert "Key area" in [c.text for c in Document(str(blank)).tables[1].rows[0].cells]
    # the filled template (key-area rows), the covering report in a scrutiny report's shape, the report
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(find_framework("nps-2018"), ["2024/25"],
                                                           per_key_area=True)))
    sheet = book["Scores"]
    header = [c.value for c in sheet[1]]
    for row, (score, target) in zip(sheet.iter_rows(min_row=2), [("2", "4"), ("3", "4"), ("3", "3"), ("1", "3")]):
        row[header.index("Score")].value, row[header.index("Target")].value = score, target
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    assert "imported" in run("import", "xlsx", str(filled), "--org", "newtown")
    run("orgs", "report-shape", "newtown", "--start", "scrutiny")
    text = tmp_path / "report-text.yaml"
    text.write_text(
        "meeting: {committee: Overview and Scrutiny Panel, date: 2025-03-10}\n"
        "author: Head of Commercial\ncontact: Procurement team, 01000 000000\n"
        "sections:\n  - heading: Summary\n    text: Newtown's first self-assessment, one level per key area.\n"
        "  - heading: Purpose of the Meeting\n    text: \"The Panel is asked to:\"\n"
        "    items:\n      - Consider the information provided\n"
        "      - Agree whether any further Scrutiny is required at this stage.\n", encoding="utf-8")
    assert "covering report saved as version 1" in run("import", "report-text", str(text), "--org", "newtown",
                                                       "--period", "2024/25")
    report = tmp_path / "newtown-2024-25.docx"
    run("export", "report", "--org", "newtown", "--period", "2024/25", "--format", "docx", "--out", str(report))
    document = Document(str(report))
    lines = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert lines[0] == "OVERVIEW AND SCRUTINY PANEL: 10 MARCH 2025"
    assert "b)\tAgree whether any further Scrutiny is required at this stage." in lines
    assert "Appendix 1 – Key Areas: Newtown District Council" in lines
    assert any(t.replace("\u00a0", " ") == "2 levels to go" for t in lines)
    assert not [t for t in lines if re.search(r"(?<![\w/])[+−-]\d+\.\d\d\b", t)]   # no bare signed gap


def test_a_template_that_mixes_objective_and_key_area_rows_in_a_period_is_refused(nps):
    lines = template_csv(nps, ["2024"], per_key_area=True).decode("utf-8-sig").strip().splitlines()
    mixed = "\n".join([lines[0], lines[1].replace("Engaging Councillors,,,", "Engaging Councillors,3,,"),
                       "2024,1,Procurement and Commercial Champions,Engaging Councillors,2,,"]) + "\n"
    plan = read_spreadsheet(mixed.encode(), nps, source="mixed.csv")
    assert texts(plan.problems) == [
        'mixed.csv: row 2, column "Objective number": 2024 has rows for objectives (first row 3, column '
        '"Objective number") and for key areas as a whole: a period is scored one way; keep one kind of row']
    assert plan.periods == []


def test_after_a_switch_the_report_compares_key_areas_with_their_objectives_mean(store, medway, nps):
    """It said "The biggest moves: … ▼ down 0.63" and "No key areas moved since 2023" in one report."""
    save_record(store, medway)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", per="key_area")
    workflows.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    report = progress_report(nps, stored(store, "medway"), "2024")
    assert report.mode == "key_area" and report.declined
    assert "No key areas moved" not in report.summary and "declined" in report.summary
    moved = {m.id for m in report.declined}
    assert moved == {k.id for k in report.key_areas if k.change is not None and k.change < 0}


def test_a_key_area_not_applicable_reads_n_a_not_nought_of_nought(newtown, nps):
    workflows.start_period(newtown, LOCAL_ACTOR, "newtown", "2024", per="key_area")
    workflows.save_edits(newtown, LOCAL_ACTOR, "newtown", "2024", [
        EntryEdit("engaging-councillors", kind="key_area", base_version=1, score="n/a", target="4"),
        EntryEdit("engaging-senior-managers", kind="key_area", base_version=1, score="3", target="4")])
    report = progress_report(nps, stored(newtown, "newtown"), "2024")
    rows = {row["Key area"]: row for row in movement_table(report, nps)}
    assert rows["Engaging Councillors"]["Scored"] == "n/a"
    assert rows["Engaging Senior Members"]["Scored"] == "1 of 1"
    table = summary_table(queries.period_summary(newtown, LOCAL_ACTOR, "newtown", "2024"))
    assert re.search(r"^Engaging Councillors +n/a +–", table, re.MULTILINE), table


def test_an_import_over_saved_key_areas_names_them_by_title(newtown, nps):
    workflows.start_period(newtown, LOCAL_ACTOR, "newtown", "2024", per="key_area")
    workflows.save_edits(newtown, LOCAL_ACTOR, "newtown", "2024", [
        EntryEdit("engaging-councillors", kind="key_area", base_version=1, score="3")])
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(nps, ["2024"], per_key_area=True)))
    sheet = book["Scores"]
    header = [c.value for c in sheet[1]]
    next(sheet.iter_rows(min_row=2))[header.index("Score")].value = "2"
    out = io.BytesIO()
    book.save(out)
    prepared = workflows.preview_import(newtown, LOCAL_ACTOR, "newtown", "filled.xlsx", out.getvalue())
    assert prepared.periods[0].summary.endswith("overwrites 1 saved entry (Engaging Councillors).")


def test_rows_of_the_other_way_of_scoring_are_refused_for_a_saved_period(newtown, nps):
    workflows.start_period(newtown, LOCAL_ACTOR, "newtown", "2024", per="key_area")
    rows = ("Period,Objective number,Objective,Key area,Score,Target,Comment\n"
            "2024,1,Procurement and Commercial Champions,Engaging Councillors,3,4,\n")
    with pytest.raises(InvalidImport) as refused:
        workflows.preview_import(newtown, LOCAL_ACTOR, "newtown", "objectives.csv", rows.encode())
    assert texts(refused.value.problems) == [
        "objectives.csv: 2024 is scored one level per key area, but the file has rows for objectives in it; nothing "
        "was imported (use the template for 2024 as it is scored, or start the period the other way)"]
    assert stored(newtown, "newtown").period("2024").entries == {}


def test_a_key_area_appendix_is_read_back_as_key_areas(newtown, nps, worcs, worcestershire):
    from assessment.formats.readers.word_appendix import read_appendix
    plan = read_appendix(appendix_docx(worcs, worcestershire, ["2022"]).data, worcs, source="worcs.docx")
    assert plan.problems == [] and plan.warnings == []
    read = plan.periods[0].key_area_entries
    kept = worcestershire.period("2022").key_area_entries
    assert plan.periods[0].entries == {} and set(read) == set(kept)
    assert all((read[k].score, read[k].comment) == (kept[k].score, kept[k].comment) for k in kept)
    # a council new to the tool brings in last year's key-area appendix: a period scored per key area
    workflows.start_period(newtown, LOCAL_ACTOR, "newtown", "2023", per="key_area")
    workflows.save_edits(newtown, LOCAL_ACTOR, "newtown", "2023", [
        EntryEdit("engaging-councillors", kind="key_area", base_version=1, score="2/3", comment="Briefings <b>began</b>"),
        EntryEdit("managing-strategic-risk", kind="key_area", base_version=1, score="n/a")])
    data = appendix_docx(nps, stored(newtown, "newtown"), ["2023"]).data
    workflows.add_organisation(newtown, LOCAL_ACTOR, "oldtown", "Oldtown Borough Council")
    prepared = workflows.preview_import(newtown, LOCAL_ACTOR, "oldtown", "newtown-2023.docx", data)
    assert texts(prepared.plan.problems) == []
    workflows.apply_import(newtown, LOCAL_ACTOR, prepared)
    period = stored(newtown, "oldtown").period("2023")
    assert kept_by_key_area(stored(newtown, "oldtown"), "2023") and period.entries == {}
    assert (period.key_area_entries["engaging-councillors"].score.written,
            period.key_area_entries["engaging-councillors"].comment) == ("2/3", "Briefings <b>began</b>")
    assert period.key_area_entries["managing-strategic-risk"].score == NOT_APPLICABLE
