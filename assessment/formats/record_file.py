"""Record files (YAML): one organisation's assessments for any number of periods.

`load_record` reads and checks a file against its framework and returns an
`OrganisationRecord`, or raises `InvalidFile` listing every problem with its line.
`record_as_data` writes a record back to the same plain shape (also the JSON export).
See docs/record-format.md.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..domain import limits
from ..domain.errors import AssessmentError, InvalidFile, NotFound, Problem, ScoreError
from ..domain.framework import Framework
from ..domain.record import (
    ACTION_STATUSES,
    OLD_ACTION_STATUSES,
    PERIOD_HINT,
    STATUSES,
    Action,
    ActionUpdate,
    Entry,
    Evidence,
    Organisation,
    OrganisationRecord,
    PeriodRecord,
    organisation_problems,
    valid_period,
)
from ..domain.scores import UNSCORED, Score, parse_score
from .framework_file import find_framework
from .yaml_source import Source, fail_if, problems_from_validation, read_yaml

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


# Each kept text field's type: trimmed, not empty, at most as long as the database keeps (`limits`).
def _Kept(limit: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=limit)


OrganisationName = Annotated[str, _Kept(limits.ORGANISATION_NAME)]
OrganisationType = Annotated[str, _Kept(limits.ORGANISATION_TYPE)]
OrganisationRegion = Annotated[str, _Kept(limits.ORGANISATION_REGION)]
NoteText = Annotated[str, _Kept(limits.NOTE)]
ActionText = Annotated[str, _Kept(limits.ACTION_TEXT)]
OwnerText = Annotated[str, _Kept(limits.OWNER)]
EvidenceUrl = Annotated[str, _Kept(limits.EVIDENCE_URL)]
EvidenceTitle = Annotated[str, _Kept(limits.EVIDENCE_TITLE)]

OrgId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
ScoreText = str | int | float | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=False)


class OrganisationIn(_Strict):
    id: OrgId
    name: OrganisationName
    type: OrganisationType | None = None
    region: OrganisationRegion | None = None


def new_organisation(org_id: str | None, name: str, org_type: str | None = None,
                     region: str | None = None) -> Organisation:
    """An organisation checked as a record file's would be; with no id given, one is made from the
    name ("Kent County Council" -> "kent-county-council"). Raises AssessmentError saying what to fix."""
    name = (name or "").strip()
    if not name:
        raise AssessmentError("write the organisation's name, such as Kent County Council")
    org_id = (org_id or "").strip() or suggest_id(name)
    too_long = organisation_problems(Organisation(org_id, name, org_type, region))
    if too_long:
        raise AssessmentError(f"cannot add this organisation: {too_long[0]}")
    try:
        checked = OrganisationIn(id=org_id, name=name, type=(org_type or "").strip() or None,
                                 region=(region or "").strip() or None)
    except ValidationError as exc:
        fields = ", ".join(dict.fromkeys(str(e["loc"][0]) for e in exc.errors()))
        raise AssessmentError(f"cannot add '{org_id or name}': check {fields} (an id is lower case letters, "
                              "digits, '-' and '_'; a name may not be empty)") from None
    return Organisation(checked.id, checked.name, checked.type, checked.region)


def suggest_id(name: str) -> str:
    """A short id from a name: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-_")[:64]


class FrameworkRef(_Strict):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    id: Text
    version: Text


class ActionUpdateIn(_Strict):
    status: Literal[ACTION_STATUSES]  # type: ignore[valid-type]
    on: date | None = None
    period: Annotated[str, StringConstraints(strip_whitespace=True)] | int | None = None
    note: NoteText | None = None


class ActionIn(_Strict):
    text: ActionText
    owner: OwnerText | None = None
    due: date | None = None
    status: Literal[(*ACTION_STATUSES, *OLD_ACTION_STATUSES)] = "open"  # type: ignore[valid-type]
    rag: Literal["red", "amber", "green"] | None = None
    updates: list[ActionUpdateIn] = Field(default_factory=list)


class EvidenceIn(_Strict):
    url: EvidenceUrl
    title: EvidenceTitle | None = None


class _EntryBase(_Strict):
    score: ScoreText = None
    target: ScoreText = None
    target_period: Annotated[str, StringConstraints(strip_whitespace=True)] | int | None = None
    comment: Annotated[str, StringConstraints(max_length=limits.COMMENT)] | None = None
    previous_comment: Annotated[str, StringConstraints(max_length=limits.COMMENT)] | None = None
    carried: bool = False
    actions: list[ActionIn] = Field(default_factory=list)
    evidence: list[EvidenceIn] = Field(default_factory=list)


class EntryIn(_EntryBase):
    objective: str | int


class KeyAreaEntryIn(_EntryBase):
    key_area: Text


class PeriodIn(_Strict):
    period: str | int
    status: Literal[STATUSES] = "draft"  # type: ignore[valid-type]
    # a period scored against another framework than the record's (a council that changed framework)
    framework: FrameworkRef | None = None
    entries: list[EntryIn] = Field(default_factory=list)
    key_areas: list[KeyAreaEntryIn] = Field(default_factory=list)


class BaselinesIn(_Strict):
    agreed: Annotated[str, StringConstraints(max_length=limits.BASELINE_AGREED)] | None = None
    scores: dict[str | int, ScoreText] = Field(default_factory=dict)


class RecordFile(_Strict):
    organisation: OrganisationIn
    framework: FrameworkRef
    source: str | None = None
    baselines: BaselinesIn | None = None
    periods: list[PeriodIn] = Field(default_factory=list)


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
        parsed = RecordFile.model_validate(data)
        shape_problems: list[Problem] = []
    except ValidationError as exc:
        shape_problems = problems_from_validation(exc, source, model=RecordFile)
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


def _salvage(data: dict) -> RecordFile | None:
    """The well-formed parts of a malformed file, so that they can still be checked."""
    organisation = _valid(OrganisationIn, data.get("organisation")) or OrganisationIn.model_construct(id="?", name="?")
    framework = _valid(FrameworkRef, data.get("framework"))
    if framework is None:
        return None
    periods = []
    for raw in data.get("periods") or []:
        if not isinstance(raw, dict):
            periods.append(PeriodIn.model_construct(period="?", status="draft", entries=[], key_areas=[]))
            continue
        entries = raw["entries"] if isinstance(raw.get("entries"), list) else []
        key_areas = raw["key_areas"] if isinstance(raw.get("key_areas"), list) else []
        periods.append(PeriodIn.model_construct(
            period=raw.get("period") if isinstance(raw.get("period"), (str, int)) else "?",
            status="draft",
            entries=[_valid(EntryIn, e) for e in entries],
            key_areas=[_valid(KeyAreaEntryIn, k) for k in key_areas]))
    baselines = _valid(BaselinesIn, data.get("baselines")) if data.get("baselines") is not None else None
    return RecordFile.model_construct(organisation=organisation, framework=framework, source=None,
                                      baselines=baselines, periods=periods)


def to_record(parsed: RecordFile, source: Source, framework: Framework,
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
        record.periods.append(period)
    fail_if(problems)
    return record


def _baselines(parsed: RecordFile, record: OrganisationRecord, framework: Framework,
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


def _period_framework(period_in: PeriodIn, loc: tuple, record: OrganisationRecord, framework: Framework,
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


def _entry(entry_in: _EntryBase, item: str, kind: str, loc: tuple, score: Callable, what: str, key_area: str,
           framework: Framework) -> Entry:
    return Entry(
        item=item, kind=kind,
        score=score(entry_in.score, loc + ("score",), what, key_area, framework),
        target=score(entry_in.target, loc + ("target",), f"target of {what}", key_area, framework),
        target_period=str(entry_in.target_period) if entry_in.target_period is not None else None,
        comment=entry_in.comment, previous_comment=entry_in.previous_comment, carried=entry_in.carried,
        actions=[Action(a.text, a.owner, a.due, OLD_ACTION_STATUSES.get(a.status, a.status), a.rag,
                        updates=[ActionUpdate(u.status, u.on, u.note, str(u.period) if u.period is not None else None)
                                 for u in a.updates])
                 for a in entry_in.actions],
        evidence=[Evidence(**ev.model_dump()) for ev in entry_in.evidence],
    )


# ---------------------------------------------------------------- writing

def record_as_data(record: OrganisationRecord, *, include_meta: bool = False) -> dict[str, Any]:
    """The record in the record-file shape; scores written as people write them."""
    org = record.organisation
    out: dict[str, Any] = {
        "organisation": _drop_none({"id": org.id, "name": org.name, "type": org.type, "region": org.region}),
        "framework": {"id": record.framework_id, "version": record.framework_version},
    }
    if record.source:
        out["source"] = record.source
    if record.baselines or record.baseline_agreed:
        out["baselines"] = _drop_none({
            "agreed": record.baseline_agreed,
            "scores": {k: record.baselines[k].written for k in sorted(record.baselines, key=natural_key)},
        })
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
        out["periods"].append(p)
    return out


def _entry_data(key: str, entry: Entry, record: OrganisationRecord, include_meta: bool) -> dict[str, Any]:
    data: dict[str, Any] = {key: entry.item, "score": entry.score.written}
    if include_meta and key == "objective":
        baseline = record.baselines.get(entry.item)
        data["baseline"] = baseline.written if baseline else None
    data["target"] = entry.target.written
    data["target_period"] = entry.target_period
    data["comment"] = entry.comment
    data["previous_comment"] = entry.previous_comment
    if entry.carried:
        data["carried"] = True
    data["actions"] = [_drop_none({
        "text": a.text, "owner": a.owner, "due": a.due.isoformat() if a.due else None,
        "status": a.status, "rag": a.rag,
        "updates": [_drop_none({"status": u.status, "on": u.on.isoformat() if u.on else None, "period": u.period,
                                "note": u.note}) for u in a.updates] or None}) for a in entry.actions]
    data["evidence"] = [_drop_none({"url": ev.url, "title": ev.title}) for ev in entry.evidence]
    if include_meta:
        data["version"] = entry.version
        data["updated_by"] = entry.updated_by
        data["updated_at"] = entry.updated_at.isoformat() if entry.updated_at else None
        return data
    return {k: v for k, v in data.items() if v not in (None, [], False) or k in (key, "score")}


def natural_key(text: str) -> tuple:
    """Objective ids in reading order: '2' before '10'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
