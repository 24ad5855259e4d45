"""The one shape of a record as it leaves the tool and comes back: record files, the JSON export
and every saved version of an entry (history snapshots, and so backups, which keep them) read and
write these pydantic models, through `entry_data` and `entry_from_model`. Scores are written as
people write them ("3", "2/3", "n/a"). See docs/record-format.md.

An organisation's record: `RecordModel` (organisation, framework, baselines, periods), a period:
`PeriodModel` (entries per objective, or per key area), an entry: `ObjectiveEntryModel` or
`KeyAreaEntryModel` (score, target, target period, comment, carried, actions with their status
changes, evidence). A saved version is an `EntrySnapshot`: the entry's fields, with each action's id.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Callable, Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..domain import limits
from ..domain.record import ACTION_STATUSES, OLD_ACTION_STATUSES, STATUSES, Action, ActionUpdate, Entry, Evidence
from ..domain.scores import Score, read_written
from .covering_file import CoveringModel, ShapeModel

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
RatingId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.RATING)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=False)


class OrganisationModel(_Strict):
    id: OrgId
    name: OrganisationName
    type: OrganisationType | None = None
    region: OrganisationRegion | None = None


class FrameworkRef(_Strict):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    id: Text
    version: Text


class ActionUpdateModel(_Strict):
    status: Literal[ACTION_STATUSES]  # type: ignore[valid-type]
    on: date | None = None
    period: Annotated[str, StringConstraints(strip_whitespace=True)] | int | None = None
    note: NoteText | None = None


class ActionModel(_Strict):
    text: ActionText
    owner: OwnerText | None = None
    due: date | None = None
    status: Literal[(*ACTION_STATUSES, *OLD_ACTION_STATUSES)] = "open"  # type: ignore[valid-type]
    rag: Literal["red", "amber", "green"] | None = None
    updates: list[ActionUpdateModel] = Field(default_factory=list)


class EvidenceModel(_Strict):
    url: EvidenceUrl
    title: EvidenceTitle | None = None


class EntryModel(_Strict):
    score: ScoreText = None
    target: ScoreText = None
    target_period: Annotated[str, StringConstraints(strip_whitespace=True)] | int | None = None
    comment: Annotated[str, StringConstraints(max_length=limits.COMMENT)] | None = None
    previous_comment: Annotated[str, StringConstraints(max_length=limits.COMMENT)] | None = None
    carried: bool = False
    # a plan's entry: an outcome's or action's rating (an id of the plan's scale), an indicator's value
    rating: RatingId | None = None
    value: float | None = None
    no_data: bool = False
    actions: Sequence[ActionModel] = Field(default_factory=list)   # a sequence: a snapshot narrows it
    evidence: list[EvidenceModel] = Field(default_factory=list)


class ObjectiveEntryModel(EntryModel):
    objective: str | int


class KeyAreaEntryModel(EntryModel):
    key_area: Text


class PeriodModel(_Strict):
    period: str | int
    status: Literal[STATUSES] = "draft"  # type: ignore[valid-type]
    # a period scored against another framework than the record's (a council that changed framework)
    framework: FrameworkRef | None = None
    entries: list[ObjectiveEntryModel] = Field(default_factory=list)
    key_areas: list[KeyAreaEntryModel] = Field(default_factory=list)
    covering: CoveringModel | None = None   # the covering report (`covering_file`)


class BaselinesModel(_Strict):
    agreed: Annotated[str, StringConstraints(max_length=limits.BASELINE_AGREED)] | None = None
    scores: dict[str | int, ScoreText] = Field(default_factory=dict)


class RecordModel(_Strict):
    organisation: OrganisationModel
    framework: FrameworkRef
    source: str | None = None
    baselines: BaselinesModel | None = None
    report_shape: ShapeModel | None = None   # the sections of the council's committee report
    periods: list[PeriodModel] = Field(default_factory=list)


# ---------------------------------------------------------------- an entry, both ways

def entry_data(entry: Entry, key: str = "objective") -> dict[str, Any]:
    """The entry in the schema's shape, every field present (`key`: "objective" or "key_area", whose
    value is the entry's item)."""
    return {
        key: entry.item, "score": entry.score.written, "target": entry.target.written,
        "target_period": entry.target_period, "comment": entry.comment, "previous_comment": entry.previous_comment,
        "carried": entry.carried,
        "actions": [drop_none({
            "text": a.text, "owner": a.owner, "due": a.due.isoformat() if a.due else None,
            "status": a.status, "rag": a.rag,
            "updates": [drop_none({"status": u.status, "on": u.on.isoformat() if u.on else None,
                                    "period": u.period, "note": u.note}) for u in a.updates] or None})
            for a in entry.actions],
        "evidence": [drop_none({"url": ev.url, "title": ev.title}) for ev in entry.evidence],
        # a plan's entry only: a scored entry's shape stays as it was
        **drop_none({"rating": entry.rating, "value": entry.value, "no_data": entry.no_data or None}),
    }


def entry_from_model(model: EntryModel, item: str, kind: str, score: Callable[[Any, str], Score]) -> Entry:
    """The entry a checked model holds; `score(raw, field)` reads its score and target ("score" or
    "target"), saying any problem its own way."""
    ids = [getattr(a, "id", None) for a in model.actions]
    return Entry(
        item=item, kind=kind, score=score(model.score, "score"), target=score(model.target, "target"),
        target_period=str(model.target_period) if model.target_period is not None else None,
        comment=model.comment, previous_comment=model.previous_comment, carried=model.carried,
        rating=model.rating, value=model.value, no_data=model.no_data,
        actions=[Action(a.text, a.owner, a.due, OLD_ACTION_STATUSES.get(a.status, a.status), a.rag, id=action_id,
                        updates=[ActionUpdate(u.status, u.on, u.note, str(u.period) if u.period is not None else None)
                                 for u in a.updates])
                 for a, action_id in zip(model.actions, ids)],
        evidence=[Evidence(**ev.model_dump()) for ev in model.evidence],
    )


# ---------------------------------------------------------------- a saved version

class SnapshotAction(ActionModel):
    """An action as a version kept it: with its id, so that restoring the version keeps the action."""
    id: Annotated[int, Field(ge=1)] | None = None


class EntrySnapshot(EntryModel):
    """An entry as one saved version kept it (the entry's kind and item are the history row's)."""
    # an older snapshot may hold a comment longer than today's limit: it is history, read as kept
    comment: str | None = None
    previous_comment: str | None = None
    actions: list[SnapshotAction] = Field(default_factory=list)


def snapshot_data(entry: Entry) -> dict[str, Any]:
    """A saved version of `entry` as kept in a history row: the schema's entry, actions with their ids,
    fields at their defaults left out."""
    data = entry_data(entry)
    del data["objective"]
    for row, action in zip(data["actions"], entry.actions):
        if action.id is not None:
            row["id"] = action.id
    return EntrySnapshot.model_validate(data).model_dump(mode="json", exclude_defaults=True)


def snapshot_json(entry: Entry) -> str:
    """`snapshot_data` as the JSON text a history row keeps."""
    return json.dumps(snapshot_data(entry), ensure_ascii=False)


def entry_from_snapshot(text: str | bytes, item: str, kind: str) -> Entry:
    """The entry a history row's snapshot holds (checked: raises pydantic's ValidationError)."""
    model = EntrySnapshot.model_validate_json(text)
    return entry_from_model(model, item, kind, lambda raw, _field: read_written(raw))


def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    """`d` without the keys whose value is None."""
    return {k: v for k, v in d.items() if v is not None}
