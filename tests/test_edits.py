"""An edit as a person makes it (assessment/edits.py) and the entry it makes: the one conversion."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.domain.edits import EntryEdit, action_from_row, action_rows, apply_edit
from assessment.domain.errors import ScoreError
from assessment.domain.record import Action, Entry, Evidence
from assessment.domain.scores import NOT_APPLICABLE, Score


def test_only_what_was_changed_changes_and_the_score_is_confirmed(nps):
    base = Entry("3", score=Score(2.5), target=Score(4.0), comment="Old words.", carried=True, version=4,
                 actions=[Action("Train", owner="HR", id=9)])
    entry = apply_edit(nps, base, EntryEdit("3", base_version=4, score="3 – Mature", comment="  New words.  "))
    assert (entry.score, entry.target, entry.comment, entry.carried, entry.version) == \
        (Score(3.0), Score(4.0), "New words.", False, 4)
    assert entry.actions == base.actions


def test_every_field(nps):
    edit = EntryEdit("3", score="n/a", target="2/3", comment="", evidence="Minutes | https://example.org/m\n",
                     actions=[{"text": " Brief members ", "owner": " ", "due": date(2027, 3, 21), "status": "",
                               "rag": "red", "id": None}, {"text": "   "}])
    entry = apply_edit(nps, Entry("3"), edit)
    assert (entry.score, entry.target, entry.comment) == (NOT_APPLICABLE, Score(2.5), None)
    assert entry.evidence == [Evidence("https://example.org/m", "Minutes")]
    assert entry.actions == [Action("Brief members", None, date(2027, 3, 21), "open", "red")]
    assert edit.changed == ["score", "target", "comment", "evidence", "actions"]


def test_an_impossible_score_is_refused_with_where_it_is(nps, tiny):
    with pytest.raises(ScoreError, match="objective 3: '7' is not a level of the scale"):
        apply_edit(nps, Entry("3"), EntryEdit("3", score="7"))
    with pytest.raises(ScoreError, match="half step, which this key area does not allow"):
        apply_edit(tiny, Entry("S1"), EntryEdit("S1", score="1/2"))


def test_action_rows_read_back():
    entry = Entry("1", actions=[Action("Train", "HR", date(2027, 1, 5), "in progress", "amber", 4)])
    assert [action_from_row(row) for row in action_rows(entry)] == entry.actions


def test_evidence_must_be_a_web_address(nps):
    from assessment.domain.errors import InvalidEdit
    with pytest.raises(InvalidEdit, match="objective 3: the evidence line “just some text without address” has no "
                                          "web address"):
        apply_edit(nps, Entry("3"), EntryEdit("3", evidence="Minutes | https://example.org/m\njust some text without address"))
    entry = apply_edit(nps, Entry("3"), EntryEdit("3", evidence="www.example.org/plan\nPlan | HTTPS://EXAMPLE.ORG"))
    assert [e.url for e in entry.evidence] == ["www.example.org/plan", "HTTPS://EXAMPLE.ORG"]


def test_text_longer_than_the_database_keeps_is_refused_with_where_it_is(nps):
    from assessment.domain import limits
    from assessment.domain.errors import InvalidEdit
    base = Entry("1")
    assert apply_edit(nps, base, EntryEdit("1", comment="c" * limits.COMMENT)).comment == "c" * limits.COMMENT
    with pytest.raises(InvalidEdit) as caught:
        apply_edit(nps, base, EntryEdit("1", comment="c" * (limits.COMMENT + 1)))
    assert str(caught.value) == ("objective 1: the comment is 32,001 "
                                 "characters long; up to 32,000 can be kept")
    with pytest.raises(InvalidEdit, match="an action's owner is 201 characters long; up to 200 can be kept$"):
        apply_edit(nps, base, EntryEdit("1", actions=[{"text": "Train", "owner": "o" * 201}]))
    with pytest.raises(InvalidEdit, match="an evidence title is 301 characters long; up to 300 can be kept$"):
        apply_edit(nps, base, EntryEdit("1", evidence="t" * 301 + " | https://example.org"))
