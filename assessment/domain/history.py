"""What an entry said at each version, and what changed between two: the one home of history.

Every save keeps the whole entry (score, target, target period, comment, whether it was carried,
its actions and evidence; stored in `formats.record_schema`'s shape) beside who saved it, when and
what made the change ("saved", "confirmed", "import appendix.docx", "restored version 3"): a
`Version`. `changes` says, field by field, what moved from one version to the next, in the words
people read ("3 – Mature" → "4 – Leader"); `entry_at` makes an entry of an earlier version, so that
it can be restored as a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from .framework import Framework
from .plan import NO_DATA, Plan
from .plan_report import number_words
from .record import Action, Approval, Entry, long_date
from .scores import Score


def entry_at(current: Entry, kept: Version) -> Entry:
    """`current` as it was in version `kept` (its version number unchanged, so the save of it is a
    new version). An action that still exists keeps its id (and its life of progress notes); one
    since removed comes back as a new action. A score that was carried forward and not yet confirmed
    comes back so (undoing an import confirms nothing). A version kept before whole entries were
    (`kept.whole` false) restores score, target and comment only."""
    was = kept.entry
    restored = replace(current, score=was.score, target=was.target, comment=was.comment, carried=was.carried)
    if not kept.whole:
        return restored
    living = {a.id: a for a in current.actions if a.id is not None}
    actions = []
    for a in was.actions:
        alive = living.get(a.id) if a.id is not None else None
        # the action as it was; one still alive keeps its id and progress notes, one removed comes back new
        actions.append(replace(alive or Action(a.text), text=a.text, owner=a.owner, due=a.due, status=a.status,
                               rag=a.rag))
    return replace(restored, target_period=was.target_period, actions=actions, evidence=list(was.evidence))


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
            return f"{d.get('email')}: {before} → {after}" + (
                ", from the directory's app roles at sign-in" if d.get("source") == "directory" else "")
        if self.kind == "unbound":
            return f"{d.get('email')}: freed from the account they signed in with" + (
                f" ({d['reason']})" if d.get("reason") else "")
        if self.kind == "round":
            if d.get("state"):
                return f"round {d.get('round')} {d['state']}" + (
                    f" ({d.get('mode')}, closing {long_date(date.fromisoformat(d['closes']))})" if d.get("closes") else
                    f" ({d['entries']} agreed scores written)" if d.get("entries") else "")
            if d.get("revoked"):
                return f"round {d.get('round')}: an invitation withdrawn"
            return f"round {d.get('round')}: someone invited"
        if self.kind == "erased":
            return (f"a person's name and address were erased and replaced by “{d.get('standing')}” everywhere "
                    f"they appeared" + (f" ({d['reason']})" if d.get("reason") else ""))
        if self.kind == "import":
            return f"imported {d.get('source')} ({d.get('entries', 0)} entries" + (
                f"; undone {long_date(date.fromisoformat(d['undone_on']))}" if d.get("undone_on") else "") + ")"
        if self.kind == "organisation":
            return f"type set to {d.get('type') or 'none'}, region to {d.get('region') or 'none'}"
        if self.kind == "peers":
            return ("put forward for comparison with other councils" if d.get("opted_in")
                    else "withdrawn from comparison with other councils")
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
    """One saved version of an entry: who, when, what made it, what the entry said (`entry`) and what
    changed since the version before. `whole` is false for a version kept before whole entries were
    (score, target and comment only)."""

    version: int
    by: str | None
    at: datetime | None
    change: str | None
    entry: Entry
    whole: bool = True
    changes: list[Change] = field(default_factory=list)


def _actions(entry: Entry) -> dict[Any, str]:
    lines = {}
    for i, a in enumerate(entry.actions):
        due = long_date(a.due) if a.due else "no due date"
        rag = f", {a.rag}" if a.rag else ""
        lines[a.id or f"new {i}"] = f"“{a.text}” ({a.owner or 'no owner'}, {due}, {a.status or 'open'}{rag})"
    return lines


# An entry's fields compared as text, with their names as people read them.
_TEXTS = {"target_period": "target period", "comment": "comment", "carried": "carried forward"}


def changes(framework: Framework | Plan, old: Version | None, new: Version) -> list[Change]:
    """What moved from `old` to `new` (the first version: what it was created with), in words: a
    score and target of a framework's entry, a rating or value of a plan's."""
    before, after = (old.entry if old else None), new.entry
    found = []
    if isinstance(framework, Plan):
        found += _plan_changes(framework, before, after)
    else:
        for name in ("score", "target"):
            was, now = _label(framework, name, before), _label(framework, name, after)
            if was != now:
                found.append(Change(name, was, now))
    whole = new.whole and (old is None or old.whole)
    for key, words in _TEXTS.items() if whole else [("comment", "comment")]:
        was_, now_ = (getattr(before, key) if before else None), getattr(after, key)
        if (was_ or None) != (now_ or None) and not (key == "carried" and before is None):
            found.append(Change(words, _text(was_), _text(now_)))
    if whole:
        before_actions = _actions(before) if before else {}
        after_actions = _actions(after)
        for key, line in after_actions.items():
            if key not in before_actions:
                found.append(Change("action", "—", line))
            elif before_actions[key] != line:
                found.append(Change("action", before_actions[key], line))
        found += [Change("action", line, "removed") for key, line in before_actions.items() if key not in after_actions]
        before_links = {(e.url, e.title) for e in (before.evidence if before else [])}
        after_links = {(e.url, e.title) for e in after.evidence}
        found += [Change("evidence", "—", _link(e)) for e in sorted(after_links - before_links, key=str)]
        found += [Change("evidence", _link(e), "removed") for e in sorted(before_links - after_links, key=str)]
    return found


def _plan_changes(plan: Plan, before: Entry | None, after: Entry) -> list[Change]:
    """A plan entry's rating (by its name) and value ("no data" said so) from one version to the next."""
    def rating(entry: Entry | None) -> str:
        found = plan.rating_ids.get(entry.rating) if entry is not None and entry.rating else None
        return found.name if found else (entry.rating if entry is not None and entry.rating else "not rated")

    def value(entry: Entry | None) -> str:
        if entry is not None and entry.no_data:
            return NO_DATA
        return number_words(entry.value) if entry is not None and entry.value is not None else "—"
    found = []
    for name, words in (("rating", rating), ("value", value)):
        if words(before) != words(after):
            found.append(Change(name, words(before), words(after)))
    return found


def _label(framework: Framework, name: str, entry: Entry | None) -> str:
    """A score or target in words: '3 – Mature', 'n/a'; none yet: 'not yet scored', or 'no target'."""
    value = getattr(entry, name) if entry is not None else Score()
    return value.target_label(framework) if name == "target" else value.label(framework)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _link(link: tuple[str, str | None]) -> str:
    url, title = link
    return f"{title} | {url}" if title else url


def versions(framework: Framework | Plan, kept: list[Version]) -> list[Version]:
    """Each saved version, oldest first, with what it changed since the one before."""
    found: list[Version] = []
    previous = None
    for version in sorted(kept, key=lambda v: v.version):
        found.append(replace(version, changes=changes(framework, previous, version)))
        previous = version
    return found
