"""Unsaved edits, kept under our own session keys so they survive moving between pages.

A draft is plain data per (organisation, period, objective): the form's values and the version
of the stored entry it started from. Saving turns drafts into entries and hands them to the store,
which refuses a stale version; a refused draft stays, with the stored entry beside it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from assessment.errors import StaleEntry
from assessment.framework import Framework
from assessment.record import Action, Entry, Evidence
from assessment.scores import parse_score

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


def to_entry(framework: Framework, key_area_id: str, draft: dict[str, Any]) -> Entry:
    """The entry a draft describes; raises ScoreError for an impossible score."""
    base: Entry = draft["base"]
    half = framework.allows_half_steps(key_area_id)
    what = f"objective {base.item}" if base.kind == "objective" else f"key area {framework.key_areas[base.item].title}"
    changes: dict[str, Any] = {"carried": False}
    if "score" in draft:
        changes["score"] = parse_score(draft["score"], framework, where=what, half_steps=half)
    if "target" in draft:
        changes["target"] = parse_score(draft["target"], framework, where=f"target of {what}", half_steps=half)
    if "comment" in draft:
        changes["comment"] = draft["comment"].strip() or None
    if "evidence" in draft:
        changes["evidence"] = parse_evidence(draft["evidence"])
    if "actions" in draft:
        changes["actions"] = [Action(text=a["text"].strip(), owner=(a.get("owner") or "").strip() or None,
                                     due=a.get("due"), status=a.get("status") or "open", rag=a.get("rag") or None,
                                     id=a.get("id"), carried_from=a.get("carried_from"))
                              for a in draft["actions"] if a.get("text", "").strip()]
    return replace(base, **changes)


def parse_evidence(text: str) -> list[Evidence]:
    """'Title | https://...' or a bare address, one per line; blank lines ignored."""
    links = []
    for line in text.splitlines():
        if not line.strip():
            continue
        title, _, url = line.rpartition("|")
        links.append(Evidence(url=url.strip(), title=title.strip() or None))
    return links


def save(store, framework: Framework, org: str, period: str, key_area_id: str | None, user: str) -> tuple[int, list[str]]:
    """Save every draft of one key area's objectives, or (key_area_id None) every key-area draft.

    Returns (saved count, items refused as stale). Impossible scores raise before anything is saved.
    """
    if key_area_id is None:
        wanted = [(ka, "key_area", ka) for ka in framework.key_areas]
    else:
        wanted = [(item, "objective", key_area_id) for item in framework.objective_ids[key_area_id]]
    ready = []
    for item, kind, ka in wanted:
        key = _key(org, period, item, kind)
        if key in drafts():
            ready.append((key, item, to_entry(framework, ka, drafts()[key])))
    saved, stale = 0, []
    for key, item, entry in ready:
        draft = drafts()[key]
        try:
            store.save_entry(org, period, entry, expected_version=draft["version"], user=user)
        except StaleEntry as exc:
            conflicts()[key] = exc.current
            stale.append(item)
            continue
        drafts().pop(key)
        conflicts().pop(key, None)
        saved += 1
    return saved, stale


def keep_mine(org: str, period: str, item: str, kind: str = "objective") -> None:
    """After a conflict: base the draft on the version now stored, so saving overwrites it knowingly."""
    key = _key(org, period, item, kind)
    current = conflicts().pop(key, None)
    if current is not None and key in drafts():
        drafts()[key]["version"] = current.version
        drafts()[key]["base"] = current


def action_rows(entry: Entry, draft: dict[str, Any] | None) -> list[dict[str, Any]]:
    if draft is not None and "actions" in draft:
        return draft["actions"]
    return [{"id": a.id, "text": a.text, "owner": a.owner or "", "due": a.due, "status": a.status,
             "rag": a.rag, "carried_from": a.carried_from} for a in entry.actions]
