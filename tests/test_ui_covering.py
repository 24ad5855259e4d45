"""The covering report in the app (AppTest, single-user local mode): an administrator chooses the
council's shape, an editor writes it and saves it (read back from the database), it is read-only
once submitted, and the approval form takes its committee and date from the meeting."""

from __future__ import annotations

import html
import re
from datetime import date

from assessment import workflows
from assessment.ui.covering_form import section_key
from assessment.domain.covering import SHAPES, ShapeSection, fitted
from assessment.formats.covering_file import read_covering
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR

from .conftest import FIXTURES, shown, stored, unescape
from .test_ui_scoring import db, new_app  # noqa: F401 - db is a fixture

PAGE = "assessment/ui/covering_page.py"
MEDWAY_2024 = FIXTURES / "report-text" / "medway-2024.yaml"


def _texts(at) -> str:
    """What the page says: its Markdown read as typed, and its HTML blocks (the covering report's
    paragraphs) as text, a line a paragraph."""
    paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p).replace("<br>", "\n"))
                  for e in at.get("html") for p in re.findall(r"<p[^>]*>.*?</p>", e.proto.body, re.S)]
    return unescape("\n".join(e.value for e in [*shown(at.markdown), *shown(at.info), *shown(at.success),
                                                *shown(at.error), *shown(at.caption)])) + "\n" + "\n".join(paragraphs)


def _open(at):
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_choose_the_shape_then_write_and_save_the_covering_report(db):  # noqa: F811
    store = open_store(db)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    at = _open(new_app("medway", "2024"))
    assert "Medway Council has no report shape yet" in _texts(at)
    at.selectbox(key="shape.medway.start").set_value("scrutiny")
    at.button(key="shape.medway.use").click().run()
    assert "now has the sections of a Scrutiny report" in _texts(at)
    assert stored(store, "medway").report_shape == SHAPES["scrutiny"][1]
    at.text_input(key="covering.medway.2024.committee").input("Corporate and Communities Overview and Scrutiny Panel")
    at.text_input(key="covering.medway.2024.author").input("Head of Commercial")
    purpose = "Purpose of the Meeting"
    at.text_area(key=section_key("medway", "2024", "Summary", "text")).input(
        "The Panel asked for the 2024 assessment.\n\nIt is *attached* <b>as</b> Appendix 1. Ask jo@council.gov.uk.")
    at.text_area(key=section_key("medway", "2024", purpose, "text")).input("The Panel is asked to:")
    at.text_area(key=section_key("medway", "2024", purpose, "items")).input(
        "consider the information provided\n\nagree whether any further Scrutiny is required")
    at.run()
    at.switch_page("assessment/ui/home.py").run()   # words typed and left are kept while the person is elsewhere
    _open(at)
    assert at.text_area(key=section_key("medway", "2024", "Summary", "text")).value.startswith("The Panel asked")
    at.button(key="covering.medway.2024.save").click().run()
    assert not at.exception, at.exception
    assert "Saved the covering report (version 1)." in _texts(at)
    saved = stored(store, "medway").period("2024").covering
    assert saved is not None and saved.author == "Head of Commercial"
    assert saved.section("Purpose of the Meeting").items == ("consider the information provided",  # type: ignore
                                                             "agree whether any further Scrutiny is required")
    text = _texts(at)   # laid out below as members read it, the words as typed
    assert "1. The Panel asked for the 2024 assessment." in text
    assert "2. It is *attached* <b>as</b> Appendix 1. Ask jo@council.gov.uk." in text
    assert "\u2060" not in "".join(e.proto.body for e in at.get("html"))   # copied from the page, the address works
    assert "b) agree whether any further Scrutiny is required" in text
    assert "Version 1" in text


def test_start_says_which_required_sections_are_still_to_write(db):  # noqa: F811
    store = open_store(db)
    workflows.set_report_shape(store, LOCAL_ACTOR, "medway", workflows.shape_named("scrutiny"))
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    at = new_app("medway", "2024")
    assert "Covering report: 2 required sections still to write (“Summary”, “Purpose of the Meeting”)." in _texts(at)
    at.button(key="home.jump.covering").click().run()
    assert not at.exception, at.exception
    assert "Covering report: Medway Council, 2024" in unescape(at.title[0].value)


def test_once_submitted_it_is_read_only_and_the_approval_takes_the_meeting(db):  # noqa: F811
    store = open_store(db)
    workflows.set_report_shape(store, LOCAL_ACTOR, "medway", workflows.shape_named("cabinet"))
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    workflows.import_covering(store, LOCAL_ACTOR, "medway", "2024", MEDWAY_2024)
    workflows.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
    workflows.submit_period(store, LOCAL_ACTOR, "medway", "2024")
    at = _open(new_app("medway", "2024"))
    assert "2024 is submitted for approval, so it cannot be changed" in _texts(at)
    assert not [t for t in at.text_area if t.key and t.key.startswith("covering.")]
    assert "c) progress against the Strategy is reported to the Cabinet annually." in _texts(at)
    at.switch_page("assessment/ui/home.py").run()
    assert at.text_input(key="home.approve.decision").value == "Cabinet"
    assert at.date_input(key="home.approve.on").value == date(2025, 2, 11)
    at.button(key="home.approve").click().run()
    assert stored(store, "medway").period("2024").status == "approved"
    assert str(stored(store, "medway").period("2024").approval) == "Approved by Cabinet on 11 February 2025"
    assert fitted(read_covering(MEDWAY_2024), SHAPES["cabinet"][1]).same_words(
        stored(store, "medway").period("2024").covering)
    at.switch_page("assessment/ui/report_page.py").run()   # the progress report shows it too, for councillors
    assert not at.exception, at.exception
    assert "The covering report (it opens the Word and PDF report)" in [e.label for e in at.expander]
    assert "3. The National Procurement Strategy asks councils to assess their maturity each year and to " \
        "report it to members, so that progress can be seen and the next steps agreed." in _texts(at)


def test_an_administrator_renames_reorders_adds_and_removes_sections(db):  # noqa: F811
    store = open_store(db)
    workflows.set_report_shape(store, LOCAL_ACTOR, "medway", workflows.shape_named("scrutiny"))
    at = _open(new_app("medway", "2023"))
    rows = len(SHAPES["scrutiny"][1].sections)
    at.text_input(key="shape.medway.row.2.heading").input("Overview of the year")      # renamed
    at.number_input(key="shape.medway.row.1.order").set_value(3)                      # Summary after Legal...
    at.text_input(key="shape.medway.row.4.heading").input("")                         # removed
    at.text_input(key=f"shape.medway.row.{rows + 1}.heading").input("Risk Implications")   # added
    at.selectbox(key=f"shape.medway.row.{rows + 1}.kind").set_value("text")
    at.checkbox(key=f"shape.medway.row.{rows + 1}.required").check()
    at.button(key="FormSubmitter:shape.medway.form-Save the sections").click().run()
    assert not at.exception, at.exception
    shape = stored(store, "medway").report_shape
    assert shape is not None
    assert [s.heading for s in shape.sections][:4] == ["Overview of the year", "Legal, Financial, and HR Implications",
                                                        "Summary", "Purpose of the Meeting"]
    assert "Equality and Diversity Implications" not in [s.heading for s in shape.sections]
    assert shape.sections[-1] == ShapeSection("Risk Implications", "text", True)
    # a heading used twice is refused in words and nothing is saved
    at.text_input(key="shape.medway.row.1.heading").input("Summary")
    at.button(key="FormSubmitter:shape.medway.form-Save the sections").click().run()
    assert "The sections were not saved: section 3: there is already a section headed 'Summary'." in _texts(at)
    assert stored(store, "medway").report_shape == shape


def test_two_tabs_a_later_save_is_caught_not_written_over(db):  # noqa: F811
    store = open_store(db)
    workflows.set_report_shape(store, LOCAL_ACTOR, "medway", workflows.shape_named("scrutiny"))
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    first, second = _open(new_app("medway", "2024")), _open(new_app("medway", "2024"))
    summary = section_key("medway", "2024", "Summary", "text")
    overview = section_key("medway", "2024", "Overview", "text")
    first.text_area(key=overview).input("Tab A's overview.").run()
    first.button(key="covering.medway.2024.save").click().run()
    assert "Saved the covering report (version 2)." in _texts(first)
    second.text_area(key=summary).input("Tab B's summary.").run()
    second.button(key="covering.medway.2024.save").click().run()
    said = _texts(second)
    assert "2024's covering report was saved by local user" in said and "nothing was overwritten" in said
    saved = stored(store, "medway").period("2024").covering
    assert saved is not None and saved.version == 2 and saved.section("Overview").text == "Tab A's overview."  # type: ignore
    second.button(key="covering.medway.2024.keep_mine").click().run()   # mine over theirs, shown before saving
    assert second.text_area(key=overview).value == "Tab A's overview."
    assert second.text_area(key=summary).value == "Tab B's summary."
    second.button(key="covering.medway.2024.save").click().run()
    saved = stored(store, "medway").period("2024").covering
    assert saved is not None and saved.version == 3 and saved.section("Summary").text == "Tab B's summary."  # type: ignore
    assert saved.section("Overview").text == "Tab A's overview."  # type: ignore
    assert [r.version for r, _, _ in workflows.queries.covering_versions(store, LOCAL_ACTOR, "medway", "2024")][:2] == \
        [3, 2]   # theirs stays among the versions
