"""Sign-off that holds (issue 24), through the command line on the example data: a submitted period
refuses an import (exit 2, naming its status) until it is withdrawn with a reason; submitting
lists colleagues' unsaved drafts and needs --ignore-drafts; a decision date must be a possible one,
and a date that is not one is refused in words."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import InvalidEdit

from .conftest import ROOT


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'council.db'}"
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    store.engine.dispose()

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr
        assert done.returncode == code, (args, done.stdout, done.stderr)
        return done
    run.url = url
    return run


def test_a_submitted_period_refuses_an_import_until_withdrawn(cli, tmp_path):
    sheet = tmp_path / "late.csv"
    sheet.write_text("Period,Objective number,Score,Comment\n2023,8,4,Scored again after the year ended\n")
    cli("period", "reopen", "2023", "--org", "medway", "--reason", "The year's scores need one more look")
    cli("period", "submit", "2023", "--org", "medway")
    refused = cli("import", "xlsx", str(sheet), "--org", "medway", code=2)
    assert refused.stderr.startswith("error: 2023 is submitted for approval, so it cannot be imported into")
    assert "an editor can withdraw it" in refused.stderr
    missing = cli("period", "withdraw", "2023", "--org", "medway", code=2)
    assert "Missing option '--reason'" in missing.stderr
    done = cli("period", "withdraw", "2023", "--org", "medway", "--reason", "Objective 8 was scored too low")
    assert done.stdout == "medway 2023: withdrawn; a draft again\n"
    assert "imported" in cli("import", "xlsx", str(sheet), "--org", "medway").stdout
    cli("period", "submit", "2023", "--org", "medway")
    future = (date.today() + timedelta(days=1)).isoformat()
    refused = cli("period", "approve", "2023", "--org", "medway", "--committee", "Cabinet", "--date", future, code=2)
    assert refused.stderr.startswith("error: the date of the decision, ") and "is in the future" in refused.stderr
    today = date.today()
    approved = cli("period", "approve", "2023", "--org", "medway", "--committee", "Cabinet", "--date",
                   today.isoformat(), "--minute", "Minute 12/2026")
    assert approved.stdout == f"medway 2023: Approved by Cabinet on {today.day} {today:%B %Y} (Minute 12/2026)\n"
    history = cli("history", "--org", "medway", "--period", "2023").stdout
    assert "withdrawn: Objective 8 was scored too low" in history and "reopened: The year's scores need" in history


def test_a_decision_date_is_written_as_a_date(cli):
    cli("period", "reopen", "2023", "--org", "medway", "--reason", "again")
    cli("period", "submit", "2023", "--org", "medway")
    refused = cli("period", "approve", "2023", "--org", "medway", "--committee", "Cabinet", "--date", "13/02/2024",
                  code=2)
    assert "“13/02/2024” is not a date; write it as YYYY-MM-DD, e.g. 2026-11-21 for 21 November 2026" in refused.stderr
    assert "%Y" not in refused.stderr


def test_submit_lists_colleagues_drafts_and_needs_to_be_told_to_leave_them_out(cli):
    store = workflows.connect(cli.url)
    officer = workflows.Actor("officer@medway.gov.uk", roles={"medway": "editor"})
    workflows.start_period(store, officer, "medway", "2024")
    workflows.confirm_scores(store, officer, "medway", "2024")
    workflows.keep_draft(store, officer, "medway", "2024", EntryEdit("31", base_version=2, score="4"))
    store.engine.dispose()
    refused = cli("period", "submit", "2024", "--org", "medway", code=2)
    assert refused.stderr.startswith("error: 2024 has 1 unsaved draft that would not be in the submitted record: "
                                     "objective 31 (officer@medway.gov.uk, last changed ")
    assert refused.stderr.rstrip().endswith("submit anyway (--ignore-drafts on the command line)")
    assert cli("period", "submit", "2024", "--org", "medway", "--ignore-drafts").stdout == \
        "medway 2024: Submitted for approval\n"
    store = workflows.connect(cli.url)
    (kept,) = workflows.queries.drafts(store, officer, "medway", "2024")   # kept, for its owner to see
    assert kept.edit.score == "4"
    store.engine.dispose()


@pytest.mark.parametrize("on, said", [
    (date(2035, 1, 1), "is in the future"),
    (date(2022, 12, 31), "is before 2023 began"),
])
def test_an_impossible_decision_date_is_refused(on, said):
    with pytest.raises(InvalidEdit, match=said):
        workflows.check_decision_date("2023", on, today=date(2026, 12, 4))


@pytest.mark.parametrize("period, on", [("2023", date(2023, 1, 1)), ("2023/24", date(2026, 12, 4)),
                                        ("2022", date(2024, 2, 13))])
def test_a_possible_decision_date_is_taken(period, on):
    """A committee deciding late on an earlier year's record is fine."""
    workflows.check_decision_date(period, on, today=date(2026, 12, 4))


@pytest.mark.parametrize("period", ["0000", "9999", "2027/9999", "1989", "2100/01"])
def test_a_period_in_an_impossible_year_is_refused(cli, period):
    """It was accepted, and the Start page then crashed (a year 0; a date picker from 9999 to today)."""
    refused = cli("period", "start", period, "--org", "medway", code=2)
    assert f"'{period}' is not a period; write a year such as 2024" in refused.stderr


def test_a_period_is_not_started_more_than_a_year_ahead():
    with pytest.raises(InvalidEdit, match=r"2029 begins more than a year from now; .* \(up to 2027\)"):
        workflows.check_not_far_ahead("2029", today=date(2026, 12, 4))
    workflows.check_not_far_ahead("2027/28", today=date(2026, 12, 4))   # prepared the year before


def test_a_period_with_nothing_scored_is_not_submitted(cli):
    cli("period", "start", "2024", "--org", "medway", "--blank")
    refused = cli("period", "submit", "2024", "--org", "medway", code=2)
    assert "2024 has nothing scored yet; score it before submitting it" in refused.stderr
