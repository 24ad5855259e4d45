"""Unsaved edits, kept in the database as the person's drafts (`workflows.keep_draft`).

Each field's `on_change` keeps what was changed at once, so a reload, a new tab or a server restart
finds the draft again (a text area sends its text when it loses focus). A draft remembers the
version of the saved entry it started from; when someone else has saved since, the page offers
"Keep mine" or "Use theirs". Widget values live under keys namespaced by page, organisation,
period and entry, and are dropped when a draft is saved or discarded so the widgets show what is
saved.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment import workflows
from assessment.edits import Draft, EntryEdit
from assessment.record import Entry
from assessment.ui import state
from assessment.workflows import queries


def prefix(org: str, period: str, kind: str, item: str) -> str:
    """The widget keys of one entry: objectives as 'score.<org>.<period>.<id>', key areas with '.ka.'."""
    return f"score.{org}.{period}.{item}" if kind == "objective" else f"score.{org}.{period}.ka.{item}"


def mine(org: str, period: str) -> dict[tuple[str, str], Draft]:
    """The acting person's drafts of the period, by (kind, item)."""
    return {d.edit.key: d for d in queries.drafts(state.store(), state.actor(), org, period)}


def keep(org: str, period: str, entry: Entry, **values: Any) -> None:
    """Keep changed values of an entry in the person's draft (started from the entry's version)."""
    workflows.keep_draft(state.store(), state.actor(), org, period,
                         EntryEdit(entry.item, entry.kind, entry.version, **values))


def keep_widget(org: str, period: str, entry: Entry, field: str, key: str, shown: Any) -> None:
    """A widget's on_change: keep its value as the draft's `field`, unless it is what the page showed
    (Streamlit can report every widget as changed when a page is left while a change is in flight)."""
    if st.session_state[key] != shown:
        keep(org, period, entry, **{field: st.session_state[key]})


def forget(org: str, period: str, keys) -> None:
    """Drop the widget values of these (kind, item) entries so the widgets show what is saved."""
    for kind, item in keys:
        state.forget_widgets(prefix(org, period, kind, item) + ".")


def discard(org: str, period: str, keys: list[tuple[str, str]]) -> None:
    workflows.discard_drafts(state.store(), state.actor(), org, period, keys)
    forget(org, period, keys)


def keep_mine(org: str, period: str, key: tuple[str, str]) -> None:
    workflows.keep_mine(state.store(), state.actor(), org, period, key)


def names(framework, keys) -> str:
    """'objectives 3, 17' / 'key areas Engaging Councillors; Tendering' for messages."""
    objectives = [item for kind, item in keys if kind == "objective"]
    areas = [framework.key_areas[item].title for kind, item in keys if kind == "key_area" and item in framework.key_areas]
    parts = []
    if objectives:
        parts.append(f"objective{'s' if len(objectives) > 1 else ''} {', '.join(objectives)}")
    if areas:
        parts.append(f"key area{'s' if len(areas) > 1 else ''} {'; '.join(areas)}")
    return " and ".join(parts)
