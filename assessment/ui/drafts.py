"""Unsaved edits, kept under our own session keys so they survive moving between pages.

A draft is the form's values per (organisation, period, objective or key area), with the saved
entry it started from. Saving hands them to the application layer as `EntryEdit`s
(`workflows.save_edits`), which checks and writes them; an edit refused as stale stays, with the
saved entry beside it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment import workflows
from assessment.edits import EntryEdit, FIELDS, apply_edit
from assessment.framework import Framework
from assessment.record import Entry

DRAFTS = "drafts"
CONFLICTS = "conflicts"


def _key(org: str, period: str, item: str, kind: str = "objective") -> str:
    """Objectives by id; key areas (key-area mode) as 'key area:<id>'."""
    return f"{org}|{period}|{item}" if kind == "objective" else f"{org}|{period}|key area:{item}"


def drafts() -> dict[str, dict[str, Any]]:
    return st.session_state.setdefault(DRAFTS, {})


def conflicts() -> dict[str, Entry]:
    return st.session_state.setdefault(CONFLICTS, {})


def conflict_for(org: str, period: str, item: str, kind: str = "objective") -> Entry | None:
    """The stored entry that someone else saved while this user was editing, if any."""
    return conflicts().get(_key(org, period, item, kind))


def draft_for(org: str, period: str, entry: Entry) -> dict[str, Any] | None:
    return drafts().get(_key(org, period, entry.item, entry.kind))


def update(org: str, period: str, entry: Entry, **values: Any) -> None:
    """Record edited values for an objective or key area (starting the draft from the stored entry)."""
    key = _key(org, period, entry.item, entry.kind)
    draft = drafts().setdefault(key, {"version": entry.version, "base": entry})
    draft.update(values)


def discard(org: str, period: str, item: str, kind: str = "objective") -> None:
    drafts().pop(_key(org, period, item, kind), None)
    conflicts().pop(_key(org, period, item, kind), None)


def unsaved(org: str, period: str) -> list[str]:
    prefix = f"{org}|{period}|"
    return [k[len(prefix):] for k in drafts() if k.startswith(prefix)]


def edit_of(draft: dict[str, Any]) -> EntryEdit:
    base: Entry = draft["base"]
    return EntryEdit(base.item, base.kind, draft["version"], **{f: draft[f] for f in FIELDS if f in draft})


def as_entry(framework: Framework, draft: dict[str, Any]) -> Entry:
    """The entry the draft would save (for checks as you go); raises ScoreError for an impossible score."""
    return apply_edit(framework, draft["base"], edit_of(draft))


def save(org: str, period: str, items: list[tuple[str, str]], store, actor) -> tuple[int, list[str]]:
    """Save the drafts of these (kind, item) pairs in one go. Returns (saved count, items refused as
    stale); an impossible score raises ScoreError and nothing is saved."""
    waiting = {(kind, item): _key(org, period, item, kind) for kind, item in items}
    waiting = {pair: key for pair, key in waiting.items() if key in drafts()}
    result = workflows.save_edits(store, actor, org, period, [edit_of(drafts()[key]) for key in waiting.values()])
    for pair in result.saved:
        drafts().pop(waiting[pair], None)
        conflicts().pop(waiting[pair], None)
    for pair, current in result.stale.items():
        conflicts()[waiting[pair]] = current
    return len(result.saved), [item for _, item in result.stale]


def keep_mine(org: str, period: str, item: str, kind: str = "objective") -> None:
    """After a conflict: base the draft on the version now stored, so saving overwrites it knowingly."""
    key = _key(org, period, item, kind)
    current = conflicts().pop(key, None)
    if current is not None and key in drafts():
        drafts()[key]["version"] = current.version
        drafts()[key]["base"] = current
