"""The progress report's plain data: numbers, movers, heatmap, actions and the summary paragraph."""

from __future__ import annotations

import copy
import json
from datetime import date

from assessment.domain.numbers import levels_text as levels
from assessment.domain.record import Action, next_period
from assessment.domain.report import at_a_glance, movement_table, progress_report, radar_rows
from assessment.domain.scores import Score
from assessment.formats.charts import heatmap_chart, heatmap_rows, heatmap_table

TODAY = date(2026, 11, 21)


def _by_hand(record, before, after):
    """Improved / unchanged / declined objectives counted straight from the record."""
    a, b = record.period(before).entries, record.period(after).entries
    changes = [b[k].score.value - a[k].score.value for k in b if k in a
               and a[k].score.is_scored and b[k].score.is_scored]
    return sum(c > 0 for c in changes), sum(c == 0 for c in changes), sum(c < 0 for c in changes)


def test_medway_2023_movement_and_summary(nps, medway):
    report = progress_report(nps, medway, "2023", today=TODAY)
    up, same, down = _by_hand(medway, "2022", "2023")
    assert up > 0 and (len(report.improved), report.unchanged, len(report.declined)) == (up, same, down)
    assert up + same + down == 59
    assert report.compare_with == "2022" and report.mode == "objectives"
    assert f"Since 2022, {up} objectives improved, none declined; {same} stayed the same." in report.summary
    assert "In 2023, Medway Council scored 59 of 59 objectives" in report.summary
    assert "No targets have been set" in report.summary
    # Movers carry this year's comment, biggest rise first.
    first = report.improved[0]
    assert first.comment == medway.period("2023").entries[first.id].comment
    assert [m.change for m in report.improved] == sorted((m.change for m in report.improved), reverse=True)
    # Objective 3 went from 2 to 2/3: half a level.
    three = next(m for m in report.improved if m.id == "3")
    assert (three.before.written, three.after.written, three.change) == ("2", "2/3", 0.5)


def test_overall_mean_in_the_summary_is_the_mean_of_the_59_scores(nps, medway):
    report = progress_report(nps, medway, "2023", today=TODAY)
    scores = [e.score.value for e in medway.period("2023").entries.values() if e.score.is_scored]
    mean = sum(scores) / len(scores)
    assert f"(mean {mean:.2f} from {len(scores)} of 59 objectives)" in report.summary
    assert report.overall.now.level == int(mean)


def test_first_period_has_nothing_to_compare(nps, medway):
    report = progress_report(nps, medway, "2022", today=TODAY)
    assert report.compare_with is None and not report.improved and not report.declined
    assert "first period recorded" in report.summary
    assert list(movement_table(report, nps)[0]) == ["Key area", "2022", "Scored", "Level", "Target", "Against target"]


def test_comparing_with_nothing_on_request(nps, medway):
    report = progress_report(nps, medway, "2023", None, today=TODAY)
    assert report.compare_with is None and report.unchanged == 0
    # 2022 is recorded: not compared, not "the first period"
    assert "not compared with an earlier period" in report.summary and "first period" not in report.summary
    assert at_a_glance(report, nps).moves_note == "Not compared with an earlier period, so no moves are shown."
    assert "Direction" not in movement_table(report, nps)[0]
    assert all(r["series"] != "last year" for r in radar_rows(nps, medway, "2023", None))


def test_gap_to_target_names_the_furthest_key_area(nps, medway):
    for objective in nps.key_areas["managing-strategic-risk"].objectives:
        medway.period("2023").entries[objective.id].target = Score(4)
    report = progress_report(nps, medway, "2023", today=TODAY)
    scores = [medway.period("2023").entries[o.id].score.value for o in nps.key_areas["managing-strategic-risk"].objectives]
    gap = 4 - sum(scores) / len(scores)
    line = next(k for k in report.key_areas if k.id == "managing-strategic-risk")
    assert line.gap == gap and gap > 0
    assert f"Managing Strategic Risk is still {levels(gap)} below its target." in report.summary
    assert "No key area with a target has reached it yet." in report.summary
    table = movement_table(report, nps)
    row = next(r for r in table if r["Key area"] == "Managing Strategic Risk")
    assert row["Target"] == "4.00" and row["Against target"] == f"{gap:.2f} below target"
    # Overall, only 5 of 59 objectives have a target: the means are not comparable, so no gap.
    assert (table[-1]["Target"], table[-1]["Against target"]) == ("4.00 (5 of 59 scored)", "–")


def test_levels_in_words():
    assert (levels(1), levels(1.5), levels(2), levels(1 / 3)) == ("1 level", "1.5 levels", "2 levels", "0.33 levels")


def test_key_area_record_worcestershire(worcs, worcestershire):
    report = progress_report(worcs, worcestershire, "2022", today=TODAY)
    entries = worcestershire.period("2022").key_area_entries
    gaps = {k: e.target.value - e.score.value for k, e in entries.items() if e.score.is_scored and e.target.is_scored}
    furthest = max(gaps, key=gaps.get)
    assert report.mode == "key_area" and len(report.heatmap) == len(entries)
    assert f"scored {len(entries)} of 9 key areas" in report.summary and len(entries) == 9
    assert f"{worcs.key_areas[furthest].title} is {levels(gaps[furthest])} below its target" in report.summary
    assert f"{len(gaps) - 1} other key areas are below target too" in report.summary
    # not "the mean of the applicable scored objectives": there are none beneath a key area scored as a whole
    assert report.rule.startswith("Each key area is scored as a whole") and "objectives" not in report.rule
    row = next(r for r in movement_table(report, worcs) if r["Key area"] == worcs.key_areas[furthest].title)
    assert row["Against target"] == f"{levels(gaps[furthest])} to go"
    # the radar's table has no "n" column of 1s for key areas scored as a whole
    from assessment.domain.report import radar_rows
    from assessment.formats.charts import radar_text_table
    assert "n" not in radar_text_table(radar_rows(worcs, worcestershire, "2022"))[0]


def test_key_area_record_over_two_periods_lists_moving_key_areas(worcs, worcestershire):
    later = copy.deepcopy(worcestershire.period("2022"))
    later.period = "2023"
    moved = next(iter(later.key_area_entries.values()))
    moved.score = Score(moved.score.value + 1)
    moved.comment = "Strategy adopted by Cabinet."
    worcestershire.periods.append(later)
    report = progress_report(worcs, worcestershire, "2023", today=TODAY)
    assert [m.id for m in report.improved] == [moved.item] and report.improved[0].comment == "Strategy adopted by Cabinet."
    assert "Since 2022, 1 key area improved, none declined" in report.summary


def test_twelve_periods(nps, medway):
    last = medway.sorted_periods()[-1]
    for _ in range(10):
        last = copy.deepcopy(last)
        last.period = next_period(last.period)
        medway.periods.append(last)
    report = progress_report(nps, medway, "2033", today=TODAY)
    assert report.compare_with == "2032" and len(report.periods) == 12
    assert len(report.heatmap) == 59 * 12
    table = heatmap_table(heatmap_rows(report.heatmap))
    assert len(table) == 59 and list(table[0])[2:] == report.periods
    spec = json.loads(json.dumps(heatmap_chart(heatmap_rows(report.heatmap), nps)))
    assert spec["layer"][0]["mark"]["type"] == "rect"


def test_open_and_overdue_actions(nps, medway):
    entry = medway.period("2023").entries["1"]
    entry.actions.append(Action("Brief the portfolio holder", owner="Head of Procurement", due=date(2026, 3, 31)))
    entry.actions.append(Action("Later", owner="Head of Procurement", due=date(2027, 3, 31)))
    entry.actions.append(Action("Finished", due=date(2026, 1, 1), status="done"))
    report = progress_report(nps, medway, "2023", today=TODAY)
    live = [a for p in medway.periods for e in p.entries.values() for a in e.actions if a.status in ("open", "in progress")]
    assert len(report.actions) == len(live)
    assert [a.row.action.text for a in report.overdue] == ["Brief the portfolio holder"]
    assert report.overdue[0].key_area == "Engaging Councillors"
    assert f"{len(live)} actions are open, 1 of them overdue at 21 November 2026." in report.summary
    # Actions "carried forward" live on in the next period and are not counted twice.
    assert all(a.row.action.status != "carried forward" for a in report.actions)


def test_theme_radar_has_only_that_themes_key_areas(nps, medway):
    theme = nps.themes[1]
    rows = radar_rows(nps, medway, "2023", key_area_ids=[ka.id for ka in theme.key_areas])
    assert {r["key_area"] for r in rows} == {ka.title for ka in theme.key_areas}


def test_carried_scores_are_named_in_the_summary(nps, medway):
    from assessment.domain.rollups import carry_forward
    medway.periods.append(carry_forward(medway.period("2023"), "2024").period)
    report = progress_report(nps, medway, "2024", today=TODAY)
    assert report.summary.startswith("In 2024, Medway Council scored 0 of 59 objectives (59 more carried forward "
                                     "from the last period, not yet confirmed)")
    assert "(mean 3.29 from 59 of 59 objectives, 59 of them carried forward and not yet confirmed)" in report.summary


def test_a_target_for_the_whole_key_area_gives_a_gap(tiny):
    from assessment.domain.record import Entry, Organisation, OrganisationRecord, PeriodRecord
    period = PeriodRecord("2024", entries={"S1": Entry("S1", score=Score(1.0)), "S2": Entry("S2", score=Score(2.0))},
                          key_area_entries={"skills": Entry("skills", kind="key_area", target=Score(3.0))})
    record = OrganisationRecord(Organisation("x", "X Council"), tiny.id, tiny.version, [period])
    line = next(k for k in progress_report(tiny, record, "2024", today=TODAY).key_areas if k.id == "skills")
    assert line.target.n == 1 and line.now.n == 2 and line.gap == 1.5


def test_a_record_kept_per_key_area_has_a_key_area_heatmap_table(worcs, worcestershire):
    report = progress_report(worcs, worcestershire, "2022", today=TODAY)
    table = heatmap_table(heatmap_rows(report.heatmap))
    assert table[0] == {"Key area": "Engaging with Members and Senior Leaders", "2022": "2"}
    assert {row["Key area"]: row["2022"] for row in table}["Managing Strategic Risk"] == "3"


def test_at_a_glance_does_not_cut_a_tie_in_two(nps, worcestershire):
    """Worcestershire 2022: four key areas are 3 levels below target; all four are listed, not three."""
    from assessment.formats.framework_file import find_framework
    framework = find_framework("worcestershire-2022")
    report = progress_report(framework, worcestershire, "2022", today=TODAY)
    gaps = sorted((k.gap for k in report.key_areas if k.gap and k.gap > 0), reverse=True)
    listed = at_a_glance(report, framework).gaps
    assert len(listed) == 3 + sum(1 for g in gaps[3:] if g == gaps[2])
    assert [k.gap for k in listed] == gaps[:len(listed)]
    assert len(listed) == 4 and {k.gap for k in listed} == {3.0}


def _first_year_draft(medway, objectives: list[str]):
    """Medway with one period, 2022, in which only `objectives` are scored (as a first-year draft)."""
    from dataclasses import replace
    first = medway.period("2022")
    return replace(medway, periods=[replace(first, status="draft",
                                            entries={o: first.entries[o] for o in objectives})])


def test_a_headline_level_says_what_it_rests_on_and_below_half_is_provisional(nps, medway):
    """A first-year draft with three objectives scored: the overall level is read from 3 of 59, and
    said to be provisional wherever it is shown; a key area with all its objectives scored is not."""
    from assessment.domain.summary import period_summary, summary_table
    record = _first_year_draft(medway, ["1", "2", "3"])      # Engaging Councillors: all three of its objectives
    report = progress_report(nps, record, "2022", today=TODAY)
    scores = [record.period("2022").entries[o].score.value for o in "123"]
    level = nps.levels[int(sum(scores) / 3) - 1].label
    words = f"{level}, provisional (mean {sum(scores) / 3:.2f} from 3 of 59 objectives)"
    assert report.overall_words(nps) == words
    assert at_a_glance(report, nps).overall == words
    assert f"overall it is at {words}." in report.summary
    rows = {r["Key area"]: r for r in movement_table(report, nps)}
    assert (rows["Engaging Councillors"]["Scored"], rows["Overall"]["Scored"]) == ("3 of 3", "3 of 59")
    assert not rows["Engaging Councillors"]["Level"].endswith("(provisional)")
    assert rows["Overall"]["Level"].endswith("(provisional)")
    summary = period_summary(nps, record, "2022", today=TODAY)
    assert summary["headline"] == words and summary["status"] == "DRAFT"
    assert (summary["overall"]["n"], summary["overall"]["of"], summary["overall"]["provisional"],
            summary["overall"]["coverage"]) == (3, 59, True, "from 3 of 59 objectives")
    assert summary["key_areas"][0]["provisional"] is False
    assert f"Overall: {words}." in summary_table(summary)


def test_half_or_more_is_not_provisional(nps, medway):
    """30 of 59 scored is half or more: the level stands, with its coverage."""
    record = _first_year_draft(medway, [o for o in list(nps.objectives)[:30]])
    report = progress_report(nps, record, "2022", today=TODAY)
    assert "provisional" not in report.overall_words(nps)
    assert "from 30 of 59 objectives" in report.overall_words(nps)


def test_the_summary_is_the_report_as_data(nps, medway):
    """One model: the summary's numbers are the report's, for every key area, theme and the whole."""
    from assessment.domain.summary import period_summary
    report = progress_report(nps, medway, "2023", "2022", today=TODAY)
    summary = period_summary(nps, medway, "2023", "2022", today=TODAY)
    for lines, data in ((report.key_areas, summary["key_areas"]), (report.themes, summary["themes"]),
                        ([report.overall], [summary["overall"]])):
        assert [(line.title, line.now.n, line.gap, line.direction) for line in lines] == \
            [(d["title"], d["n"], d["gap"], d["direction"]) for d in data]
    o = summary["objectives"]
    assert (o["improved"], o["unchanged"], o["declined"]) == (len(report.improved), report.unchanged,
                                                              len(report.declined))
    json.dumps(summary)   # plain data, as `summary --format json` prints it


def test_counts_read_as_people_write_them():
    """One plural rule (`numbers.counted`), wherever a count meets its noun."""
    from assessment.domain.numbers import counted
    assert [counted(1, "objective"), counted(3, "objective"), counted(1, "key area"), counted(2, "key area"),
            counted(1_200, "action")] == ["1 objective", "3 objectives", "1 key area", "2 key areas", "1,200 actions"]
