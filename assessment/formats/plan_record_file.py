"""Plan record files (YAML, `record: plan`): periods of an organisation's plan record, rated as the
council reports them, for `import record` and `validate`. See docs/record-format.md ("Plan record
files").

    record: plan
    organisation: medway            # an organisation already kept; or {id, name, type, region} to add it
    plan: stevenage-2021            # the plan it follows (a file of kind plan in frameworks/)
    periods:
      - period: "2022/23"
        status: draft               # draft | submitted | approved
        outcomes:
          local-suppliers: {rating: Amber, comment: ..., evidence: [{title: ..., url: https://...}]}
        actions:
          cwb-1: Green delivered    # a rating alone
        indicators:
          local-supply-chain-spend: {value: 39, comment: ...}
          toms: no data             # a value alone: a number, or "no data"

`load_plan_record` reads a file and checks it against its plan, every problem with its line (the
shape as pydantic sees it, a value that is not a number among it; and beside it what only the plan
can tell: an item it lacks, a rating not on its scale; and a period that is none or is given twice),
and returns a `PlanRecord`; `workflows.plan_imports.import_plan_record` stores it. It is read within
the limits and work budgets of every YAML file (`yaml_source.read_yaml`: size, values, nesting, no
aliases or tags) and text is held to the database's lengths (a comment 32,000 characters).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from ..domain import limits
from ..domain.errors import InvalidFile, NotFound, Problem
from ..domain.plan import NO_DATA, Plan
from ..domain.record import (
    PERIOD_HINT,
    STATUSES,
    Entry,
    Evidence,
    Organisation,
    PeriodRecord,
    evidence_problem,
    valid_period,
)
from .plan_file import find_plan
from .record_schema import (
    EvidenceModel,
    OrganisationName,
    OrganisationRegion,
    OrganisationType,
    OrgId,
    Text,
    _Strict,
)
from .yaml_source import Source, mappings_in, read_yaml, validated

KINDS = {"outcomes": "outcome", "actions": "action", "indicators": "indicator"}   # key in a period -> kind

Comment = Annotated[str, StringConstraints(max_length=limits.COMMENT)]
RatingText = Annotated[str, StringConstraints(max_length=limits.RATING * 4)]   # an id, or a name as printed


def is_plan_record(data: Any) -> bool:
    """Whether a file's data says it is a plan record file (`record: ...`: only these have the key)."""
    return isinstance(data, dict) and "record" in data


def _alone(key: str, value: Any) -> Any:
    """An item given as a value alone (`cwb-1: Amber`, `toms: no data`), or left empty, as a mapping."""
    if value is None:
        return {}
    return value if isinstance(value, dict) else {key: value}


class _ItemModel(_Strict):
    comment: Comment | None = None
    evidence: list[EvidenceModel] = Field(default_factory=list)


class RatedModel(_ItemModel):
    """An outcome's or action's entry: its rating (a name or id of the plan's scale, checked against
    it beside: `_rating_problem`)."""

    rating: RatingText | None = None

    @model_validator(mode="before")
    @classmethod
    def _rating_alone(cls, value: Any) -> Any:
        return _alone("rating", value)


class IndicatorModel(_ItemModel):
    """An indicator's entry: its value (a number, or "no data")."""

    value: Any = None

    @field_validator("value")
    @classmethod
    def _a_value(cls, value: Any) -> Any:
        problem = _value_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="before")
    @classmethod
    def _value_alone(cls, value: Any) -> Any:
        return _alone("value", value)


class OrganisationRef(_Strict):
    """The organisation: its id alone (it must be kept already), or in full as record files give it
    (added if it is new)."""

    id: OrgId
    name: OrganisationName | None = None
    type: OrganisationType | None = None
    region: OrganisationRegion | None = None

    @model_validator(mode="before")
    @classmethod
    def _id_alone(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


class PlanPeriodModel(_Strict):
    period: str | int
    status: Literal[STATUSES] = "draft"  # type: ignore[valid-type]
    outcomes: dict[str | int, RatedModel] = Field(default_factory=dict)
    actions: dict[str | int, RatedModel] = Field(default_factory=dict)
    indicators: dict[str | int, IndicatorModel] = Field(default_factory=dict)


class PlanRecordModel(_Strict):
    record: Literal["plan"]
    organisation: OrganisationRef
    plan: Text
    periods: list[PlanPeriodModel] = Field(min_length=1)


@dataclass
class PlanRecord:
    """A plan record file read and checked against its plan: each period's entries (`plan_entries`,
    by (kind, item)) hold what the file says: ratings as ids of the plan's scale, values, comments,
    evidence. Items the file leaves out are not in them."""

    org_id: str
    organisation: Organisation | None    # given with its name (added if new); None: it must be kept already
    plan: Plan
    periods: list[PeriodRecord] = field(default_factory=list)
    source: str = "plan record file"      # the file's name, as history keeps it

    def entries(self) -> int:
        return sum(len(p.plan_entries) for p in self.periods)


# ---------------------------------------------------------------- reading

def load_plan_record(path: str | Path, display: str | None = None) -> PlanRecord:
    data, source = read_yaml(path, display)
    return plan_record_from_data(data, source)


def plan_record_from_data(data: Any, source: Source) -> PlanRecord:
    if data is None:
        raise InvalidFile([source.problem((), "the file is empty")])
    if not isinstance(data, dict):
        raise InvalidFile([source.problem((), "a plan record file must be a mapping with record: plan, organisation, "
                                              "plan and periods")])
    plan, problems = _plan(data, source)
    problems += _period_problems(data, source, plan)
    model = validated(PlanRecordModel, data, source, problems)
    assert plan is not None   # a plan that could not be found is a problem, and `validated` raised
    return _built(model, plan, source)


def _plan(data: dict, source: Source) -> tuple[Plan | None, list[Problem]]:
    """The plan the file names, or None with the problem said (malformed: pydantic says so)."""
    named = data.get("plan")
    if not isinstance(named, str) or not named.strip():
        return None, []
    named = named.strip()
    if Path(named).suffix.lower() in (".yaml", ".yml") or "/" in named or "\\" in named:
        return None, [source.problem(("plan",), f"name the plan by its id, such as stevenage-2021, not by a file "
                                                f"('{named[:80]}')")]
    try:
        return find_plan(named), []
    except NotFound as exc:
        return None, [source.problem(("plan",), str(exc))]


def _period_problems(data: dict, source: Source, plan: Plan | None) -> list[Problem]:
    """What the shape cannot tell, on the raw data (so that it is said with any type errors): a period
    that is none or is given twice, an item the plan lacks, a rating off its scale, evidence with no
    web address."""
    problems: list[Problem] = []
    seen: dict[str, int | None] = {}
    for p, period in enumerate(mappings_in(data.get("periods"))):
        ploc: tuple = ("periods", p)
        name = period.get("period")
        if isinstance(name, (str, int)) and not isinstance(name, bool):
            name = str(name).strip()
            if not valid_period(name):
                problems.append(source.problem(ploc + ("period",), f"'{name[:40]}' is not a period; {PERIOD_HINT}"))
            elif name in seen:
                problems.append(source.problem(ploc + ("period",), f"period '{name}' appears twice (first at line "
                                                                   f"{seen[name]})"))
            else:
                seen[name] = source.line(ploc + ("period",))
        for key, kind in KINDS.items():
            items = period.get(key)
            if not isinstance(items, dict):
                continue
            for item, given in items.items():
                problems += _item_problems(plan, kind, item, given, ploc + (key, item), source)
    return problems


def _item_problems(plan: Plan | None, kind: str, item: Any, given: Any, loc: tuple, source: Source) -> list[Problem]:
    problems: list[Problem] = []
    if plan is not None:
        missing = _not_in_plan(plan, kind, str(item).strip())
        if missing:
            return [source.problem(loc, missing)]
    alone = not isinstance(given, dict)
    if kind != "indicator":   # an indicator's value is the shape's to check (`IndicatorModel`)
        said = _rating_problem(plan, given if alone else given.get("rating"))
        if said:
            problems.append(source.problem(loc if alone else loc + ("rating",), said))
    if not alone:
        for e, link in enumerate(mappings_in(given.get("evidence"))):
            url = link.get("url")
            if isinstance(url, str) and url.strip():
                said = evidence_problem(Evidence(url.strip(), link.get("title") if isinstance(link.get("title"), str)
                                                 else None))
                if said:
                    problems.append(source.problem(loc + ("evidence", e, "url"), said))
    return problems


def _not_in_plan(plan: Plan, kind: str, item: str) -> str | None:
    """Why `item` is no `kind` of the plan (another kind's id, or none of its), or None."""
    ids: dict[str, list[str]] = {"outcome": list(plan.outcomes), "action": list(plan.actions),
                                 "indicator": list(plan.indicators)}
    if item in ids[kind]:
        return None
    other = next((k for k in ids if k != kind and item in ids[k]), None)
    if other is not None:
        return f"'{item[:64]}' is {_a(other)} of {plan.id}, not {_a(kind)}: list it under {other}s"
    close = difflib.get_close_matches(item, ids[kind], n=2, cutoff=0.7)
    one = close[0] if len(close) == 1 else None   # several as close ('cwb-9': cwb-1 ... cwb-4) name none
    return f"{kind} '{item[:64]}' is not in {plan.id}" + (f"; did you mean '{one}'?" if one else "")


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _rating_problem(plan: Plan | None, rating: Any) -> str | None:
    if plan is None or not isinstance(rating, str) or not rating.strip() or len(rating) > limits.RATING * 4:
        return None   # a rating that is no text, or too long, is the shape's to say
    if plan.rating(rating) is not None:
        return None
    return (f"'{rating.strip()[:40]}' is not a rating of {plan.id}; its scale is "
            + ", ".join(r.name for r in plan.ratings) + " (a rating is written by its name or its id)")


def _value_problem(value: Any) -> str | None:
    """Why an indicator's value is none a council would record (a number, or "no data"), or None."""
    if value is None or (isinstance(value, str) and " ".join(value.split()).lower() == NO_DATA):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) > limits.INDICATOR_VALUE:
            return f"{value:g} is not a number a council would record (up to {limits.INDICATOR_VALUE:g})"
        return None
    shown = (f"true/false value {str(value).lower()}" if isinstance(value, bool) else
             f"'{value.strip()[:40]}'" if isinstance(value, str) else "a list" if isinstance(value, list) else
             "a mapping" if isinstance(value, dict) else repr(value)[:40])
    return f"{shown} is not a value: write a number such as 37 (without quotes, % or £), or '{NO_DATA}'"


# ---------------------------------------------------------------- what it holds

def _built(model: PlanRecordModel, plan: Plan, source: Source) -> PlanRecord:
    org = model.organisation
    organisation = Organisation(org.id, org.name, org.type, org.region) if org.name else None
    found = PlanRecord(org.id, organisation, plan, source=Path(source.file).name)
    for given in model.periods:
        period = PeriodRecord(period=str(given.period).strip(), status=given.status)
        for key, kind in KINDS.items():
            for item, said in getattr(given, key).items():
                entry = _entry(plan, kind, str(item).strip(), said)
                if entry is not None:
                    period.plan_entries[(kind, entry.item)] = entry
        found.periods.append(period)
    return found


def _entry(plan: Plan, kind: str, item: str, said: RatedModel | IndicatorModel) -> Entry | None:
    """The entry an item of the file holds (None where it says nothing)."""
    entry = Entry(item=item, kind=kind, comment=said.comment or None,
                  evidence=[Evidence(url=e.url, title=e.title) for e in said.evidence])
    if isinstance(said, IndicatorModel):
        if isinstance(said.value, str):   # "no data": anything else was refused
            entry.no_data = True
        elif said.value is not None:
            entry.value = float(said.value)
    else:
        rating = plan.rating(said.rating) if said.rating and said.rating.strip() else None
        entry.rating = rating.id if rating else None
    if not (entry.rating or entry.value is not None or entry.no_data or entry.comment or entry.evidence):
        return None
    return entry
