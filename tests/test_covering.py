"""The covering report: the shapes as the councils print them, paragraphs numbered through and
recommendations lettered, the report-text file (every problem on its line), who may write it and
when (the lock, conflicts, required sections at submission), the next period's starting draft,
record files, the Word report that opens with it, and the command line."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from docx import Document

from assessment import workflows as w
from assessment.domain import limits
from assessment.domain.covering import (
    SHAPES,
    CoveringReport,
    Meeting,
    ReportShape,
    Section,
    ShapeSection,
    blocks,
    covering_problems,
    fitted,
    missing_required,
    outside,
    paragraphs,
    shape_problems,
)
from assessment.domain.errors import InvalidFile, NotAllowed, PeriodLocked, StaleEntry
from assessment.formats.covering_file import covering_data, parse_covering, read_covering, write_covering
from assessment.formats.framework_file import find_framework
from assessment.formats.record_file import record_as_data, record_from_data
from assessment.formats.writers.word_report import report_docx
from assessment.formats.yaml_source import parse_yaml
from assessment.workflows import LOCAL_ACTOR, Actor

from .conftest import FIXTURES, ROOT, save_record, stored

MEDWAY_2024 = FIXTURES / "report-text" / "medway-2024.yaml"
SEEDS = FIXTURES / "seeds"
EDITOR = Actor("editor@medway.gov.uk", roles={"medway": "editor"})
REVIEWER = Actor("councillor@medway.gov.uk", roles={"medway": "reviewer"})


# ---------------------------------------------------------------- the shapes, as printed

@pytest.mark.parametrize("name, extract", [("cabinet", "leicestershire-cabinet-2015-procurement-strategy.txt"),
                                           ("scrutiny", "worcestershire-scrutiny-2022-procurement-strategy.txt")])
def test_each_shape_names_the_sections_of_the_councils_report_as_printed_and_in_order(name, extract):
    lines = [line.strip() for line in (SEEDS / extract).read_text(encoding="utf-8").splitlines()]
    found = [lines.index(s.heading) for s in SHAPES[name][1].sections]   # ValueError: not printed as a line
    assert found == sorted(found), f"{name}: the sections are not in the report's order"
    assert not shape_problems(SHAPES[name][1])


def test_the_cabinet_shape_letters_its_recommendations_and_requires_what_the_paper_stands_on():
    shape = SHAPES["cabinet"][1]
    assert {s.heading: s.kind for s in shape.sections}["Recommendations"] == "items"
    assert shape.required() == ["Purpose of Report", "Recommendations", "Reasons for Recommendations", "Background"]
    assert SHAPES["scrutiny"][1].required() == ["Summary", "Purpose of the Meeting"]


# ---------------------------------------------------------------- laid out

def test_paragraphs_are_numbered_through_the_report_and_items_lettered():
    report = read_covering(MEDWAY_2024)
    laid = blocks(report)
    numbers = [b.mark for b in laid if b.kind == "paragraph" and b.mark]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) == 12
    assert [b.mark for b in laid if b.kind == "item"] == ["a", "b", "c"]
    recommendations = [b.text for b in laid if b.kind == "item"]
    assert recommendations[2] == "progress against the Strategy is reported to the Cabinet annually."
    # the background papers (plain) are not numbered, and keep their lines; a heading with nothing
    # under it is printed (PART B), an empty section is not
    papers = [b for b in laid if b.text.startswith("National Procurement Strategy for Local Government in England")]
    assert papers[0].mark == ""
    assert [b.text for b in laid if b.kind == "heading"][:2] == ["PART A", "Purpose of Report"]
    contact = laid.index(next(b for b in laid if b.kind == "contact"))
    assert laid[contact - 1].text == "Officers to Contact" and laid[contact + 1].text == "PART B"


def test_a_heading_with_nothing_written_under_it_is_left_out():
    report = CoveringReport((Section("PART A", "heading"), Section("Purpose of Report", "text", "Why."),
                             Section("PART B", "heading"), Section("Background", "text"),
                             Section("Relevant Impact Assessments", "heading")))
    assert [(b.kind, b.text) for b in blocks(report)] == [("heading", "PART A"), ("heading", "Purpose of Report"),
                                                          ("paragraph", "Why.")]


def test_wrapped_lines_are_one_paragraph_and_blank_lines_part_them():
    assert paragraphs("One sentence\nwrapped.\n\n  Two.  \n \nThree") == ["One sentence wrapped.", "Two.", "Three"]
    assert paragraphs("Paper one\nPaper two", keep_lines=True) == ["Paper one\nPaper two"]


def test_contact_points_without_a_place_for_them_close_the_report():
    report = CoveringReport((Section("Summary", "text", "Short."),), contact="Jo Bloggs, 01905 000000")
    assert [(b.kind, b.text) for b in blocks(report)][-2:] == [("heading", "Contact"),
                                                              ("contact", "Jo Bloggs, 01905 000000")]


def test_a_meeting_line_reads_as_a_committee_report_opens():
    assert Meeting("Cabinet", date(2015, 2, 6)).line() == "CABINET: 6 FEBRUARY 2015"
    assert Meeting(None, date(2015, 2, 6)).line() is None


# ---------------------------------------------------------------- checks

def test_what_a_section_may_hold_and_how_long_it_may_be():
    report = CoveringReport((Section("PART A", "heading", "words"), Section("Summary", "text", items=("x",)),
                             Section("summary", "text", "again"),
                             Section("Recommendations", "items", items=tuple("x" for _ in range(27))),
                             Section("Long", "text", "x" * (limits.COVERING_TEXT + 1))),
                            meeting=Meeting(None, date(2025, 1, 1)))
    problems = covering_problems(report)
    assert "section 1 (PART A) is a heading only, so it holds no text or items of its own" in problems
    assert "section 2 (Summary) is numbered paragraphs, so it has no items; make it a section of items" in problems
    assert "section 3 (summary): there is already a section headed 'summary'" in problems
    assert "section 4 (Recommendations) has 27 items; up to 26 can be kept" in problems
    assert f"section 5 (Long)'s text is 20,001 characters long; up to {limits.COVERING_TEXT:,} can be kept" in problems
    assert "the meeting has a date but no committee; say which committee it goes to" in problems


def test_a_shape_cannot_require_a_heading_or_name_a_section_twice():
    shape = ReportShape((ShapeSection("PART A", "heading", True), ShapeSection("Summary"), ShapeSection(" summary ")))
    assert shape_problems(shape) == [
        "section 1 (PART A) is a heading only, so nothing is written in it and it cannot be required",
        "section 3: there is already a section headed 'summary'"]


# ---------------------------------------------------------------- the report-text file

def test_the_report_text_file_round_trips_word_for_word(tmp_path):
    report = read_covering(MEDWAY_2024)
    again = parse_covering(write_covering(report), "again.yaml")
    assert again.same_words(report)
    assert report.meeting == Meeting("Cabinet", date(2025, 2, 11)) and report.author == "Chief Operating Officer"
    assert covering_data(report)["sections"][0] == {"heading": "PART A"}   # a heading needs no kind


def test_every_problem_of_a_report_text_file_is_named_with_its_line():
    text = ("meeting:\n  committee: Cabinet\n  when: 2025-02-11\n"           # 3: unknown key
            "sections:\n"
            "  - heading: PART A\n    kind: heading\n    text: words\n"        # 5: a heading holds nothing
            "  - heading: Recommendations\n    kind: bullets\n"               # 9: no such kind
            "  - heading: Summary\n    items: [one, '']\n"                    # 11: an empty item
            "author: A\nauthor2: B\n")                                        # 13: unknown key
    with pytest.raises(InvalidFile) as caught:
        parse_covering(text, "report.yaml")
    shown = caught.value.shown()
    assert any(s.startswith("report.yaml:3: meeting: unknown key 'when'") for s in shown), shown
    assert any(s.startswith("report.yaml:13: (file): unknown key 'author2'") for s in shown), shown
    assert any(s.startswith("report.yaml:9: sections[item 2].kind:") and "bullets" in s for s in shown), shown
    text = text.replace("    kind: bullets\n", "    text: x\n")   # lines 4 and 10 now
    with pytest.raises(InvalidFile) as caught:
        parse_covering(text.replace("author2: B\n", "").replace("  when: 2025-02-11\n", ""), "report.yaml")
    assert [s.split(": ", 1)[0] for s in caught.value.shown()] == ["report.yaml:4", "report.yaml:10"]
    assert "is a heading only, so it holds no text or items of its own" in caught.value.shown()[0]
    assert "item b) is empty" in caught.value.shown()[1]


def test_a_report_text_that_is_not_a_mapping_or_asks_too_much_is_refused_in_words():
    with pytest.raises(InvalidFile, match="a report text must be a mapping"):
        parse_covering("- just\n- a list\n", "list.yaml")
    with pytest.raises(InvalidFile, match="the file is empty"):
        parse_covering("", "empty.yaml")
    bomb = "sections: [" + ", ".join(["{heading: x}"] * (limits.YAML_NODES // 2)) + "]\n"
    with pytest.raises(InvalidFile) as caught:   # refused by its count of values, before it is built
        parse_covering(bomb, "many.yaml")
    assert "values" in str(caught.value) or "nodes" in str(caught.value) or "too many" in str(caught.value)


# ---------------------------------------------------------------- who may write it, and when

@pytest.fixture
def medway_2024(store, medway):
    save_record(store, medway)
    w.set_report_shape(store, LOCAL_ACTOR, "medway", w.shape_named("cabinet"))
    w.start_period(store, LOCAL_ACTOR, "medway", "2024")
    return store


def test_a_new_period_starts_from_the_shape_and_last_years_words_without_last_years_date(medway_2024):
    store = medway_2024
    draft = w.queries.covering(store, LOCAL_ACTOR, "medway", "2024")
    assert draft.saved is not None and draft.saved.version == 1 and draft.saved.by == "local user"
    assert [s.heading for s in draft.report.sections] == [s.heading for s in SHAPES["cabinet"][1].sections]
    w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    w.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    w.submit_period(store, LOCAL_ACTOR, "medway", "2024")
    w.approve_period(store, LOCAL_ACTOR, "medway", "2024", decision="Cabinet", on=date(2025, 2, 11))
    w.start_period(store, LOCAL_ACTOR, "medway", "2025")
    carried = w.queries.covering(store, LOCAL_ACTOR, "medway", "2025").saved
    assert carried is not None
    assert carried.meeting == Meeting("Cabinet", None)                   # the committee, not last year's date
    assert carried.section("Purpose of Report") == read_covering(MEDWAY_2024).section("Purpose of Report")
    assert carried.contact == read_covering(MEDWAY_2024).contact
    w.start_period(store, LOCAL_ACTOR, "medway", "2026", carry=False)     # blank: the shape, nothing written
    blank = w.queries.covering(store, LOCAL_ACTOR, "medway", "2026").saved
    assert blank is not None and not any(s.written for s in blank.sections) and blank.meeting == Meeting()


def test_submitting_is_refused_while_a_required_section_is_unwritten(medway_2024):
    store = medway_2024
    w.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    with pytest.raises(Exception, match=r"2024's covering report has 4 required sections not yet written "
                                        r"\(\"Purpose of Report\", \"Recommendations\""):
        w.submit_period(store, LOCAL_ACTOR, "medway", "2024")
    assert stored(store, "medway").period("2024").status == "draft"
    w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    assert w.submit_period(store, LOCAL_ACTOR, "medway", "2024").status == "submitted"


def test_the_covering_report_is_locked_with_its_period_and_written_only_by_editors(medway_2024):
    store = medway_2024
    report = read_covering(MEDWAY_2024)
    with pytest.raises(NotAllowed):
        w.save_covering(store, REVIEWER, "medway", "2024", report)
    w.save_covering(store, EDITOR, "medway", "2024", report)
    w.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    w.submit_period(store, LOCAL_ACTOR, "medway", "2024")
    before = w.queries.covering_versions(store, LOCAL_ACTOR, "medway", "2024")
    with pytest.raises(PeriodLocked, match="^2024 is submitted for approval, so it cannot be changed"):
        w.save_covering(store, EDITOR, "medway", "2024", replace(report, author="Someone else"))
    with pytest.raises(PeriodLocked):
        w.import_covering(store, EDITOR, "medway", "2024", MEDWAY_2024, dry_run=True)
    assert w.queries.covering_versions(store, LOCAL_ACTOR, "medway", "2024") == before
    # the councillor reads the submitted period's words as submitted
    assert w.queries.covering(store, REVIEWER, "medway", "2024").saved.same_words(report)  # type: ignore[union-attr]


def test_a_save_made_meanwhile_by_someone_else_is_not_overwritten(medway_2024):
    store = medway_2024
    opened = w.queries.covering(store, LOCAL_ACTOR, "medway", "2024").saved
    assert opened is not None
    w.save_covering(store, EDITOR, "medway", "2024", replace(opened, author="Director of Place"),
                    expected_version=opened.version)
    with pytest.raises(StaleEntry, match=r"saved by editor@medway.gov.uk .* after you opened version 1; nothing was "
                                         "overwritten"):
        w.save_covering(store, LOCAL_ACTOR, "medway", "2024", replace(opened, author="Chief Executive"),
                        expected_version=opened.version)
    assert w.queries.covering(store, LOCAL_ACTOR, "medway", "2024").saved.author == "Director of Place"  # type: ignore[union-attr]


def test_each_save_is_a_version_with_what_it_changed_and_the_same_words_save_nothing(medway_2024):
    store = medway_2024
    done = w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    assert done.saved and "Recommendations" in done.changed and "meeting" in done.changed
    again = w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    assert not again.saved and again.changed == []
    edited = replace(done.report, author="Director of Place")
    w.save_covering(store, EDITOR, "medway", "2024", edited)
    versions = w.queries.covering_versions(store, LOCAL_ACTOR, "medway", "2024")
    assert [(r.version, change, changed) for r, change, changed in versions][:2] == [
        (3, "saved", ["author"]), (2, "import medway-2024.yaml", done.changed)]
    assert versions[-1][1] == "started, carried forward from 2023"


def test_a_dry_run_says_what_would_change_and_writes_nothing(medway_2024):
    store = medway_2024
    done = w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024, dry_run=True)
    assert not done.saved and "Purpose of Report" in done.changed
    assert len(w.queries.covering_versions(store, LOCAL_ACTOR, "medway", "2024")) == 1


def test_the_report_shape_is_an_administrators_to_set(medway_2024):
    with pytest.raises(NotAllowed):
        w.set_report_shape(medway_2024, EDITOR, "medway", w.shape_named("scrutiny"))
    w.set_report_shape(medway_2024, LOCAL_ACTOR, "medway", w.shape_named("scrutiny"))
    assert stored(medway_2024, "medway").report_shape == SHAPES["scrutiny"][1]
    assert missing_required(None, SHAPES["scrutiny"][1]) == ["Summary", "Purpose of the Meeting"]


def test_record_files_carry_the_shape_and_each_periods_covering_report(medway_2024):
    store = medway_2024
    w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    record = stored(store, "medway")
    data, source = parse_yaml(yaml.safe_dump(record_as_data(record), allow_unicode=True, sort_keys=False), "r.yaml")
    back = record_from_data(data, source, find_framework)
    assert back.report_shape == SHAPES["cabinet"][1]
    assert back.period("2024").covering.same_words(  # type: ignore[union-attr]
        fitted(read_covering(MEDWAY_2024), SHAPES["cabinet"][1]))
    assert back.period("2023").covering is None


# ---------------------------------------------------------------- the Word report opens with it

def _report_paragraphs(record, period: str) -> list[str]:
    data = report_docx(find_framework("nps-2018"), record, period, today=date(2025, 1, 20)).data
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_the_members_report_opens_with_the_covering_report_then_at_a_glance_then_appendix_1(medway_2024):
    store = medway_2024
    w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    texts = _report_paragraphs(stored(store, "medway"), "2024")
    assert texts[:4] == ["CABINET: 11 FEBRUARY 2025", "PROCUREMENT MATURITY: PROGRESS REPORT 2024",
                         "REPORT OF THE CHIEF OPERATING OFFICER", "Status: DRAFT"]
    numbered = [t for t in texts if re.match(r"^\d+\.\t", t)]
    assert [t.split(".\t")[0] for t in numbered] == [str(n) for n in range(1, 13)]
    assert numbered[0].startswith("1.\tThe purpose of this report is to set out the Council's second annual "
                                  "self-assessment against the National Procurement Strategy")
    assert [t for t in texts if re.match(r"^[a-z]\)\t", t)] == [
        "a)\tthe self-assessment of the Council's procurement maturity for 2024, at Appendix 1, be noted;",
        "b)\tthe targets for 2025/26 set out in the report be agreed;",
        "c)\tprogress against the Strategy is reported to the Cabinet annually."]
    order = [texts.index(t) for t in ("PART A", "Officers to Contact", "PART B", "At a glance", "Summary",
                                      "Appendix 1 – Complete Objectives List: Medway Council")]
    assert order == sorted(order)
    # no gap written as a bare signed number anywhere in it
    assert not [t for t in texts if re.search(r"(?<![\w/])[+−-]\d+\.\d\d\b", t)]


def test_text_is_printed_as_written_not_as_markup(medway_2024):
    store = medway_2024
    hostile = CoveringReport((Section("Purpose of Report", "text", "**Bold?** <script>x</script> [link](http://e.vil)"),
                              Section("=HYPERLINK(\"x\")", "items", items=("# not a heading",))),
                             Meeting("Cabinet <b>"), "Director *of* Finance")
    w.save_covering(store, LOCAL_ACTOR, "medway", "2024", hostile)
    texts = _report_paragraphs(stored(store, "medway"), "2024")
    assert "1.\t**Bold?** <script>x</script> [link](http://e.vil)" in texts
    assert "a)\t# not a heading" in texts and "=HYPERLINK(\"x\")" in texts
    assert texts[0] == "CABINET <B>" and texts[2] == "REPORT OF THE DIRECTOR *OF* FINANCE"


def test_a_period_without_a_covering_report_keeps_its_title_page(medway):
    texts = _report_paragraphs(medway, "2023")
    assert texts[0] == "Medway Council" and "Procurement maturity: progress report" in texts[:3]
    assert not any(t.startswith("Appendix 1") for t in texts)


# ---------------------------------------------------------------- the command line

def test_the_command_line_imports_exports_and_validates_report_text(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str, code: int = 0) -> str:
        result = subprocess.run([sys.executable, "-m", "assessment", "--database", db, *args], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == code, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result.stdout + result.stderr

    run("demo")
    assert "1. PART A (a heading only)" in run("orgs", "report-shape", "medway", "--start", "cabinet")
    run("period", "start", "2024", "--org", "medway")
    assert "valid report text (16 sections, 12 written; for CABINET: 11 FEBRUARY 2025)" in \
        run("validate", str(MEDWAY_2024))
    assert "nothing written (dry run)" in run("import", "report-text", str(MEDWAY_2024), "--org", "medway",
                                              "--period", "2024", "--dry-run")
    assert "covering report saved as version 2" in run("import", "report-text", str(MEDWAY_2024), "--org",
                                                       "medway", "--period", "2024")
    out = tmp_path / "back.yaml"
    run("export", "report-text", "--org", "medway", "--period", "2024", "--out", str(out))
    # the file gives every section of the shape (those not written empty), and prints the same
    assert blocks(read_covering(out)) == blocks(read_covering(MEDWAY_2024))
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections:\n  - heading: Summary\n    txt: hello\n", encoding="utf-8")
    said = f"{bad}:3: sections[item 1]: unknown key 'txt'; did you mean 'text'?"
    assert said in run("validate", str(bad), code=2)
    assert said in run("import", "report-text", str(bad), "--org", "medway", "--period", "2024", code=2)
    versions = run("history", "--org", "medway", "--period", "2024", "--covering-report").splitlines()
    assert versions[0].startswith("version 2\t") and "\tlocal user\timport medway-2024.yaml\tPurpose of Report, " \
        "Recommendations" in versions[0]
    assert versions[1].startswith("version 1\t") and versions[1].endswith("\tstarted, carried forward from 2023")
    report = tmp_path / "report.docx"
    run("export", "report", "--org", "medway", "--period", "2024", "--out", str(report))
    texts = [p.text for p in Document(str(report)).paragraphs]
    assert "c)\tprogress against the Strategy is reported to the Cabinet annually." in texts
    # approved as the meeting the covering report goes to decided, unless told otherwise
    store = w.connect(db)
    w.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    w.submit_period(store, LOCAL_ACTOR, "medway", "2024")
    store.engine.dispose()
    assert run("period", "approve", "2024", "--org", "medway", "--minute", "Minute 7/2025").strip() == \
        "medway 2024: Approved by Cabinet on 11 February 2025 (Minute 7/2025)"
    assert "give --committee" in run("period", "approve", "2023", "--org", "medway", code=2)


def test_the_example_report_text_is_kept_in_the_repository():
    assert MEDWAY_2024.is_relative_to(ROOT) and Path(MEDWAY_2024).read_text(encoding="utf-8").startswith("#")


def test_a_date_that_is_no_date_is_named_with_its_line_in_any_yaml_file():
    with pytest.raises(InvalidFile) as caught:
        parse_covering("meeting: {committee: Cabinet, date: 2025-13-40}\nsections:\n  - heading: A\n"
                       "    text: 2025-02-30\n", "report.yaml")
    assert caught.value.shown() == ["report.yaml:1: (date): '2025-13-40' is not a date; write a date as 2025-02-11",
                                    "report.yaml:4: (date): '2025-02-30' is not a date; write a date as 2025-02-11"]
    with pytest.raises(InvalidFile, match=r"^r.yaml:3: \(date\): '2024-02-31' is not a date"):
        parse_yaml("organisation: {id: x, name: X}\nperiods:\n  - started: 2024-02-31\n", "r.yaml")


def test_an_import_keeps_the_councils_sections_and_a_rename_keeps_a_drafts_words(medway_2024):
    store = medway_2024
    short = ("sections:\n  - heading: Purpose of Report\n    text: Why.\n"
             "  - heading: Recommendations\n    items: [noted]\n  - heading: Our own section\n    text: Ours.\n")
    done = w.import_covering(store, LOCAL_ACTOR, "medway", "2024", short.encode(), name="short.yaml")
    headings = [s.heading for s in done.report.sections]
    # the council's sections in their order (PART B and Officers to Contact kept), then the file's own
    assert headings[:3] == ["PART A", "Purpose of Report", "Recommendations"]
    assert {"PART B", "Officers to Contact"} <= set(headings) and headings[-1] == "Our own section"
    shown = w.queries.covering(store, LOCAL_ACTOR, "medway", "2024")
    assert shown.report.section("Our own section").text == "Ours."  # type: ignore[union-attr]
    # the administrator renames a section: the draft's words move with it (a new version)
    shape = SHAPES["cabinet"][1]
    new = replace(shape, sections=tuple(replace(s, heading="Purpose of this Report")
                                        if s.heading == "Purpose of Report" else s for s in shape.sections))
    w.set_report_shape(store, LOCAL_ACTOR, "medway", new, renamed_sections={"Purpose of Report": "Purpose of this Report"})
    after = w.queries.covering(store, LOCAL_ACTOR, "medway", "2024")
    assert after.saved.section("Purpose of this Report").text == "Why."  # type: ignore[union-attr]
    assert after.saved.section("Purpose of Report") is None  # type: ignore[union-attr]
    assert [s.heading for s in after.report.sections].count("Purpose of this Report") == 1
    versions = w.queries.covering_versions(store, LOCAL_ACTOR, "medway", "2024")
    assert versions[0][1] == "sections renamed: Purpose of Report to Purpose of this Report"


def test_a_change_of_shape_leaves_a_frozen_period_as_it_was_put(medway_2024):
    store = medway_2024
    w.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    w.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    w.submit_period(store, LOCAL_ACTOR, "medway", "2024")
    before = w.queries.covering(store, LOCAL_ACTOR, "medway", "2024").saved
    w.set_report_shape(store, LOCAL_ACTOR, "medway", w.shape_named("scrutiny"),
                       renamed_sections={"Purpose of Report": "Summary"})
    shown = w.queries.covering(store, LOCAL_ACTOR, "medway", "2024")
    assert shown.saved == before                                  # not renamed: it is submitted
    assert outside(shown.saved, shown.shape)[:2] == ["Purpose of Report", "Recommendations"]
    assert blocks(shown.saved) == blocks(fitted(read_covering(MEDWAY_2024), SHAPES["cabinet"][1]))  # type: ignore[arg-type]


def test_a_date_written_the_british_way_or_a_bare_yes_is_answered_in_words():
    with pytest.raises(InvalidFile) as caught:
        parse_covering("meeting: {committee: Cabinet, date: 11/02/2025}\nsections:\n  - heading: yes\n", "r.yaml")
    assert caught.value.shown() == [
        "r.yaml:1: meeting.date: '11/02/2025' is not a date; write a date as 2025-02-11",
        "r.yaml:3: sections[item 1].heading: input should be a valid string (found true/false value true; put words "
        "such as yes or no in quotes)"]
