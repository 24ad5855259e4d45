"""Respondent rounds: several people's views on each objective, before a moderator agrees one score.

The pure rules only (storage and pages are elsewhere): what an answer is, the states a round goes
through, the spread of answers to one objective, spreads and participation by department and by
perspective with small groups withheld, and the words a spread is shown with.

- An **answer** is a level (a half step such as 2.5 where the key area allows), "don't know" or
  "n/a", with a comment. A level is what is counted: `n` is the number answering with a level, and
  every percentage is of those answering that question.
- A **respondent** has a department and one or more perspectives, one of them primary, so that
  counts by primary perspective add up to the number of people. Counts by any perspective held can
  add up to more (seed 004: 43 respondents whose roles added up to 52) and are labelled so.
- **Disclosure control**: a group (a department, a perspective) is shown only when at least k people
  are in it (`K_DEFAULT`, settable within `K_RANGE`); the withheld groups together must hold at
  least k people too, else the next smallest group is withheld as well, so that nothing can be
  worked out by subtracting the groups shown from the whole (`groups_withheld`).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from .errors import AssessmentError, NotFound
from .framework import Framework
from .numbers import MISSING, counted
from .scores import level_label, parse_score, written_value

# The perspectives offered by default; a council may offer its own list instead.
PERSPECTIVES = ("procurement officer", "service or commissioning officer", "finance", "legal", "councillor",
                "senior manager", "partner body", "other")

# confidential: who gave each answer is kept (so a moderator can see who has yet to answer), but
# reports show groups only; anonymous: no answer is kept with who gave it.
MODES = ("confidential", "anonymous")

# A round is prepared (draft), takes answers (open), stops taking them (closed) and, once the
# moderator's agreed scores are written into the period, is applied. A closed round may be opened
# again for late answers; an applied round never changes.
STATES = ("draft", "open", "closed", "applied")
MOVES: dict[str, tuple[str, ...]] = {"draft": ("open",), "open": ("closed",), "closed": ("open", "applied"),
                                     "applied": ()}

K_DEFAULT = 5           # the fewest people a group shown by department or perspective may have
K_RANGE = (3, 10)       # what a round may set k to, both ends included

DONT_KNOW = "don't know"
DONT_KNOW_WORDS = {"don't know", "don’t know", "dont know", "do not know", "dk"}
NOT_APPLICABLE = "n/a"
FLAG_WORDS = "views two or more levels apart"
ANSWERS_REMOVED = "the answers were removed when the council's time for keeping them was up"
FLAG_APART = 2          # levels between the lowest and highest answer that flag an objective
GROUPINGS = ("department", "perspective")
PRIMARY_NOTE = "each person counted once, under their primary perspective: these add up to the number of people"
ANY_NOTE = ("each person counted under every perspective they hold: these can add up to more than the number "
            "of people")


class RoundError(AssessmentError):
    """A round's rule refused something: a move between states, a k outside its range, an answer or
    a respondent's profile that is not one. The message says what and why."""


def next_states(state: str) -> tuple[str, ...]:
    """The states a round in `state` may move to (none once applied)."""
    _check_state(state)
    return MOVES[state]


def check_move(old: str, new: str) -> None:
    """Refuse, with RoundError, a move between states a round may not make (see `MOVES`)."""
    _check_state(old)
    _check_state(new)
    if new in MOVES[old]:
        return
    if old == new:
        raise RoundError(f"the round is {old} already")
    if old == "applied":
        raise RoundError("the round is applied: its agreed scores are in the period, so it cannot change")
    allowed = " or ".join(MOVES[old])
    raise RoundError(f"a round that is {old} cannot become {new}; it can only become {allowed}")


def _check_state(state: str) -> None:
    if state not in STATES:
        raise RoundError(f"'{state}' is not a state of a round; use one of {', '.join(STATES)}")


def check_k(k: object) -> int:
    """k as a whole number within `K_RANGE`, or RoundError saying what k may be."""
    low, high = K_RANGE
    if isinstance(k, bool) or not isinstance(k, int) or not low <= k <= high:
        raise RoundError(f"the smallest group shown must be a whole number of people from {low} to {high}, "
                         f"not {k!r}")
    return k


@dataclass(frozen=True)
class Answer:
    """One person's answer to one objective: exactly one of a level (`value`, 1.0 or 2.5), "don't know"
    or "n/a"; a comment may go with any of them. Whether the scale has the level, or the key area
    allows a half step, is checked where the answer is read (`read_answer`)."""

    objective_id: str
    value: float | None = None
    dont_know: bool = False
    not_applicable: bool = False
    comment: str = ""

    def __post_init__(self) -> None:
        given = (self.value is not None) + self.dont_know + self.not_applicable
        if given != 1:
            raise RoundError(f"an answer to objective {self.objective_id} is one of a level, "
                             f"{DONT_KNOW!r} or {NOT_APPLICABLE!r}; {given} were given")
        if self.value is not None and (isinstance(self.value, bool) or not isinstance(self.value, (int, float))
                                       or not math.isfinite(self.value)
                                       or self.value < 1 or self.value * 2 != int(self.value * 2)):
            raise RoundError(f"an answer to objective {self.objective_id} of {self.value!r} is not a level "
                             "or a half step")
        if self.value is not None:
            object.__setattr__(self, "value", float(self.value))   # 3 and 3.0 are one level

    @property
    def written(self) -> str:
        """As people read it: '3', '2/3', "don't know" or 'n/a'."""
        if self.value is not None:
            return written_value(self.value)
        return DONT_KNOW if self.dont_know else NOT_APPLICABLE


def read_answer(objective_id: str, raw: object, framework: Framework, *, comment: str = "",
                kind: str = "objective") -> Answer | None:
    """An answer as people give it: a score as `scores.parse_score` reads one (half steps only where
    the item's key area allows them), or "don't know"; None when left blank. Raises ScoreError for
    anything else, naming the item (NotFound for one the framework has not). With `kind`
    "key_area", `objective_id` is a key area's id (a round on a record kept one level per key area)."""
    if isinstance(raw, str) and " ".join(raw.split()).lower() in DONT_KNOW_WORDS:
        return Answer(objective_id, dont_know=True, comment=comment)
    if objective_id not in asked_of(framework, kind):
        raise NotFound(f"{item_word(kind)} {objective_id} is not in {framework.name}")
    half = framework.allows_half_steps(key_area_of_item(framework, kind, objective_id))
    score = parse_score(raw, framework, where=f"{item_word(kind)} {objective_id}", half_steps=half)
    if score.not_applicable:
        return Answer(objective_id, not_applicable=True, comment=comment)
    return None if score.value is None else Answer(objective_id, score.value, comment=comment)


def asked_of(framework: Framework, kind: str = "objective") -> list[str]:
    """Everything a round of `kind` may ask about, in the framework's order: its objectives, or
    (kind "key_area") its key areas."""
    return list(framework.key_areas) if kind == "key_area" else list(framework.key_area_of)


def key_area_of_item(framework: Framework, kind: str, item: str) -> str:
    """The key area an item asked about belongs to (a key area is its own)."""
    return item if kind == "key_area" else framework.key_area_of[item]


def item_word(kind: str) -> str:
    """What a round of `kind` asks about, in the singular: "objective" or "key area"."""
    return "key area" if kind == "key_area" else "objective"


@dataclass(frozen=True)
class Profile:
    """Who a respondent is, for counting: their department and the perspectives they answer from,
    one of them primary (so that counts by primary perspective add up to the number of people)."""

    department: str
    perspectives: tuple[str, ...]
    primary: str

    def __post_init__(self) -> None:
        if not self.department.strip():
            raise RoundError("a respondent's department is blank")
        if not self.perspectives:
            raise RoundError("a respondent has no perspective; choose at least one")
        if len(set(self.perspectives)) != len(self.perspectives):
            raise RoundError(f"a respondent's perspectives name one twice: {', '.join(self.perspectives)}")
        if self.primary not in self.perspectives:
            raise RoundError(f"a respondent's primary perspective ({self.primary}) is not one of theirs "
                             f"({', '.join(self.perspectives)})")


@dataclass(frozen=True)
class Withheld:
    """A group not shown, and why (too few people, or hidden too so a smaller one cannot be worked out)."""

    reason: str


@dataclass(frozen=True)
class Spread:
    """The answers to one objective (or one group's answers to it). `n` is the number answering with
    a level; "don't know" and "n/a" are counted apart and in nothing else. `counts` holds each level
    given (a half step is a level of its own, 2.5), lowest first; levels nobody gave are absent.
    `median` is the middle level, or with an even n the mean of the middle two (which may be a half
    step, or between two half steps: 2.25). The quartiles are Tukey's hinges, the medians of the
    lower and upper halves, each half taking the median too when n is odd (as R's `fivenum`), and
    only from four answers up."""

    objective_id: str | None
    n: int
    dont_know: int
    not_applicable: int
    counts: dict[float, int] = field(default_factory=dict)
    median: float | None = None
    lowest: float | None = None
    highest: float | None = None
    lower_quartile: float | None = None
    upper_quartile: float | None = None

    @property
    def range(self) -> float | None:
        """Highest minus lowest level given, or None when none was."""
        return None if self.lowest is None or self.highest is None else self.highest - self.lowest

    @property
    def iqr(self) -> float | None:
        """The interquartile range (upper minus lower hinge), or None below four answers."""
        if self.lower_quartile is None or self.upper_quartile is None:
            return None
        return self.upper_quartile - self.lower_quartile

    @property
    def flagged(self) -> bool:
        """Whether the answers are two or more levels apart, which a moderator should talk through."""
        return self.range is not None and self.range >= FLAG_APART

    def share(self, level: float) -> str:
        """How many gave `level`, of those answering with a level: '40% (4 of 10)'."""
        return percent(self.counts.get(level, 0), self.n)


def spread(answers: Iterable[Answer]) -> Spread:
    """The spread of the answers to one objective (see `Spread`); RoundError if they are to several."""
    tallied = _tally((a.objective_id, a) for a in answers)
    if len(tallied) > 1:
        raise RoundError(f"a spread is of one objective's answers, not of {', '.join(sorted(tallied))}")
    if not tallied:
        return _spread(None, [], 0, 0)
    objective, (levels, dont_know, not_applicable) = next(iter(tallied.items()))
    return _spread(objective, levels, dont_know, not_applicable)


def _tally(keyed: Iterable[tuple[str, Answer]]) -> dict[str, list]:
    """Each key's (an objective's, or a group's) levels and "don't know" and n/a counts, as [levels,
    don't know, n/a], keys in the order they first come: one pass over the answers."""
    tallied: dict[str, list] = {}
    for key, answer in keyed:
        found = tallied.get(key)
        if found is None:
            found = tallied[key] = [[], 0, 0]
        if answer.value is not None:
            found[0].append(answer.value)
        elif answer.dont_know:
            found[1] += 1
        else:                                  # an answer is exactly one of the three (`Answer`)
            found[2] += 1
    return tallied


def _spread(objective_id: str | None, levels: list[float], dont_know: int, not_applicable: int) -> Spread:
    """The figures of one objective's (or group's) levels, which it sorts in place."""
    levels.sort()
    n = len(levels)
    if not n:
        return Spread(objective_id, 0, dont_know, not_applicable, {})
    counts: dict[float, int] = {}
    for level in levels:                       # in order, so the counts are lowest first
        counts[level] = counts.get(level, 0) + 1
    lower, upper = _hinges(levels) if n >= 4 else (None, None)
    return Spread(objective_id, n, dont_know, not_applicable, counts, _median(levels), levels[0], levels[-1],
                  lower, upper)


def _median(ordered: list[float], start: int = 0, stop: int | None = None) -> float | None:
    """The median of `ordered[start:stop]` (read in place, not copied); None when that is empty."""
    stop = len(ordered) if stop is None else stop
    size = stop - start
    if size <= 0:
        return None
    middle = start + size // 2
    return ordered[middle] if size % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _hinges(ordered: list[float]) -> tuple[float | None, float | None]:
    """Tukey's hinges: the medians of the lower and upper halves, the median in both when n is odd."""
    n = len(ordered)
    half = (n + 1) // 2
    return _median(ordered, 0, half), _median(ordered, n - half, n)


def by_objective(answers: Iterable[Answer]) -> dict[str, Spread]:
    """The spread of every objective answered, in the order the objectives first come."""
    tallied = _tally((a.objective_id, a) for a in answers)
    return {objective: _spread(objective, *figures) for objective, figures in tallied.items()}


def groups_withheld(sizes: Mapping[str, int], k: int, counted_as: str = "in it") -> dict[str, Withheld]:
    """The groups not to show, each with its reason; `sizes` is the people in each group.

    A group of fewer than k people is withheld. The groups withheld could be found together by
    subtracting those shown from the whole, so together they must hold at least k people (or none):
    while they hold fewer, the next smallest group shown is withheld too. So a lone small group
    always takes the next smallest with it ([6, 4, 7] → 4 and 6 withheld), two that make k between
    them stand alone ([2, 3, 9, 9] → 2 and 3), and two that do not take more ([1, 1, 9, 9] → all).
    Where groups tie for next smallest, all of that size are withheld: nothing would choose
    between them but their names."""
    check_k(k)
    too_few = Withheld(f"fewer than {k} people {counted_as}")     # one (frozen) value for each reason
    withheld = {g: too_few for g, size in sizes.items() if size < k}
    hidden = sum(sizes[g] for g in withheld)
    too = Withheld("withheld too, so that a smaller group cannot be worked out from the total")
    while 0 < hidden < k and len(withheld) < len(sizes):
        smallest = min(size for g, size in sizes.items() if g not in withheld)
        for g, size in sizes.items():
            if g not in withheld and size == smallest:
                withheld[g] = too
                hidden += size
    return withheld


def spreads_by(answers: Iterable[tuple[Answer, Profile]], by: str = "department",
               k: int = K_DEFAULT) -> dict[str, Spread | Withheld]:
    """The spread of one objective's answers in each department, or each primary perspective (`by`),
    with groups withheld by `groups_withheld`. A group's size is the number in it answering with a
    level, as every number of a spread but the "don't know" and n/a counts is about levels."""
    if by not in GROUPINGS:
        raise RoundError(f"spreads are by {' or by '.join(GROUPINGS)}, not by {by!r}")
    check_k(k)
    pairs = list(answers)
    objectives = {a.objective_id for a, _ in pairs}
    if len(objectives) > 1:
        raise RoundError(f"spreads by {by} are of one objective's answers, not of {', '.join(sorted(objectives))}")
    objective = next(iter(objectives), None)
    tallied = _tally([(p.department, a) for a, p in pairs] if by == "department" else
                     [(p.primary, a) for a, p in pairs])
    withheld = groups_withheld({g: len(t[0]) for g, t in tallied.items()}, k, "answered with a level")
    return {g: withheld[g] if g in withheld else _spread(objective, *tallied[g]) for g in _ordered(tallied, by)}


def _ordered(groups: Iterable[str], by: str) -> list[str]:
    """Departments by name; perspectives in the order of `PERSPECTIVES`, a council's own after them by name."""
    if by == "department":
        return sorted(sorted(groups), key=str.casefold)   # by name in any case, ties by name as written (stable)
    return sorted(groups, key=lambda g: (PERSPECTIVES.index(g) if g in PERSPECTIVES else len(PERSPECTIVES),
                                         g.casefold(), g))


def percent(n: int, of: int) -> str:
    """A share with the numbers behind it: '40% (4 of 10)'; a whole percentage, half rounded up
    (1 of 8 is '13%'); '– (0 of 0)' when there is nothing to take a share of."""
    if of <= 0:
        return f"{MISSING} (0 of 0)"
    whole = (Decimal(n) * 100 / Decimal(of)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{whole}% ({n:,} of {of:,})"


@dataclass(frozen=True)
class Share:
    """A group's count and what it is a share of: those invited in the group where that is known,
    else everyone taking part. `str()` gives '40% (4 of 10)'."""

    n: int
    of: int
    base: str   # "invited" or "taking part"

    def __str__(self) -> str:
        return percent(self.n, self.of)


@dataclass(frozen=True)
class Participation:
    """Who took part in a round: `people` in all; by department; by primary perspective (adding up to
    `people`: `PRIMARY_NOTE`); and by any perspective held (`ANY_NOTE`: can add up to more). Each
    group is a Share or, where too few took part, Withheld."""

    people: int
    by_department: dict[str, Share | Withheld]
    by_perspective: dict[str, Share | Withheld]
    by_any_perspective: dict[str, Share | Withheld]
    primary_note: str = PRIMARY_NOTE
    any_note: str = ANY_NOTE


def participation(profiles: Iterable[Profile], *, invited_by_department: Mapping[str, int] | None = None,
                  invited_by_perspective: Mapping[str, int] | None = None, k: int = K_DEFAULT) -> Participation:
    """Participation of the people who answered (`profiles`, one each) by department, by primary
    perspective and by any perspective held. A group's share is of those invited in it where the
    invitation counts are given (a group invited but with nobody taking part is counted as 0), else
    of everyone taking part; groups are withheld by `groups_withheld`, each grouping on its own."""
    check_k(k)
    people = list(profiles)
    departments = Counter(p.department for p in people)
    primary = Counter(p.primary for p in people)
    held = Counter(view for p in people for view in p.perspectives)
    return Participation(
        people=len(people),
        by_department=_shares(departments, invited_by_department, len(people), k, "department"),
        by_perspective=_shares(primary, invited_by_perspective, len(people), k, "perspective"),
        by_any_perspective=_shares(held, None, len(people), k, "perspective"))


def _shares(counts: Counter[str], invited: Mapping[str, int] | None, people: int, k: int,
            by: str) -> dict[str, Share | Withheld]:
    sizes = {g: counts.get(g, 0) for g in [*counts, *(g for g in invited or {} if g not in counts)]}
    for g, n in sizes.items():
        if invited is not None and g not in invited:
            raise RoundError(f"{n} took part in {g}, but no number invited is given for it")
        if invited is not None and n > invited[g]:
            raise RoundError(f"{n} took part in {g}, but only {invited[g]} were invited")
    withheld = groups_withheld(sizes, k, "took part")
    shown: dict[str, Share | Withheld] = {}
    for g in _ordered(sizes, by):
        if g in withheld:
            shown[g] = withheld[g]
        else:
            shown[g] = Share(sizes[g], invited[g], "invited") if invited is not None else \
                Share(sizes[g], people, "taking part")
    return shown


def views_differ_most(spreads: Iterable[Spread], top: int = 5) -> list[Spread]:
    """The objectives where views differ most, for the report: widest range first, then widest
    interquartile range (none, below four answers, counts as narrowest), then as given (framework
    order). Objectives where everyone answering gave the same level, or nobody did, are left out."""
    if top < 1:
        raise RoundError(f"show at least one objective where views differ, not {top}")
    differing = [s for s in spreads if s.range]
    return sorted(differing, key=lambda s: (-(s.range or 0), -(s.iqr if s.iqr is not None else -1)))[:top]


def spread_words(s: Spread, framework: Framework) -> str:
    """A spread in words: 'median 3 – Mature, range 2 to 4, 7 answering, 1 don't know' ('all gave 3'
    where everyone gave the same level, 'only one gave 5' for a single answer; a half step
    is '2/3'; a median between two half steps is 'between 2 and 2/3'); the don't know and n/a counts
    only when there are any."""
    parts: list[str] = []
    if s.n and s.median is not None and s.lowest is not None and s.highest is not None:
        lower = math.floor(s.median * 2) / 2
        middle = (level_label(s.median, framework) if s.median == lower
                  else f"between {written_value(lower)} and {written_value(lower + 0.5)}")
        spread_of = (f"range {written_value(s.lowest)} to {written_value(s.highest)}" if s.lowest != s.highest
                     else f"{'all' if s.n > 1 else 'only one'} gave {written_value(s.lowest)}")
        parts += [f"median {middle}", spread_of, counted(s.n, "answering", "answering")]
    else:
        parts.append("no one answering with a level")
    if s.dont_know:
        parts.append(counted(s.dont_know, DONT_KNOW, DONT_KNOW))
    if s.not_applicable:
        parts.append(counted(s.not_applicable, NOT_APPLICABLE, NOT_APPLICABLE))
    return ", ".join(parts)


# ---------------------------------------------------------------- rounds, invitations, answer sets, moderation (data)

ITEM_KINDS = ("objective", "key_area")   # a round asks about objectives, or key areas of a key-area record
ALL = "all"
LINK_DAYS = 30          # the longest a link to answer may last


def token_hash(token: str) -> str:
    """What is kept of a link's token: its SHA-256 in hex (the token itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_token_hash(text: object) -> bool:
    return isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


@dataclass(frozen=True)
class Round:
    """A round on one period of a record (`org_id` is the record key): what it asks about (`kind`,
    and `items`, or None for all), its mode, k, state, closing date and the perspectives offered."""

    org_id: str
    period: str
    closes: date
    mode: str = "confidential"
    kind: str = "objective"
    items: tuple[str, ...] | None = None
    k: int = K_DEFAULT
    perspectives: tuple[str, ...] = PERSPECTIVES
    state: str = "draft"
    opened_by: str | None = None
    moderators: tuple[str, ...] = ()     # those given the moderator's right; none named: the editors
    id: int | None = None
    created_at: datetime | None = None
    changed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise RoundError(f"a round is {' or '.join(MODES)}, not {self.mode!r}")
        if self.kind not in ITEM_KINDS:
            raise RoundError(f"a round asks about objectives or key areas, not {self.kind!r}")
        if self.items is not None and (not self.items or len(set(self.items)) != len(self.items)):
            raise RoundError("a round asks about some objectives (none twice), or all")
        if not self.perspectives or len(set(self.perspectives)) != len(self.perspectives):
            raise RoundError("a round offers at least one perspective, none twice")
        if len(set(self.moderators)) != len(self.moderators):
            raise RoundError("a round names each moderator once")
        check_k(self.k)
        _check_state(self.state)

    @property
    def asks(self) -> str:
        """What it asks about, in the plural: "objectives" or "key areas"."""
        return item_word(self.kind) + "s"


@dataclass(frozen=True)
class Invitation:
    """One person asked to answer a round, with the profile they answer under; `link` says whether
    they were given a link (its token is kept only as a hash)."""

    round_id: int
    profile: Profile
    email: str | None = None
    link: bool = False
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    submitted: bool = False
    invited_by: str | None = None
    invited_at: datetime | None = None
    id: int | None = None

    def held_by(self, address: str, *, signed_in: bool = False) -> bool:
        """Whether this is `address`'s invitation, not withdrawn (with `signed_in`: one they answer
        signed in, as themselves, rather than through a link)."""
        return self.email == address and self.revoked_at is None and not (signed_in and self.link)


@dataclass(frozen=True)
class Response:
    """An answer set: its random id, its round, its invitation (None once an anonymous one is
    submitted), the profile it is counted under, whether submitted, and the answers."""

    id: str
    round_id: int
    invitation_id: int | None
    profile: Profile
    submitted: bool
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Moderation:
    """The score a moderator agreed for one item of a round (None: not applicable), why, at which
    meeting, and the answer sets (by id) whose comment on it may be published unattributed."""

    item_id: str
    score: float | None
    rationale: str | None = None
    meeting: str | None = None
    published: tuple[str, ...] = ()
    moderated_by: str | None = None
    moderated_at: datetime | None = None
