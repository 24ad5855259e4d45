"""Plans (pydantic): a strategy a council follows as statements rated each year, not as 1–5 levels.

A plan is kept as data in the same folder as the frameworks of levels, marked `kind: plan`:
themes -> outcomes -> indicators (unit, direction, baseline with its date) and actions (each with a
target: by a date, to commence on a date, or continuing from a date); a red, amber and green (RAG)
scale of its own, or the default one. It has no rubric. Reading a plan file (YAML, every problem
with its line) is `assessment.formats.plan_file`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Iterator, Literal

from pydantic import AfterValidator, Field, StringConstraints

from .framework import Id, Text, _Strict
from .record import FIRST_YEAR, LAST_YEAR, PERIOD_HINT, valid_period

PLAN = "plan"   # the `kind` a plan file gives
NO_DATA = "no data"   # an indicator's value where the council has none for the period

Colour = Literal["green", "amber", "red", "grey"]


def _month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value) or not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise ValueError(f"'{value[:40]}' is not a month; write it as YYYY-MM, e.g. 2021-12 for December 2021")
    return value


def _period(value: str) -> str:
    if not valid_period(value):
        raise ValueError(f"'{value[:40]}' is not a period; {PERIOD_HINT}")
    return value


Month = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_month)]
Period = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_period)]

TARGET_KINDS = {
    "by": "by a date",
    "commence": "to commence",
    "continuing": "continuing",
}


class Rating(_Strict):
    """One step of a plan's RAG scale: 'Green on target' (green)."""

    id: Id
    name: Text
    colour: Colour = Field(description="green, amber, red, or grey (not rated on the scale: not started)")
    delivered: bool = Field(default=False, description="An action rated so is delivered: no longer counted "
                                                       "overdue (the default scale's Green delivered)")


DEFAULT_RATINGS: tuple[Rating, ...] = (
    Rating(id="green-delivered", name="Green delivered", colour="green", delivered=True),
    Rating(id="green-on-target", name="Green on target", colour="green"),
    Rating(id="amber", name="Amber", colour="amber"),
    Rating(id="red", name="Red", colour="red"),
    Rating(id="not-started", name="Not started", colour="grey"),
)


class Baseline(_Strict):
    """Where an indicator started: a value, the period it was measured in, and the words printed."""

    value: float
    period: Period = Field(description="When it was measured: a year (2021) or a financial year (2020/21)")
    printed: Text | None = Field(default=None, description="The baseline as the plan prints it")


class Indicator(_Strict):
    id: Id
    title: Text
    unit: Text | None = Field(default=None, description="What a value counts: 'contracts', '%', '£'")
    direction: Literal["up", "down"] | None = Field(
        default=None, description="up: higher is better; down: lower is better; none: the plan does not say")
    baseline: Baseline | None = None


class Target(_Strict):
    """An action's target as the plan sets it: by a date, to commence on a date, or continuing."""

    kind: Literal["by", "commence", "continuing"]
    month: Month = Field(description="The month the target names, as YYYY-MM")
    printed: Text = Field(description="The target as the plan prints it, e.g. 'by Dec 2021'")

    @property
    def first_day(self) -> date:
        year, month = (int(part) for part in self.month.split("-"))
        return date(year, month, 1)

    @property
    def due(self) -> date | None:
        """When the action falls due: the end of the month for 'by'; none for work that is to commence
        or continuing (it is ongoing once begun)."""
        if self.kind != "by":
            return None
        day = self.first_day
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])

    def text(self) -> str:
        """As a report prints it: 'by December 2021', 'to commence April 2022', 'continuing from April 2021'."""
        month = self.first_day.strftime("%B %Y")
        return {"by": f"by {month}", "commence": f"to commence {month}",
                "continuing": f"continuing from {month}"}[self.kind]


class PlanAction(_Strict):
    id: Id
    number: Text = Field(description="The action's number as printed ('1')")
    title: Text
    steps: list[Text] = Field(default_factory=list, description="What the action involves, as printed")
    target: Target | None = None


class Outcome(_Strict):
    id: Id
    title: Text = Field(description="The outcome as the plan states it")
    indicators: list[Indicator] = Field(default_factory=list)
    actions: list[PlanAction] = Field(default_factory=list)


class PlanTheme(_Strict):
    id: Id
    title: Text
    description: Text | None = None
    outcomes: list[Outcome] = Field(min_length=1)


class Plan(_Strict):
    """A plan: themes, outcomes, their indicators and actions, and the RAG scale they are rated on."""

    kind: Literal["plan"] = Field(description="'plan': outcomes rated red, amber and green, not levels")
    id: Id
    title: Text
    version: Text
    source: Text | None = None
    ratings: list[Rating] = Field(default_factory=lambda: list(DEFAULT_RATINGS), min_length=2,
                                  description="The RAG scale, best first; default: Green delivered, Green on "
                                              "target, Amber, Red, Not started")
    themes: list[PlanTheme] = Field(min_length=1)

    # Look-ups, computed once (the model is frozen).
    def iter_outcomes(self) -> Iterator[tuple[PlanTheme, Outcome]]:
        for theme in self.themes:
            for outcome in theme.outcomes:
                yield theme, outcome

    @cached_property
    def outcomes(self) -> dict[str, Outcome]:
        return {o.id: o for _, o in self.iter_outcomes()}

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for o in self.outcomes.values() for i in o.indicators}

    @cached_property
    def actions(self) -> dict[str, PlanAction]:
        return {a.id: a for o in self.outcomes.values() for a in o.actions}

    @cached_property
    def outcome_of(self) -> dict[str, str]:
        """Indicator or action id -> its outcome id."""
        return {**{i.id: o.id for o in self.outcomes.values() for i in o.indicators},
                **{a.id: o.id for o in self.outcomes.values() for a in o.actions}}

    @cached_property
    def rating_ids(self) -> dict[str, Rating]:
        return {r.id: r for r in self.ratings}

    def rating(self, id_or_name: str) -> Rating | None:
        """A rating by its id or its name, in any case ('Amber', 'amber', 'green-on-target')."""
        key = re.sub(r"\s+", " ", id_or_name.strip()).lower()
        return next((r for r in self.ratings if key in (r.id.lower(), r.name.lower())), None)

    def what(self, kind: str, item: str) -> str:
        """An item as messages name it: 'action 3', 'outcome “Reduce waste …”', 'indicator “Number of …”'."""
        if kind == "action" and item in self.actions:
            return f"action {self.actions[item].number}"
        found: Outcome | Indicator | None = (self.outcomes.get(item) if kind == "outcome" else
                                             self.indicators.get(item) if kind == "indicator" else None)
        if found is None:
            return f"{kind} {item}"
        title = found.title if len(found.title) <= 60 else found.title[:57].rstrip() + "…"
        return f"{kind} “{title}”"

    @property
    def name(self) -> str:
        """As documents name it: its title and version."""
        return self.title if self.version in self.title else f"{self.title}, version {self.version}"

    def counts(self) -> dict[str, int]:
        return {"themes": len(self.themes), "outcomes": len(self.outcomes),
                "indicators": len(self.indicators), "actions": len(self.actions)}

    def as_json(self) -> dict[str, Any]:
        """The shape `framework show --format json` prints for a plan."""
        return self.model_dump(mode="json", exclude_none=True)
