"""Peer comparison on a shared deployment (issue 31): councils side by side without any council's
scores being given away.

A council's administrator puts an approved period forward (`peers_opt_in`) and may withdraw it
(`peers_withdraw`) before a release; a period scored on fewer than half its items is refused. The
deployment's administrator defines clubs of at least five councils (`add_club`; types and regions
are the fixed groups, `peer_groups` lists them with the councils whose type or region could not be
mapped) and publishes releases (`publish_release`): a frozen snapshot of every group's figures, computed by
`domain.peers.release_figures` from the periods put forward at that moment, with the differencing
guard against the groups of the same release and every set shown before. Later opt-ins and withdrawals
wait for the next release. Published outside figures (a national diagnostic's aggregates) are
entered with their source, year and framework (`add_series`). A council reads only the released
figures of its own groups (`queries.peer_view`), never another council's scores; the memberships
and the guard's reasons are the deployment administrator's alone.

Councils are compared on the framework they follow or, for an overlay, on the framework it adapts,
through the key areas its mapping marks equal (the others are not compared).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from ..domain import peers as rules
from ..domain.errors import AssessmentError, InvalidEdit, NotFound
from ..domain.framework import Framework
from ..domain.peer_records import (CLUB, CLUB_AT_LEAST, GUARD, GUARD_NAME, RELEASE, RESERVED, SERIES, SOURCE_MOST,
                                   OptIn, PeerDocument, peer_name)
from ..domain.record import DEFAULT_FRAMEWORK, Organisation, OrganisationRecord, long_date
from ..formats.framework_file import find_framework
from ..formats.mapping_file import find_mapping
from ..storage.store import PutForward, Store, Transaction
from .access import ADMINISTER, Actor, allow, allow_deployment
from .common import framework_of


def peers_opt_in(store: Store, actor: Actor, org_id: str, period: str) -> None:
    """Put an approved period forward for the next release (the council's administrator)."""
    allow(actor, org_id, ADMINISTER)
    with store.transaction() as tx:
        record = tx.record(org_id)
        current = record.period(period)
        if current.status != "approved":
            raise InvalidEdit(f"{period} is {current.status}: only an approved period is compared with other "
                              "councils")
        base, comparable = _compared_on(framework_of(record))
        if rules.contribution(framework_of(record), current, org_id, comparable=comparable) is None:
            raise InvalidEdit(f"{period} is scored on fewer than half its items, so it is not compared")
        tx.set_peers_opt_in(org_id, period, actor.name)
        tx.add_event(org_id, period, "peers", actor.name, opted_in=True, framework=base.id)


def peers_withdraw(store: Store, actor: Actor, org_id: str, period: str) -> None:
    """Withdraw a period put forward: it leaves the figures at the next release (a release already
    published stays as it was)."""
    allow(actor, org_id, ADMINISTER)
    with store.transaction() as tx:
        if not any(o.org_id == org_id and o.period == period for o in tx.peer_opt_ins()):
            raise InvalidEdit(f"{period} of {org_id} is not put forward for comparison")
        tx.set_peers_opt_in(org_id, period, None)
        tx.add_event(org_id, period, "peers", actor.name, opted_in=False)


def peers_opted_in(store: Store, actor: Actor, org_id: str) -> list[OptIn]:
    """The council's periods put forward (its administrator)."""
    allow(actor, org_id, ADMINISTER)
    with store.transaction(write=False) as tx:
        return [o for o in tx.peer_opt_ins() if o.org_id == org_id]


def add_club(store: Store, actor: Actor, name: str, org_ids: Iterable[str]) -> PeerDocument:
    """Define (or redefine) a club: a named group of at least five councils, fixed in advance."""
    allow_deployment(actor, "define a club of councils")
    name = peer_name(name, "a club's name")
    taken = {_plain(g) for g in (*rules.TYPES, *rules.REGIONS, *RESERVED)}
    if _plain(name) in taken or rules.council_type(name) or rules.region(name):
        raise InvalidEdit(f"{name} is the name of a type or region (or a word the commands take); give the club "
                          "a name of its own")
    members = sorted(set(org_ids))
    with store.transaction() as tx:
        known = {org.id for org, _ in tx.organisations()}
        unknown = [m for m in members if m not in known]
        if unknown:
            raise NotFound(f"there is no organisation {', '.join(unknown[:5])}")
        if len(members) < CLUB_AT_LEAST:
            raise InvalidEdit(f"a club has at least {CLUB_AT_LEAST} councils, not {len(members)}")
        return tx.put_peer_document(PeerDocument(CLUB, name, {"members": members}, made_by=actor.name))


@dataclass(frozen=True)
class PeerGroups:
    """The groups councils are compared in: by type, by region and the clubs, each with its
    councils; and the councils whose type or region could not be mapped to the fixed lists."""

    groups: list[rules.Group]
    unmapped: list[tuple[str, str, str]]      # (organisation, "type" or "region", the text it has)


def peer_groups(store: Store, actor: Actor) -> PeerGroups:
    """Every group (the deployment's administrator)."""
    allow_deployment(actor, "see the groups councils are compared in")
    with store.transaction(write=False) as tx:
        organisations = [org for org, _ in tx.organisations()]
        clubs = tx.peer_documents(CLUB)
    return _groups(organisations, clubs)


def _groups(organisations: list[Organisation], clubs: list[PeerDocument]) -> PeerGroups:
    by_type: dict[str, set[str]] = {t: set() for t in rules.TYPES}
    by_region: dict[str, set[str]] = {r: set() for r in rules.REGIONS}
    unmapped = []
    for org in organisations:
        kind, place = rules.council_type(org.type), rules.region(org.region)
        if kind:
            by_type[kind].add(org.id)
        elif org.type:
            unmapped.append((org.id, "type", org.type))
        if place:
            by_region[place].add(org.id)
        elif org.region:
            unmapped.append((org.id, "region", org.region))
    groups = [*(rules.Group("type", t, frozenset(m)) for t, m in by_type.items()),
              *(rules.Group("region", r, frozenset(m)) for r, m in by_region.items()),
              *(rules.Group("club", c.name, frozenset(c.data.get("members", []))) for c in clubs)]
    return PeerGroups(groups, unmapped)


def _compared_on(framework: Framework) -> tuple[Framework, dict[str, str]]:
    """The framework a council is compared on and its key areas that count there: its own (all of
    them), or for an overlay the framework it adapts, through the key areas its mapping marks equal
    (own id -> the adapted framework's id)."""
    if framework.based_on is None:
        return framework, {k: k for k in framework.key_areas}
    base = find_framework(framework.based_on.id)
    try:
        mapping = find_mapping(base.id, framework.id, find_framework)
    except NotFound:
        return base, {}
    return base, rules.comparable_key_areas(mapping)


def publish_release(store: Store, actor: Actor, on: date | None = None, *, preview: bool = False) -> PeerDocument:
    """Publish a release dated `on` (today): every group's figures from the periods put forward now,
    frozen; the guard compares each group with the others and with every set of contributions shown
    before (kept in the guard's one document, `GUARD`, which this release brings up to date; a
    framework nobody on it takes part in this time keeps what was shown of it). With `preview`, the
    release as it would be, nothing kept: what would be withheld, and why, before it is published."""
    allow_deployment(actor, "publish a release of peer figures")
    today = date.today()
    on = on or today
    # published when dated: a later date would show nothing till then and hold back every release before it
    if not date(2000, 1, 1) <= on <= today:
        raise InvalidEdit(f"a release is dated from 2000 to today ({long_date(today)}), not {long_date(on)}")
    with store.transaction(write=not preview) as tx:
        last, made_before = tx.latest_peer_document(RELEASE)
        if last is not None and last.released_on and on < last.released_on:
            raise InvalidEdit(f"a release is dated on or after the last one ({last.released_on.isoformat()})")
        organisations = [org for org, _ in tx.organisations()]
        clubs = tx.peer_documents(CLUB)
        groups = _groups(organisations, clubs).groups
        kinds = {g.name: g.kind for g in groups}
        by_base, key_areas, worked_out = _contributions(tx)
        if worked_out and not preview:
            tx.keep_peer_contributions(worked_out)
        seen, _ = tx.latest_peer_document(GUARD)
        memory = _memory(seen)
        # Every group's councils as they are now: a council reads its groups' figures by them, not by
        # a later change to a club or to its own type or region.
        data: dict[str, Any] = {"frameworks": {}, "clubs": {c.name: c.data.get("members", []) for c in clubs},
                                "types": {g.name: sorted(g.members) for g in groups if g.kind == "type"},
                                "regions": {g.name: sorted(g.members) for g in groups if g.kind == "region"}}
        for base_id, contributions in sorted(by_base.items()):
            kept = memory.get(base_id)
            made = rules.release_figures(
                contributions, groups, _kept(kept.get("memberships", {}), 2) if kept else None,
                key_areas[base_id],
                previous_key_area_memberships=_kept(kept.get("key_area_memberships", {}), 3) if kept else None)
            data["frameworks"][base_id] = {
                "figures": [{"group": g, "kind": kinds.get(g, "club"), "year": y, "key_area": k, **f.as_json()}
                            for (g, y, k), f in sorted(made.figures.items())],
                "withheld": {f"{g}|{y}": why for (g, y), why in sorted(made.withheld.items())},
                "withheld_key_areas": {f"{g}|{y}|{k}": why
                                       for (g, y, k), why in sorted(made.withheld_key_areas.items())}}
            memory[base_id] = {
                "memberships": {f"{g}|{y}": [sorted(m) for m in shown]
                                for (g, y), shown in sorted(made.memberships.items())},
                "key_area_memberships": {f"{g}|{y}|{k}": [sorted(m) for m in shown]
                                         for (g, y, k), shown in sorted(made.key_area_memberships.items())}}
        name = f"{made_before + 1}"   # releases are numbered; each names its date beside it
        if preview:
            return PeerDocument(RELEASE, name, data, released_on=on, made_by=actor.name)
        tx.put_peer_document(PeerDocument(GUARD, GUARD_NAME, {"frameworks": memory}, made_by=actor.name))
        return tx.put_peer_document(PeerDocument(RELEASE, name, data, released_on=on, made_by=actor.name))


def _contributions(tx: Transaction) -> tuple[dict[str, list[rules.Contribution]], dict[str, list[str]], dict[int, str]]:
    """Every period put forward's contribution, by the framework it is compared on, with that
    framework's key areas; and the contributions worked out afresh, to keep (assessment id -> JSON).

    A contribution the last release kept stands while its council's stamp does (no change to its
    records since) and its record follows the same framework; the others' scores are read and
    worked out (`domain.peers.contribution`, the report's own roll-up), so a release reads the
    entries of the councils that changed only. Each framework is found, and what it is compared on
    worked out, once."""
    by_base: dict[str, list[rules.Contribution]] = {}
    key_areas: dict[str, list[str]] = {}
    compared: dict[str, tuple[Framework, Framework, dict[str, str]]] = {}
    as_kept: dict[str, str] = {}      # framework id -> what a kept contribution must name (`_framework_key`)
    fresh: list[PutForward] = []
    kept: dict[int, str] = {}
    for put in tx.peer_put_forward():
        if put.framework_id not in compared:
            own = find_framework(put.framework_id or DEFAULT_FRAMEWORK)
            compared[put.framework_id] = (own, *_compared_on(own))
            as_kept[put.framework_id] = _framework_key(*compared[put.framework_id])
        own, base, comparable = compared[put.framework_id]
        key_areas.setdefault(base.id, list(base.key_areas))
        found = _kept_contribution(put, as_kept[put.framework_id])
        if found is _STALE:
            fresh.append(put)
        elif isinstance(found, rules.Contribution):
            by_base.setdefault(base.id, []).append(found)
    periods = tx.peer_periods(fresh) if fresh else {}
    for put in fresh:
        own, base, comparable = compared[put.framework_id]
        found = rules.contribution(own, periods[put.assessment_id], put.org_id, comparable=comparable)
        if found is not None:   # keyed by the compared framework's key areas
            by_base.setdefault(base.id, []).append(found)
        kept[put.assessment_id] = json.dumps({"stamp": put.stamp, "framework": as_kept[put.framework_id],
                                              "year": found.year if found else None,
                                              "levels": found.levels if found else None}, sort_keys=True)
    return by_base, key_areas, kept


_STALE = object()
MOST_LEVEL = 10     # no framework's scale goes higher: a kept level above it (or not a number) is worked out again


def _framework_key(own: Framework, base: Framework, comparable: dict[str, str]) -> str:
    """What a kept contribution names of the framework it was worked out on: its id and a digest of
    it, of the framework it is compared on and of the key areas compared, so that a new version of
    a framework or mapping file has every contribution worked out again."""
    digest = hashlib.blake2b(digest_size=8)
    for part in (own.model_dump_json(), base.model_dump_json(), json.dumps(comparable, sort_keys=True)):
        digest.update(part.encode())
    return f"{own.id}@{digest.hexdigest()}"


def _kept_contribution(put: PutForward, framework: str) -> rules.Contribution | None | object:
    """What the last release kept of a period's contribution, where it still stands: the
    Contribution, None (it contributes nothing), or `_STALE` (none kept, or its council's records
    have changed since, or it follows another framework now, or a new version of it:
    `_framework_key`)."""
    try:
        kept = json.loads(put.kept) if put.kept else None
    except ValueError:
        return _STALE
    if not isinstance(kept, dict) or kept.get("stamp") != put.stamp or kept.get("framework") != framework \
            or not put.stamp:
        return _STALE
    levels, year = kept.get("levels"), kept.get("year")
    if levels is None:
        return None
    if not isinstance(levels, dict) or not isinstance(year, int) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v <= MOST_LEVEL for v in levels.values()):
        return _STALE
    return rules.Contribution(put.org_id, year, {str(k): float(v) for k, v in levels.items()})


def _members(kept: Any) -> list[tuple[str, list[str]]]:
    """A release's groups of one kind with their councils ({name: [organisation ids]}); nothing
    where it kept none."""
    if not isinstance(kept, dict):
        return []
    return [(name, members) for name, members in kept.items() if isinstance(members, list)]


def _plain(text: str) -> str:
    """A name compared as people read it: letters and digits only, in any case."""
    return "".join(c for c in text.casefold() if c.isalnum())


_UNREAD = ("the guard's memory of what earlier releases showed cannot be read, so no release can be published "
           "safely; restore the database from a backup taken after the last release")


def _memory(seen: PeerDocument | None) -> dict[str, Any]:
    """The guard's memory, per framework (`GUARD`): refused, not forgotten, where it is not as kept
    (forgetting would let the next release show what the guard withheld)."""
    if seen is None:
        return {}
    memory = seen.data.get("frameworks")
    if not isinstance(memory, dict) or not all(isinstance(m, dict) for m in memory.values()):
        raise AssessmentError(_UNREAD)
    return dict(memory)


def _kept(kept: Any, parts: int) -> dict[tuple, rules.Shown]:
    """Every set of councils shown, as a release kept them, back from their keys: "group|year"
    (`parts` 2) or "group|year|key area" (3), a group's name read up to the last bars (a club's name
    may hold one). Anything else is refused (`_UNREAD`)."""
    out: dict[tuple, rules.Shown] = {}
    if not isinstance(kept, dict) or not all(
            isinstance(shown, list) and all(isinstance(m, list) and all(isinstance(o, str) for o in m) for m in shown)
            for shown in kept.values()):
        raise AssessmentError(_UNREAD)
    for key, shown in kept.items():
        pieces = key.rsplit("|", parts - 1)
        if len(pieces) == parts and pieces[1].isdigit():
            out[(pieces[0], int(pieces[1]), *pieces[2:])] = tuple(frozenset(members) for members in shown)
    return out


def add_series(store: Store, actor: Actor, name: str, *, source: str, year: int, framework_id: str,
               levels: dict[str, float]) -> PeerDocument:
    """Enter a published outside series (e.g. a national diagnostic's aggregates): always shown with
    its source and year."""
    allow_deployment(actor, "enter published outside figures")
    name = peer_name(name, "a series' name")
    source = peer_name(source, "where the figures were published (the source)", SOURCE_MOST)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= date.today().year + 1:
        raise InvalidEdit(f"a series' year is from 2000 to {date.today().year + 1}, not {year!r}")
    framework = find_framework(framework_id)
    if not levels:
        raise InvalidEdit("give at least one key area's level")
    unknown = [k for k in levels if k not in framework.key_areas]
    if unknown:
        raise InvalidEdit(f"{framework.name} has no key area {', '.join(unknown[:5])}")
    for key_area, level in levels.items():
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 1 <= level <= framework.max_level:
            raise InvalidEdit(f"a level is a number from 1 to {framework.max_level}: not {level!r} for {key_area}")
    with store.transaction() as tx:
        return tx.put_peer_document(PeerDocument(SERIES, name, {
            "source": source, "year": year, "framework_id": framework.id,
            "levels": {k: float(v) for k, v in levels.items()}}, made_by=actor.name))


def peer_releases(store: Store, actor: Actor) -> list[PeerDocument]:
    """Every release with its memberships and the guard's reasons (the deployment's administrator)."""
    allow_deployment(actor, "read the releases in full")
    with store.transaction(write=False) as tx:
        return tx.peer_documents(RELEASE)


def peer_series(store: Store, actor: Actor) -> list[PeerDocument]:
    """The published outside series entered, oldest first (the deployment's administrator)."""
    allow_deployment(actor, "see the outside series")
    with store.transaction(write=False) as tx:
        return tx.peer_documents(SERIES)


def peers_put_forward(store: Store, actor: Actor) -> list[OptIn]:
    """Every period put forward now, which the next release will count (the deployment's
    administrator: the councils' scores stay theirs, only that they take part is shown)."""
    allow_deployment(actor, "see which periods are put forward")
    with store.transaction(write=False) as tx:
        return tx.peer_opt_ins()


def remove_peer_document(store: Store, actor: Actor, kind: str, name: str) -> None:
    """Remove a club or an outside series by name (a release stays as it was published, with the
    clubs as they were then; a club's name, once shown, keeps its history for the guard)."""
    allow_deployment(actor, "remove a club or an outside series")
    if kind not in (CLUB, SERIES):
        raise InvalidEdit("only a club or an outside series is removed; a release stays as it was published")
    with store.transaction() as tx:
        if not tx.delete_peer_document(kind, name):
            raise NotFound(f"there is no {'club' if kind == CLUB else 'series'} named {name!r}")


@dataclass(frozen=True)
class GroupFigures:
    """One of a council's groups in a release: its kind and name, and per key area (the council's
    own key area ids) the figure as released: {"n", "median"} (with "q1", "q3" from ten councils),
    or {"comparator": None, "reason": ...}."""

    kind: str
    name: str
    figures: dict[str, dict[str, Any]]

    @property
    def n(self) -> int | None:
        """The councils contributing (the most of any key area), or None where none is given."""
        counts = [f["n"] for f in self.figures.values() if isinstance(f.get("n"), int)]
        return max(counts) if counts else None


@dataclass(frozen=True)
class PeerView:
    """What a council's readers see of a release for one of its periods: the release, the year and
    framework compared, its groups' figures, and any published outside series of that framework."""

    release: str
    released_on: date | None
    year: int
    framework_id: str
    groups: list[GroupFigures]
    series: list[PeerDocument]
    period: str = ""          # the council's own name for the period


def peer_view_of(record: OrganisationRecord, period: str, latest: PeerDocument | None,
                 series: list[PeerDocument]) -> PeerView | None:
    """`queries.peer_view`'s figures, from what was read: the release shown (the latest on or before
    today), the council's groups in it (its type, its region, the clubs it was in then), for the
    period's year."""
    year = rules.financial_year(period)
    if year is None or latest is None:
        return None
    base, comparable = _compared_on(framework_of(record))
    own_of = {b: own for own, b in comparable.items()}
    org = record.organisation
    # its groups as they were at the release: a club redefined, or its own type or region changed
    # since, gives it no other group's figures
    mine = [(kind, name) for kind, part in (("type", "types"), ("region", "regions"), ("club", "clubs"))
            for name, members in _members(latest.data.get(part)) if org.id in members]
    figures = latest.data.get("frameworks", {}).get(base.id, {}).get("figures", [])
    groups = []
    for kind, name in mine:
        if not name:
            continue
        found = {own_of[f["key_area"]]: {k: v for k, v in f.items() if k not in ("group", "kind", "year", "key_area")}
                 for f in figures if f["group"] == name and f["year"] == year and f["key_area"] in own_of}
        groups.append(GroupFigures(kind, name, found))
    return PeerView(latest.name, latest.released_on, year, base.id, groups,
                    [s for s in series if s.data.get("framework_id") == base.id], period)
