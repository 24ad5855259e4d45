"""Roll-ups, comparisons, completion and carrying a period forward."""

from __future__ import annotations

import pytest

from assessment.domain.record import (
    Action,
    Entry,
    Organisation,
    OrganisationRecord,
    PeriodRecord,
    next_period,
    period_key,
)
from assessment.domain.rollups import (
    carry_forward,
    combined,
    compare,
    completion,
    key_area_summary,
    overall_score,
    overall_summary,
    roll_up,
    theme_summaries,
)
from assessment.domain.scores import NOT_APPLICABLE, UNSCORED, Score


def period(name: str, scores: dict[str, Score], targets: dict[str, Score] | None = None) -> PeriodRecord:
    targets = targets or {}
    return PeriodRecord(period=name, entries={
        k: Entry(item=k, score=v, target=targets.get(k, UNSCORED)) for k, v in scores.items()})


def test_roll_up_is_the_mean_of_applicable_scored_items_with_n():
    r = roll_up([Score(2.0), Score(2.5), Score(4.0), NOT_APPLICABLE, UNSCORED])
    assert r.n == 3 and r.not_applicable == 1 and r.unscored == 1
    assert r.mean == pytest.approx(8.5 / 3)
    assert r.level == 2  # the whole level at or below 2.83


def test_level_reached_is_exact_at_whole_levels():
    assert roll_up([Score(2.5), Score(3.5)]).level == 3
    assert roll_up([Score(2.5), Score(3.0), Score(3.0), Score(3.5)]).level == 3
    assert roll_up([Score(2.5), Score(3.0), Score(3.0), Score(3.0)]).level == 2
    assert roll_up([NOT_APPLICABLE, UNSCORED]) .mean is None


def test_key_area_roll_up_of_medway_2023(nps, medway):
    # Engaging Councillors 2023: objectives 1, 2, 3 scored 3, 3, 2/3 in seed 002.
    summary = key_area_summary(nps, medway.period("2023"), "engaging-councillors")
    assert summary.score.n == 3
    assert summary.score.mean == pytest.approx((3 + 3 + 2.5) / 3)
    assert summary.score.level == 2
    assert summary.target.mean is None and summary.gap is None


def test_theme_and_overall_count_objectives_not_key_areas(nps, medway):
    p = medway.period("2022")
    themes = {t.id: t for t in theme_summaries(nps, p)}
    assert [themes[t].score.n for t in themes] == [13, 17, 25, 4]
    overall = overall_summary(nps, p)
    values = [e.score.value for e in p.entries.values()]
    assert overall.score.n == 59 and overall.score.mean == pytest.approx(sum(values) / 59)


def test_the_overall_score_is_its_themes_items_rolled_up_together(nps):
    """The overall score comes from the key areas' summaries (`overall_score`), a theme's from its
    items one by one: over random periods mixing objectives, key areas scored as a whole, n/a and
    nothing, the themes taken together give the overall score, to the item."""
    import random
    choices = [Score(v) for v in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)] + [NOT_APPLICABLE, UNSCORED]
    for seed in range(200):
        rnd = random.Random(seed)
        entries, direct = {}, {}
        for ka_id, ka in nps.key_areas.items():
            if rnd.random() < 0.3:
                direct[ka_id] = Entry(item=ka_id, kind="key_area", score=rnd.choice(choices))
            for o in ka.objectives:
                if rnd.random() < 0.6 - (0.5 if ka_id in direct else 0):
                    entries[o.id] = Entry(item=o.id, score=rnd.choice(choices))
        p = PeriodRecord(period="2024", entries=entries, key_area_entries=direct)
        whole = overall_score(nps, p)
        themes = [t.score for t in theme_summaries(nps, p)]
        assert whole == combined(themes), seed
        n = sum(t.n for t in themes)
        assert (whole.n, whole.not_applicable, whole.unscored) == (
            n, sum(t.not_applicable for t in themes), sum(t.unscored for t in themes)), seed
        assert whole.mean == (pytest.approx(sum(t.mean * t.n for t in themes if t.n) / n) if n else None), seed
        assert whole == overall_summary(nps, p).score
        assert whole.n + whole.unscored + whole.not_applicable >= len(nps.key_areas)


def test_key_area_records_roll_up_the_same_way(worcs, worcestershire):
    p = worcestershire.period("2022")
    risk = key_area_summary(worcs, p, "managing-strategic-risk")
    assert (risk.mode, risk.score.mean, risk.score.n, risk.target.mean, risk.gap) == ("key_area", 3.0, 1, 5.0, 2.0)
    overall = overall_summary(worcs, p)
    assert overall.score.n == 9  # the nine key areas of Worcestershire's own framework
    assert overall.score.mean == pytest.approx((2 * 7 + 1 + 3) / 9)


def test_targets_per_objective_and_gap(tiny):
    p = period("2024", {"S1": Score(1.0), "S2": Score(2.0), "D1": Score(2.5)},
               {"S1": Score(3.0), "S2": Score(2.0), "D1": Score(2.0)})
    skills = key_area_summary(tiny, p, "skills")
    assert skills.score.mean == 1.5 and skills.target.mean == 2.5 and skills.gap == 1.0


def test_a_key_area_target_wins_over_objective_targets(tiny):
    p = period("2024", {"S1": Score(1.0), "S2": Score(2.0)}, {"S1": Score(2.0)})
    p.key_area_entries["skills"] = Entry(item="skills", kind="key_area", target=Score(3.0))
    summary = key_area_summary(tiny, p, "skills")
    assert summary.mode == "objectives" and summary.score.mean == 1.5 and summary.target.mean == 3.0


def test_year_on_year_comparison_of_medway(nps, medway):
    c = compare(nps, medway, "2022", "2023")
    assert (c.improved, c.unchanged, c.declined) == (24, 35, 0)
    moves = {m.objective_id: m for m in c.objectives}
    assert moves["3"].change == 0.5 and moves["3"].direction == "improved"   # 2 -> 2/3
    assert moves["18"].change == 0.5                                          # 2/3 -> 3
    assert moves["1"].direction == "unchanged"
    risk = {a.after.id: a for a in c.key_areas}["managing-strategic-risk"]
    assert risk.change == pytest.approx(3.4 - 3.0)


def test_comparison_counts_decline_targets_and_not_comparable(tiny):
    record = OrganisationRecord(Organisation("t", "T"), "tiny-kit", "0.1", periods=[
        period("2023", {"S1": Score(2.0), "S2": Score(2.0), "D1": NOT_APPLICABLE}),
        period("2024", {"S1": Score(1.0), "S2": Score(3.0), "D1": Score(2.0)},
               {"S1": Score(2.0), "S2": Score(3.0)}),
    ])
    c = compare(tiny, record, "2023", "2024")
    assert (c.improved, c.declined, c.unchanged, c.count("not comparable")) == (1, 1, 0, 1)
    assert (c.with_target, c.at_or_above_target) == (2, 1)


def test_completion_counts_carried_scores_as_left_to_do(tiny):
    p = period("2024", {"S1": Score(1.0), "S2": NOT_APPLICABLE})
    p.entries["D1"] = Entry(item="D1", score=Score(2.0), carried=True)
    done = completion(tiny, p)
    assert (done.scored, done.not_applicable, done.left, done.carried, done.total) == (1, 1, 1, 1, 3)
    assert completion(tiny, p, "data").left == 1


def test_carry_forward_marks_scores_and_keeps_previous_comment():
    last = PeriodRecord("2023", "approved", entries={
        "1": Entry(item="1", score=Score(2.5), target=Score(4.0), target_period="2025",
                   comment="Working on it.", actions=[
                       Action("Train councillors", owner="Category Management", status="open", id=11),
                       Action("Old task", status="done", id=12),
                       Action("Half way", status="in progress", id=13)]),
        "2": Entry(item="2"),
    })
    carried = carry_forward(last, "2024")
    new = carried.period
    assert (carried.carried_from, carried.carried) == ("2023", 1)
    one = new.entries["1"]
    assert new.period == "2024" and new.status == "draft"
    assert one.score == Score(2.5) and one.target == Score(4.0) and one.target_period == "2025"
    assert one.carried and one.comment is None and one.previous_comment == "Working on it."
    assert one.actions == []          # actions are not copied: they stay with the period they were raised in
    assert len(last.entries["1"].actions) == 3
    assert not new.entries["2"].carried  # nothing to confirm where nothing was scored
    assert last.entries["1"].comment == "Working on it."  # the old period is untouched


@pytest.mark.parametrize("name, following", [("2023", "2024"), ("2023/24", "2024/25"), ("1999/00", "2000/01"),
                                             ("2023/2024", "2024/2025")])
def test_next_period(name, following):
    assert next_period(name) == following


def test_periods_sort_by_year():
    assert sorted(["2023/24", "2022", "2024", "2022/23"], key=period_key) == ["2022", "2022/23", "2023/24", "2024"]


# ---------------------------------------------------------------- one home each: gap, scoring mode, starting a period

def test_gap_only_where_the_target_covers_what_is_scored():
    from assessment.domain.rollups import gap, target_covers
    three = roll_up([Score(3.0), Score(3.0), Score(4.0)])
    assert gap(three, roll_up([Score(4.0)] * 3)) == pytest.approx(4.0 - 10 / 3)
    assert not target_covers(three, roll_up([Score(4.0)]))            # one target for three scores
    assert gap(three, roll_up([Score(4.0)])) is None
    assert gap(three, roll_up([Score(4.0)]), target_direct=True) == pytest.approx(4.0 - 10 / 3)
    assert gap(roll_up([UNSCORED]), roll_up([Score(4.0)])) is None
    assert gap(three, roll_up([UNSCORED])) is None


def test_the_report_and_the_summary_use_the_one_gap(tiny):
    """The report's key-area lines and the summary's each had their own copy of the gap rule."""
    from assessment.domain.report import progress_report
    from assessment.domain.summary import period_summary
    p = period("2024", {"S1": Score(1.0), "S2": Score(2.0)}, {"S1": Score(3.0)})
    record = OrganisationRecord(Organisation("x", "X"), tiny.id, tiny.version, [p])
    line = next(k for k in progress_report(tiny, record, "2024").key_areas if k.id == "skills")
    data = next(k for k in period_summary(tiny, record, "2024")["key_areas"] if k["id"] == "skills")
    assert line.gap is None and data["gap"] is None and not line.targets_complete
    p.entries["S2"].target = Score(3.0)
    line = next(k for k in progress_report(tiny, record, "2024").key_areas if k.id == "skills")
    data = next(k for k in period_summary(tiny, record, "2024")["key_areas"] if k["id"] == "skills")
    assert line.gap == data["gap"] == 1.5


def test_scored_by_key_area(worcestershire, medway):
    from assessment.domain.rollups import scored_by_key_area
    assert scored_by_key_area(worcestershire.period("2022"))
    assert not scored_by_key_area(medway.period("2023"))
    assert not scored_by_key_area(PeriodRecord("2024"))
    mixed = worcestershire.period("2022")
    mixed.entries["1"] = Entry("1", score=NOT_APPLICABLE)
    assert not scored_by_key_area(mixed)


def test_new_period_checks_the_name_and_carries_from_the_latest(medway):
    from assessment.domain.errors import AlreadyExists, AssessmentError
    from assessment.domain.rollups import new_period
    with pytest.raises(AssessmentError, match="'24' is not a period"):
        new_period(medway, "24")
    with pytest.raises(AlreadyExists, match="Medway Council already has period 2023"):
        new_period(medway, "2023")
    carried = new_period(medway, "2024")
    assert carried.carried_from == "2023" and carried.carried == 59
    blank = new_period(medway, "2024", carry=False)
    assert blank.period.entries == {} and blank.carried_from is None


def test_a_new_period_follows_the_record_and_only_a_later_one_is_carried(medway):
    from assessment.domain.errors import AssessmentError
    from assessment.domain.rollups import new_period
    with pytest.raises(AssessmentError, match="2021 comes before 2023, the latest period: only a period after it"):
        new_period(medway, "2021")
    assert new_period(medway, "2021", carry=False).period.entries == {}      # an earlier year may be started blank
    with pytest.raises(AssessmentError, match="Medway Council's periods are years such as 2023 .2023 is the latest.; "
                                              "write 2024/25 the same way"):
        new_period(medway, "2024/25")
