"""A plan's period as councils report it: each outcome's and action's rating with its movement since
the last period, each indicator's value against its baseline with the direction in words, the dated
actions overdue, and the count at each rating (at a glance). Plain data in, plain data out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .plan import Indicator, Plan, PlanAction, Rating
from .record import Action, Entry, OrganisationRecord, PeriodRecord, long_date

BETTER, WORSE, SAME, FIRST = "better", "worse", "no change", "first rated"


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
    for action in plan.actions.values():
        due = action.target.due if action.target else None
        kept = live.get(action.id)
        if kept is not None and kept.due is not None:
            due = kept.due   # the council may have moved it
        if due is not None and due < on and (kept is None or kept.is_open):
            report.overdue.append(Overdue(action, due, kept.status if kept is not None else "open"))
    return report


def overdue_line(item: Overdue) -> str:
    """'1. Understand the local supplier base: due 31 December 2021 (open)'."""
    return f"{item.action.number}. {item.action.title}: due {long_date(item.due)} ({item.status})"
