"""Listing and filtering actions across objectives and periods."""

from __future__ import annotations

from datetime import date

from assessment.domain.action_list import action_rows, filter_rows
from assessment.domain.record import Action


def test_every_medway_action_is_listed_with_its_objective(nps, medway):
    rows = action_rows(nps, medway)
    assert len(rows) == 22
    first = rows[0]
    assert (first.period, first.item, first.key_area_id) == ("2022", "3", "engaging-councillors")
    assert first.title == "3. Councillor Development"


def test_filters_and_overdue(nps, medway):
    entry = medway.period("2023").entries["3"]
    entry.actions[0].due = date(2026, 1, 31)
    entry.actions[0].owner = "Category Management"
    entry.actions.append(Action("Finished", owner="HR", due=date(2025, 1, 1), status="done"))
    rows = action_rows(nps, medway)
    today = date(2026, 11, 21)
    overdue = filter_rows(rows, overdue_only=True, today=today)
    assert [(r.period, r.item) for r in overdue] == [("2023", "3")]  # the done one is not overdue
    assert len(filter_rows(rows, owners=["HR"])) == 1
    assert len(filter_rows(rows, statuses=["done"])) == 2     # the social value policy, and "Finished"
    assert len(filter_rows(rows, raised_in=["2022"])) == 12
    assert {r.key_area_id for r in filter_rows(rows, key_areas=["obtaining-social-value"])} == {"obtaining-social-value"}
    assert [r.item for r in filter_rows(rows, due_by=date(2026, 6, 1))] == ["3", "3"]
