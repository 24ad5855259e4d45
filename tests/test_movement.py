"""Movement between periods (assessment/movement.py): one rule for its direction, one wording."""

from __future__ import annotations

import pytest

from assessment.domain.movement import change, direction, label


@pytest.mark.parametrize("before, after, moved", [(2.0, 3.0, 1.0), (3.0, 2.5, -0.5), (None, 3.0, None),
                                                  (3.0, None, None)])
def test_change_needs_both_sides(before, after, moved):
    assert change(before, after) == moved


@pytest.mark.parametrize("moved, word", [(0.5, "improved"), (-1, "declined"), (0, "unchanged"),
                                         (None, "not comparable")])
def test_direction(moved, word):
    assert direction(moved) == word


@pytest.mark.parametrize("moved, amount, text", [
    (0.5, None, "▲ up"), (-0.25, None, "▼ down"), (0, None, "= no change"), (None, None, "–"),
    (0.5, "mean", "▲ up 0.50"), (-0.125, "mean", "▼ down 0.13"), (0.0, "mean", "= no change"),
    (1, "levels", "▲ up 1 level"), (-1.5, "levels", "▼ down 1.5 levels"), (None, "levels", "–"),
])
def test_one_wording_everywhere(moved, amount, text):
    """Three wordings ("= same" in the report, "▲ +0.50" in the CLI, "▲ up 0.5 level(s)" on the score
    page) became this one."""
    assert label(moved, amount=amount) == text


def test_the_report_the_cli_and_the_start_page_use_it(nps, medway):
    from assessment.domain.report import movement_table, progress_report
    from assessment.domain.summary import period_summary, summary_table
    table = movement_table(progress_report(nps, medway, "2023"), nps)
    # with its amount, as the page's own table and Word show it
    assert {row["Direction"].rsplit(" ", 1)[0] for row in table} <= {"▲ up", "▼ down", "= no", "–"}
    assert all(row["Direction"] in ("= no change", "–") or row["Direction"][-3] == "." for row in table)
    text = summary_table(period_summary(nps, medway, "2023", "2022"))
    assert "▲ up 0." in text and "▲ +" not in text
