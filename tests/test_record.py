"""Rules of the record (assessment/record.py): open actions, evidence as text, periods, appendix periods."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.domain.errors import AssessmentError, NotFound
from assessment.domain.record import (
    ACTION_STATUSES,
    OPEN_ACTION_STATUSES,
    Action,
    ActionUpdate,
    Evidence,
    PeriodRecord,
    check_period,
    evidence_text,
    parse_evidence,
)


def test_open_actions_are_open_or_in_progress():
    assert OPEN_ACTION_STATUSES == ("open", "in progress")
    assert {s for s in ACTION_STATUSES if Action("x", status=s).is_open} == set(OPEN_ACTION_STATUSES)


def test_an_action_is_open_at_a_period_until_it_is_closed():
    """One row per action for its whole life: raised in 2022, in progress in 2023, done in 2024."""
    action = Action("Publish the strategy", status="done", updates=[
        ActionUpdate("in progress", date(2023, 5, 1), "Drafted", "2023"),
        ActionUpdate("done", date(2024, 7, 9), "Published", "2024")])
    assert [action.status_at("2022", p) for p in ("2021", "2022", "2023", "2024", "2025")] == \
        [None, "open", "in progress", "done", "done"]
    assert [action.open_at("2022", p) for p in ("2021", "2022", "2023", "2024")] == [False, True, True, False]
    # Where a period's end date is known (its approval, once sign-off exists), a later change does not count.
    assert action.open_at("2022", "2024", end=date(2024, 6, 30))
    assert not action.is_open


def test_without_recorded_changes_the_status_now_holds_for_every_period():
    done = Action("Imported as done", status="done")
    assert [done.open_at("2022", p) for p in ("2022", "2023")] == [False, False]
    assert Action("Still open").open_at("2022", "2030")


def test_evidence_text_round_trips():
    links = [Evidence("https://example.org/minutes", "Cabinet minutes: 12 March"), Evidence("https://example.org/a")]
    text = evidence_text(links)
    assert text == "Cabinet minutes: 12 March | https://example.org/minutes\nhttps://example.org/a"
    assert parse_evidence(text) == links
    assert parse_evidence("\n  \n") == [] and parse_evidence(None) == []


def test_evidence_written_by_earlier_workbooks_is_still_read():
    """The workbook wrote "title: address" while the app wrote "title | address"; both now write the
    latter, and the old form is still read."""
    assert parse_evidence("Internal audit 2023: https://example.org/audit") == \
        [Evidence("https://example.org/audit", "Internal audit 2023")]


@pytest.mark.parametrize("bad", ["last year", "2023/25", "23", ""])
def test_check_period_says_how_a_period_is_written(bad):
    with pytest.raises(AssessmentError, match="write a year such as 2024 or a financial year such as 2024/25"):
        check_period(bad)


def test_appendix_periods_are_the_last_two_up_to_the_chosen_one(medway):
    medway.periods.append(PeriodRecord("2024"))
    assert medway.appendix_periods() == ["2023", "2024"]
    assert medway.appendix_periods("2023") == ["2022", "2023"]
    assert medway.appendix_periods("2022") == ["2022"]
    with pytest.raises(NotFound):
        medway.appendix_periods("2030")


def test_the_exports_and_the_page_default_to_the_same_appendix_periods(nps, medway):
    """The appendix, the report's attached appendix and the page's choice had three defaults."""
    import io

    from docx import Document

    from assessment.formats.writers.word_appendix import appendix_docx
    from assessment.formats.writers.word_report import report_docx
    medway.periods.append(PeriodRecord("2024"))

    def periods_in(data: bytes) -> list[str]:
        headers = [c.text for t in Document(io.BytesIO(data)).tables for c in t.rows[0].cells]
        return sorted({h.removesuffix(" Score") for h in headers if h.endswith(" Score")})

    assert periods_in(appendix_docx(nps, medway).data) == medway.appendix_periods()
    attached = report_docx(nps, medway, "2023", attach_appendix=True).data
    assert periods_in(attached) == medway.appendix_periods("2023") == ["2022", "2023"]
