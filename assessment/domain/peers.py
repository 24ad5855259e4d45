"""Councils side by side (issue 31): the pure rules of disclosure-safe peer comparison.

Storage, releases on a date, opting in and the pages are elsewhere (`workflows.peers`); these are
the rules only, plain data in and out.

- **Groups** are fixed in advance: a council's type (`TYPES`), its region (`REGIONS`: the nine
  English regions) and named clubs. Type and region were free text, so `council_type` and `region`
  read today's values; what cannot be read with confidence gives None, for a person to put right.
- **Who counts**: a council's approved period scored on at least half its items (`contribution`),
  aligned by financial year ("2023" and "2023/24" are both 2023: `financial_year`), each council once
  per group, year and key area, with its key-area level; for a council on an overlay, only the key
  areas its mapping marks equal to the framework it adapts (`comparable_key_areas`).
- **What a figure shows** (`figure`), per key area × year × group: fewer than 5 contributing
  councils, no comparator; 5 or more, the median and n; 10 or more, the quartiles too. Never the
  minimum, maximum, mean, a rank or a name.
- **The differencing guard** (`withheld`, and per key area within `release_figures`): a median
  beside another median of nearly the same councils gives away the councils between them. A group
  whose contributing councils differ by 1 to 4 (`CLOSE` - 1) from another group's in the same year
  of the release, or from any set of councils any group has shown in an earlier release (not only
  the last: `Shown`), is withheld, with the reason kept for the deployment's administrator; it
  comes back once the difference is 5 or more, or nothing shown is that close. A council whose
  levels for a year have changed since they were shown counts as one council gone and one come
  (`contributed`), so that no council can read its peers' levels off its own changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Any, Callable, Iterable, Sequence

from .errors import AssessmentError
from .framework import Framework
from .mapping import Mapping
from .numbers import counted, rounded
from .record import PeriodRecord, valid_period
from .rollups import key_area_summary, overall_score
from .rounds import _hinges, _median

TYPES: tuple[str, ...] = ("county", "district", "unitary", "metropolitan borough", "London borough",
                          "combined authority", "other")
REGIONS: tuple[str, ...] = ("North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
                            "East of England", "London", "South East", "South West")
GROUP_KINDS: tuple[str, ...] = ("type", "region", "club")   # in the order the guard keeps them

Shown = tuple[frozenset[str], ...]
"""Every distinct set of contributions (`contributed`: a council and its levels) a group, or one key
area of it, has shown in a year, oldest first: what the differencing guard compares a new release
with, so that no chain of releases shows two sets 1 to 4 apart."""

NO_COMPARATOR_BELOW = 5     # fewer contributing councils: no comparator
QUARTILES_FROM = 10         # from this many: the quartiles too
CLOSE = 5                   # two memberships differing by 1 to CLOSE - 1 councils: the differencing guard

APPROVED = "approved"       # the one status whose periods are compared (`record.STATUSES`)
FEWER = f"fewer than {NO_COMPARATOR_BELOW} councils contribute"
WITHHELD = "withheld so that no council's score can be worked out"


# ---------------------------------------------------------------- type, region and year

def _words(text: str) -> list[str]:
    """Text as lower-case words, '&' read as 'and' and 'non-metropolitan' as 'shire'."""
    folded = text.casefold().replace("&", " and ")
    folded = re.sub(r"non[\s.-]*metropolitan", "shire", folded)
    return re.findall(r"[a-z0-9]+", folded)


def council_type(text: str | None) -> str | None:
    """A council's type as people have written it, read as one of `TYPES`; None where it is blank or
    cannot be read with confidence, for a person to choose.

    In this order: "combined authority" (and CA, MCA, CCA: combined county authorities are counted
    with them); "London borough" (and LB, LBC); a metropolitan ("met") borough or district (and MBC,
    MDC); anything "unitary" (and UA), so "unitary county" is unitary; "county"; "district" (a shire
    or non-metropolitan district too); "other" as written. A bare "borough", "city" or "royal borough"
    council could be a district, a unitary, a metropolitan or a London borough, so it is not guessed;
    nor is a "metropolitan county", which has no council of its own."""
    words = _words(text or "")
    found, joined = set(words), " ".join(words)
    metropolitan = bool(found & {"metropolitan", "met"})
    if {"combined", "authority"} <= found or joined in {"ca", "mca", "cca"}:
        return "combined authority"
    if {"london", "borough"} <= found or joined in {"lb", "lbc"}:
        return "London borough"
    if metropolitan and found & {"borough", "district"} or joined in {"mbc", "mdc"}:
        return "metropolitan borough"
    if metropolitan:
        return None
    if "unitary" in found or joined == "ua":
        return "unitary"
    if "county" in found:
        return "county"
    if "district" in found:
        return "district"
    return "other" if joined == "other" else None


_REGION_WORDS = {
    "North East": ("northeast", "ne"),
    "North West": ("northwest", "nw"),
    "Yorkshire and the Humber": ("yorkshireandhumber", "yorkshirehumber", "yorkshire", "yorksandhumber", "yorks",
                                 "yorkshireandhumberside", "humber", "humberside", "yh", "yandh"),
    "East Midlands": ("eastmidlands", "eastmids", "emidlands", "em"),
    "West Midlands": ("westmidlands", "westmids", "wmidlands", "wm"),
    "East of England": ("east", "eastern", "eastanglia", "eoe"),
    "London": ("london", "greaterlondon"),
    "South East": ("southeast", "se"),
    "South West": ("southwest", "sw"),
}
_REGION_OF = {words: name for name, spellings in _REGION_WORDS.items() for words in spellings}
_REGION_FILLER = {"the", "region", "of", "england", "english"}


def region(text: str | None) -> str | None:
    """A council's region as people have written it, read as one of the nine English regions
    (`REGIONS`); None where it is blank or cannot be read ("Midlands", "North").

    Case, spaces, hyphens, full stops, "&" for "and", and the words "the", "region", "of" and
    "England" make no difference ("north-east", "NE", "Yorkshire & Humber", "East of England",
    "East", "Eastern" and "South East England" are all read)."""
    key = "".join(w for w in _words(text or "") if w not in _REGION_FILLER)
    return _REGION_OF.get(key)


def financial_year(period: str) -> int | None:
    """The financial year a period falls in, by the year it starts: "2023" and "2023/24" (or
    "2023/2024") are both 2023, so they are compared together; None for anything that is not a
    period (`record.valid_period`)."""
    return int(period[:4]) if valid_period(period) else None


# ---------------------------------------------------------------- what a council contributes

@dataclass(frozen=True)
class Contribution:
    """One council's key-area levels in one financial year, as counted: key area id -> level, only
    the key areas that count and have one."""

    org_id: str
    year: int
    levels: dict[str, float]


def comparable_key_areas(mapping: Mapping) -> dict[str, str]:
    """The key areas of a council's framework that may be compared with the framework it adapts:
    those the mapping (from the adapted framework to the council's) marks equal, each with the id it
    has in the adapted framework. Merged, split and new key areas are not compared."""
    kinds, sources = mapping.kinds.get("key_area", {}), mapping.sources.get("key_area", {})
    return {own: sources[own][0] for own, kind in kinds.items() if kind == "equal" and len(sources[own]) == 1}


def contribution(framework: Framework, period: PeriodRecord, org_id: str, *,
                 comparable: set[str] | dict[str, str] | None = None) -> Contribution | None:
    """What one council's period contributes: its level in each key area, or None where it does not
    count.

    A period counts when it is approved and scored on at least half its items: the report's own
    test, that the overall score is not provisional (`rollups.overall_score`, `Rollup.provisional`:
    objectives, or key areas for a period kept one level per key area; n/a items are not counted
    either way). A key
    area's level is the report's (`rollups.key_area_summary`): the mean of its scored objectives, or
    its own level where it is scored as a whole; that is the number the radar and the key-area table
    show, so the council's own figure and its peers' are the same measure. A key area with no level
    is left out.

    `comparable` is the key areas that may be compared (None: all): for a council on an overlay,
    those its mapping marks equal. Given as a dict (`comparable_key_areas`: own id -> the adapted
    framework's id) the levels are keyed by the adapted framework's ids. A period with no level in
    any key area that may be compared contributes nothing (None)."""
    year = financial_year(period.period)
    if year is None or period.status != APPROVED:
        return None
    summaries = {k: key_area_summary(framework, period, k) for k in framework.key_areas}
    whole = overall_score(framework, period, summaries.values())
    if whole.n == 0 or whole.provisional:
        return None
    if comparable is None:
        counted_as = {k: k for k in framework.key_areas}
    elif isinstance(comparable, dict):
        counted_as = {k: comparable[k] for k in framework.key_areas if k in comparable}
    else:
        counted_as = {k: k for k in framework.key_areas if k in comparable}
    levels = {}
    for own, as_id in counted_as.items():
        mean = summaries[own].score.mean
        if mean is not None:
            levels[as_id] = mean
    return Contribution(org_id, year, levels) if levels else None


def _once(contributions: Iterable[Contribution]) -> list[Contribution]:
    """Each council once a year: where one is given twice for the same year, the later one given."""
    return list({(c.org_id, c.year): c for c in contributions}.values())


# ---------------------------------------------------------------- groups and figures

@dataclass(frozen=True)
class Group:
    """A group councils are compared in: a type (named as in `TYPES`), a region (`REGIONS`) or a
    named club; `members` are the councils in it, whether they have put a period forward or not."""

    kind: str
    name: str
    members: frozenset[str]

    def __post_init__(self) -> None:
        if self.kind not in GROUP_KINDS:
            raise AssessmentError(f"a group is a type, a region or a club, not {self.kind!r}")
        if self.kind == "type" and self.name not in TYPES:
            raise AssessmentError(f"{self.name!r} is not a type of council; the types are {', '.join(TYPES)}")
        if self.kind == "region" and self.name not in REGIONS:
            raise AssessmentError(f"{self.name!r} is not an English region; the regions are {', '.join(REGIONS)}")
        if not self.name.strip():
            raise AssessmentError("a club has a name")
        if not isinstance(self.members, frozenset):
            object.__setattr__(self, "members", frozenset(self.members))


_TYPE_WORDS = {"county": "county councils", "district": "district councils", "unitary": "unitary authorities",
               "metropolitan borough": "metropolitan boroughs", "London borough": "London boroughs",
               "combined authority": "combined authorities", "other": "other councils"}


def group_words(group: Group) -> str:
    """A group as the at-a-glance sentence names its councils: "unitary authorities", "councils in
    the South East", "councils in the Kent Procurement Partnership"."""
    if group.kind == "type":
        return _TYPE_WORDS[group.name]
    if group.kind == "region":
        return f"councils in {'' if group.name == 'London' else 'the '}{group.name}"
    return f"councils in {group.name}"


@dataclass(frozen=True)
class Figure:
    """One key area × year × group: `n` councils contributing and, from `NO_COMPARATOR_BELOW`, their
    median, with the quartiles from `QUARTILES_FROM`; else no comparator and why (`reason`)."""

    n: int
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.median is None) == (self.reason is None):
            raise ValueError("a figure has a median or a reason for having none, not both")

    def as_json(self) -> dict[str, Any]:
        """As `peers show --format json` gives it: {"n", "median"} (with "q1", "q3" from ten councils),
        rounded to two places as every number people see is; or {"comparator": None, "reason"}."""
        if self.median is None:
            return {"comparator": None, "reason": self.reason}
        shown: dict[str, Any] = {"n": self.n, "median": rounded(self.median)}
        if self.q1 is not None and self.q3 is not None:
            shown["q1"], shown["q3"] = rounded(self.q1), rounded(self.q3)
        return shown


def figure(levels: list[float]) -> Figure:
    """The figure of the levels of the councils contributing (each once): fewer than 5, no comparator;
    5 to 9, the median and n; 10 or more, the quartiles too.

    The median is the middle level, or with an even n the mean of the middle two. The quartiles are
    Tukey's hinges, as a round's spread has them (`rounds._hinges`): the medians of the lower and
    upper halves, each half taking the median too when n is odd (R's `fivenum`); so of 1, 1, 2, 2,
    2.5, 3, 3, 4, 4, 5 they are 2 and 4 about a median of 2.75. Never the minimum, maximum or mean."""
    n = len(levels)
    if n < NO_COMPARATOR_BELOW:
        return Figure(n, reason=FEWER)
    ordered = sorted(levels)
    if n < QUARTILES_FROM:
        return Figure(n, _median(ordered))
    q1, q3 = _hinges(ordered)
    return Figure(n, _median(ordered), q1, q3)


def memberships(contributions: list[Contribution], groups: list[Group],
                key: Callable[[Contribution], str] = lambda c: c.org_id) -> dict[tuple[str, int], frozenset[str]]:
    """(group name, year) -> the councils of the group that contribute that year (each as `key`
    gives it: its id, or for the guard `contributed`), for every group and every year anyone
    contributes (a group with none that year: an empty set)."""
    _kinds(groups)
    by_year: dict[int, dict[str, str]] = {}
    for c in contributions:
        by_year.setdefault(c.year, {})[c.org_id] = key(c)
    return {(g.name, year): frozenset(keyed[o] for o in g.members if o in keyed)
            for year, keyed in sorted(by_year.items()) for g in groups}


def _kinds(groups: Iterable[Group]) -> dict[str, str]:
    """Group name -> kind; a name given to two groups is refused (figures are kept by name)."""
    kinds: dict[str, str] = {}
    for g in groups:
        if g.name in kinds:
            raise AssessmentError(f"two groups are named {g.name!r}; give each club a name no type, region or other "
                                  "club has")
        kinds[g.name] = g.kind
    return kinds


# ---------------------------------------------------------------- the differencing guard

def _rank(kinds: dict[str, str], name: str) -> int:
    kind = kinds.get(name)
    if kind not in GROUP_KINDS:
        raise AssessmentError(f"the guard was not told what kind of group {name!r} is")
    return GROUP_KINDS.index(kind)


def _close(difference: int) -> bool:
    return 0 < difference < CLOSE


NO_LEVEL = "-"   # a key area a contribution has no level in (`contributed`)


def _piece(level: float | None) -> str:
    """A key-area level as the guard keeps it: exactly, to six places (levels are means of whole and
    half levels, so two that differ do so well before the sixth place). Not a digest: a short one
    gives two levels of the same key area the same digest, and a council could move between them
    unseen; a long one is no shorter than the level, and no more private (the levels a key area can
    take are few enough to try every one)."""
    return NO_LEVEL if level is None else repr(round(level, 6))


def contributed(c: Contribution, key_areas: Sequence[str]) -> str:
    """A council's contribution as the guard knows it: the council and, key area by key area (in
    `key_areas`' order), its level there (`_piece`), so that a council whose levels change (another
    period of the same year put forward, or the period reopened and approved again) counts as one
    gone and one come, as a whole (`_apart`) and in each key area whose level changed
    (`_in_key_area`). Without it a council could move its own level from release to release, the
    same councils contributing, and read the others' levels off the medians it is shown, however
    many other councils changed their levels elsewhere."""
    return c.org_id + "#" + ",".join(_piece(c.levels.get(k)) for k in key_areas)


def _pieces(member: str) -> tuple[str, list[str]]:
    org, _, pieces = member.rpartition("#")
    return org, pieces.split(",")


@lru_cache(maxsize=65536)
def _in_key_area(members: frozenset[str], i: int) -> frozenset[str]:
    """The contributions of `members` counted in the `i`th key area (those with a level in it), each
    as its council and its level there."""
    out = set()
    for m in members:
        org, pieces = _pieces(m)
        if i < len(pieces) and pieces[i] != NO_LEVEL:
            out.add(f"{org}#{pieces[i]}")
    return frozenset(out)


@lru_cache(maxsize=16384)
def _lacking(members: frozenset[str]) -> int:
    """How many of `members` have no level in some key area."""
    return sum(1 for m in members if NO_LEVEL in _pieces(m)[1])


@lru_cache(maxsize=4096)
def _councils(members: frozenset[str]) -> frozenset[str]:
    return frozenset(m.rsplit("#", 1)[0] for m in members)


def _apart(a: frozenset[str], b: frozenset[str]) -> int:
    """How far apart the guard takes two sets of contributions (`contributed`) to be: the
    contributions in one and not the other, or, where that is 5 or more, the councils (a set of the
    same councils with some levels changed is as close as its councils are); 0 for the same."""
    d = len(a ^ b)
    if _close(d):
        return d
    councils = len(_councils(a) ^ _councils(b))
    return councils if _close(councils) else d


def _kept(kinds: dict[str, str], name: str, size: int) -> str:
    return f"{name} ({kinds[name]}, {counted(size, 'council')}, shown)"


def _resolve(sizes: dict[str, int], edges: dict[str, dict[str, int]], kinds: dict[str, str],
             what: str) -> dict[str, str]:
    """Of groups joined by close pairs (`edges`: name -> close name -> difference, both ways), those to
    withhold so that no two shown are close, each with its reason.

    Groups are taken in the order they are kept: types, then regions, then clubs, and of one kind
    the larger first. A group close to one already shown is withheld (its reason names the closest
    such, then the first kept). Of groups of the same kind and size close to each other, and to
    nothing shown, all are withheld: nothing but their names would choose between them. Chains take
    care of themselves: in A (kept) close to B close to C, B is withheld, and C is shown unless it
    is close to A, as B shows nothing to subtract."""
    order = sorted(sizes, key=lambda g: (_rank(kinds, g), -sizes[g], g))
    place = {g: i for i, g in enumerate(order)}
    shown: set[str] = set()
    out: dict[str, str] = {}
    for _, tier in groupby(order, key=lambda g: (_rank(kinds, g), sizes[g])):
        waiting = []
        for g in tier:
            blockers = [(d, place[h], h) for h, d in edges.get(g, {}).items() if h in shown]
            if blockers:
                d, _, h = min(blockers)
                out[g] = (f"{what} differ from those of {_kept(kinds, h, sizes[h])} by {counted(d, 'council')}; it "
                          f"comes back once they differ by {CLOSE} or more")
            else:
                waiting.append(g)
        for g in waiting:
            ties = [(d, h) for h, d in edges.get(g, {}).items() if h in waiting]
            if ties:
                d, h = min(ties)
                out[g] = (f"{what} differ from those of {h} (also a {kinds[h]} of {counted(sizes[h], 'council')}) by "
                          f"{counted(d, 'council')}; both are withheld, as nothing but their names would choose "
                          f"between them; they come back once they differ by {CLOSE} or more")
            else:
                shown.add(g)
    return out


def _since(own: str, other: str, d: int, what: str) -> str:
    than = "those it showed in an earlier release" if other == own else f"those {other} showed in an earlier release"
    return f"{what} differ from {than} by {counted(d, 'council')}; it comes back once they differ by {CLOSE} or more"


def _year(current: dict[str, frozenset[str]], previous: dict[str, Shown]) -> tuple[
        dict[str, frozenset[str]], dict[str, dict[str, int]], dict[str, list[tuple[int, str]]]]:
    """One year's groups that take part (`NO_COMPARATOR_BELOW` or more councils), the close pairs
    among them (name -> close name -> difference, both ways) and, for each, the memberships shown
    in earlier releases it is close to (difference, name). Pairs whose sizes differ by `CLOSE` or more cannot
    be close, and are not compared."""
    eligible = {g: m for g, m in current.items() if len(m) >= NO_COMPARATOR_BELOW}
    names = sorted(eligible)
    edges: dict[str, dict[str, int]] = {g: {} for g in names}
    for i, g in enumerate(names):
        a = eligible[g]
        for h in names[i + 1:]:
            b = eligible[h]
            if abs(len(a) - len(b)) < CLOSE and _close(d := _apart(a, b)):
                edges[g][h] = edges[h][g] = d
    before = {g: sorted((d, h) for h, shown in previous.items() for b in shown
                        if abs(len(eligible[g]) - len(b)) < CLOSE and _close(d := _apart(eligible[g], b)))
              for g in names}
    return eligible, edges, before


def _guard_groups(current: dict[str, frozenset[str]], previous: dict[str, Shown],
                  kinds: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """One year's groups to withhold, with the administrator's reasons, and the groups shown: first
    those close to any membership shown before (the past cannot be withheld, so the group now is),
    then of the rest, the close pairs by `_resolve`."""
    what = "its contributing councils"
    eligible, edges, before = _year(current, previous)
    out = {g: _since(g, h, d, what) for g, close in before.items() if close
           for d, h in [min(close, key=lambda c: (c[0], c[1] != g, c[1]))]}
    sizes = {g: len(m) for g, m in eligible.items() if g not in out}
    out |= _resolve(sizes, {g: {h: d for h, d in edges[g].items() if h in sizes} for g in sizes}, kinds, what)
    return out, set(sizes) - set(out)


def withheld(current: dict[tuple[str, int], frozenset[str]], previous: dict[tuple[str, int], Shown] | None,
             kinds: dict[str, str]) -> dict[tuple[str, int], str]:
    """The differencing guard: (group, year) -> why it is withheld (for the deployment's administrator).

    A median beside the median of nearly the same councils lets the councils between them be worked
    out. So, in each year, a group whose contributing councils (`current`) differ by 1 to `CLOSE` - 1
    (counted both ways: one council swapped for another is a difference of 2) from:

    - another group's in this release: of the two, types are kept before regions, regions before
      clubs, and of one kind the larger; of one kind and size, both are withheld (`_resolve`, which
      follows chains: a group is withheld only for being close to one shown, or tied with one, and
      no two groups shown are close);
    - any set of councils any group has shown in an earlier release (`previous`, its own included:
      every membership `release_figures` keeps, not only the last): the past stands, so the group
      now is withheld. (The issue asks for its own last release; another group's figures are as
      public, and as open to subtraction; and a chain of releases each 5 or more from the last can
      come back to 1 from an earlier one: 10 councils, then 15, then 11.)

    Groups with fewer than `NO_COMPARATOR_BELOW` contributing councils take no part: they show no
    figure, so there is nothing of theirs to subtract, and a 4-council club beside a 5-council region
    of the same councils and one more gives nothing away (the region's median is shown, the club's
    is not). Counting them would only withhold, needlessly, a group beside them (a region kept from
    view by a 4-council type). Nor are they withheld: they show "no comparator" for what it is. The
    same holds for the memberships released: only groups shown are kept (`release_figures`).
    Two groups of exactly the same councils show the same figures, and give nothing away either."""
    before = _by_year(previous or {})
    out: dict[tuple[str, int], str] = {}
    for y, groups_now in _by_year(current).items():
        reasons, _ = _guard_groups(groups_now, before.get(y, {}), kinds)
        out.update({(g, y): why for g, why in reasons.items()})
    return out


def _by_year(memberships: dict[tuple[str, int], Any]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for (g, y), members in memberships.items():
        out.setdefault(y, {})[g] = members
    return out


@dataclass(frozen=True)
class _Cells:
    """One year's councils counted in each key area, where fewer than a group's: now, for the groups
    shown (group -> key area -> councils with a level in it), and shown in earlier releases (group ->
    key area -> every such set shown); a key area not given is the group's whole membership."""

    now: dict[str, dict[str, frozenset[str]]]
    before: dict[str, dict[str, Shown]]


def _cells(members: dict[str, frozenset[str]], lack: dict[str, frozenset[str]],
           previous_cells: dict[tuple[str, str], Shown]) -> _Cells:
    now = {g: {k: m - lacking for k, lacking in lack.items() if lacking and not m.isdisjoint(lacking)}
           for g, m in members.items()}
    before: dict[str, dict[str, Shown]] = {}
    for (h, k), kept in previous_cells.items():
        before.setdefault(h, {})[k] = kept
    return _Cells(now, before)


def _guard_key_areas(members: dict[str, frozenset[str]], previous: dict[str, Shown], cells: _Cells,
                     key_areas: list[str], kinds: dict[str, str]) -> dict[tuple[str, str], str]:
    """(group, key area) -> why: the guard again in each key area, for the groups shown (`members`).

    A council with no level in a key area (n/a, or not comparable on its overlay) is not counted in
    it, so two groups whose councils differ by 5 or more may differ in one key area by fewer. In
    each key area the councils counted are compared as `withheld` compares groups: with those of
    the groups shown, kept in the same order, and with every set shown before, in that key area or
    as a whole group (a key area that showed all of a group's councils was kept as the group; taking
    every membership of the group as shown in every key area withholds, at worst, a little more than
    needed, never less). Only key areas where a group's councils are fewer than its membership, or
    were in an earlier release, need comparing: elsewhere the groups' own comparison holds."""
    what = "its councils with a level in this key area"
    out: dict[tuple[str, str], str] = {}
    areas = tuple(key_areas)
    for g, m in members.items():   # against every set shown before, key area by key area (`_in_key_area`)
        for h, shown in previous.items():
            for b in shown:
                if len(_councils(m) ^ _councils(b)) >= CLOSE + _lacking(m) + _lacking(b):
                    continue       # too far apart in every key area
                for i, k in enumerate(areas):
                    a_k, b_k = _in_key_area(m, i), _in_key_area(b, i)
                    if (g, k) not in out and min(len(a_k), len(b_k)) >= NO_COMPARATOR_BELOW \
                            and abs(len(a_k) - len(b_k)) < CLOSE and _close(d := len(a_k ^ b_k)):
                        out[(g, k)] = _since(g, h, d, what)
    for g, m in members.items():
        for h, shown in previous.items():
            for k in cells.now[g].keys() | cells.before.get(h, {}).keys():
                a = cells.now[g].get(k, m)
                for b in (*cells.before.get(h, {}).get(k, ()), *shown):
                    if (g, k) not in out and min(len(a), len(b)) >= NO_COMPARATOR_BELOW \
                            and abs(len(a) - len(b)) < CLOSE and _close(d := _apart(a, b)):
                        out[(g, k)] = _since(g, h, d, what)
    for k in key_areas:
        counted_in = {g: cells.now[g].get(k, m) for g, m in members.items()}
        sizes = {g: len(c) for g, c in counted_in.items() if len(c) >= NO_COMPARATOR_BELOW and (g, k) not in out}
        edges: dict[str, dict[str, int]] = {g: {} for g in sizes}
        for g in (g for g in sizes if k in cells.now[g]):
            for h in sizes:
                if h != g and abs(sizes[g] - sizes[h]) < CLOSE and _close(d := _apart(counted_in[g], counted_in[h])):
                    edges[g][h] = edges[h][g] = d
        out.update({(g, k): why for g, why in _resolve(sizes, edges, kinds, what).items()})
    return out


# ---------------------------------------------------------------- a release

@dataclass(frozen=True)
class ReleaseFigures:
    """A release's figures: (group, year, key area) -> Figure for every group, every year anyone
    contributes and every key area asked for. A withheld figure's public reason is `WITHHELD`.

    To keep for the next release's guard, everything shown so far (`Shown`, this release's and every
    earlier one's): `memberships`, (group, year) -> every distinct set of contributions the group
    has shown (`contributed`); and `key_area_memberships`, (group, year, key area) -> every set shown
    in one key area that was not all the group's then (a key area some councils have no level in). For the
    deployment's administrator only: why groups (`withheld`) and single key areas of groups shown
    (`withheld_key_areas`) are withheld."""

    figures: dict[tuple[str, int, str], Figure]
    memberships: dict[tuple[str, int], Shown]
    withheld: dict[tuple[str, int], str]
    withheld_key_areas: dict[tuple[str, int, str], str]
    key_area_memberships: dict[tuple[str, int, str], Shown]


def release_figures(contributions: list[Contribution], groups: list[Group],
                    previous_memberships: dict[tuple[str, int], Shown] | None,
                    key_areas: list[str], *,
                    previous_key_area_memberships: dict[tuple[str, int, str], Shown] | None = None,
                    ) -> ReleaseFigures:
    """Every group's figures for a release (`ReleaseFigures`), each council counted once per group,
    year and key area (given twice for a year, the later one given counts), with the differencing
    guard applied to groups (`withheld`) and then to each key area of the groups shown
    (`_guard_key_areas`), against this release and everything shown before (`previous_memberships`
    and `previous_key_area_memberships`, as the last release kept them).

    Work: one pass over each group's councils per year, a sort per figure, and the guard's
    comparison of memberships per year (pairs whose sizes differ by `CLOSE` or more are not
    compared; key areas only where some council has no level in them)."""
    kinds = _kinds(groups)
    counted_once = _once(contributions)
    current = memberships(counted_once, groups, lambda c: contributed(c, key_areas))
    before = _by_year(previous_memberships or {})
    before_cells: dict[int, dict[tuple[str, str], Shown]] = {}
    for (name, y, k), kept_cells in (previous_key_area_memberships or {}).items():
        before_cells.setdefault(y, {})[(name, k)] = kept_cells
    by_year: dict[int, dict[str, Contribution]] = {}
    for c in counted_once:
        by_year.setdefault(c.year, {})[contributed(c, key_areas)] = c
    made = _Release({}, dict(previous_memberships or {}), {}, {}, dict(previous_key_area_memberships or {}))
    for y, councils in by_year.items():
        previous = before.get(y, {})
        held, shown = _guard_groups({g.name: current[(g.name, y)] for g in groups}, previous, kinds)
        lack = {k: frozenset(o for o, c in councils.items() if k not in c.levels) for k in key_areas}
        members = {name: current[(name, y)] for name in shown}
        cells = _cells(members, lack, before_cells.get(y, {}))
        held_cells = _guard_key_areas(members, previous, cells, key_areas, kinds)
        made.withheld.update({(name, y): why for name, why in held.items()})
        made.withheld_key_areas.update({(name, y, k): why for (name, k), why in held_cells.items()})
        for g in groups:
            figures = _group_figures(g.name, y, current[(g.name, y)], councils, key_areas, g.name in held,
                                     {k for (h, k) in held_cells if h == g.name})
            made.figures.update(figures)
            if g.name in shown:
                made.keep(g.name, y, members[g.name], cells, figures)
    return ReleaseFigures(made.figures, made.memberships, made.withheld, made.withheld_key_areas,
                          made.key_area_memberships)


def _with(shown: Shown, members: frozenset[str]) -> Shown:
    return shown if members in shown else (*shown, members)


@dataclass(frozen=True)
class _Release:
    """A release as it is made (the parts of `ReleaseFigures`)."""

    figures: dict[tuple[str, int, str], Figure]
    memberships: dict[tuple[str, int], Shown]
    withheld: dict[tuple[str, int], str]
    withheld_key_areas: dict[tuple[str, int, str], str]
    key_area_memberships: dict[tuple[str, int, str], Shown]

    def keep(self, g: str, y: int, members: frozenset[str], cells: _Cells,
             figures: dict[tuple[str, int, str], Figure]) -> None:
        """Add what a group shown now shows to what it showed before: its councils now and, in each
        key area shown, the councils counted in it where they are not all of them."""
        self.memberships[(g, y)] = _with(self.memberships.get((g, y), ()), members)
        for (_, _, k), shown in figures.items():
            if shown.median is not None and k in cells.now[g]:
                key = (g, y, k)
                self.key_area_memberships[key] = _with(self.key_area_memberships.get(key, ()), cells.now[g][k])


def _group_figures(name: str, year: int, members: frozenset[str], councils: dict[str, Contribution],
                   key_areas: list[str], held: bool, held_key_areas: set[str]) -> dict[tuple[str, int, str], Figure]:
    levels: dict[str, list[float]] = {k: [] for k in key_areas}
    for org in members:
        for k, level in councils[org].levels.items():
            if k in levels:
                levels[k].append(level)
    out = {}
    for k, found in levels.items():
        shown = figure(found)
        if shown.median is not None and (held or k in held_key_areas):
            shown = Figure(shown.n, reason=WITHHELD)
        out[(name, year, k)] = shown
    return out


# ---------------------------------------------------------------- where a council stands

def standing(own: dict[str, float], figures: dict[str, Figure]) -> tuple[int, int]:
    """(key areas where the council is at or above its group's median, key areas with a median to
    compare it with): a key area counts where the council has a level and the group a median. Both
    are compared as people read them, to two places (`numbers.rounded`), so a council shown at 2.67
    beside a median shown at 2.67 is at it."""
    at_or_above = compared = 0
    for k, level in own.items():
        found = figures.get(k)
        if found is None or found.median is None:
            continue
        compared += 1
        at_or_above += (rounded(level) or 0) >= (rounded(found.median) or 0)
    return at_or_above, compared


def standing_sentence(at_or_above: int, compared: int, n: int | None, group_words: str) -> str:
    """The at-a-glance sentence: "At or above the median of 23 unitary authorities in 9 of 14 key
    areas." (without n: "of unitary authorities"); where no key area has a median to compare with,
    it says so."""
    of = f"{n:,} {group_words}" if n is not None else group_words
    if compared == 0:
        return f"There is no median of {of} to compare with in any key area."
    return f"At or above the median of {of} in {at_or_above} of {counted(compared, 'key area')}."
