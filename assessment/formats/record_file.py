"""Record files (YAML): one organisation's assessments for any number of periods.

`load_record` reads and checks a file against its framework and returns an
`OrganisationRecord`, or raises `InvalidFile` listing every problem with its line.
`record_as_data` writes a record back to the same shape (also the JSON export). The shape is
`record_schema`'s, which history snapshots share. See docs/record-format.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from ..domain.people import printable
from ..domain.peers import REGIONS, TYPES, council_type
from ..domain.peers import region as in_region
from ..domain.errors import AssessmentError, InvalidFile, NotFound, Problem, ScoreError
from ..domain.framework import Framework
from ..domain.record import (
    PERIOD_HINT,
    Entry,
    Organisation,
    OrganisationRecord,
    PeriodRecord,
    organisation_problems,
    valid_period,
)
from ..domain.scores import UNSCORED, Score, parse_score
from .framework_file import find_framework
from ..domain.covering import covering_found, shape_problems
from .covering_file import covering_data, covering_from_model, shape_data, shape_from_model
from .record_schema import (
    BaselinesModel,
    EntryModel,
    FrameworkRef,
    KeyAreaEntryModel,
    ObjectiveEntryModel,
    OrganisationModel,
    PeriodModel,
    RecordModel,
    ScoreText,
    drop_none,
    entry_data,
    entry_from_model,
)
from .yaml_source import Source, fail_if, problems_from_validation, read_yaml


def new_organisation(org_id: str | None, name: str, org_type: str | None = None,
                     region: str | None = None) -> Organisation:
    """An organisation checked as a record file's would be; with no id given, one is made from the
    name ("Kent County Council" -> "kent-county-council"). Raises AssessmentError saying what to fix."""
    name = (name or "").strip()
    if not name:
        raise AssessmentError("write the organisation's name, such as Kent County Council")
    org_id = (org_id or "").strip() or suggest_id(name)
    org_type, region = fixed_place(org_type, region)
    too_long = organisation_problems(Organisation(org_id, name, org_type, region))
    if too_long:
        raise AssessmentError(f"cannot add this organisation: {too_long[0]}")
    try:
        checked = OrganisationModel(id=org_id, name=name, type=(org_type or "").strip() or None,
                                 region=(region or "").strip() or None)
    except ValidationError as exc:
        fields = ", ".join(dict.fromkeys(str(e["loc"][0]) for e in exc.errors()))
        raise AssessmentError(f"cannot add '{org_id or name}': check {fields} (an id is lower case letters, "
                              "digits, '-' and '_'; a name may not be empty)") from None
    return Organisation(checked.id, checked.name, checked.type, checked.region)


def fixed_place(org_type: str | None, region: str | None) -> tuple[str | None, str | None]:
    """A type and region as the fixed lists peers are compared by have them (`_fixed`): blank is
    None; anything not read as one of them is refused, with the list."""
    return _fixed("type", org_type, council_type, TYPES), _fixed("region", region, in_region, REGIONS)


def _fixed(what: str, given: str | None, read, allowed: tuple[str, ...]) -> str | None:
    """A type or region as one of the fixed list peers are compared by (`domain.peers`), read from
    what was typed ("Unitary authority" is "unitary"); refused, with the list, where it is not one."""
    if not (given or "").strip():
        return None
    found = read(given)
    if found is None:
        raise AssessmentError(f"'{printable((given or '').strip()[:60])}' is not a {what}: use one of "
                              f"{', '.join(allowed)}")
    return found


def suggest_id(name: str) -> str:
    """A short id from a name: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-_")[:64]


# ---------------------------------------------------------------- reading

def load_record(path: str | Path, frameworks: Callable[[str], Framework],
                display: str | None = None) -> OrganisationRecord:
    """Read a record file and check it against its framework (found through `frameworks`)."""
    data, source = read_yaml(path, display)
    return record_from_data(data, source, frameworks)


def record_from_data(data: Any, source: Source, frameworks: Callable[[str], Framework]) -> OrganisationRecord:
    """Check the shape and then the content against the framework, reporting every problem at once.

    Where parts of the file are malformed, the parts that are well formed are still checked
    against the framework, so one run lists everything to fix.
    """
    if data is None:
        raise InvalidFile([source.problem((), "the file is empty")])
    if not isinstance(data, dict):
        raise InvalidFile([source.problem((), "a record file must be a mapping with organisation, "
                                              "framework and periods")])
    try:
        parsed = RecordModel.model_validate(data)
        shape_problems: list[Problem] = []
    except ValidationError as exc:
        shape_problems = problems_from_validation(exc, source, model=RecordModel)
        salvaged = _salvage(data)
        if salvaged is None:
            raise InvalidFile(shape_problems) from None
        parsed = salvaged
    try:
        framework = frameworks(parsed.framework.id)
    except NotFound as exc:
        raise InvalidFile(shape_problems + [source.problem(("framework", "id"), str(exc))]) from None
    try:
        record = to_record(parsed, source, framework, frameworks)
    except InvalidFile as exc:
        raise InvalidFile(shape_problems + exc.problems) from None
    fail_if(shape_problems)
    return record


def _valid(model: type[BaseModel], value: Any) -> BaseModel | None:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _salvage(data: dict) -> RecordModel | None:
    """The well-formed parts of a malformed file, so that they can still be checked."""
    organisation = (_valid(OrganisationModel, data.get("organisation"))
                    or OrganisationModel.model_construct(id="?", name="?"))
    framework = _valid(FrameworkRef, data.get("framework"))
    if framework is None:
        return None
    periods = []
    for raw in data.get("periods") or []:
        if not isinstance(raw, dict):
            periods.append(PeriodModel.model_construct(period="?", status="draft", entries=[], key_areas=[]))
            continue
        entries = raw["entries"] if isinstance(raw.get("entries"), list) else []
        key_areas = raw["key_areas"] if isinstance(raw.get("key_areas"), list) else []
        periods.append(PeriodModel.model_construct(
            period=raw.get("period") if isinstance(raw.get("period"), (str, int)) else "?",
            status="draft",
            entries=[_valid(ObjectiveEntryModel, e) for e in entries],
            key_areas=[_valid(KeyAreaEntryModel, k) for k in key_areas]))
    baselines = _valid(BaselinesModel, data.get("baselines")) if data.get("baselines") is not None else None
    return RecordModel.model_construct(organisation=organisation, framework=framework, source=None,
                                      baselines=baselines, periods=periods)


def to_record(parsed: RecordModel, source: Source, framework: Framework,
              frameworks: Callable[[str], Framework] | None = None) -> OrganisationRecord:
    """The record a parsed file holds, checked against its framework (and, for a period that names
    another framework, against that one, found through `frameworks`)."""
    frameworks = frameworks or find_framework
    problems: list[Problem] = []
    if parsed.framework.version != framework.version:
        problems.append(source.problem(("framework", "version"),
                                       f"the record is for version '{parsed.framework.version}' of {framework.id}, "
                                       f"but the framework file is version '{framework.version}'"))

    def score(raw: ScoreText, loc: tuple, what: str, key_area: str | None, against: Framework = framework) -> Score:
        try:
            half = against.allows_half_steps(key_area) if key_area else None
            return parse_score(raw, against, where=what, half_steps=half)
        except ScoreError as exc:
            problems.append(source.problem(loc, str(exc)))
            return UNSCORED

    record = OrganisationRecord(
        organisation=Organisation(**parsed.organisation.model_dump()),
        framework_id=framework.id, framework_version=framework.version, source=parsed.source)
    if parsed.baselines:
        _baselines(parsed, record, framework, frameworks, source, problems, score)
    seen_periods: dict[str, int | None] = {}
    for p, period_in in enumerate(parsed.periods):
        name = str(period_in.period).strip()
        ploc = ("periods", p)
        if name == "?":
            pass
        elif not valid_period(name):
            problems.append(source.problem(ploc + ("period",),
                                           f"'{name}' is not a period; {PERIOD_HINT}"))
        if name in seen_periods:
            problems.append(source.problem(ploc + ("period",),
                                           f"period '{name}' appears twice (first at line {seen_periods[name]})"))
        seen_periods[name] = source.line(ploc + ("period",))
        period = PeriodRecord(period=name, status=period_in.status)
        own = _period_framework(period_in, ploc, record, framework, frameworks, source, problems)
        if own is None:
            continue
        if own is not framework:
            period.framework_id, period.framework_version = own.id, own.version
        _period_entries(period, period_in, ploc, own, source, problems, score)
        if period_in.covering is not None:
            period.covering = covering_from_model(period_in.covering)
            problems += [source.problem((*ploc, "covering", *where), message)
                         for where, message in covering_found(period.covering)]
        record.periods.append(period)
    if parsed.report_shape is not None:
        record.report_shape = shape_from_model(parsed.report_shape)
        problems += [source.problem(("report_shape",), message) for message in shape_problems(record.report_shape)]
    fail_if(problems)
    return record


def _baselines(parsed: RecordModel, record: OrganisationRecord, framework: Framework,
               frameworks: Callable[[str], Framework], source: Source, problems: list[Problem], score) -> None:
    """The record's baselines: agreed once, perhaps against a framework the organisation has since
    left: an objective of the record's framework, or of a framework one of its periods is scored against."""
    assert parsed.baselines is not None
    others = []
    for period_in in parsed.periods:
        named = getattr(period_in, "framework", None)
        if named is not None and named.id != framework.id:
            try:
                others.append(frameworks(named.id))
            except NotFound:
                pass   # said where the period names it
    record.baseline_agreed = parsed.baselines.agreed
    for key, raw in parsed.baselines.scores.items():
        objective_id = str(key)
        loc = ("baselines", "scores", key)
        against = next((f for f in (framework, *others) if objective_id in f.objectives), None)
        if against is None:
            problems.append(source.problem(loc, f"objective '{objective_id}' is not in {framework.id}"))
            continue
        record.baselines[objective_id] = score(raw, loc, f"baseline of objective {objective_id}",
                                               against.key_area_of[objective_id], against)


def _period_entries(period: PeriodRecord, period_in, ploc: tuple, own: Framework, source: Source,
                    problems: list[Problem], score) -> None:
    """A period's objective and key-area entries, each checked against the framework it is scored on."""
    name = period.period
    for e, entry_in in enumerate(period_in.entries):
        if entry_in is None:  # malformed: already reported
            continue
        eloc = ploc + ("entries", e)
        objective_id = str(entry_in.objective).strip()
        if objective_id not in own.objectives:
            problems.append(source.problem(eloc + ("objective",),
                                           f"objective '{objective_id}' is not in {own.id}"))
            continue
        if objective_id in period.entries:
            problems.append(source.problem(eloc + ("objective",),
                                           f"objective {objective_id} appears twice in period {name}"))
            continue
        period.entries[objective_id] = _entry(entry_in, objective_id, "objective", eloc, score,
                                              f"objective {objective_id}", own.key_area_of[objective_id], own)
    for k, ka_in in enumerate(period_in.key_areas):
        if ka_in is None:
            continue
        kloc = ploc + ("key_areas", k)
        if ka_in.key_area not in own.key_areas:
            problems.append(source.problem(kloc + ("key_area",),
                                           f"key area '{ka_in.key_area}' is not in {own.id}"))
            continue
        if ka_in.key_area in period.key_area_entries:
            problems.append(source.problem(kloc + ("key_area",),
                                           f"key area {ka_in.key_area} appears twice in period {name}"))
            continue
        period.key_area_entries[ka_in.key_area] = _entry(ka_in, ka_in.key_area, "key_area", kloc, score,
                                                         f"key area {ka_in.key_area}", ka_in.key_area, own)


def _period_framework(period_in: PeriodModel, loc: tuple, record: OrganisationRecord, framework: Framework,
                      frameworks: Callable[[str], Framework], source: Source, problems: list[Problem]
                      ) -> Framework | None:
    """The framework a period is scored against: the record's, or the one it names (None, with the
    problem said, when that one cannot be found)."""
    named = getattr(period_in, "framework", None)
    if named is None or (named.id, named.version) == (record.framework_id, record.framework_version):
        return framework
    try:
        own = frameworks(named.id)
    except NotFound as exc:
        problems.append(source.problem(loc + ("framework", "id"), str(exc)))
        return None
    if own.version != named.version:
        problems.append(source.problem(loc + ("framework", "version"),
                                       f"the period is for version '{named.version}' of {own.id}, but the framework "
                                       f"file is version '{own.version}'"))
    return own


def _entry(entry_in: EntryModel, item: str, kind: str, loc: tuple, score: Callable, what: str, key_area: str,
           framework: Framework) -> Entry:
    def checked(raw: ScoreText, name: str) -> Score:
        return score(raw, loc + (name,), what if name == "score" else f"target of {what}", key_area, framework)
    return entry_from_model(entry_in, item, kind, checked)


# ---------------------------------------------------------------- writing

def record_as_data(record: OrganisationRecord, *, include_meta: bool = False) -> dict[str, Any]:
    """The record in the record-file shape; scores written as people write them."""
    org = record.organisation
    out: dict[str, Any] = {
        "organisation": drop_none({"id": org.id, "name": org.name, "type": org.type, "region": org.region}),
        "framework": {"id": record.framework_id, "version": record.framework_version},
    }
    if record.source:
        out["source"] = record.source
    if record.baselines or record.baseline_agreed:
        out["baselines"] = drop_none({
            "agreed": record.baseline_agreed,
            "scores": {k: record.baselines[k].written for k in sorted(record.baselines, key=natural_key)},
        })
    if record.report_shape is not None:
        out["report_shape"] = shape_data(record.report_shape)
    out["periods"] = []
    for period in record.sorted_periods():
        p: dict[str, Any] = {"period": period.period, "status": period.status}
        if period.framework_id and not period.scored_against:   # kept on another framework than the record's
            # (a period shown through a mapping is in the record's framework's shape: it says nothing)
            p["framework"] = {"id": period.framework_id, "version": period.framework_version}
        if period.entries:
            p["entries"] = [_entry_data("objective", e, record, include_meta) for e in period.entries.values()]
        if period.key_area_entries:
            p["key_areas"] = [_entry_data("key_area", e, record, include_meta)
                              for e in period.key_area_entries.values()]
        if period.covering is not None:
            p["covering"] = covering_data(period.covering)
        out["periods"].append(p)
    return out


def _entry_data(key: str, entry: Entry, record: OrganisationRecord, include_meta: bool) -> dict[str, Any]:
    data = entry_data(entry, key)
    if not entry.carried:   # written only where it is so
        del data["carried"]
    if not include_meta:
        return {k: v for k, v in data.items() if v not in (None, []) or k in (key, "score")}
    if key == "objective":
        baseline = record.baselines.get(entry.item)
        data = {key: entry.item, "score": data["score"], "baseline": baseline.written if baseline else None, **data}
    return data | {"version": entry.version, "updated_by": entry.updated_by,
                   "updated_at": entry.updated_at.isoformat() if entry.updated_at else None}


def natural_key(text: str) -> tuple:
    """Objective ids in reading order: '2' before '10'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)
