"""Rules of the record (assessment/record.py): open actions, evidence as text, periods, appendix periods."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.action_list import action_rows, filter_rows
from assessment.errors import AssessmentError, NotFound
from assessment.record import (ACTION_STATUSES, OPEN_ACTION_STATUSES, Action, Entry, Evidence, Organisation,
                               OrganisationRecord, PeriodRecord, check_period, evidence_text, parse_evidence)
from assessment.scoring import carry_forward


def test_open_actions_are_open_or_in_progress():
    assert OPEN_ACTION_STATUSES == ("open", "in progress")
    assert {s for s in ACTION_STATUSES if Action("x", status=s).is_open} == set(OPEN_ACTION_STATUSES)


def test_an_action_carried_forward_is_counted_once(nps):
    """After a period is carried forward, the old action ("carried forward") and its copy both
    counted as open and overdue on the Actions page and in the workbook; only the copy is open."""
    old = Action("Publish the strategy", owner="Head of Procurement", due=date(2024, 3, 31), status="open", id=7)
    first = PeriodRecord("2023", entries={"1": Entry("1", actions=[old])})
    carried = carry_forward(first, "2024")
    first.entries["1"].actions[0].status = "carried forward"      # as the start-period workflow closes it
    record = OrganisationRecord(Organisation("x", "X Council"), nps.id, nps.version, [first, carried.period])
    rows = action_rows(nps, record)
    assert [(r.period, r.action.status) for r in rows] == [("2023", "carried forward"), ("2024", "open")]
    overdue = filter_rows(rows, overdue_only=True, today=date(2024, 6, 1))
    assert [(r.period, r.action.text) for r in overdue] == [("2024", "Publish the strategy")]


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

    from assessment.exports.appendix import appendix_docx
    from assessment.exports.report_docx import report_docx
    medway.periods.append(PeriodRecord("2024"))

    def periods_in(data: bytes) -> list[str]:
        headers = [c.text for t in Document(io.BytesIO(data)).tables for c in t.rows[0].cells]
        return sorted({h.removesuffix(" Score") for h in headers if h.endswith(" Score")})

    assert periods_in(appendix_docx(nps, medway).data) == medway.appendix_periods()
    attached = report_docx(nps, medway, "2023", attach_appendix=True).data
    assert periods_in(attached) == medway.appendix_periods("2023") == ["2022", "2023"]
