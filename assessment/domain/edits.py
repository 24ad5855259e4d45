"""An edit to one objective's (or key area's) entry, as a person makes it in a form.

An `EntryEdit` holds only what was changed, as it was chosen or typed ("3 – Mature", "2/3", a
comment, evidence lines, action rows), and the version of the saved entry it started from. It is
plain data, so it can wait as a draft and be saved later; `apply_edit` turns it into the entry to
save, refusing an impossible score. Saving an edit confirms a carried score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from .errors import InvalidEdit
from .framework import Framework
from .record import (
    PERIOD_HINT,
    PLAN_KINDS,
    Action,
    Entry,
    entry_problems,
    evidence_problem,
    long_date_time,
    parse_evidence,
    valid_period,
)
from .scores import parse_score

FIELDS = ("score", "target", "target_period", "comment", "evidence", "actions")


@dataclass
class EntryEdit:
    """What was changed in one entry; a field left None was not touched."""

    item: str
    kind: str = "objective"            # "objective" | "key_area"
    base_version: int = 0              # the saved entry's version when editing started (0: none saved)
    score: str | None = None           # as chosen: "3 – Mature", "2/3", "n/a", "not yet scored"
    target: str | None = None
    target_period: str | None = None   # the period the target is to be reached by ("2025/26"; "" for none)
    comment: str | None = None
    evidence: str | None = None        # one link a line: "title | address"
    actions: list[dict[str, Any]] | None = field(default=None)  # rows: text, owner, due, status, rag, id, ...

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.item)

    @property
    def changed(self) -> list[str]:
        return [name for name in FIELDS if getattr(self, name) is not None]


PLAN_FIELDS = ("rating", "value", "comment", "evidence")


@dataclass
class PlanEdit:
    """What was changed in one of a plan's entries (an outcome, action or indicator), as typed or
    chosen; a field left None was not touched. Plain data, so it can wait as a draft."""

    kind: str                      # "outcome", "action" or "indicator"
    item: str
    base_version: int = 0
    rating: str | None = None      # a rating's id or name ("Amber"); "" for none (outcomes and actions)
    value: str | None = None       # a number, or "no data" (indicators); "" for none
    comment: str | None = None
    evidence: str | None = None    # one link a line: "title | address"

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.item)

    @property
    def changed(self) -> list[str]:
        return [name for name in PLAN_FIELDS if getattr(self, name) is not None]


AnyEdit = EntryEdit | PlanEdit


def what(framework: Framework, kind: str, item: str) -> str:
    """'objective 17' or 'key area Engaging Councillors', for messages."""
    return f"objective {item}" if kind == "objective" else f"key area {framework.key_areas[item].title}"


def apply_edit(framework: Framework, base: Entry, edit: EntryEdit) -> Entry:
    """The entry `edit` makes of `base`, confirmed (no longer carried); raises ScoreError for a
    score or target the scale, or the key area, does not allow, and InvalidEdit for evidence that is
    not a web address."""
    key_area_id = base.item if base.kind == "key_area" else framework.key_area_of[base.item]
    half = framework.allows_half_steps(key_area_id)
    name = what(framework, base.kind, base.item)
    changes: dict[str, Any] = {"carried": False}
    if edit.score is not None:
        changes["score"] = parse_score(edit.score, framework, where=name, half_steps=half)
    if edit.target is not None:
        changes["target"] = parse_score(edit.target, framework, where=f"target of {name}", half_steps=half)
    if edit.target_period is not None:
        by = " ".join(edit.target_period.split()) or None
        if by is not None and not valid_period(by):
            raise InvalidEdit(f"{name}: the target's period '{by[:40]}' is not a period; {PERIOD_HINT}")
        changes["target_period"] = by
    if edit.comment is not None:
        changes["comment"] = edit.comment.strip() or None
    if edit.evidence is not None:
        changes["evidence"] = parse_evidence(edit.evidence)
        problems = [p for p in map(evidence_problem, changes["evidence"]) if p]
        if problems:
            raise InvalidEdit(f"{name}: {problems[0]}")
    if edit.actions is not None:
        changes["actions"] = [action_from_row(row) for row in edit.actions if (row.get("text") or "").strip()]
    edited = replace(base, **changes)
    too_long = entry_problems(edited)
    if too_long:
        raise InvalidEdit(f"{name}: {too_long[0]}")
    return edited


def action_from_row(row: dict[str, Any]) -> Action:
    """An action from a form's row (text and owner trimmed; empty owner, status and RAG as none)."""
    due = row.get("due")
    return Action(text=row["text"].strip(), owner=(row.get("owner") or "").strip() or None,
                  due=due if isinstance(due, date) else None, status=row.get("status") or "open",
                  rag=row.get("rag") or None, id=row.get("id"))


def action_rows(entry: Entry) -> list[dict[str, Any]]:
    """An entry's actions as a form's rows (what `action_from_row` reads back)."""
    return [{"id": a.id, "text": a.text, "owner": a.owner or "", "due": a.due, "status": a.status,
             "rag": a.rag} for a in entry.actions]


# ---------------------------------------------------------------- drafts: an edit waiting to be saved

@dataclass
class Draft:
    """One person's unsaved edit to one entry of a period, as kept in the database."""

    period: str
    person: str
    edit: AnyEdit
    updated_at: datetime | None = None
    tab: str = ""               # the browser tab it was typed in ("" for none: the command line, a restore)

    def describe(self) -> str:
        """As the submitter is told of it: "objective 31 (officer@medway.gov.uk, last changed
        4 December 2026 14:05)"."""
        return (f"{self.edit.kind.replace('_', ' ')} {self.edit.item} ({self.person}, last changed "
                f"{long_date_time(self.updated_at, 'at a time not known')})")


def merged(old: AnyEdit | None, new: AnyEdit) -> AnyEdit:
    """`old` with the fields `new` changed (a draft is written a field at a time); it keeps the
    version `old` started from, so a draft never silently moves on past someone else's save."""
    if old is None:
        return new
    return replace(old, **{name: getattr(new, name) for name in new.changed})


def fields_json(edit: AnyEdit) -> str:
    """The changed fields as JSON text (dates as 2027-03-21)."""
    data: dict[str, Any] = {name: getattr(edit, name) for name in edit.changed}
    if "actions" in data:
        data["actions"] = [{**row, "due": row["due"].isoformat() if isinstance(row.get("due"), date) else None}
                           for row in data["actions"]]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def edit_from_json(item: str, kind: str, base_version: int, text: str) -> AnyEdit:
    """`fields_json` read back; anything that is not a field of an edit is left out."""
    data = json.loads(text) if text else {}
    if kind in PLAN_KINDS:
        kept = {name: value for name, value in data.items() if name in PLAN_FIELDS and isinstance(value, str)} \
            if isinstance(data, dict) else {}
        return PlanEdit(kind, item, base_version, **kept)
    data = {name: value for name, value in data.items() if name in FIELDS} if isinstance(data, dict) else {}
    for name in ("score", "target", "target_period", "comment", "evidence"):
        if name in data and not isinstance(data[name], str):
            del data[name]
    if "actions" in data:
        rows = data["actions"] if isinstance(data["actions"], list) else []
        data["actions"] = [{**row, "due": _day(row.get("due"))} for row in rows if isinstance(row, dict)]
    return EntryEdit(item, kind, base_version, **data)


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
