"""What an entry said at each version, and what changed between two: the one home of history.

Every save keeps a snapshot of the whole entry (score, target, target period, comment, whether it
was carried, its actions and evidence) beside who saved it, when and what made the change ("saved",
"confirmed", "import appendix.docx", "restored version 3"). `changes` says, field by field, what
moved from one snapshot to the next, in the words people read ("3 – Mature" → "4 – Leader");
`entry_at` turns a snapshot back into an entry, so an earlier version can be restored as a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from .framework import Framework
from .record import Action, Approval, Entry, Evidence, long_date
from .scores import Score


def snapshot(entry: Entry) -> dict[str, Any]:
    """The entry as plain JSON-ready data (scores as numbers with their n/a flag)."""
    return {
        "score": entry.score.value, "score_na": entry.score.not_applicable,
        "target": entry.target.value, "target_na": entry.target.not_applicable,
        "target_period": entry.target_period, "comment": entry.comment, "carried": entry.carried,
        "actions": [{"id": a.id, "text": a.text, "owner": a.owner, "due": a.due.isoformat() if a.due else None,
                     "status": a.status, "rag": a.rag} for a in entry.actions],
        "evidence": [{"url": e.url, "title": e.title} for e in entry.evidence],
    }


def legacy_snapshot(score: Score, target: Score, comment: str | None) -> dict[str, Any]:
    """A version saved before full snapshots were kept (score, target and comment only)."""
    return {"score": score.value, "score_na": score.not_applicable, "target": target.value,
            "target_na": target.not_applicable, "comment": comment, "legacy": True}


def entry_at(current: Entry, snap: dict[str, Any]) -> Entry:
    """`current` as it was in `snap` (its version unchanged, so the save of it is a new version).
    An action that still exists keeps its id (and its life of progress notes); one since removed
    comes back as a new action. A score that was carried forward and not yet confirmed comes back
    so (undoing an import confirms nothing). A legacy snapshot restores score, target and comment only."""
    restored = replace(current, score=Score(snap.get("score"), bool(snap.get("score_na"))),
                       target=Score(snap.get("target"), bool(snap.get("target_na"))),
                       comment=snap.get("comment"), carried=bool(snap.get("carried")))
    if snap.get("legacy"):
        return restored
    living = {a.id: a for a in current.actions if a.id is not None}
    actions = []
    for a in snap.get("actions", []):
        due = date.fromisoformat(a["due"]) if a.get("due") else None
        kept = living.get(a.get("id"))
        values = dict(text=a["text"], owner=a.get("owner"), due=due, status=a.get("status") or "open",
                      rag=a.get("rag"))
        actions.append(replace(kept, **values) if kept else Action(**values))
    return replace(restored, target_period=snap.get("target_period"), actions=actions,
                   evidence=[Evidence(e["url"], e.get("title")) for e in snap.get("evidence", [])])


@dataclass(frozen=True)
class Event:
    """Something done to a record as a whole: a period submitted, approved, reopened, started or
    deleted; an import or its undoing; a role given or taken away. `details` as kept (JSON)."""

    id: int
    period: str | None
    kind: str
    person: str | None
    at: datetime | None
    details: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """In words, for the history list."""
        d = self.details
        if self.kind == "approved":
            return str(Approval(d.get("decision") or "", date.fromisoformat(d["on"]) if d.get("on")
                                               else None, d.get("minute")))
        if self.kind in ("reopened", "withdrawn"):
            return f"{self.kind}: {d.get('reason', '')}"
        if self.kind == "submitted" and d.get("drafts_left"):
            left = d["drafts_left"]
            return f"submitted, leaving out {len(left)} unsaved draft{'s' if len(left) != 1 else ''}"
        if self.kind == "role":
            before, after = d.get("before") or "no role", d.get("after") or "no role"
            return f"{d.get('email')}: {before} → {after}"
        if self.kind == "unbound":
            return f"{d.get('email')}: freed from the account they signed in with" + (
                f" ({d['reason']})" if d.get("reason") else "")
        if self.kind == "import":
            return f"imported {d.get('source')} ({d.get('entries', 0)} entries" + (
                f"; undone {long_date(date.fromisoformat(d['undone_on']))}" if d.get("undone_on") else "") + ")"
        if self.kind == "undo import":
            return f"undid the import of {d.get('source')} ({d.get('entries', 0)} entries)"
        return self.kind + (f" ({d['note']})" if d.get("note") else "")


@dataclass(frozen=True)
class Change:
    """One field moved: its name as people read it, and the old and new values in words."""

    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Version:
    """One saved version of an entry: who, when, what made it, what it said and what changed."""

    version: int
    by: str | None
    at: datetime | None
    change: str | None
    snapshot: dict[str, Any]
    changes: list[Change] = field(default_factory=list)

    @property
    def restorable(self) -> bool:
        return bool(self.snapshot)


def _score(framework: Framework, value: Any, not_applicable: Any) -> str:
    return Score(value, bool(not_applicable)).label(framework)


def _actions(snap: dict[str, Any]) -> dict[Any, str]:
    lines = {}
    for i, a in enumerate(snap.get("actions", [])):
        due = long_date(date.fromisoformat(a["due"])) if a.get("due") else "no due date"
        rag = f", {a['rag']}" if a.get("rag") else ""
        lines[a.get("id") or f"new {i}"] = (f"“{a['text']}” ({a.get('owner') or 'no owner'}, {due}, "
                                            f"{a.get('status') or 'open'}{rag})")
    return lines


def changes(framework: Framework, old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """What moved from `old` to `new` (the first version: what it was created with), in words."""
    old = old or {}
    found = []
    for name, key in (("score", "score"), ("target", "target")):
        before = _score(framework, old.get(key), old.get(f"{key}_na"))   # none yet: "not yet scored"
        after = _score(framework, new.get(key), new.get(f"{key}_na"))
        if before != after:
            found.append(Change(name, before, after))
    comparable: tuple[str, ...] = ("comment",) if new.get("legacy") or old.get("legacy") else \
        ("target_period", "comment", "carried")
    for key in comparable:
        was, now = old.get(key), new.get(key)
        if (was or None) != (now or None) and not (key == "carried" and not old):
            words = {"target_period": "target period", "carried": "carried forward"}.get(key, key)
            found.append(Change(words, _text(was), _text(now)))
    if not (new.get("legacy") or old.get("legacy")):
        before_actions, after_actions = _actions(old), _actions(new)
        for key, line in after_actions.items():
            if key not in before_actions:
                found.append(Change("action", "—", line))
            elif before_actions[key] != line:
                found.append(Change("action", before_actions[key], line))
        found += [Change("action", line, "removed") for key, line in before_actions.items() if key not in after_actions]
        before_links = {(e["url"], e.get("title")) for e in old.get("evidence", [])}
        after_links = {(e["url"], e.get("title")) for e in new.get("evidence", [])}
        found += [Change("evidence", "—", _link(e)) for e in sorted(after_links - before_links)]
        found += [Change("evidence", _link(e), "removed") for e in sorted(before_links - after_links)]
    return found


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _link(link: tuple[str, str | None]) -> str:
    url, title = link
    return f"{title} | {url}" if title else url


def versions(framework: Framework, rows: list[tuple[int, str | None, datetime | None, str | None,
                                                    dict[str, Any]]]) -> list[Version]:
    """Each saved version (version, by, at, change, snapshot), oldest first, with what it changed."""
    found, previous = [], None
    for version, by, at, change, snap in sorted(rows, key=lambda r: r[0]):
        found.append(Version(version, by, at, change, snap, changes(framework, previous, snap)))
        previous = snap
    return found
