"""The layouts of our files (assessment/layouts.py): what the writers write, the readers read."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from assessment.domain.record import Action, Entry
from assessment.formats.layouts import (
    ACTIONS_SHEET_COLUMNS,
    PERIOD_SHEET_COLUMNS,
    TEMPLATE_COLUMNS,
    action_line,
    comments_and_action,
    parse_action_line,
    split_actions,
)
from assessment.formats.writers.excel_workbook import workbook_xlsx
from assessment.formats.writers.import_template import template_csv


@pytest.mark.parametrize("action", [
    Action("Publish the strategy", "Head of Procurement", date(2027, 3, 21), "open"),
    Action("Train (again) staff", None, None, "done"),
    Action("Brief members", "Smith, Jones (HR)", date(2026, 11, 21), "in progress"),
])
def test_an_action_line_reads_back(action):
    line = action_line(action)
    assert line.startswith("Action: ") and parse_action_line(line) == action


def test_a_comment_cell_reads_back_and_a_quoted_action_is_not_repeated():
    entry = Entry("1", comment="We will publish the strategy.", actions=[
        Action("publish the strategy", status="open"), Action("Train staff", "HR", date(2027, 1, 5), "open")])
    cell = comments_and_action(entry)
    assert cell == "We will publish the strategy.\nAction: Train staff (HR, 5 January 2027, open)"
    assert split_actions(cell) == ("We will publish the strategy.", [entry.actions[1]])
    assert parse_action_line("Action: no status (HR)") is None


def test_the_writers_use_the_layouts(nps, medway):
    assert template_csv(nps, ["2024"]).decode("utf-8-sig").splitlines()[0] == ",".join(TEMPLATE_COLUMNS)
    book = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(nps, medway).data))
    assert [c.value for c in book["2023"][4]] == [name for name, _ in PERIOD_SHEET_COLUMNS]
    assert [c.value for c in book["Actions"][4]] == [name for name, _ in ACTIONS_SHEET_COLUMNS]
