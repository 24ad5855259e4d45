"""Peer comparison's pure rules (issue 31, `assessment.domain.peers`): who contributes (approved
periods scored on at least half their items, aligned by financial year, only the key areas that may
be compared), what a figure shows (4, 5, 9 and 10 councils: no comparator, the median, the median,
the quartiles), each council counted once, the differencing guard (a club one council from a region;
a group changed since its last release; chains; ties; small groups; single key areas), type and
region read from free text, and where a council stands. Every expected number is worked by hand
from the definitions."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from assessment.domain.errors import AssessmentError
from assessment.domain.peers import (CLOSE, FEWER, NO_COMPARATOR_BELOW, QUARTILES_FROM, REGIONS, TYPES, WITHHELD,
                                     Contribution, Figure, Group, comparable_key_areas, contributed, contribution,
                                     council_type,
                                     figure, financial_year, group_words, memberships, region, release_figures,
                                     standing, standing_sentence, withheld)
from assessment.domain.record import Entry, PeriodRecord
from assessment.domain.scores import NOT_APPLICABLE, Score
from assessment.formats.framework_file import find_framework
from assessment.formats.mapping_file import find_mapping

KEY_AREAS = list(find_framework("nps-2018").key_areas)   # the fourteen, in the framework's order
INNOVATION = "enabling-innovation"


def test_the_constants_are_the_issues():
    assert (NO_COMPARATOR_BELOW, QUARTILES_FROM, CLOSE) == (5, 10, 5)
    assert TYPES == ("county", "district", "unitary", "metropolitan borough", "London borough", "combined authority",
                     "other")
    assert len(REGIONS) == 9 and "Yorkshire and the Humber" in REGIONS and "East of England" in REGIONS


# ---------------------------------------------------------------- building records and contributions

def objective_period(nps, name="2023", status="approved", scores=None, default=3.0, scored=59):
    """A period scored per objective: `scores` (objective id -> Score) and, for the first `scored` of
    the others in the framework's order, `default`; the rest left unscored."""
    scores = dict(scores or {})
    for objective_id in [o for o in nps.objectives if o not in scores][:max(0, scored - len(scores))]:
        scores[objective_id] = Score(default)
    return PeriodRecord(period=name, status=status,
                        entries={o: Entry(o, score=s) for o, s in scores.items()})


def key_area_period(name, levels, status="approved"):
    """A period kept one level per key area: every key area has an entry, scored where `levels` says."""
    return PeriodRecord(period=name, status=status, key_area_entries={
        k: Entry(k, kind="key_area", score=Score(levels[k]) if k in levels else Score()) for k in KEY_AREAS})


def given(org, level=3.0, year=2023, lacking=()):
    """A council's contribution: `level` in every key area but those it is `lacking`."""
    return Contribution(org, year, {k: level for k in KEY_AREAS if k not in lacking})


def names(prefix, first, last):
    return [f"{prefix}{i:02d}" for i in range(first, last + 1)]


def club(name, members):
    return Group("club", name, frozenset(members))


def close_pairs_shown(release, groups, year=2023):
    """Pairs of groups both shown whose contributing councils differ by 1 to 4: there must be none."""
    shown = [g for g in groups if (g.name, year) not in release.withheld
             and release.figures[(g.name, year, KEY_AREAS[0])].median is not None]
    found = memberships_of(release, groups, year)
    return [(a.name, b.name) for a, b in combinations(shown, 2) if 0 < len(found[a.name] ^ found[b.name]) < CLOSE]


def councils_in(kept):
    """What a release keeps for the guard, with each contribution (`contributed`) read as its council."""
    return {key: tuple(frozenset(m.rsplit("#", 1)[0] for m in members) for members in shown)
            for key, shown in kept.items()}


def memberships_of(release, groups, year):
    """Each group's councils as last shown (the last of every set it has shown)."""
    return {g.name: councils_in(release.memberships).get((g.name, year), (frozenset(),))[-1] for g in groups}


# ---------------------------------------------------------------- what a figure shows

def test_4_5_9_and_10_councils_give_no_comparator_the_median_the_median_and_the_quartiles():
    assert figure([1, 2, 3, 4]) == Figure(4, reason="fewer than 5 councils contribute")
    # 3 1 4 1 5 in order: 1 1 3 4 5, the middle one 3
    assert figure([3, 1, 4, 1, 5]) == Figure(5, 3.0)
    # 1 1 2 2 3 3 4 4 5: the fifth, 3
    assert figure([5, 4, 3, 2, 1, 1, 2, 3, 4]) == Figure(9, 3.0)
    # 1 1 2 2 2.5 | 3 3 4 4 5: the median is (2.5 + 3) / 2; Tukey's hinges the medians of each half, 2 and 4
    assert figure([4, 2.5, 1, 5, 3, 2, 4, 1, 3, 2]) == Figure(10, 2.75, 2.0, 4.0)


def test_the_quartiles_are_tukeys_hinges():
    # 1 1 1 2 2 3 | 3 3 4 4 5 5: median (3 + 3) / 2; lower half's median (1 + 2) / 2 = 1.5 (not 1.75, as
    # interpolating would give); upper half's (4 + 4) / 2
    assert figure([5, 3, 1, 4, 2, 1, 3, 5, 2, 4, 1, 3]) == Figure(12, 3.0, 1.5, 4.0)
    # odd n: each half takes the median. 1 2 2 3 3 [3] 4 4 4 5 5: median 3; halves 1 2 2 3 3 3 -> 2.5 and
    # 3 4 4 4 5 5 -> 4
    assert figure([5, 4, 3, 2, 1, 2, 3, 4, 5, 3, 4]) == Figure(11, 3.0, 2.5, 4.0)


def test_figures_in_json():
    assert figure([1, 2, 3, 4]).as_json() == {"comparator": None, "reason": "fewer than 5 councils contribute"}
    assert figure([3, 1, 4, 1, 5]).as_json() == {"n": 5, "median": 3.0}
    assert figure([4, 2.5, 1, 5, 3, 2, 4, 1, 3, 2]).as_json() == {"n": 10, "median": 2.75, "q1": 2.0, "q3": 4.0}
    # a key area's level is a mean (8/3 for 2, 3, 3): shown to two places, as every number is
    assert figure([8 / 3] * 5).as_json() == {"n": 5, "median": 2.67}
    assert Figure(12, reason=WITHHELD).as_json() == {"comparator": None,
                                                     "reason": "withheld so that no council's score can be worked out"}
    # never a minimum, maximum, mean or rank
    shown = figure([1, 1, 1, 1, 1, 5, 5, 5, 5, 5]).as_json()
    assert set(shown) == {"n", "median", "q1", "q3"} and shown["median"] == 3.0
    with pytest.raises(ValueError):
        Figure(5)


# ---------------------------------------------------------------- who contributes

def test_financial_years_align():
    assert financial_year("2023") == financial_year("2023/24") == financial_year("2023/2024") == 2023
    assert financial_year("2024/25") == 2024
    for not_a_period in ("2023/25", "23/24", "FY2023", "2023-24", "", "1850", "2023/24 "):
        assert financial_year(not_a_period) is None, not_a_period


def test_a_period_scored_per_objective_gives_each_key_areas_level_as_the_report_rolls_it_up(nps):
    period = objective_period(nps, "2023/24", scores={
        "1": Score(2.0), "2": Score(3.0), "3": Score(3.0),                      # engaging councillors: 8/3
        "4": Score(2.5), "5": NOT_APPLICABLE, "6": Score(4.0), "7": Score(4.0),  # senior managers: 10.5/3 = 3.5
        "8": NOT_APPLICABLE, "9": NOT_APPLICABLE, "10": NOT_APPLICABLE})        # working with partners: no level
    found = contribution(nps, period, "medway")
    assert found is not None and (found.org_id, found.year) == ("medway", 2023)
    expected = {k: 3.0 for k in KEY_AREAS if k != "working-with-partners"}
    expected |= {"engaging-councillors": 8 / 3, "engaging-senior-managers": 3.5}
    assert found.levels == pytest.approx(expected)
    assert "working-with-partners" not in found.levels


def test_a_period_kept_per_key_area_gives_its_levels_and_counts_from_half_its_key_areas(nps):
    seven = dict(zip(KEY_AREAS[:7], [2.0, 2.5, 3.0, 1.0, 4.0, 3.0, 2.0]))
    found = contribution(nps, key_area_period("2023", seven), "worcs")
    assert found is not None and found.levels == seven        # 7 of 14 scored: half, so it counts
    six = dict(list(seven.items())[:6])
    assert contribution(nps, key_area_period("2023", six), "worcs") is None   # 6 of 14: fewer than half


def test_a_period_below_half_coverage_gives_no_contribution(nps):
    # 59 objectives: 30 scored is at least half (60 >= 59); 29 is not (58 < 59)
    assert contribution(nps, objective_period(nps, scored=30), "x") is not None
    assert contribution(nps, objective_period(nps, scored=29), "x") is None
    assert contribution(nps, objective_period(nps, scored=0), "x") is None
    # n/a is not something that could be scored: 20 scored, 30 n/a and 9 left is 20 of 29
    not_applicable = {o: NOT_APPLICABLE for o in list(nps.objectives)[20:50]}
    assert contribution(nps, objective_period(nps, scores=not_applicable, scored=50), "x") is not None


def test_only_an_approved_period_contributes(nps):
    for status in ("draft", "submitted"):
        assert contribution(nps, objective_period(nps, status=status), "x") is None
    assert contribution(nps, objective_period(nps, status="approved"), "x") is not None


def test_the_examples_medway_2023_contributes_in_every_key_area(nps, medway):
    found = contribution(nps, medway.period("2023"), "medway")
    assert found is not None and found.year == 2023 and set(found.levels) == set(KEY_AREAS)


def test_a_key_area_outside_those_comparable_is_left_out(nps):
    period = objective_period(nps)
    some = {"engaging-councillors", "working-with-partners", "no-such-key-area"}
    found = contribution(nps, period, "x", comparable=some)
    assert found is not None and found.levels == {"engaging-councillors": 3.0, "working-with-partners": 3.0}
    # given as own id -> the adapted framework's id, the levels take the adapted framework's ids
    found = contribution(nps, period, "x", comparable={"engaging-councillors": "councillors"})
    assert found is not None and found.levels == {"councillors": 3.0}
    # nothing comparable scored: nothing to contribute
    scored_elsewhere = objective_period(nps, scores={o: NOT_APPLICABLE for o in ("1", "2", "3")})
    assert contribution(nps, scored_elsewhere, "x", comparable={"engaging-councillors"}) is None


def test_a_council_on_an_overlay_contributes_only_the_key_areas_its_mapping_marks_equal(worcs, worcestershire):
    mapping = find_mapping("nps-2018", "worcestershire-2022", find_framework)
    equal = comparable_key_areas(mapping)
    # nine key areas: the merged one is not equal; the four enablers are retired (not in the overlay)
    assert equal == {k: k for k in ("working-with-partners", "engaging-strategic-suppliers",
                                    "creating-commercial-opportunities", "contract-and-relationship-management",
                                    "managing-strategic-risk", "obtaining-social-value", "local-sme-engagement",
                                    "engaging-vcses")}
    period = worcestershire.period("2022")
    assert contribution(worcs, period, "worcestershire", comparable=equal) is None     # submitted, not approved
    period.status = "approved"
    found = contribution(worcs, period, "worcestershire", comparable=equal)
    assert found is not None and found.year == 2022
    assert found.levels == {"working-with-partners": 2.0, "engaging-strategic-suppliers": 1.0,
                            "creating-commercial-opportunities": 2.0, "contract-and-relationship-management": 2.0,
                            "managing-strategic-risk": 3.0, "obtaining-social-value": 2.0,
                            "local-sme-engagement": 2.0, "engaging-vcses": 2.0}


# ---------------------------------------------------------------- type and region from free text

@pytest.mark.parametrize("text, expected", [
    ("Unitary authority", "unitary"), ("unitary", "unitary"), ("UA", "unitary"), ("Unitary county", "unitary"),
    ("County Council", "county"), ("county", "county"), ("Shire county", "county"),
    ("district council", "district"), ("District", "district"), ("Non-metropolitan district", "district"),
    ("Met borough", "metropolitan borough"), ("Metropolitan Borough Council", "metropolitan borough"),
    ("metropolitan district", "metropolitan borough"), ("MBC", "metropolitan borough"),
    ("London Borough", "London borough"), ("london borough council", "London borough"), ("LB", "London borough"),
    ("CA", "combined authority"), ("Combined Authority", "combined authority"),
    ("Mayoral combined authority", "combined authority"), ("Other", "other"),
    # what cannot be read with confidence is left for a person
    (None, None), ("", None), ("   ", None), ("Borough council", None), ("City Council", None),
    ("Royal Borough", None), ("Metropolitan county", None), ("Parish council", None), ("council", None),
])
def test_a_councils_type_from_free_text(text, expected):
    assert council_type(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("south east", "South East"), ("South-East", "South East"), ("SE", "South East"),
    ("South East England", "South East"), ("Yorkshire & Humber", "Yorkshire and the Humber"),
    ("Yorkshire and the Humber", "Yorkshire and the Humber"), ("Yorkshire", "Yorkshire and the Humber"),
    ("East", "East of England"), ("Eastern", "East of England"), ("East of England", "East of England"),
    ("NE", "North East"), ("north-east", "North East"), ("North West", "North West"),
    ("East Midlands", "East Midlands"), ("W. Midlands", "West Midlands"), ("Greater London", "London"),
    ("the South West region", "South West"),
    (None, None), ("", None), ("Midlands", None), ("North", None), ("England", None), ("Wales", None),
])
def test_a_councils_region_from_free_text(text, expected):
    assert region(text) == expected


# ---------------------------------------------------------------- groups and counting once

def test_groups_are_checked_and_named_for_the_sentence():
    assert group_words(Group("type", "unitary", frozenset())) == "unitary authorities"
    assert group_words(Group("region", "South East", frozenset())) == "councils in the South East"
    assert group_words(Group("region", "London", frozenset())) == "councils in London"
    assert group_words(club("Kent Partnership", [])) == "councils in Kent Partnership"
    assert Group("club", "Listed", ["a", "b"]).members == frozenset({"a", "b"})
    for kind, name in (("type", "Unitary authority"), ("region", "Wessex"), ("league", "x"), ("club", " ")):
        with pytest.raises(AssessmentError):
            Group(kind, name, frozenset())
    with pytest.raises(AssessmentError, match="two groups are named 'London'"):
        memberships([given("a")], [Group("region", "London", frozenset()), club("London", ["a"])])


def test_memberships_are_the_councils_of_each_group_contributing_each_year():
    groups = [Group("type", "district", frozenset({"a", "b", "c"})), club("Club", {"c", "d"})]
    found = memberships([given("a"), given("c"), given("d", year=2024), given("z")], groups)
    assert found == {("district", 2023): {"a", "c"}, ("Club", 2023): {"c"},
                     ("district", 2024): frozenset(), ("Club", 2024): {"d"}}


def test_each_council_is_counted_once_per_group_year_and_key_area():
    members = names("u", 1, 5)
    unitary, partners = Group("type", "unitary", frozenset(members)), club("Partners", members)
    contributions = [given(o, level) for o, level in zip(members, [1.0, 2.0, 3.0, 4.0, 5.0])]
    made = release_figures(contributions, [unitary], None, KEY_AREAS)
    assert made.figures[("unitary", 2023, INNOVATION)] == Figure(5, 3.0)          # 1 2 3 4 5
    # u03 given again for 2023 (its later word): counted once, as the later; in the type and the club alike
    made = release_figures([*contributions, given("u03", 5.0)], [unitary, partners], None, KEY_AREAS)
    for name in ("unitary", "Partners"):
        assert made.figures[(name, 2023, INNOVATION)] == Figure(5, 4.0)           # 1 2 4 5 5, not 6 councils


def test_periods_named_2023_and_2023_24_are_compared_in_one_year(nps):
    named = {"a": "2023", "b": "2023/24", "c": "2023", "d": "2023/24", "e": "2023/2024"}
    contributions = [contribution(nps, objective_period(nps, name), org) for org, name in named.items()]
    assert all(c is not None and c.year == 2023 for c in contributions)
    made = release_figures([c for c in contributions if c], [club("All", named)], None, KEY_AREAS)
    assert {y for (_, y, _) in made.figures} == {2023}
    assert made.figures[("All", 2023, INNOVATION)] == Figure(5, 3.0)


# ---------------------------------------------------------------- the differencing guard

def test_a_club_one_council_from_a_region_is_withheld_and_comes_back_once_it_differs_by_five():
    south_east = Group("region", "South East", frozenset(names("r", 1, 12)))
    kent = club("Kent", names("r", 1, 11))
    contributions = [given(o) for o in [*names("r", 1, 12), *names("x", 1, 4)]]
    made = release_figures(contributions, [south_east, kent], None, KEY_AREAS)
    assert made.withheld == {("Kent", 2023): "its contributing councils differ from those of South East (region, "
                                             "12 councils, shown) by 1 council; it comes back once they differ by 5 "
                                             "or more"}
    assert made.figures[("Kent", 2023, INNOVATION)] == Figure(11, reason=WITHHELD)
    assert made.figures[("South East", 2023, INNOVATION)] == Figure(12, 3.0, 3.0, 3.0)
    # the club grows by councils outside the region: r12 and x01-x03 is 4 apart, still withheld; with x04, 5
    kinds = {"South East": "region", "Kent": "club"}
    for grown, held in ((names("x", 1, 3), True), (names("x", 1, 4), False)):
        now = memberships(contributions, [south_east, club("Kent", [*names("r", 1, 11), *grown])])
        assert (("Kent", 2023) in withheld(now, None, kinds)) is held
    made = release_figures(contributions, [south_east, club("Kent", [*names("r", 1, 11), *names("x", 1, 4)])],
                           None, KEY_AREAS)
    assert made.withheld == {} and made.figures[("Kent", 2023, INNOVATION)].median == 3.0


def test_a_type_is_kept_before_a_region_and_a_region_before_a_club_whatever_their_sizes():
    london_boroughs = Group("type", "London borough", frozenset(names("l", 1, 32)))
    london = Group("region", "London", frozenset([*names("l", 1, 32), "gla"]))
    inner = club("Inner London", [*names("l", 1, 30), "gla", "city"])
    contributions = [given(o) for o in [*names("l", 1, 32), "gla", "city"]]
    made = release_figures(contributions, [inner, london, london_boroughs], None, KEY_AREAS)
    # London is 1 from the type (gla); Inner London 4 from the type (l31, l32, gla, city) and 3 from London
    assert set(made.withheld) == {("London", 2023), ("Inner London", 2023)}
    assert "London borough (type, 32 councils, shown) by 1 council" in made.withheld[("London", 2023)]
    assert "London borough (type, 32 councils, shown) by 4 councils" in made.withheld[("Inner London", 2023)]


def test_chains_leave_no_two_groups_shown_close_and_no_more_withheld_than_need_be():
    # A (a type) kept; B 3 from A, withheld; C 3 from B but 6 from A: shown, as B shows nothing
    a = Group("type", "unitary", frozenset(names("c", 1, 20)))
    b = Group("region", "North West", frozenset(names("c", 1, 17)))
    c = club("C", names("c", 1, 14))
    contributions = [given(o) for o in names("c", 1, 20)]
    made = release_figures(contributions, [a, b, c], None, KEY_AREAS)
    assert set(made.withheld) == {("North West", 2023)}
    assert "unitary (type, 20 councils, shown) by 3 councils" in made.withheld[("North West", 2023)]
    assert close_pairs_shown(made, [a, b, c]) == []
    # clubs all of a kind, 20, 17, 14 and 11 councils nested: 20 kept, 17 withheld, 14 shown (6 from 20),
    # 11 withheld (3 from 14, which is shown)
    clubs = [club(f"Club {n}", names("c", 1, n)) for n in (11, 14, 17, 20)]
    made = release_figures(contributions, clubs, None, KEY_AREAS)
    assert set(made.withheld) == {("Club 17", 2023), ("Club 11", 2023)}
    assert "Club 20 (club, 20 councils, shown) by 3 councils" in made.withheld[("Club 17", 2023)]
    assert "Club 14 (club, 14 councils, shown) by 3 councils" in made.withheld[("Club 11", 2023)]
    assert close_pairs_shown(made, clubs) == []


def test_two_close_groups_of_one_kind_and_size_are_both_withheld():
    one, other = club("One", names("c", 1, 8)), club("Other", [*names("c", 2, 8), "c09"])   # c01 swapped for c09
    made = release_figures([given(o) for o in names("c", 1, 9)], [one, other], None, KEY_AREAS)
    assert set(made.withheld) == {("One", 2023), ("Other", 2023)}
    assert "differ from those of Other (also a club of 8 councils) by 2 councils; both are withheld" \
        in made.withheld[("One", 2023)]


def test_groups_of_fewer_than_five_take_no_part_in_the_guard():
    # a 4-council club inside a 5-council region: the region's median is shown, the club shows none
    region_ = Group("region", "North East", frozenset(names("n", 1, 5)))
    small = club("Small", names("n", 1, 4))
    # a 4-council type inside a 6-council club: the club is not kept from view by it
    combined = Group("type", "combined authority", frozenset(names("m", 1, 4)))
    six = club("Six", names("m", 1, 6))
    contributions = [given(o) for o in [*names("n", 1, 5), *names("m", 1, 6)]]
    made = release_figures(contributions, [region_, small, combined, six], None, KEY_AREAS)
    assert made.withheld == {} and made.withheld_key_areas == {}
    assert made.figures[("North East", 2023, INNOVATION)] == Figure(5, 3.0)
    assert made.figures[("Six", 2023, INNOVATION)] == Figure(6, 3.0)
    assert made.figures[("Small", 2023, INNOVATION)] == Figure(4, reason=FEWER)
    assert made.figures[("combined authority", 2023, INNOVATION)] == Figure(4, reason=FEWER)
    # only groups shown are kept for the next release's guard
    assert set(made.memberships) == {("North East", 2023), ("Six", 2023)}


def test_a_group_changed_by_1_to_4_councils_since_its_last_release_is_withheld_until_5():
    everyone = names("c", 1, 20)
    contributions = [given(o) for o in everyone]
    first = release_figures(contributions, [club("Club", names("c", 1, 8))], None, KEY_AREAS)
    assert first.withheld == {} and councils_in(first.memberships) == {("Club", 2023): (frozenset(names("c", 1, 8)),)}
    # two councils join: withheld, and what is kept for the next release is still the 8 shown
    second = release_figures(contributions, [club("Club", names("c", 1, 10))], first.memberships, KEY_AREAS)
    assert second.withheld == {("Club", 2023): "its contributing councils differ from those it showed in an earlier "
                                               "release by 2 councils; it comes back once they differ by 5 or more"}
    assert second.figures[("Club", 2023, INNOVATION)] == Figure(10, reason=WITHHELD)
    assert second.memberships == first.memberships
    # one more leaves: 7 of the 8 last shown, withheld; five more than the 8 last shown: back
    assert ("Club", 2023) in release_figures(contributions, [club("Club", names("c", 1, 7))], second.memberships,
                                             KEY_AREAS).withheld
    third = release_figures(contributions, [club("Club", names("c", 1, 13))], second.memberships, KEY_AREAS)
    assert third.withheld == {} and councils_in(third.memberships) == {
        ("Club", 2023): (frozenset(names("c", 1, 8)), frozenset(names("c", 1, 13)))}
    # a withdrawal counts as a change too: as shown now, 13; one withdrawn, 12 contribute
    fourth = release_figures(contributions[1:], [club("Club", names("c", 1, 13))], third.memberships, KEY_AREAS)
    assert ("Club", 2023) in fourth.withheld
    # and another group as last released is as open to subtraction as its own
    other = release_figures(contributions, [club("Club", names("c", 1, 13)), club("Near", names("c", 1, 15))],
                            third.memberships, KEY_AREAS)
    assert other.withheld == {("Near", 2023): "its contributing councils differ from those Club showed in an "
                                              "earlier release by 2 councils; it comes back once they differ by 5 or "
                                              "more"}


def test_a_chain_of_releases_cannot_come_back_to_1_from_an_earlier_one():
    # 8 councils shown; then those and 5 more (5 from the 8: shown); then the 8 and one other: 6 from
    # the 13 last shown, but 1 from the 8 shown before, which would give that council's level away
    eight = names("c", 1, 8)
    contributions = [given(o, 1.0 if o == "x01" else 3.0) for o in [*eight, *names("d", 1, 5), "x01"]]
    first = release_figures(contributions, [club("Club", eight)], None, KEY_AREAS)
    second = release_figures(contributions, [club("Club", [*eight, *names("d", 1, 5)])], first.memberships,
                             KEY_AREAS)
    assert second.withheld == {}
    third = release_figures(contributions, [club("Club", [*eight, "x01"])], second.memberships, KEY_AREAS)
    assert third.withheld == {("Club", 2023): "its contributing councils differ from those it showed in an earlier "
                                              "release by 1 council; it comes back once they differ by 5 or more"}
    assert third.figures[("Club", 2023, INNOVATION)] == Figure(9, reason=WITHHELD)
    # nor can another group of the same councils show them in a later release
    fourth = release_figures(contributions, [club("Club", [*eight, *names("d", 1, 5)]), club("Near", [*eight, "x01"])],
                             third.memberships, KEY_AREAS)
    assert set(fourth.withheld) == {("Near", 2023)}
    assert fourth.memberships == second.memberships


def test_a_council_changing_only_its_own_level_cannot_read_its_peers():
    # six councils, the same each release: one moves its own level from 1 to 5 to 3; were the medians
    # shown each time, the others' levels would be read off them
    others = [given(f"o{i}", level) for i, level in enumerate([1.0, 2.0, 3.5, 4.0, 5.0])]
    group = [club("Club", [*[c.org_id for c in others], "me"])]
    first = release_figures([*others, given("me", 1.0)], group, None, KEY_AREAS)
    assert first.figures[("Club", 2023, INNOVATION)] == Figure(6, 2.75)
    second = release_figures([*others, given("me", 5.0)], group, first.memberships, KEY_AREAS)
    assert second.withheld == {("Club", 2023): "its contributing councils differ from those it showed in an earlier "
                                               "release by 2 councils; it comes back once they differ by 5 or more"}
    assert second.figures[("Club", 2023, INNOVATION)] == Figure(6, reason=WITHHELD)
    # and back to the level shown before: the same contributions, shown again (nothing new to read)
    third = release_figures([*others, given("me", 1.0)], group, second.memberships, KEY_AREAS)
    assert third.withheld == {} and third.figures[("Club", 2023, INNOVATION)] == Figure(6, 2.75)


def test_a_councils_own_change_is_not_hidden_by_others_changing_elsewhere():
    # seven councils; between releases the reader moves its level in engaging councillors from 1 to
    # 5, and two others change only enabling innovation: as a whole 6 apart, but in engaging
    # councillors only the reader's change (2): that key area is withheld, enabling innovation too
    # (two councils changed there: 4), the rest shown
    levels = [1.0, 2.0, 2.5, 3.5, 4.0, 5.0]
    others = [Contribution(f"o{i}", 2023, {k: level for k in KEY_AREAS}) for i, level in enumerate(levels)]
    group = [club("Club", ["me", *(c.org_id for c in others)])]
    me = Contribution("me", 2023, {k: 1.0 for k in KEY_AREAS})
    first = release_figures([me, *others], group, None, KEY_AREAS)
    assert first.figures[("Club", 2023, KEY_AREAS[0])] == Figure(7, 2.5)
    changed = [Contribution(c.org_id, 2023, {**c.levels, INNOVATION: c.levels[INNOVATION] + 0.5})
               if c.org_id in ("o0", "o1") else c for c in others]
    moved = Contribution("me", 2023, {**me.levels, KEY_AREAS[0]: 5.0})
    second = release_figures([moved, *changed], group, first.memberships, KEY_AREAS)
    assert second.withheld == {}
    assert set(second.withheld_key_areas) == {("Club", 2023, KEY_AREAS[0]), ("Club", 2023, INNOVATION)}
    assert "differ from those it showed in an earlier release by 2 councils" in \
        second.withheld_key_areas[("Club", 2023, KEY_AREAS[0])]
    assert second.figures[("Club", 2023, KEY_AREAS[0])] == Figure(7, reason=WITHHELD)
    assert second.figures[("Club", 2023, KEY_AREAS[1])] == Figure(7, 2.5)


def test_two_levels_of_one_key_area_are_never_taken_for_the_same():
    # a third attack found two means a council can reach in engaging VCSEs (1.5625: 7 objectives at
    # 1.5 and one at 2; 2.2142857…: 6 at 2 and one at 3.5, the last n/a) that a 16-bit digest took
    # for the same: moving between them, the reader was shown medians of 1.75 and 2 with nothing
    # withheld. Levels are kept exactly, so the move is a change like any other.
    area = KEY_AREAS[9]
    others = [Contribution(f"o{i}", 2023, {area: level}) for i, level in enumerate([1.0, 1.75, 2.0, 4.0])]
    group = [club("Club", ["me", *(c.org_id for c in others)])]
    low, high = (7 * 1.5 + 2) / 8, (6 * 2 + 3.5) / 7
    first = release_figures([Contribution("me", 2023, {area: low}), *others], group, None, KEY_AREAS)
    assert first.figures[("Club", 2023, area)] == Figure(5, 1.75)
    second = release_figures([Contribution("me", 2023, {area: high}), *others], group, first.memberships, KEY_AREAS)
    assert second.figures[("Club", 2023, area)] == Figure(5, reason=WITHHELD)
    assert contributed(Contribution("me", 2023, {area: low}), KEY_AREAS) != \
        contributed(Contribution("me", 2023, {area: high}), KEY_AREAS)


def test_withheld_alone_compares_each_year_on_its_own():
    kinds = {"A": "club", "B": "club"}
    current = {("A", 2022): frozenset(names("c", 1, 10)), ("B", 2022): frozenset(names("c", 1, 9)),
               ("A", 2023): frozenset(names("c", 1, 10)), ("B", 2023): frozenset(names("c", 1, 15))}
    assert set(withheld(current, None, kinds)) == {("B", 2022)}
    # B as released in 2023, 13 councils: B now is 2 from it, and A 3
    assert set(withheld(current, {("B", 2023): (frozenset(names("c", 1, 13)),)}, kinds)) == {
        ("B", 2022), ("A", 2023), ("B", 2023)}


def test_a_key_area_some_councils_have_no_level_in_is_guarded_on_its_own():
    # the region and club differ by 5 councils (a08-a12), but a08-a11 have no level in enabling innovation:
    # there they differ by 1 (a12), so the club's figure for it is withheld and the rest shown
    region_ = Group("region", "West Midlands", frozenset(names("a", 1, 12)))
    worcs = club("Worcs", names("a", 1, 7))
    contributions = [given(o, lacking=[INNOVATION] if o in names("a", 8, 11) else []) for o in names("a", 1, 12)]
    made = release_figures(contributions, [region_, worcs], None, KEY_AREAS)
    assert made.withheld == {}
    assert made.withheld_key_areas == {("Worcs", 2023, INNOVATION): (
        "its councils with a level in this key area differ from those of West Midlands (region, 8 councils, shown) by "
        "1 council; it comes back once they differ by 5 or more")}
    assert made.figures[("Worcs", 2023, INNOVATION)] == Figure(7, reason=WITHHELD)
    assert made.figures[("West Midlands", 2023, INNOVATION)] == Figure(8, 3.0)
    assert made.figures[("Worcs", 2023, KEY_AREAS[0])] == Figure(7, 3.0)
    # the key area's councils shown are kept where they are not the group's: the region's 8; for the
    # club, nothing of it was shown
    assert councils_in(made.key_area_memberships) == {
        ("West Midlands", 2023, INNOVATION): (frozenset([*names("a", 1, 7), "a12"]),)}


def test_a_key_area_is_guarded_against_the_last_release_too():
    first = release_figures([given(o) for o in names("c", 1, 8)], [club("Club", names("c", 1, 8))], None, KEY_AREAS)
    # five join (the club is 5 from its last release), four of them with no level in enabling innovation
    joined = [given(o, lacking=[INNOVATION] if o in names("d", 1, 4) else []) for o in names("d", 1, 10)]
    contributions = [given(o) for o in names("c", 1, 8)] + joined
    grown = club("Club", [*names("c", 1, 8), *names("d", 1, 5)])
    for kept_per_key_area in (None, first.key_area_memberships):   # kept, or worked out from now
        second = release_figures(contributions, [grown], first.memberships, KEY_AREAS,
                                 previous_key_area_memberships=kept_per_key_area)
        assert second.withheld == {}
        assert second.withheld_key_areas == {("Club", 2023, INNOVATION): (
            "its councils with a level in this key area differ from those it showed in an earlier release by 1 "
            "council; it comes back once they differ by 5 or more")}
        assert second.figures[("Club", 2023, INNOVATION)] == Figure(9, reason=WITHHELD)
        assert second.figures[("Club", 2023, KEY_AREAS[0])] == Figure(13, 3.0, 3.0, 3.0)
    # kept: the club's 8 councils and its 13 (enabling innovation showed all 8, and nothing since)
    assert councils_in(second.memberships) == {("Club", 2023): (frozenset(names("c", 1, 8)), frozenset(grown.members))}
    assert councils_in(second.key_area_memberships) == {}
    # five more with a level in it join (d06-d10): 18 is 5 from the 13 last shown, 14 in it 6 from the 8
    third = release_figures(contributions, [club("Club", [*names("c", 1, 8), *names("d", 1, 10)])],
                            second.memberships, KEY_AREAS, previous_key_area_memberships=second.key_area_memberships)
    assert third.withheld == {} and third.withheld_key_areas == {}
    assert third.figures[("Club", 2023, INNOVATION)] == Figure(14, 3.0, 3.0, 3.0)


def test_a_release_has_a_figure_for_every_group_year_and_key_area():
    groups = [Group("type", t, frozenset()) for t in TYPES] + [club("Club", names("c", 1, 6))]
    contributions = [given(o, year=y) for o in names("c", 1, 6) for y in (2022, 2023)]
    made = release_figures(contributions, groups, None, KEY_AREAS)
    assert len(made.figures) == (len(TYPES) + 1) * 2 * len(KEY_AREAS)
    assert made.figures[("county", 2022, KEY_AREAS[0])] == Figure(0, reason=FEWER)
    assert made.figures[("Club", 2022, KEY_AREAS[0])] == Figure(6, 3.0)


# ---------------------------------------------------------------- where a council stands

def test_where_a_council_stands_against_its_groups_median():
    figures = {"a": Figure(5, 3.0), "b": Figure(6, 2.5), "c": Figure(3, reason=FEWER),
               "d": Figure(10, 1.0, 1.0, 2.0), "e": Figure(7, 2.0), "f": Figure(5, 2.67)}
    own = {"a": 3.0, "b": 2.0, "c": 4.0, "d": 1.5, "f": 8 / 3}
    # a at 3, d above 1 and f at 2.67 as shown (8/3 reads 2.67); b below; c has no median; e no level of its own
    assert standing(own, figures) == (3, 4)
    assert standing({}, figures) == (0, 0)


def test_the_at_a_glance_sentence():
    assert standing_sentence(9, 14, 23, "unitary authorities") == \
        "At or above the median of 23 unitary authorities in 9 of 14 key areas."
    assert standing_sentence(1, 1, 1200, "councils in the South East") == \
        "At or above the median of 1,200 councils in the South East in 1 of 1 key area."
    assert standing_sentence(0, 3, None, "county councils") == \
        "At or above the median of county councils in 0 of 3 key areas."
    assert standing_sentence(0, 0, 4, "councils in Kent") == \
        "There is no median of 4 councils in Kent to compare with in any key area."


def test_no_two_figures_shown_rest_on_councils_1_to_4_apart_in_a_release_or_any_earlier_one():
    """Random groups of every kind over five releases (groups changing, councils joining, leaving,
    lacking key areas and changing their levels): every figure shown, against every other shown in
    the same key area and year, in this release or any earlier one: the councils counted, each with
    its level there, are not 1 to 4 apart (a council's changed level counts as one gone and one
    come, so a council cannot read the others off its own changes, whatever others change)."""
    areas = KEY_AREAS[:3]
    for seed in range(300):
        rnd = random.Random(seed)
        councils = [f"o{i:02d}" for i in range(rnd.randint(10, 40))]
        contributions = [Contribution(o, 2023, {k: float(rnd.randint(1, 5)) for k in areas if rnd.random() > 0.15})
                         for o in councils]
        groups: dict[str, Group] = {}
        for i in range(rnd.randint(2, 8)):
            kind = rnd.choice(["type", "region", "club"])
            name = TYPES[i % 7] if kind == "type" else REGIONS[i % 9] if kind == "region" else f"Club {i}"
            groups.setdefault(name, Group(kind, name, frozenset(rnd.sample(councils, rnd.randint(3, len(councils))))))
        kept, kept_per_key_area, ever_shown = None, None, set()
        for _ in range(5):
            for i in rnd.sample(range(len(contributions)), rnd.choice([0, 0, 1, 2, 3])):   # some levels change
                c = contributions[i]
                contributions[i] = Contribution(c.org_id, c.year, {   # whole, half or a mean's fraction
                    k: rnd.choice([rnd.randint(2, 10) / 2, rnd.randint(7, 35) / 7]) if rnd.random() < 0.5 else v
                    for k, v in c.levels.items()})
            now = [c for c in contributions if rnd.random() > 0.1]
            for name, g in list(groups.items()):   # a club, region or type gains or loses councils
                if rnd.random() < 0.4:
                    groups[name] = Group(g.kind, name, frozenset(rnd.sample(councils, rnd.randint(3, len(councils)))))
            levels = {c.org_id: c.levels for c in now}
            made = release_figures(now, list(groups.values()), kept, areas,
                                   previous_key_area_memberships=kept_per_key_area)
            shown = {}
            for (g, _, k), found in made.figures.items():
                counted_in = frozenset((o, levels[o][k]) for o in groups[g].members if o in levels and k in levels[o])
                assert found.n == len(counted_in)
                if found.median is not None:
                    shown[(g, k)] = counted_in
            for (g, k), a in shown.items():
                for (h, j), b in [*shown.items(), *ever_shown]:
                    if j == k:
                        assert not 0 < len({o for o, _ in a} ^ {o for o, _ in b}) < CLOSE, (seed, g, h, k)
                        assert not 0 < len(a ^ b) < CLOSE, (seed, g, h, k)
            ever_shown |= set(shown.items())
            kept, kept_per_key_area = made.memberships, made.key_area_memberships
