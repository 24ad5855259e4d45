"""Reading and writing scores as people write them."""

from __future__ import annotations

import pytest

from assessment.domain.errors import ScoreError
from assessment.domain.scores import NOT_APPLICABLE, UNSCORED, Score, parse_score


@pytest.mark.parametrize("raw, value", [
    ("3", 3.0), (3, 3.0), ("3 - Mature", 3.0), ("3 – Mature", 3.0), ("3 Mature", 3.0), ("Mature", 3.0),
    ("mature", 3.0), ("2/3", 2.5), ("2 / 3", 2.5), ("2.5", 2.5), (2.5, 2.5), ("  4 ", 4.0), ("5", 5.0),
    ("1", 1.0),
])
def test_accepted_scores(nps, raw, value):
    assert parse_score(raw, nps, where="objective 1") == Score(value)


@pytest.mark.parametrize("raw", ["n/a", "N/A", "NA", "not applicable"])
def test_not_applicable_is_a_state(nps, raw):
    score = parse_score(raw, nps)
    assert score == NOT_APPLICABLE and score.state == "n/a" and not score.is_scored


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_blank_is_not_yet_scored(nps, raw):
    assert parse_score(raw, nps) == UNSCORED
    assert UNSCORED.state == "unscored" and UNSCORED.written is None


@pytest.mark.parametrize("raw, message", [
    ("6", "objective 17: '6' is not a level of the scale (levels 1–5)"),
    ("0", "objective 17: '0' is not a level of the scale (levels 1–5)"),
    ("3/5", "objective 17: '3/5' is not a score: a half step is written between two adjacent levels"),
    ("5/6", "objective 17: '5/6' is not a score: a half step is written between two adjacent levels"),
    ("2.25", "objective 17: '2.25' is not a level or a half step (levels 1–5)"),
    ("5.5", "objective 17: '5.5' is outside the scale (levels 1–5)"),
    ("great", "objective 17: 'great' is not a score; write a level (levels 1–5)"),
    ("3 - Leader", "objective 17: '3 - Leader' names level 'Leader' with the number of another level"),
    (True, "objective 17: 'True' is not a score"),
])
def test_impossible_scores_are_refused_with_the_value_and_objective(nps, raw, message):
    with pytest.raises(ScoreError) as caught:
        parse_score(raw, nps, where="objective 17")
    assert str(caught.value).startswith(message)


def test_half_steps_refused_where_the_framework_says_so(tiny):
    with pytest.raises(ScoreError, match="half step, which this key area does not allow"):
        parse_score("1/2", tiny, where="objective S1")
    assert parse_score("1/2", tiny, half_steps=True) == Score(1.5)
    assert parse_score("Excellent", tiny) == Score(3.0)
    with pytest.raises(ScoreError, match="not a level of the scale"):
        parse_score("4", tiny)


@pytest.mark.parametrize("score, written, label", [
    (Score(3.0), "3", "3 – Mature"), (Score(2.5), "2/3", "2/3"), (NOT_APPLICABLE, "n/a", "n/a"),
    (UNSCORED, None, "not yet scored"), (Score(1.0), "1", "1 – Minimum"),
])
def test_scores_are_written_as_people_write_them(nps, score, written, label):
    assert score.written == written
    assert score.label(nps) == label
    if written is not None:
        assert parse_score(written, nps) == score


from hypothesis import given, strategies as st  # noqa: E402

halves = st.integers(min_value=2, max_value=10).map(lambda h: h / 2)


@given(halves)
def test_every_score_on_the_scale_round_trips_through_its_written_form(value):
    from assessment.formats.framework_file import find_framework
    nps = find_framework("nps-2018")
    assert parse_score(Score(value).written, nps) == Score(value)


@given(st.lists(st.one_of(halves.map(Score), st.just(NOT_APPLICABLE), st.just(UNSCORED)), max_size=30))
def test_roll_up_level_is_the_whole_level_at_or_below_the_mean(scores):
    from assessment.domain.rollups import roll_up
    r = roll_up(scores)
    scored = [s.value for s in scores if s.is_scored]
    assert r.n == len(scored)
    if scored:
        assert r.level <= r.mean < r.level + 1
        assert abs(r.mean - sum(scored) / len(scored)) < 1e-9
    else:
        assert r.mean is None and r.level is None


def test_score_choices_are_one_list_for_forms_and_spreadsheets(nps, tiny):
    """The form's options and the template's list were written twice; both come from `score_choices`."""
    from assessment.domain.scores import choice_labels, score_choices
    from assessment.formats.writers.import_template import template_xlsx
    assert [s.written for s in score_choices(nps, True)] == ["1", "1/2", "2", "2/3", "3", "3/4", "4", "4/5", "5", "n/a"]
    assert [s.written for s in score_choices(nps, False)] == ["1", "2", "3", "4", "5", "n/a"]
    assert choice_labels(nps, "engaging-councillors") == [
        "not yet scored", "1 – Minimum", "1/2", "2 – Developing", "2/3", "3 – Mature", "3/4", "4 – Leader", "4/5",
        "5 – Innovator", "n/a"]
    import io

    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(nps, ["2024"])))
    lists = {v.formula1 for v in book["Scores"].data_validations.dataValidation}
    assert lists == {'"' + ",".join(s.written for s in score_choices(nps, True)) + '"'}
