"""Respondent rounds (assessment/domain/rounds.py): the spread of answers to an objective, spreads
and participation by group with small groups withheld, the words, and the states a round moves
through. Every expected number is worked out by hand in the comments, not by calling the code."""

from __future__ import annotations

import pytest

from assessment.domain.errors import AssessmentError, NotFound, ScoreError
from assessment.domain.rounds import (
    ANY_NOTE,
    K_DEFAULT,
    K_RANGE,
    MODES,
    PERSPECTIVES,
    PRIMARY_NOTE,
    STATES,
    Answer,
    Profile,
    RoundError,
    Share,
    Spread,
    Withheld,
    by_objective,
    check_k,
    check_move,
    groups_withheld,
    next_states,
    participation,
    percent,
    read_answer,
    spread,
    spread_words,
    spreads_by,
    views_differ_most,
)


def levels(*values: float, objective: str = "17") -> list[Answer]:
    return [Answer(objective, v) for v in values]


DK = Answer("17", dont_know=True)
NA = Answer("17", not_applicable=True)


# --- the constants --------------------------------------------------------------------------------

def test_the_defaults_the_issue_names():
    assert PERSPECTIVES == ("procurement officer", "service or commissioning officer", "finance", "legal",
                            "councillor", "senior manager", "partner body", "other")
    assert MODES == ("confidential", "anonymous")
    assert STATES == ("draft", "open", "closed", "applied")
    assert K_DEFAULT == 5 and K_RANGE == (3, 10)


# --- one objective's spread ------------------------------------------------------------------------

def test_odd_count():
    # sorted 1 2 2 3 3 3 4: n = 7, the median is the 4th, 3; lowest 1, highest 4.
    # Tukey's hinges: halves of (7+1)/2 = 4 each, sharing the median: 1 2 2 3 -> (2+2)/2 = 2;
    # 3 3 3 4 -> (3+3)/2 = 3; IQR 3 - 2 = 1. Range 4 - 1 = 3 >= 2: flagged.
    s = spread(levels(3, 1, 2, 4, 3, 2, 3))
    assert (s.n, s.median, s.lowest, s.highest) == (7, 3.0, 1.0, 4.0)
    assert s.counts == {1.0: 1, 2.0: 2, 3.0: 3, 4.0: 1}
    assert list(s.counts) == [1.0, 2.0, 3.0, 4.0]          # lowest first
    assert (s.lower_quartile, s.upper_quartile, s.iqr) == (2.0, 3.0, 1.0)
    assert s.range == 3.0 and s.flagged
    assert s.objective_id == "17"


def test_exactly_four_answers_give_an_iqr_by_tukeys_hinges():
    # sorted 2 3 3 4: median (3+3)/2 = 3. Halves of (4+1)//2 = 2: 2 3 -> 2.5; 3 4 -> 3.5; IQR 1.0.
    # (numpy's linear interpolation would give 2.75 and 3.25, an IQR of 0.5: this is not that.)
    s = spread(levels(4, 3, 2, 3))
    assert s.median == 3.0
    assert (s.lower_quartile, s.upper_quartile, s.iqr) == (2.5, 3.5, 1.0)
    assert s.range == 2.0 and s.flagged                    # 4 - 2 = 2: two levels apart is flagged


def test_six_answers_halves_without_the_median():
    # sorted 1 2 3 4 5 6: median (3+4)/2 = 3.5; halves of 3: 1 2 3 -> 2; 4 5 6 -> 5; IQR 3.
    # (numpy: 2.25 and 4.75, IQR 2.5.)
    s = spread(levels(6, 5, 4, 3, 2, 1))
    assert (s.median, s.lower_quartile, s.upper_quartile, s.iqr) == (3.5, 2.0, 5.0, 3.0)


def test_five_answers_share_the_median_between_the_halves():
    # sorted 1 1 2 4 5: median 2; halves of 3, sharing the 2: 1 1 2 -> 1; 2 4 5 -> 4; IQR 3.
    # (Halves leaving the median out would give 1 and 4.5, an IQR of 3.5.)
    s = spread(levels(5, 1, 4, 2, 1))
    assert (s.median, s.lower_quartile, s.upper_quartile, s.iqr) == (2.0, 1.0, 4.0, 3.0)


def test_three_answers_give_no_iqr():
    # 2 3 4: median 3, range 2, but fewer than four answers: no quartiles.
    s = spread(levels(2, 3, 4))
    assert s.median == 3.0 and s.range == 2.0
    assert s.lower_quartile is None and s.upper_quartile is None and s.iqr is None


def test_an_even_count_can_have_a_half_step_median_and_a_tie():
    # 2 2 3 3: median (2+3)/2 = 2.5; counts tie at two each; halves 2 2 -> 2 and 3 3 -> 3, IQR 1.
    # Range 1: not flagged.
    s = spread(levels(3, 2, 3, 2))
    assert s.median == 2.5 and s.counts == {2.0: 2, 3.0: 2}
    assert s.iqr == 1.0 and not s.flagged


def test_half_steps_are_levels_of_their_own():
    # 2 2.5 2.5 3: counts 2 -> 1, 2.5 -> 2, 3 -> 1; median (2.5+2.5)/2 = 2.5;
    # halves 2 2.5 -> 2.25 and 2.5 3 -> 2.75, IQR 0.5; range 1: not flagged.
    s = spread(levels(2.5, 3, 2, 2.5))
    assert s.counts == {2.0: 1, 2.5: 2, 3.0: 1}
    assert (s.median, s.lower_quartile, s.upper_quartile, s.iqr) == (2.5, 2.25, 2.75, 0.5)
    assert not s.flagged


def test_a_median_between_two_half_steps():
    # 2 and 2.5: median (2 + 2.5)/2 = 2.25, which is neither a level nor a half step.
    assert spread(levels(2, 2.5)).median == 2.25


@pytest.mark.parametrize("values, flagged", [
    ((2, 3.5), False),      # 1.5 apart
    ((2, 4), True),         # 2 apart
    ((2.5, 4.5), True),     # 2 apart, both half steps
    ((1, 5), True),         # 4 apart
    ((3, 3, 3), False),     # no spread
    ((4,), False),          # one answer
])
def test_flagged_when_two_or_more_levels_apart(values, flagged):
    assert spread(levels(*values)).flagged is flagged


def test_dont_know_and_na_are_counted_apart_and_in_nothing_else():
    # levels 3 and 4 only: n = 2, median (3+4)/2 = 3.5, counts of the levels only; 2 don't know, 1 n/a.
    s = spread([Answer("17", 3.0), DK, Answer("17", 4.0, comment="we have a plan"), NA, DK])
    assert (s.n, s.dont_know, s.not_applicable) == (2, 2, 1)
    assert s.counts == {3.0: 1, 4.0: 1} and s.median == 3.5 and (s.lowest, s.highest) == (3.0, 4.0)


def test_no_levels_at_all():
    s = spread([DK, NA])
    assert (s.n, s.dont_know, s.not_applicable) == (0, 1, 1)
    assert s.median is None and s.range is None and s.iqr is None and not s.flagged and s.counts == {}
    empty = spread([])
    assert empty.n == 0 and empty.objective_id is None


def test_a_spread_is_of_one_objective():
    with pytest.raises(RoundError, match="one objective's answers, not of 17, 18"):
        spread([Answer("17", 3.0), Answer("18", 3.0)])


def test_by_objective_keeps_the_order_objectives_come_in():
    found = by_objective([Answer("9", 2.0), Answer("3", 4.0), Answer("9", 3.0)])
    assert list(found) == ["9", "3"]
    assert found["9"].n == 2 and found["9"].median == 2.5 and found["3"].n == 1


def test_shares_are_of_those_answering_with_a_level():
    # 4 of 10 gave 3 -> 40%; the don't know is not in the 10.
    s = spread(levels(3, 3, 3, 3, 2, 2, 4, 4, 4, 5) + [DK])
    assert s.share(3.0) == "40% (4 of 10)"
    assert s.share(1.0) == "0% (0 of 10)"


@pytest.mark.parametrize("n, of, text", [
    (4, 10, "40% (4 of 10)"), (1, 8, "13% (1 of 8)"),      # 12.5 rounds half up
    (6, 13, "46% (6 of 13)"), (2, 3, "67% (2 of 3)"), (0, 0, "– (0 of 0)"), (1234, 2000, "62% (1,234 of 2,000)"),
])
def test_percent_shows_the_numbers_behind_it(n, of, text):
    assert percent(n, of) == text


# --- answers and profiles --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {},                                                  # nothing given
    {"value": 3.0, "dont_know": True},                   # two things given
    {"dont_know": True, "not_applicable": True},
    {"value": 2.25}, {"value": 0.0}, {"value": float("nan")}, {"value": float("inf")}, {"value": "3"},
    {"value": True},
])
def test_an_answer_is_exactly_one_thing(kwargs):
    with pytest.raises(RoundError):
        Answer("17", **kwargs)


def test_an_answer_as_written():
    assert [Answer("1", 3).written, Answer("1", 2.5).written, DK.written, NA.written] == \
        ["3", "2/3", "don't know", "n/a"]
    assert Answer("1", 3).value == 3.0 and isinstance(Answer("1", 3).value, float)


def test_reading_answers(tiny):
    assert read_answer("S1", "Don't know", tiny) == Answer("S1", dont_know=True)
    assert read_answer("S1", "n/a", tiny, comment="not ours") == Answer("S1", not_applicable=True, comment="not ours")
    assert read_answer("S1", "2 - Established", tiny) == Answer("S1", 2.0)
    assert read_answer("D1", "1/2", tiny) == Answer("D1", 1.5)     # the Data key area allows half steps
    assert read_answer("S1", "", tiny) is None
    with pytest.raises(ScoreError, match="objective S1: '1/2' is a half step, which this key area does not allow"):
        read_answer("S1", "1/2", tiny)
    with pytest.raises(ScoreError, match="objective S1: '4' is not a level of the scale"):
        read_answer("S1", "4", tiny)
    with pytest.raises(NotFound, match="objective 17 is not in"):
        read_answer("17", "3", tiny)


def test_a_profile_has_its_primary_among_its_perspectives():
    p = Profile("Finance", ("finance", "senior manager"), "finance")
    assert p.primary == "finance"
    with pytest.raises(RoundError, match="primary perspective \\(legal\\) is not one of theirs"):
        Profile("Finance", ("finance",), "legal")
    with pytest.raises(RoundError, match="no perspective"):
        Profile("Finance", (), "finance")
    with pytest.raises(RoundError, match="department is blank"):
        Profile("  ", ("finance",), "finance")
    with pytest.raises(RoundError, match="name one twice"):
        Profile("Finance", ("finance", "finance"), "finance")


# --- disclosure control ----------------------------------------------------------------------------

def test_a_lone_small_group_takes_the_next_smallest_with_it():
    # k = 5, sizes 6, 4, 7: the 4 is under 5; alone it could be found as total - 6 - 7, so the
    # next smallest (6) is withheld too; 4 + 6 = 10 >= 5, so the 7 is shown.
    withheld = groups_withheld({"Adults": 6, "Children": 4, "Place": 7}, 5)
    assert set(withheld) == {"Children", "Adults"}
    assert withheld["Children"].reason == "fewer than 5 people in it"
    assert "cannot be worked out from the total" in withheld["Adults"].reason


def test_two_small_groups_that_make_k_stand_alone():
    # sizes 2, 3, 9, 9: the 2 and the 3 are withheld; together they hold 5 = k, so no more.
    assert set(groups_withheld({"A": 2, "B": 3, "C": 9, "D": 9}, 5)) == {"A", "B"}


def test_two_small_groups_that_do_not_make_k_take_the_next_smallest():
    # sizes 1, 1, 9, 9: the 1s together hold 2 < 5, found by subtraction as a pair, so the next
    # smallest is withheld too: both 9s tie for it, so both go, and nothing is shown.
    assert set(groups_withheld({"A": 1, "B": 1, "C": 9, "D": 9}, 5)) == {"A", "B", "C", "D"}


def test_ties_for_next_smallest_are_all_withheld():
    # sizes 4, 6, 6, 9: the 4 alone is withheld; the two 6s tie for next smallest and both go
    # (no rule but their names could choose between them); 4 + 6 + 6 = 16 >= 5, so the 9 is shown.
    assert set(groups_withheld({"A": 4, "B": 6, "C": 6, "D": 9}, 5)) == {"A", "B", "C"}


@pytest.mark.parametrize("sizes, k, withheld", [
    ({"A": 5, "B": 5}, 5, set()),                       # exactly k is shown
    ({"A": 3, "B": 8}, 3, set()),                       # k at its lowest
    ({"A": 9, "B": 12, "C": 10}, 10, {"A", "C"}),       # k at its highest: 9 alone takes the 10
    ({"A": 0, "B": 9, "C": 9}, 5, {"A"}),               # an empty group hides nothing to subtract
    ({"A": 4}, 5, {"A"}),                               # one group, too small
])
def test_withholding_edges(sizes, k, withheld):
    assert set(groups_withheld(sizes, k)) == withheld


@pytest.mark.parametrize("k", [2, 11, 0, -5, True, 5.0, "5", None])
def test_k_out_of_range_is_refused(k):
    with pytest.raises(RoundError, match="from 3 to 10"):
        check_k(k)
    with pytest.raises(RoundError):
        spreads_by([], "department", k)


@pytest.mark.parametrize("k", [3, 5, 10])
def test_k_in_range(k):
    assert check_k(k) == k


def team(department: str, primary: str, values: list[float | None]) -> list[tuple[Answer, Profile]]:
    """One answer to objective 17 per value (None: "don't know") from people of one department."""
    profile = Profile(department, (primary,), primary)
    return [(Answer("17", v) if v is not None else DK, profile) for v in values]


def test_spreads_by_department_with_k_5():
    # Adults 6 (levels 3 3 3 3 4 4), Children 4 (2 2 2 3), Place 7 (4 4 4 4 5 5 5):
    # Children under 5 is withheld and takes Adults (next smallest) with it; Place is shown:
    # sorted 4 4 4 4 5 5 5, median 4, range 4 to 5, n 7.
    answers = (team("Adults", "finance", [3, 3, 3, 3, 4, 4]) + team("Children", "legal", [2, 2, 2, 3])
               + team("Place", "councillor", [4, 4, 4, 4, 5, 5, 5]))
    shown = spreads_by(answers, "department", k=5)
    assert list(shown) == ["Adults", "Children", "Place"]
    assert isinstance(shown["Children"], Withheld) and isinstance(shown["Adults"], Withheld)
    assert shown["Children"].reason == "fewer than 5 people answered with a level"
    place = shown["Place"]
    assert isinstance(place, Spread) and (place.n, place.median, place.lowest, place.highest) == (7, 4.0, 4.0, 5.0)


def test_spreads_by_department_two_small_groups():
    # sizes 2, 3, 9, 9 as in the issue: the 2 and the 3 are withheld, the 9s shown.
    answers = (team("Audit", "finance", [3, 3]) + team("Buying", "finance", [2, 3, 4])
               + team("Care", "finance", [3] * 9) + team("Depots", "finance", [4] * 9))
    shown = spreads_by(answers, "department")
    assert [type(v).__name__ for v in shown.values()] == ["Withheld", "Withheld", "Spread", "Spread"]


def test_a_groups_size_is_those_answering_with_a_level():
    # Finance has 6 people but 2 said "don't know": 4 levels < 5, so it is withheld, and takes
    # the next smallest, Legal (5 levels); Place (8) is shown.
    answers = (team("Finance", "finance", [3, 3, 4, 4, None, None]) + team("Legal", "legal", [2, 2, 3, 3, 3])
               + team("Place", "councillor", [3] * 8))
    shown = spreads_by(answers, "department")
    assert isinstance(shown["Finance"], Withheld) and isinstance(shown["Legal"], Withheld)
    assert isinstance(shown["Place"], Spread)


def test_spreads_by_primary_perspective():
    # Five people whose primary perspective is finance (two also senior managers) and five legal:
    # grouped by primary only, so there are two groups of 5 and no "senior manager" group.
    both = Profile("Resources", ("senior manager", "finance"), "finance")
    only = Profile("Resources", ("finance",), "finance")
    legal = Profile("Law", ("legal",), "legal")
    answers = ([(Answer("17", 2.0), both)] * 2 + [(Answer("17", 3.0), only)] * 3
               + [(Answer("17", 4.0), legal)] * 5)
    shown = spreads_by(answers, "perspective")
    assert list(shown) == ["finance", "legal"]              # in the order of PERSPECTIVES
    finance = shown["finance"]
    # finance: 2 2 3 3 3 -> median 3, halves 2 2 3 -> 2 and 3 3 3 -> 3
    assert isinstance(finance, Spread) and finance.n == 5 and finance.median == 3.0 and finance.iqr == 1.0


def test_spreads_by_refuses_what_it_cannot_do():
    with pytest.raises(RoundError, match="by department or by perspective, not by 'role'"):
        spreads_by([], "role")
    with pytest.raises(RoundError, match="one objective's answers"):
        spreads_by(team("A", "finance", [3]) + [(Answer("18", 3.0), Profile("A", ("finance",), "finance"))])


def test_perspectives_of_a_councils_own_come_after_the_defaults():
    answers = [(Answer("17", 3.0), Profile("X", (p,), p)) for p in ("zoo keeper", "legal", "finance", "auditor")
               for _ in range(5)]
    assert list(spreads_by(answers, "perspective")) == ["finance", "legal", "auditor", "zoo keeper"]


# --- participation ---------------------------------------------------------------------------------

def people(department: str, count: int, *perspectives: str) -> list[Profile]:
    return [Profile(department, tuple(perspectives), perspectives[0])] * count


def test_participation_counts_each_person_once_by_primary_perspective():
    # 15 people: Resources 5 (finance; 3 also senior managers), Procurement 5 (procurement officer),
    # Law 5 (legal; 2 also senior managers). By primary: 5 + 5 + 5 = 15, the number of people.
    # By any perspective held: finance 5, procurement officer 5, legal 5, senior manager 3 + 2 = 5:
    # 20 in all, more than the 15 people (seed 004: 43 respondents whose roles added to 52).
    everyone = (people("Resources", 3, "finance", "senior manager") + people("Resources", 2, "finance")
                + people("Procurement", 5, "procurement officer")
                + people("Law", 2, "legal", "senior manager") + people("Law", 3, "legal"))
    p = participation(everyone)
    assert p.people == 15
    assert {g: str(s) for g, s in p.by_perspective.items()} == {
        "procurement officer": "33% (5 of 15)", "finance": "33% (5 of 15)", "legal": "33% (5 of 15)"}
    assert sum(s.n for s in p.by_perspective.values() if isinstance(s, Share)) == 15
    assert {g: s.n for g, s in p.by_any_perspective.items() if isinstance(s, Share)} == {
        "procurement officer": 5, "finance": 5, "legal": 5, "senior manager": 5}
    assert sum(s.n for s in p.by_any_perspective.values() if isinstance(s, Share)) == 20
    assert p.primary_note == PRIMARY_NOTE and "add up to the number of people" in PRIMARY_NOTE
    assert p.any_note == ANY_NOTE and "more than the number of people" in ANY_NOTE
    assert list(p.by_department) == ["Law", "Procurement", "Resources"]
    assert all(s.base == "taking part" for s in p.by_department.values() if isinstance(s, Share))


def test_participation_of_those_invited_with_small_groups_withheld():
    # Departments: Finance 5, Procurement 6, Legal 2 (13 people). Legal (2) is under 5 and alone,
    # so the next smallest, Finance (5), is withheld too; Procurement: 6 of 8 invited = 75%.
    # By primary perspective (finance 5, procurement officer 6, legal 2) the same happens, of
    # everyone taking part: 6 of 13 = 46.15% -> 46%.
    everyone = (people("Finance", 5, "finance") + people("Procurement", 6, "procurement officer")
                + people("Legal", 2, "legal"))
    p = participation(everyone, invited_by_department={"Finance": 10, "Procurement": 8, "Legal": 4})
    assert isinstance(p.by_department["Legal"], Withheld) and isinstance(p.by_department["Finance"], Withheld)
    assert p.by_department["Legal"].reason == "fewer than 5 people took part"
    shown = p.by_department["Procurement"]
    assert isinstance(shown, Share) and str(shown) == "75% (6 of 8)" and shown.base == "invited"
    assert str(p.by_perspective["procurement officer"]) == "46% (6 of 13)"
    assert isinstance(p.by_perspective["legal"], Withheld) and isinstance(p.by_perspective["finance"], Withheld)


def test_participation_of_a_group_invited_where_nobody_took_part():
    # Housing invited 7, nobody answered: 0 people, withheld as under 5; it holds nobody, so it
    # takes no other group with it: Finance 6 of 10 = 60%, Place 5 of 5 = 100%.
    everyone = people("Finance", 6, "finance") + people("Place", 5, "councillor")
    p = participation(everyone, invited_by_department={"Finance": 10, "Place": 5, "Housing": 7}, k=5)
    assert isinstance(p.by_department["Housing"], Withheld)
    assert str(p.by_department["Finance"]) == "60% (6 of 10)" and str(p.by_department["Place"]) == "100% (5 of 5)"


def test_participation_refuses_invitation_counts_that_do_not_fit():
    everyone = people("Finance", 6, "finance")
    with pytest.raises(RoundError, match="6 took part in Finance, but only 4 were invited"):
        participation(everyone, invited_by_department={"Finance": 4})
    with pytest.raises(RoundError, match="no number invited is given"):
        participation(everyone, invited_by_department={"Legal": 4})
    with pytest.raises(RoundError, match="from 3 to 10"):
        participation(everyone, k=2)


# --- where views differ most -----------------------------------------------------------------------

def test_views_differ_most_by_range_then_iqr():
    # ranges: a 1-5 = 4; b 2-4 = 2 with IQR (2 2 | 4 4 -> 2 and 4) 2; c 2-4 = 2 with IQR
    # (2 3 | 3 4 -> 2.5 and 3.5) 1; d 2-4 = 2 with three answers, no IQR; e all 3: left out;
    # f 2-3 = 1; g nothing given: left out. Order: a, b, c, d, f.
    spreads = [spread(levels(*v, objective=o)) for o, v in [
        ("f", (2, 3)), ("d", (2, 3, 4)), ("e", (3, 3, 3)), ("c", (2, 3, 3, 4)), ("b", (2, 2, 4, 4)),
        ("a", (1, 5))]] + [spread([Answer("g", dont_know=True)])]
    assert [s.objective_id for s in views_differ_most(spreads)] == ["a", "b", "c", "d", "f"]
    assert [s.objective_id for s in views_differ_most(spreads, top=2)] == ["a", "b"]
    # with room for all: still no e (all agreed) and no g (nothing given)
    assert [s.objective_id for s in views_differ_most(spreads, top=10)] == ["a", "b", "c", "d", "f"]


def test_views_differ_most_keeps_the_order_given_on_a_tie():
    spreads = [spread(levels(2, 4, objective=o)) for o in ("31", "4", "12")]
    assert [s.objective_id for s in views_differ_most(spreads)] == ["31", "4", "12"]
    with pytest.raises(RoundError):
        views_differ_most(spreads, top=0)


# --- words -----------------------------------------------------------------------------------------

def test_spread_words(nps):
    # sorted 2 3 3 3 3 3 4: median the 4th, 3 (Mature); range 2 to 4; 7 answering; 1 don't know.
    s = spread(levels(3, 2, 3, 4, 3, 3, 3) + [DK])
    assert spread_words(s, nps) == "median 3 – Mature, range 2 to 4, 7 answering, 1 don't know"


@pytest.mark.parametrize("answers, words", [
    (levels(2, 2.5, 3), "median 2/3, range 2 to 3, 3 answering"),           # a half step median
    (levels(2.5, 4), "median between 3 and 3/4, range 2/3 to 4, 2 answering"),           # (2.5 + 4) / 2
    (levels(2, 2.5), "median between 2 and 2/3, range 2 to 2/3, 2 answering"),
    (levels(5) + [NA, NA, DK, DK], "median 5 – Innovator, only one gave 5, 1 answering, 2 don't know, 2 n/a"),
    (levels(3, 3, 3), "median 3 – Mature, all gave 3, 3 answering"),        # everyone the same: no range
    ([DK, NA], "no one answering with a level, 1 don't know, 1 n/a"),
])
def test_spread_words_half_steps_and_the_rest(nps, answers, words):
    assert spread_words(spread(answers), nps) == words


def test_spread_words_use_the_frameworks_own_level_names(tiny):
    assert spread_words(spread(levels(1, 3, 3)), tiny) == "median 3 – Excellent, range 1 to 3, 3 answering"


# --- states ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [("draft", "open"), ("open", "closed"), ("closed", "applied"),
                                      ("closed", "open")])
def test_moves_allowed(old, new):
    check_move(old, new)
    assert new in next_states(old)


@pytest.mark.parametrize("old, new, message", [
    ("draft", "closed", "a round that is draft cannot become closed; it can only become open"),
    ("draft", "applied", "a round that is draft cannot become applied; it can only become open"),
    ("open", "applied", "a round that is open cannot become applied; it can only become closed"),
    ("open", "draft", "a round that is open cannot become draft; it can only become closed"),
    ("closed", "draft", "a round that is closed cannot become draft; it can only become open or applied"),
    ("applied", "open", "the round is applied: its agreed scores are in the period, so it cannot change"),
    ("open", "open", "the round is open already"),
    ("open", "finished", "'finished' is not a state of a round; use one of draft, open, closed, applied"),
])
def test_moves_refused(old, new, message):
    with pytest.raises(RoundError) as refused:
        check_move(old, new)
    assert str(refused.value) == message
    assert isinstance(refused.value, AssessmentError)


def test_next_states():
    assert [next_states(s) for s in STATES] == [("open",), ("closed",), ("open", "applied"), ()]
    with pytest.raises(RoundError):
        next_states("archived")
