"""A plan's period as councils report it: each outcome's and action's rating with its movement since
the last period, each indicator's value against its baseline with the direction in words, the dated
actions overdue, and the count at each rating (at a glance). Plain data in, plain data out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .plan import NO_DATA, Indicator, Plan, PlanAction, PlanTheme, Rating
from .record import Action, Entry, OrganisationRecord, PeriodRecord, long_date

BETTER, WORSE, SAME, FIRST = "better", "worse", "no change", "first rated"


def plan_report_title(plan: Plan, period: str) -> str:
    """The members' report's title on a plan, as its covering report heads it (printed in capitals)."""
    return f"{plan.title}: progress report {period}"


def rating_movement(plan: Plan, now: Rating | None, before: Rating | None) -> str:
    """How a rating moved since the last period, in words: better, worse, no change; "first rated"
    where there was none before; "" where either is off the scale (grey: not started) or unrated."""
    if now is None:
        return ""
    if before is None:
        return FIRST
    ranked = [r.id for r in plan.ratings if r.colour != "grey"]
    if now.id not in ranked or before.id not in ranked:
        return SAME if now.id == before.id else ""
    change = ranked.index(before.id) - ranked.index(now.id)   # the scale is best first
    return BETTER if change > 0 else WORSE if change < 0 else SAME


def indicator_direction(indicator: Indicator, value: float | None, against: float | None) -> str:
    """A value against an earlier one (the baseline, or last period's), in words: better, worse or no
    change where the plan says which way is better; else higher, lower or no change. "" where
    either is missing."""
    if value is None or against is None:
        return ""
    if value == against:
        return SAME
    higher = value > against
    if indicator.direction is None:
        return "higher" if higher else "lower"
    return BETTER if higher == (indicator.direction == "up") else WORSE


@dataclass(frozen=True)
class RatedLine:
    """An outcome or action in a period: its rating now and last period, the movement, the comment."""
    kind: str                      # "outcome" or "action"
    id: str
    title: str
    rating: Rating | None
    previous: Rating | None
    movement: str
    comment: str | None


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    value: float | None
    no_data: bool
    previous: float | None
    against_baseline: str          # better / worse / no change / higher / lower / ""
    since_last: str


@dataclass(frozen=True)
class Overdue:
    action: PlanAction
    due: date
    status: str


@dataclass
class PlanReport:
    plan: Plan
    period: str
    previous: str | None
    on: date
    outcomes: list[RatedLine] = field(default_factory=list)
    actions: list[RatedLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """At a glance: how many outcomes and actions are at each rating, in the scale's order
        (with "Not rated" for those without one)."""
        found = Counter(line.rating.name if line.rating else "Not rated" for line in (*self.outcomes, *self.actions))
        return {name: found[name] for name in [r.name for r in self.plan.ratings] + ["Not rated"] if found[name]}


def _entry(period: PeriodRecord | None, kind: str, item: str) -> Entry | None:
    return period.plan_entries.get((kind, item)) if period is not None else None


def _rating(plan: Plan, entry: Entry | None) -> Rating | None:
    return plan.rating_ids.get(entry.rating) if entry is not None and entry.rating else None


def plan_actions(record: OrganisationRecord) -> dict[str, Action]:
    """Each plan action's one live action (owner, due date, status, progress), by the plan action's
    id: raised in the period the plan was started in, shown in every later one."""
    found: dict[str, Action] = {}
    for period in record.sorted_periods():
        for (kind, item), entry in period.plan_entries.items():
            if kind == "action" and entry.actions and item not in found:
                found[item] = entry.actions[0]
    return found


def delivered_actions(plan: Plan, periods: list[PeriodRecord]) -> set[str]:
    """The plan's actions delivered by the last of `periods` (oldest first): those whose latest rating
    is one the scale marks delivered (Green delivered). Such an action is no longer overdue."""
    latest: dict[str, Rating | None] = {}
    for period in periods:
        for (kind, item), entry in period.plan_entries.items():
            if kind == "action" and entry.rating:
                latest[item] = plan.rating_ids.get(entry.rating)
    return {item for item, rating in latest.items() if rating is not None and rating.delivered}


def plan_report(plan: Plan, record: OrganisationRecord, period: str, on: date) -> PlanReport:
    """`period` of a plan record, as councils report it, with overdue actions as of `on`."""
    periods = record.sorted_periods()
    names = [p.period for p in periods]
    current = record.period(period)
    index = names.index(period)
    before = periods[index - 1] if index > 0 else None
    report = PlanReport(plan, period, before.period if before else None, on)
    for kind, items in (("outcome", [(o.id, o.title) for o in plan.outcomes.values()]),
                        ("action", [(a.id, f"{a.number}. {a.title}") for a in plan.actions.values()])):
        for item, title in items:
            now, then = _entry(current, kind, item), _entry(before, kind, item)
            rating, previous = _rating(plan, now), _rating(plan, then)
            line = RatedLine(kind, item, title, rating, previous, rating_movement(plan, rating, previous),
                             now.comment if now else None)
            (report.outcomes if kind == "outcome" else report.actions).append(line)
    for indicator in plan.indicators.values():
        now, then = _entry(current, "indicator", indicator.id), _entry(before, "indicator", indicator.id)
        value = now.value if now is not None and not now.no_data else None
        earlier = then.value if then is not None and not then.no_data else None
        base = indicator.baseline.value if indicator.baseline else None
        report.indicators.append(IndicatorLine(indicator, value, bool(now and now.no_data), earlier,
                                               indicator_direction(indicator, value, base),
                                               indicator_direction(indicator, value, earlier)))
    live = plan_actions(record)
    delivered = delivered_actions(plan, periods[:index + 1])
    for action in plan.actions.values():
        kept = live.get(action.id)
        due = action_due(action, kept)
        if due is not None and due < on and (kept is None or kept.is_open) and action.id not in delivered:
            report.overdue.append(Overdue(action, due, kept.status if kept is not None else "open"))
    return report


def action_due(action: PlanAction, kept: Action | None) -> date | None:
    """When a plan action falls due: the date kept for it (the council may have moved it), else its
    target's (the end of the month for 'by'; none for work to commence or continuing)."""
    if kept is not None and kept.due is not None:
        return kept.due
    return action.target.due if action.target else None


def target_words(action: PlanAction) -> str:
    """A plan action's target as reports print it ('by December 2021'), or 'none set'."""
    return action.target.text() if action.target else "none set"


def overdue_line(item: Overdue) -> str:
    """'1. Understand the local supplier base: due 31 December 2021 (open)'."""
    return f"{item.action.number}. {item.action.title}: due {long_date(item.due)} ({item.status})"


NOT_RATED = "Not rated"


def plain_number(value: float) -> int | float:
    """A value as a form shows it to edit: 37, 1250000, 12.5 (no unit, no thousands separator)."""
    return int(value) if value == int(value) else round(value, 2)


def rating_words(rating: Rating | None) -> str:
    """A rating as a report prints it: its name, with its colour named where the name does not say it."""
    if rating is None:
        return NOT_RATED
    said = rating.colour == "grey" or rating.colour in rating.name.lower()
    return rating.name if said else f"{rating.name} ({rating.colour})"


def number_words(value: float | None) -> str:
    """An indicator's value as people write it: 37, 37.5, 1,250."""
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")


def baseline_words(indicator: Indicator) -> str:
    """The baseline as the plan prints it, with when it was measured: '37% goes to suppliers locally
    (2020/21)'; 'none set' where the plan sets none."""
    baseline = indicator.baseline
    if baseline is None:
        return "none set"
    return f"{baseline.printed or number_words(baseline.value)} ({baseline.period})"


def value_words(line: IndicatorLine) -> str:
    return NO_DATA if line.no_data else number_words(line.value) if line.value is not None else "not recorded"


def since_words(line: IndicatorLine, previous: str | None) -> str:
    """Since last period, in words with last period's value: 'better (was 39)'."""
    if previous is None:
        return "first period"
    if line.previous is None:
        return f"no value in {previous}"
    was = f"was {number_words(line.previous)}"
    return f"{line.since_last} ({was})" if line.since_last else was


def against_words(line: IndicatorLine) -> str:
    if line.indicator.baseline is None:
        return "no baseline"
    return line.against_baseline or "–"


def movement_counts(lines: list[RatedLine]) -> str:
    """'3 better, 1 worse, 10 no change, 2 first rated' (the words of `rating_movement`)."""
    found = Counter(line.movement for line in lines)
    return ", ".join(f"{found[word]} {word}" for word in (BETTER, WORSE, SAME, FIRST) if found[word]) or "none rated"


def plan_report_data(report: PlanReport) -> dict:
    """The report as plain data (`summary --record plan --format json`): counts by rating, each
    outcome's and action's rating and movement, each indicator against its baseline, the overdue."""
    def rated(line: RatedLine) -> dict:
        return {"id": line.id, "title": line.title, "rating": line.rating.name if line.rating else None,
                "previous": line.previous.name if line.previous else None, "movement": line.movement or None,
                "comment": line.comment}
    return {
        "plan": report.plan.id, "period": report.period, "previous_period": report.previous,
        "on": report.on.isoformat(), "counts": report.counts(),
        "outcomes": [rated(line) for line in report.outcomes],
        "actions": [rated(line) for line in report.actions],
        "indicators": [{"id": line.indicator.id, "title": line.indicator.title, "unit": line.indicator.unit,
                        "baseline": line.indicator.baseline.value if line.indicator.baseline else None,
                        "value": line.value, "no_data": line.no_data, "previous": line.previous,
                        "against_baseline": line.against_baseline or None, "since_last": line.since_last or None}
                       for line in report.indicators],
        "overdue": [{"action": o.action.id, "number": o.action.number, "title": o.action.title,
                     "due": o.due.isoformat(), "status": o.status} for o in report.overdue],
    }


def plan_report_text(report: PlanReport) -> str:
    """The report for the command line: at a glance, then outcomes, indicators, actions, overdue."""
    lines = [f"{report.plan.name}: {report.period}" + (f" (movement since {report.previous})" if report.previous
                                                       else ""),
             "At a glance: " + (", ".join(f"{n} {name}" for name, n in report.counts().items()) or "nothing rated"),
             "", "Outcomes"]
    for line in report.outcomes:
        moved = f" ({line.movement})" if line.movement else ""
        lines.append(f"  {rating_words(line.rating):<16} {line.title}{moved}")
    lines += ["", "Indicators"]
    for ind in report.indicators:
        unit = f" {ind.indicator.unit}" if ind.indicator.unit and ind.value is not None else ""
        lines.append(f"  {ind.indicator.title}: {value_words(ind)}{unit}; baseline {baseline_words(ind.indicator)}: "
                     f"{against_words(ind)}; since last period: {since_words(ind, report.previous)}")
    lines += ["", "Actions"]
    for line in report.actions:
        moved = f" ({line.movement})" if line.movement else ""
        lines.append(f"  {rating_words(line.rating):<16} {line.title}{moved}")
    lines += ["", f"Overdue at {long_date(report.on)}: " + (str(len(report.overdue)) if report.overdue else "none")]
    lines += [f"  {overdue_line(o)}" for o in report.overdue]
    return "\n".join(lines) + "\n"


def outcome_rows(report: PlanReport, lines: list[RatedLine]) -> list[dict[str, str]]:
    """Outcomes as a report's table rows (the page and the Word report print the same): outcome,
    this period's rating, last period's, the movement in words, the comment."""
    before = f"{report.previous} rating" if report.previous else "Last period"
    return [{"Outcome": line.title, f"{report.period} rating": rating_words(line.rating),
             before: rating_words(line.previous) if report.previous else "none",
             "Movement": line.movement, "Comment": line.comment or ""} for line in lines]


def indicator_rows(report: PlanReport, lines: list[IndicatorLine]) -> list[dict[str, str]]:
    """Indicators as table rows: unit, baseline with its date, the value, against the baseline and
    since last period, in words."""
    return [{"Indicator": line.indicator.title, "Unit": line.indicator.unit or "",
             "Baseline": baseline_words(line.indicator), f"{report.period} value": value_words(line),
             "Against baseline": against_words(line), "Since last period": since_words(line, report.previous)}
            for line in lines]


def action_rows(report: PlanReport, lines: list[RatedLine]) -> list[dict[str, str]]:
    """Plan actions as table rows: number, action, its target in words, rating, movement, comment."""
    actions = report.plan.actions
    return [{"No.": actions[line.id].number, "Action": actions[line.id].title,
             "Target": target_words(actions[line.id]),
             f"{report.period} rating": rating_words(line.rating), "Movement": line.movement,
             "Comment": line.comment or ""} for line in lines]


def by_theme(report: PlanReport) -> list[tuple[PlanTheme, list[RatedLine], list[IndicatorLine], list[RatedLine]]]:
    """The report's lines theme by theme: its outcomes, their indicators, their actions."""
    outcomes = {line.id: line for line in report.outcomes}
    indicators = {line.indicator.id: line for line in report.indicators}
    actions = {line.id: line for line in report.actions}
    return [(theme, [outcomes[o.id] for o in theme.outcomes],
             [indicators[i.id] for o in theme.outcomes for i in o.indicators],
             [actions[a.id] for o in theme.outcomes for a in o.actions]) for theme in report.plan.themes]


def at_a_glance(report: PlanReport) -> str:
    """'Of 22 outcomes and actions: 3 Green on target, 2 Amber, 17 Not rated. 4 dated actions overdue.'"""
    counts = report.counts()
    total = len(report.outcomes) + len(report.actions)
    said = ", ".join(f"{n} {name}" for name, n in counts.items())
    overdue = len(report.overdue)
    return (f"Of {total} outcomes and actions: {said}. "
            + (f"{overdue} dated action{'s' if overdue != 1 else ''} overdue at {long_date(report.on)}."
               if overdue else f"No dated action is overdue at {long_date(report.on)}."))
