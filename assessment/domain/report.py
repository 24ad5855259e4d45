"""The members' progress report as plain data: where we are today, where we want to be, what moved.

One function, `progress_report`, gathers everything the report page and the Word report show:
key-area and theme roll-ups with last period, target, gap and direction; the objectives that
moved, with their comments; a heatmap of objectives (or key areas) by period; the open and overdue
actions per key area; and a one-paragraph summary in plain English, computed from the numbers.
It works for a single period (nothing to compare with) and for records kept one level per key
area (seed 000).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import movement
from .action_list import ListedAction, action_rows
from .framework import Framework
from .numbers import counted, format_mean, gap_words, levels_text, rounded, two_places
from .record import Entry, OrganisationRecord, framework_notes, long_date, period_key
from .rollups import (
    PREVIOUS,
    KEY_AREA_RULE,
    ROLL_UP_RULE,
    AreaSummary,
    Completion,
    Rollup,
    Comparison,
    completion,
    coverage,
    gap,
    key_area_summaries,
    level_reached,
    scored_of,
    objective_movements,
    overall_summary,
    previous_period,
    scored_by_key_area,
    target_by,
    target_covers,
    target_text,
    theme_summaries,
)
from .scores import Score, level_label


@dataclass(frozen=True)
class AreaLine:
    """One key area (or theme, or the whole framework) in the report period, against the one before."""

    id: str
    title: str
    now: Rollup
    target: Rollup
    before: Rollup | None  # None when there is no earlier period to compare with
    scored_as: str = "objectives"
    target_direct: bool = False  # set for the key area as a whole
    target_by: str | None = None  # the period its targets are to be reached by, where they agree (`target_by`)

    @property
    def target_text(self) -> str:
        """'4.00 by 2025/26', '4.00 (1 of 3 scored)', '–' (`rollups.target_text`)."""
        return target_text(self.now, self.target, self.target_direct, self.target_by)

    @property
    def targets_complete(self) -> bool:
        return target_covers(self.now, self.target, self.target_direct)

    @property
    def gap(self) -> float | None:
        return gap(self.now, self.target, self.target_direct)

    @property
    def change(self) -> float | None:
        return movement.change(self.before.mean if self.before else None, self.now.mean)

    @property
    def direction(self) -> str:
        return movement.direction(self.change)

    @property
    def items(self) -> str:
        return "key areas" if self.scored_as == "key_area" else "objectives"

    @property
    def coverage(self) -> str:
        """'from 3 of 5 objectives': how much its level rests on (`rollups.coverage`)."""
        return coverage(self.now, self.items)

    @property
    def provisional(self) -> bool:
        return self.now.provisional


@dataclass(frozen=True)
class Mover:
    """An objective (or a key area scored directly) whose score changed since the earlier period."""

    id: str
    title: str
    key_area: str
    before: Score
    after: Score
    comment: str | None

    @property
    def change(self) -> float:
        return self.after.value - self.before.value  # type: ignore[operator]


@dataclass(frozen=True)
class HeatCell:
    id: str
    title: str
    key_area: str
    period: str
    score: Score
    carried: bool = False   # carried forward, not yet confirmed


@dataclass(frozen=True)
class ActionLine:
    key_area: str
    row: ListedAction
    overdue: bool


@dataclass
class ProgressReport:
    organisation: str
    framework_name: str          # as documents name it (`Framework.name`)
    period: str
    compare_with: str | None
    periods: list[str]
    today: date
    overall: AreaLine
    themes: list[AreaLine]
    key_areas: list[AreaLine]
    completion: Completion
    mode: str                                   # "objectives" or "key_area"
    improved: list[Mover] = field(default_factory=list)
    declined: list[Mover] = field(default_factory=list)
    unchanged: int = 0
    not_comparable: int = 0
    # of the objectives compared with the earlier period: those with a target, and those at or above it
    with_target: int = 0
    at_or_above_target: int = 0
    heatmap: list[HeatCell] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    summary: str = ""
    rule: str = ROLL_UP_RULE
    # periods shown that were scored against another framework, and how they are shown (`framework_notes`)
    framework_notes: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> list[ActionLine]:
        return [a for a in self.actions if a.overdue]

    @property
    def has_earlier(self) -> bool:
        """Whether a period before this one is recorded (compared with or not)."""
        return self.periods[0] != self.period

    @property
    def below_target(self) -> list[AreaLine]:
        """The key areas below a target that covers what they score (`AreaLine.gap`), furthest first."""
        return sorted((k for k in self.key_areas if k.gap is not None and k.gap > 0), key=lambda k: -(k.gap or 0.0))

    def overall_words(self, framework: Framework) -> str:
        """The whole framework's level in words (`overall_words`), e.g. "3 – Mature (mean 3.29 from 59 of 59 …)"."""
        return overall_words(self.overall.now, framework, self.completion)

    @property
    def has_targets(self) -> bool:
        return any(line.target.mean is not None for line in self.key_areas)


def progress_report(framework: Framework, record: OrganisationRecord, period: str,
                    compare_with: str | None = PREVIOUS, *, today: date | None = None) -> ProgressReport:
    """Everything the progress report shows for `period`, compared with `compare_with`: by default
    the period before it (none when it is the first); None to compare with nothing."""
    today = today or date.today()
    now = record.period(period)
    if compare_with == PREVIOUS:
        compare_with = previous_period(record, period)
    before = record.period(compare_with) if compare_with else None
    ka_now = key_area_summaries(framework, now)
    ka_before = key_area_summaries(framework, before) if before else [None] * len(ka_now)
    th_now = theme_summaries(framework, now)
    th_before = theme_summaries(framework, before) if before else [None] * len(th_now)
    mode = "key_area" if scored_by_key_area(now) else "objectives"
    report = ProgressReport(
        organisation=record.organisation.name, framework_name=framework.name, period=period, compare_with=compare_with,
        periods=[p.period for p in record.sorted_periods()], today=today,
        overall=_line(overall_summary(framework, now), overall_summary(framework, before) if before else None,
                      target_by(framework, now, framework.key_areas)),
        themes=[_line(a, b, target_by(framework, now, [ka.id for ka in theme.key_areas]))
                for a, b, theme in zip(th_now, th_before, framework.themes)],
        key_areas=[_line(a, b, target_by(framework, now, [a.id])) for a, b in zip(ka_now, ka_before)],
        completion=completion(framework, now, by_key_area=mode == "key_area"), mode=mode,
        rule=KEY_AREA_RULE if mode == "key_area" else ROLL_UP_RULE)
    if before is not None:
        _movers(framework, report, before, now)
        objectives = Comparison(before.period, period, objective_movements(framework, before, now))
        report.with_target, report.at_or_above_target = objectives.with_target, objectives.at_or_above_target
    report.heatmap = _heatmap(framework, record, mode, period)
    report.actions = _actions(framework, record, period, today)
    report.summary = summary_paragraph(report, framework)
    report.framework_notes = framework_notes(p for p in record.sorted_periods()
                                             if period_key(p.period) <= period_key(period))
    return report


def _line(now: AreaSummary, before: AreaSummary | None, by: str | None = None) -> AreaLine:
    return AreaLine(now.id, now.title, now.score, now.target, before.score if before else None, now.mode,
                    now.target_direct, by)


def _movers(framework: Framework, report: ProgressReport, before, now) -> None:
    if report.mode == "key_area" and not scored_by_key_area(before):
        # the period before was scored per objective: each key area's level against its objectives' mean then
        means = {line.id: line.before.mean for line in report.key_areas if line.before is not None}
        items = [(ka.id, ka.title, ka.title,
                  Entry(ka.id, "key_area", score=Score(means[ka.id])) if means.get(ka.id) is not None else None,
                  now.key_area_entries.get(ka.id)) for ka in framework.key_areas.values()]
    elif report.mode == "key_area":
        items = [(ka.id, ka.title, ka.title, before.key_area_entries.get(ka.id), now.key_area_entries.get(ka.id))
                 for ka in framework.key_areas.values()]
    else:
        items = [(o.id, f"{o.id}. {o.title}", ka.title, before.entries.get(o.id), now.entries.get(o.id))
                 for _, ka, o in framework.iter_objectives()]
    for item_id, title, key_area, old, new in items:
        if old is None or new is None or not (old.score.is_scored and new.score.is_scored):
            report.not_comparable += 1 if (old or new) else 0
            continue
        mover = Mover(item_id, title, key_area, old.score, new.score, new.comment)
        moved = movement.direction(mover.change)   # the one rule of a direction
        if moved == "improved":
            report.improved.append(mover)
        elif moved == "declined":
            report.declined.append(mover)
        else:
            report.unchanged += 1
    report.improved.sort(key=lambda m: -m.change)
    report.declined.sort(key=lambda m: m.change)


def _heatmap(framework: Framework, record: OrganisationRecord, mode: str, up_to: str) -> list[HeatCell]:
    cells = []
    periods = [p for p in record.sorted_periods() if period_key(p.period) <= period_key(up_to)]
    for p in periods:
        if mode == "key_area":
            for ka in framework.key_areas.values():
                entry = p.key_area_entries.get(ka.id)
                if entry is not None:
                    cells.append(HeatCell(ka.id, ka.title, ka.title, p.period, entry.score, entry.carried))
        else:
            for _, ka, o in framework.iter_objectives():
                entry = p.entries.get(o.id)
                if entry is not None:
                    cells.append(HeatCell(o.id, f"{o.id}. {o.title}", ka.title, p.period, entry.score, entry.carried))
    return cells


def _actions(framework: Framework, record: OrganisationRecord, period: str, today: date) -> list[ActionLine]:
    """Actions open at `period` (`ListedAction.open_at`): raised in it or before, not closed by its end."""
    lines = []
    for row in action_rows(framework, record):
        if not row.open_at(period):
            continue
        key_area = framework.key_areas[row.key_area_id].title if row.key_area_id in framework.key_areas else ""
        lines.append(ActionLine(key_area, row, row.overdue(today)))
    order = {ka.title: i for i, ka in enumerate(framework.key_areas.values())}
    lines.sort(key=lambda a: (order.get(a.key_area, 99), a.row.action.due or date.max))
    return lines


# ---------------------------------------------------------------- at a glance

@dataclass(frozen=True)
class AtAGlance:
    """The report's first screen (and the Word report's first page): what a councillor reads in two
    minutes. The gaps are key areas below a target that covers what they score (`AreaLine.gap`),
    furthest first; the moves are key areas whose mean moved since the earlier period, largest first."""

    overall: str                 # "3 – Mature (mean 3.29 of n = 59 objectives)", or "not yet scored"
    gaps: list[AreaLine]
    moves: list[AreaLine]
    open_actions: int
    overdue: int
    gaps_note: str               # why the gap list is short or empty, in plain words ("" when it is full)
    moves_note: str


def at_a_glance(report: ProgressReport, framework: Framework, how_many: int = 3) -> AtAGlance:
    below = report.below_target
    if not report.has_targets:
        gaps_note = "No targets are set yet, so there is no gap to show."
    elif not below:
        gaps_note = "No key area is below a target that covers what it scores."
    elif len(below) < how_many:
        gaps_note = f"Only {counted(len(below), 'key area')} {'is' if len(below) == 1 else 'are'} below a target."
    else:
        gaps_note = ""
    moved = sorted((k for k in report.key_areas if k.change), key=lambda k: (-abs(k.change or 0.0), k.title))
    if not report.compare_with:
        moves_note = ("Not compared with an earlier period, so no moves are shown." if report.has_earlier else
                      "This is the first period recorded, so nothing has moved yet.")
    elif not moved:
        moves_note = f"No key area's mean moved since {report.compare_with}."
    else:
        moves_note = ""
    return AtAGlance(report.overall_words(framework), _with_ties(below, how_many, lambda k: k.gap),
                     _with_ties(moved, how_many, lambda k: abs(k.change)), len(report.actions), len(report.overdue),
                     gaps_note, moves_note)


def _with_ties(lines: list[AreaLine], how_many: int, size) -> list[AreaLine]:
    """The first `how_many`, and any after them as large as the last (a tie is not cut in two)."""
    if len(lines) <= how_many:
        return lines
    last = round(size(lines[how_many - 1]), 6)
    return lines[:how_many] + [k for k in lines[how_many:] if round(size(k), 6) == last]


def gap_line(line: AreaLine) -> str:
    """'Social Value: 2.00 against a target of 4.00, 2 levels below' (for the at-a-glance lists)."""
    return (f"{line.title}: {format_mean(line.now.mean)} against a target of {format_mean(line.target.mean)}, "
            f"{levels_text(line.gap or 0.0)} below")


def move_line(line: AreaLine, compare_with: str | None) -> str:
    """'Social Value: ▲ up 0.50 since 2023 (1.50 → 2.00)'."""
    return (f"{line.title}: {movement.label(line.change, amount='mean')} since {compare_with or 'the period before'} "
            f"({_mean(line.before)} → {_mean(line.now)})")


# ---------------------------------------------------------------- words



def open_actions_sentence(open_: int, overdue: int, today: date) -> str:
    """For the members' report, e.g. "3 actions are open; 1 of them is overdue at 1 December 2026." """
    if not open_:
        return f"No actions are open at {long_date(today)}."
    late = f"{overdue} of them {'is' if overdue == 1 else 'are'} overdue" if overdue else "none is overdue"
    return f"{counted(open_, 'action')} {'is' if open_ == 1 else 'are'} open; {late} at {long_date(today)}."


def target_sentences(report: ProgressReport) -> list[str]:
    """What the targets say, in the same terms as the movement table and the radar: a gap only
    where a key area's target covers what is scored (or is set for the key area as a whole)."""
    with_target = [k for k in report.key_areas if k.target.mean is not None]
    if not with_target:
        return ["No targets have been set, so there is no gap to report."]
    complete = [k for k in with_target if k.gap is not None]
    partial = [k for k in with_target if k.gap is None]
    out = []
    below = report.below_target
    if below:
        furthest, others = below[0], below[1:]
        still = "still " if report.compare_with else ""
        sentence = f"{furthest.title} is {still}{levels_text(furthest.gap or 0.0)} below its target"
        if others:
            sentence += (f"; {counted(len(others), 'other key area')} {'is' if len(others) == 1 else 'are'} "
                         f"below target too (next furthest: {_names([k.title for k in others[:3]])})")
        reached = len(complete) - len(below)
        out.append(sentence + ". " + (f"{reached} of the {len(complete)} key areas with a target for all they "
                                      f"score {'has' if reached == 1 else 'have'} reached it." if reached else
                                      "No key area with a target has reached it yet."))
    elif complete:
        out.append(f"{'The' if len(complete) == 1 else 'All'} {counted(len(complete), 'key area')} with a target "
                   f"for all {'it scores' if len(complete) == 1 else 'they score'} "
                   f"{'has' if len(complete) == 1 else 'have'} reached it.")
    if partial:
        named = _names([f"{k.title}, {k.target.n} of {k.now.n} scored" for k in partial])
        out.append(f"{counted(len(partial), 'key area')} {'has' if len(partial) == 1 else 'have'} a target for only "
                   f"some of {'its' if len(partial) == 1 else 'their'} {report.completion.items} ({named}), so no "
                   "gap is given there.")
    return out


def overall_words(overall: Rollup, framework: Framework, done: Completion, *, strong: bool = False) -> str:
    """The headline level with what it rests on, wherever it is shown: '3 – Mature (mean 3.29 from
    59 of 59 objectives, 59 of them carried forward and not yet confirmed)'; '1 – Minimum,
    provisional (mean 1.83 from 3 of 59 objectives)' below half coverage (`Rollup.provisional`).
    `strong`: the level in bold (Markdown)."""
    if overall.mean is None or overall.level is None:
        return "not yet scored"
    level = level_label(overall.level, framework)
    level = f"**{level}**" if strong else level
    carried = (f", {done.carried_scored} of them carried forward and not yet confirmed"
               if done.carried_scored else "")
    return (f"{level}{', provisional' if overall.provisional else ''} (mean {two_places(overall.mean)} "
            f"{coverage(overall, done.items)}{carried})")


def overall_sentence(report: ProgressReport, framework: Framework) -> str:
    """The Start page's line for the whole framework."""
    return f"Overall: {overall_words(report.overall.now, framework, report.completion, strong=True)}."


def _names(titles: list[str]) -> str:
    """Titles such as "Local SME and Micro-Business Engagement" hold "and", so semicolons part them."""
    return "; ".join(titles)


def summary_paragraph(report: ProgressReport, framework: Framework) -> str:
    """One paragraph in plain English, every number taken from the report."""
    items = "key areas" if report.mode == "key_area" else "objectives"
    o = report.overall
    parts = []
    if o.now.mean is None:
        parts.append(f"Nothing has been scored for {report.period} yet.")
    else:
        done = report.completion
        parts.append(f"In {report.period}, {report.organisation} scored {done.scored} of {done.total} {items}"
                     + (f" ({done.carried} more carried forward from the last period, not yet confirmed)"
                        if done.carried else "")
                     + f"; overall it is at {report.overall_words(framework)}.")
    if report.compare_with:
        moved = []
        if report.improved:
            moved.append(f"{counted(len(report.improved), items[:-1])} improved")
        if report.declined:
            moved.append(f"{counted(len(report.declined), items[:-1])} declined")
        if not moved:
            parts.append(f"No {items} moved since {report.compare_with}.")
        else:
            declined = "" if report.declined else ", none declined"
            parts.append(f"Since {report.compare_with}, {' and '.join(moved)}{declined}; "
                         f"{report.unchanged} stayed the same.")
    elif report.has_earlier:
        parts.append("This report is not compared with an earlier period.")
    else:
        parts.append("This is the first period recorded, so there is nothing to compare with yet.")
    parts += target_sentences(report)
    if report.actions:
        overdue = len(report.overdue)
        parts.append(f"{counted(len(report.actions), 'action')} {'is' if len(report.actions) == 1 else 'are'} open"
                     + (f", {overdue} of them overdue at {long_date(report.today)}." if overdue else
                        ", none overdue."))
    return " ".join(parts)


# ---------------------------------------------------------------- tables (shared by the page and the Word report)

def _mean(rollup: Rollup | None) -> str:
    return format_mean(rollup.mean if rollup is not None else None)


def movement_table(report: ProgressReport, framework: Framework) -> list[dict[str, str]]:
    """Per key area: last period, this period (with level), target, gap and direction; then the overall line."""
    rows = []
    for line in [*report.key_areas, report.overall]:
        row = {"Key area": line.title if line is not report.overall else "Overall"}
        if report.compare_with:
            row[report.compare_with] = _mean(line.before)
        row[report.period] = _mean(line.now)
        row["Scored"] = scored_of(line.now.n, line.now.scorable, line.now.not_applicable)
        row["Level"] = level_reached(line.now, framework)
        row["Target"] = line.target_text
        row["Against target"] = gap_words(line.gap)
        if report.compare_with:
            row["Direction"] = movement.label(line.change, amount="mean")
        rows.append(row)
    return rows


def mover_table(movers: list[Mover]) -> list[dict[str, str]]:
    return [{"Objective": m.title, "Key area": m.key_area, "From": _as_scored(m.before),
             "To": _as_scored(m.after), "Comment": m.comment or ""} for m in movers]


def _as_scored(score: Score) -> str:
    """A score as written ("3", "2/3"); a mean (a key area's objectives' before a switch) with two places."""
    value = score.value
    return two_places(value) if value is not None and value * 2 != int(value * 2) else score.written or ""


def action_table(lines: list[ActionLine]) -> list[dict[str, str]]:
    return [{"Key area": a.key_area or "–", "Objective": a.row.title, "Action": a.row.action.text,
             "Owner": a.row.action.owner or "no owner", "Due": long_date(a.row.action.due),
             "Status": a.row.action.status, "Overdue": "⚠ overdue" if a.overdue else "",
             "From": a.row.period} for a in lines]


# ---------------------------------------------------------------- the radar's data

def radar_rows(framework: Framework, record: OrganisationRecord, period: str,
               compare_with: str | None = PREVIOUS, key_area_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Plain rows for the radar and its table: one per key area and series (today, target, last year).

    `compare_with` defaults to the period before `period`; None leaves the earlier series out.
    Key areas with nothing scored still take their place round the chart, with no point.
    """
    if compare_with == PREVIOUS:
        compare_with = previous_period(record, period)
    ids = key_area_ids or list(framework.key_areas)
    now = {s.id: s for s in key_area_summaries(framework, record.period(period))}
    before = {s.id: s for s in key_area_summaries(framework, record.period(compare_with))} if compare_with else {}
    rows = []
    for order, ka_id in enumerate(ids):
        title = framework.key_areas[ka_id].title
        area = now[ka_id]
        covers = target_covers(area.score, area.target, area.target_direct)
        series = [("today", period, area.score), ("target", "target", area.target)]
        if compare_with:
            series.append(("last year", compare_with, before[ka_id].score))
        for kind, label, rollup in series:
            row = {"order": order, "key_area": title, "series": kind, "label": label,
                   "value": rounded(rollup.mean), "n": rollup.n, "scored_as": area.mode}
            if kind == "target" and rollup.mean is not None and not covers:
                # A target for only part of what is scored is not drawn; the table says how much it covers.
                row.update(value=None, partial=target_text(area.score, rollup, area.target_direct))
            rows.append(row)
    return rows
