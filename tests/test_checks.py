"""Checks as you go."""

from __future__ import annotations

from datetime import date

from assessment.domain.advice import entry_warnings
from assessment.domain.record import Action, Entry
from assessment.domain.scores import Score


def test_a_move_of_a_level_without_a_comment_is_flagged(nps):
    before = Entry(item="3", score=Score(2.0))
    warnings = entry_warnings(nps, Entry(item="3", score=Score(3.0)), before, "2023")
    assert warnings == ["The score moved from 2 – Developing to 3 – Mature since 2023 without a comment: "
                        "say what changed."]
    assert entry_warnings(nps, Entry(item="3", score=Score(3.0), comment="Training delivered."), before) == []
    assert entry_warnings(nps, Entry(item="3", score=Score(2.5)), before) == []  # half a level is not flagged


def test_a_target_below_today_is_flagged(nps):
    warnings = entry_warnings(nps, Entry(item="1", score=Score(4.0), target=Score(3.0)))
    assert warnings == ["The target (3 – Mature) is below today's score (4 – Leader)."]


def test_open_actions_need_an_owner_and_a_due_date(nps):
    entry = Entry(item="1", actions=[Action("Write the policy"), Action("Train staff", owner="HR"),
                                     Action("Done already", status="done"),
                                     Action("Publish", owner="Comms", due=date(2026, 11, 21))])
    assert entry_warnings(nps, entry) == ["The action “Write the policy” has no owner or due date.",
                                          "The action “Train staff” has no due date."]
