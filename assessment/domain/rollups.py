"""Roll-ups, year-on-year comparison, gaps to target and carrying a period forward.

The roll-up rule (say it wherever a rolled-up number is shown): a key area's, theme's or the
overall score is the mean of the applicable scored objectives beneath it, shown with their
count n; the level reached is the whole level at or below that mean. Records kept one level per
key area (seed 000) roll up the same way, with the key areas as the items.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, NamedTuple

from .errors import AlreadyExists, AssessmentError
from .framework import Framework
from .movement import change, direction
from .numbers import format_mean
from .record import Entry, OrganisationRecord, PeriodRecord, check_period, period_key
from .scores import NOT_APPLICABLE, UNSCORED, Score, level_label

ROLL_UP_RULE = ("Rolled-up scores are the mean of the applicable scored objectives beneath them "
                "(n = how many); the level reached is the whole level at or below the mean, and is "
                "provisional where fewer than half of those that could be scored are.")
# The same rule for a record kept one level per key area (seed 000): there is nothing beneath a key area.
KEY_AREA_RULE = ("Each key area is scored as a whole; a theme's and the overall scores are the mean of the "
                 "applicable scored key areas beneath them (n = how many); the level reached is the whole level at "
                 "or below the mean, and is provisional where fewer than half of those that could be scored are.")


class Rollup(NamedTuple):
    """Mean of `n` scores and the whole level reached; mean is None when nothing is scored."""

    mean: float | None
    n: int
    level: int | None
    not_applicable: int = 0
    unscored: int = 0

    @property
    def scorable(self) -> int:
        """What could be scored beneath it: the scored and the not yet scored (n/a is not counted)."""
        return self.n + self.unscored

    @property
    def provisional(self) -> bool:
        """Fewer than half of what could be scored is scored: the level may well move (`coverage`)."""
        return self.mean is not None and self.n * 2 < self.scorable


def scored_of(n: int, scorable: int, not_applicable: int = 0) -> str:
    """The "Scored" column of every key-area table: '3 of 4', or 'n/a' where all is not applicable."""
    return "n/a" if scorable == 0 and not_applicable else f"{n} of {scorable}"


def coverage(rollup: Rollup, items: str = "objectives") -> str:
    """How much a level rests on, said wherever a rolled-up level is: 'from 3 of 59 objectives'
    (with '2 n/a' where some are not applicable)."""
    word = items if rollup.scorable != 1 else items.removesuffix("s")
    return (f"from {rollup.n} of {rollup.scorable} {word}"
            + (f", {rollup.not_applicable} n/a" if rollup.not_applicable else ""))


def level_reached(rollup: Rollup, framework: Framework) -> str:
    """The level a roll-up reaches as tables show it: '3 – Mature', '1 – Minimum (provisional)'
    where it rests on fewer than half of what could be scored, or '–' where nothing is scored."""
    if rollup.level is None:
        return "–"
    return level_label(rollup.level, framework) + (" (provisional)" if rollup.provisional else "")


def roll_up(scores: Iterable[Score]) -> Rollup:
    halves, n, na, unscored = 0, 0, 0, 0
    for score in scores:
        value = score.value
        if score.not_applicable:
            na += 1
        elif value is None:
            unscored += 1
        else:
            halves += int(value * 2)
            n += 1
    return _rollup(halves, n, na, unscored)


def _rollup(halves: int, n: int, na: int, unscored: int) -> Rollup:
    if n == 0:
        return Rollup(None, 0, None, na, unscored)
    # Scores are whole or half levels, so `halves` is exact and so is the floor of the mean.
    return Rollup(halves / (2 * n), n, halves // (2 * n), na, unscored)


# ---------------------------------------------------------------- gap to target

def target_covers(score: Rollup, target: Rollup, target_direct: bool = False) -> bool:
    """Whether a target and today's mean measure the same thing: the target is set for the key area
    as a whole, or every scored item beneath it has one."""
    return target.mean is not None and (target_direct or target.n >= score.n)


def gap(score: Rollup, target: Rollup, target_direct: bool = False) -> float | None:
    """How far below its target (positive) or above it (negative); None if either is missing, or if
    only some of the scored items have a target (the two means would not measure the same things)."""
    if score.mean is None or not target_covers(score, target, target_direct):
        return None
    return target.mean - score.mean  # type: ignore[operator]


def target_text(score: Rollup, target: Rollup, target_direct: bool = False, by: str | None = None) -> str:
    """A rolled-up target as every table shows it: '4.00', '4.00 by 2025/26' where its targets name
    the period they are to be reached by (`target_by`), or '4.00 (1 of 3 scored)' where it covers
    only part of what is scored (and so gives no gap), or '–'."""
    if target.mean is None:
        return format_mean(None)
    when = f" by {by}" if by else ""
    if target_covers(score, target, target_direct):
        return format_mean(target.mean) + when
    return f"{format_mean(target.mean)}{when} ({target.n} of {score.n} scored)"


class AreaSummary(NamedTuple):
    """One key area (or theme, or the whole framework) in one period."""

    id: str
    title: str
    score: Rollup
    target: Rollup
    mode: str  # "objectives" when rolled up from objectives, "key_area" when scored directly
    target_direct: bool = False  # the target was set for the key area as a whole

    @property
    def gap(self) -> float | None:
        return gap(self.score, self.target, self.target_direct)


def _objective_scores(framework: Framework, period: PeriodRecord, key_area_id: str, attr: str) -> list[Score]:
    return [getattr(period.entries[o.id], attr) if o.id in period.entries else UNSCORED
            for o in framework.key_areas[key_area_id].objectives]


# ---------------------------------------------------------------- scored per objective or per key area

def scored_by_key_area(period: PeriodRecord) -> bool:
    """Whether a period is kept one level per key area (seed 000): it has key-area entries and no
    objective is scored or marked n/a."""
    return bool(period.key_area_entries) and not any(e.score.state != "unscored" for e in period.entries.values())


def kept_by_key_area(record: OrganisationRecord, period: str) -> bool:
    """Whether `period` of the record is scored one level per key area: as its entries say, or,
    while it has none scored yet (a period started blank), as the latest period before it that has."""
    target = record.period(period)
    if target.key_area_entries or any(e.score.state != "unscored" for e in target.entries.values()):
        return scored_by_key_area(target)
    earlier = [p for p in record.sorted_periods() if p.period != period and (
        p.key_area_entries or any(e.score.state != "unscored" for e in p.entries.values()))]
    before = [p for p in earlier if period_key(p.period) < period_key(period)] or earlier
    return scored_by_key_area(before[-1]) if before else False


def _key_area_scored_directly(direct: Entry | None, objectives_scored: int, objectives_na: int) -> bool:
    """Within one key area: objective entries win; the key area's own score (seed 000) is used when
    it has one and none of its objectives is scored or n/a."""
    return direct is not None and objectives_scored == 0 and objectives_na == 0


def _uses_objectives(framework: Framework, period: PeriodRecord, key_area_id: str) -> bool:
    states = [period.entries[o].score.state for o in framework.objective_ids[key_area_id] if o in period.entries]
    return not _key_area_scored_directly(period.key_area_entries.get(key_area_id), states.count("scored"),
                                         states.count("n/a"))


def key_area_summary(framework: Framework, period: PeriodRecord, key_area_id: str) -> AreaSummary:
    ka = framework.key_areas[key_area_id]
    direct = period.key_area_entries.get(key_area_id)
    get = period.entries.get
    # One pass over the objectives for both the score and the target roll-up (the hot loop of
    # every summary): counts in half levels, so the mean and its floor are exact.
    s_halves = s_n = s_na = s_unscored = t_halves = t_n = t_na = t_unscored = 0
    for objective_id in framework.objective_ids[key_area_id]:
        entry = get(objective_id)
        if entry is None:
            s_unscored += 1
            t_unscored += 1
            continue
        score, target = entry.score, entry.target
        if score.not_applicable:
            s_na += 1
        elif score.value is None:
            s_unscored += 1
        else:
            s_halves += int(score.value * 2)
            s_n += 1
        if target.not_applicable:
            t_na += 1
        elif target.value is None:
            t_unscored += 1
        else:
            t_halves += int(target.value * 2)
            t_n += 1
    score_rollup = _rollup(s_halves, s_n, s_na, s_unscored)
    mode = "objectives"
    if direct is not None and _key_area_scored_directly(direct, s_n, s_na):
        score_rollup, mode = roll_up([direct.score]), "key_area"
    target_direct = direct is not None and direct.target.is_scored
    if direct is not None and target_direct:
        target_rollup = roll_up([direct.target])
    else:
        target_rollup = _rollup(t_halves, t_n, t_na, t_unscored)
    return AreaSummary(ka.id, ka.title, score_rollup, target_rollup, mode, target_direct)


def key_area_summaries(framework: Framework, period: PeriodRecord) -> list[AreaSummary]:
    return [key_area_summary(framework, period, ka_id) for ka_id in framework.key_areas]


def _item_scores(framework: Framework, period: PeriodRecord, key_area_ids: Iterable[str], attr: str) -> list[Score]:
    """The scores a theme or the whole framework rolls up: objectives, or direct key-area scores."""
    scores: list[Score] = []
    for ka_id in key_area_ids:
        direct = period.key_area_entries.get(ka_id)
        if _uses_objectives(framework, period, ka_id):
            objective_scores = _objective_scores(framework, period, ka_id, attr)
            if attr == "target" and direct is not None and direct.target.is_scored \
                    and not any(s.is_scored for s in objective_scores):
                scores.append(direct.target)
            else:
                scores.extend(objective_scores)
        else:
            scores.append(getattr(direct, attr))
    return scores


def target_by(framework: Framework, period: PeriodRecord, key_area_ids: Iterable[str]) -> str | None:
    """The period by which the targets set in these key areas are to be reached, where every one of
    them names the same period ("2025/26"); None where none does, or they differ."""
    found: set[str | None] = set()
    for ka_id in key_area_ids:
        targeted = [e for o in framework.objective_ids[ka_id] if (e := period.entries.get(o)) and e.target.is_scored]
        direct = period.key_area_entries.get(ka_id)
        if not targeted and direct is not None and direct.target.is_scored:
            targeted = [direct]
        found.update(e.target_period for e in targeted)
    return found.pop() if len(found) == 1 else None


def theme_summaries(framework: Framework, period: PeriodRecord) -> list[AreaSummary]:
    out = []
    for theme in framework.themes:
        ids = [ka.id for ka in theme.key_areas]
        out.append(AreaSummary(theme.id, theme.title,
                               roll_up(_item_scores(framework, period, ids, "score")),
                               roll_up(_item_scores(framework, period, ids, "target")),
                               "objectives"))
    return out


def combined(rollups: Iterable[Rollup]) -> Rollup:
    """Several roll-ups as one, counting every item beneath each: the mean of all their scored items
    (exact: scores are whole or half levels), with their n/a and unscored added up."""
    halves = n = na = unscored = 0
    for rollup in rollups:
        if rollup.mean is not None:
            halves += round(rollup.mean * 2 * rollup.n)
            n += rollup.n
        na += rollup.not_applicable
        unscored += rollup.unscored
    return _rollup(halves, n, na, unscored)


def overall_score(framework: Framework, period: PeriodRecord,
                  summaries: Iterable[AreaSummary] | None = None) -> Rollup:
    """The overall score: every key area's score (`key_area_summary`: its objectives, or its own
    level where it is scored as a whole) rolled up together. `summaries`: the period's key-area
    summaries where the caller has them already (a peer release works them out once per period)."""
    return combined(s.score for s in (key_area_summaries(framework, period) if summaries is None else summaries))


def overall_summary(framework: Framework, period: PeriodRecord) -> AreaSummary:
    ids = list(framework.key_areas)
    return AreaSummary(framework.id, framework.title, overall_score(framework, period),
                       roll_up(_item_scores(framework, period, ids, "target")), "objectives")


# ---------------------------------------------------------------- completion

@dataclass(frozen=True)
class Completion:
    """What is done and left in a period (or one key area of it), counted in objectives, or in key
    areas for a record kept one level per key area."""

    confirmed: int          # scored, not carried, the same as in the period before
    changed: int            # scored, not carried, other than in the period before (or new)
    not_applicable: int     # marked n/a (and not carried)
    carried: int            # carried forward and not yet confirmed
    unscored: int           # not yet scored
    items: str = "objectives"   # or "key areas"
    compared: bool = False      # there is a period before to compare with
    carried_scored: int = 0     # of the carried, those with a score (so in the roll-ups' n)

    @property
    def scored(self) -> int:
        return self.confirmed + self.changed

    @property
    def left(self) -> int:
        return self.carried + self.unscored

    @property
    def done(self) -> int:
        return self.scored + self.not_applicable

    @property
    def total(self) -> int:
        return self.done + self.left


def completion(framework: Framework, period: PeriodRecord, key_area_id: str | None = None,
               previous: PeriodRecord | None = None, *, by_key_area: bool | None = None) -> Completion:
    """Count a period's objectives (or, kept per key area, its key areas): confirmed, changed, n/a,
    carried and unscored. `by_key_area` defaults to how the period is kept (`scored_by_key_area`)."""
    by_key_area = scored_by_key_area(period) if by_key_area is None else by_key_area
    if by_key_area:
        ids = [key_area_id] if key_area_id else list(framework.key_areas)
        now, before = period.key_area_entries, previous.key_area_entries if previous else {}
    else:
        ids = list(framework.objective_ids[key_area_id]) if key_area_id else list(framework.objectives)
        now, before = period.entries, previous.entries if previous else {}
    confirmed = changed = na = carried = unscored = carried_scored = 0
    for item in ids:
        entry = now.get(item)
        if entry is not None and entry.carried:
            carried += 1
            carried_scored += entry.score.is_scored
        elif entry is None or entry.score.state == "unscored":
            unscored += 1
        elif entry.score.not_applicable:
            na += 1
        elif item in before and before[item].score == entry.score:
            confirmed += 1
        else:
            changed += 1
    return Completion(confirmed, changed, na, carried, unscored, "key areas" if by_key_area else "objectives",
                      previous is not None, carried_scored)


# ---------------------------------------------------------------- year on year

@dataclass(frozen=True)
class ObjectiveMovement:
    objective_id: str
    key_area_id: str
    before: Score
    after: Score
    target: Score
    comment: str | None

    @property
    def change(self) -> float | None:
        return change(self.before.value if self.before.is_scored else None,
                      self.after.value if self.after.is_scored else None)

    @property
    def direction(self) -> str:
        return direction(self.change)

    @property
    def gap(self) -> float | None:
        return gap(roll_up([self.after]), roll_up([self.target]))


@dataclass(frozen=True)
class AreaMovement:
    before: AreaSummary
    after: AreaSummary

    @property
    def change(self) -> float | None:
        return change(self.before.score.mean, self.after.score.mean)

    @property
    def direction(self) -> str:
        return direction(self.change)


@dataclass(frozen=True)
class Comparison:
    before: str
    after: str
    objectives: list[ObjectiveMovement] = field(default_factory=list)
    key_areas: list[AreaMovement] = field(default_factory=list)

    def count(self, direction: str) -> int:
        return sum(1 for m in self.objectives if m.direction == direction)

    @property
    def improved(self) -> int:
        return self.count("improved")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def declined(self) -> int:
        return self.count("declined")

    @property
    def with_target(self) -> int:
        return sum(1 for m in self.objectives if m.gap is not None)

    @property
    def at_or_above_target(self) -> int:
        return sum(1 for m in self.objectives if m.gap is not None and m.gap <= 0)


def objective_movements(framework: Framework, a: PeriodRecord, b: PeriodRecord) -> list[ObjectiveMovement]:
    """Each objective's movement from period `a` to period `b`, with its target in `b`."""
    movements = []
    for _, ka, objective in framework.iter_objectives():
        entry_b = b.entries.get(objective.id)
        movements.append(ObjectiveMovement(
            objective.id, ka.id, a.score(objective.id), b.score(objective.id),
            entry_b.target if entry_b else UNSCORED, entry_b.comment if entry_b else None))
    return movements


def compare(framework: Framework, record: OrganisationRecord, before: str, after: str) -> Comparison:
    """Movement from period `before` to period `after`, per objective and per key area."""
    a, b = record.period(before), record.period(after)
    areas = [AreaMovement(x, y) for x, y in zip(key_area_summaries(framework, a), key_area_summaries(framework, b))]
    return Comparison(before, after, objective_movements(framework, a, b), areas)


PREVIOUS = "previous"  # "compare with the period before" (never a valid period name)


def previous_period(record: OrganisationRecord, period: str) -> str | None:
    names = [p.period for p in record.sorted_periods()]
    if period not in names:
        return None
    index = names.index(period)
    return names[index - 1] if index > 0 else None


# ---------------------------------------------------------------- starting a period, carry forward

@dataclass(frozen=True)
class NewPeriod:
    """A period about to be started."""

    period: PeriodRecord
    carried_from: str | None = None
    per: str = "objective"         # scored per "objective" or per "key_area" (`PER`)
    switched: bool = False         # carried across from the other way of scoring (`switched`)

    @property
    def carried(self) -> int:
        """How many scores were carried forward, to be confirmed."""
        return sum(1 for e in [*self.period.entries.values(), *self.period.key_area_entries.values()] if e.carried)


# How a period is scored: each objective, or one level per key area (seed 000).
PER = {"objective": "each objective", "key_area": "one level per key area"}


def scored_per(record: OrganisationRecord, period: str | None = None) -> str:
    """How `period` (by default the latest) is scored: "key_area" or "objective" (`PER`; a record
    with no period yet, per objective)."""
    name = period or (record.sorted_periods()[-1].period if record.periods else None)
    return "key_area" if name is not None and kept_by_key_area(record, name) else "objective"


def scored_words(per: str, switched: bool) -> str:
    """", scored one level per key area" for a period started so (or switched), else ""."""
    return f", scored {PER[per]}" if per == "key_area" or switched else ""


def new_period(record: OrganisationRecord, name: str, *, carry: bool = True, per: str | None = None,
               framework: Framework | None = None) -> NewPeriod:
    """Period `name` of `record`, blank or (with `carry`, when there is an earlier period) carried
    forward from the latest one. Raises for a name that is not a period or that the record has.

    `per` chooses how it is scored ("objective" or "key_area", `PER`); by default as the latest
    period is (a first period: per objective). Per key area, a blank period has an entry for each key
    area of `framework`. A period scored the other way from the one it is carried from is carried
    across (`switched`)."""
    check_period(name)
    who = record.organisation.name
    if any(p.period == name for p in record.periods):
        raise AlreadyExists(f"{who} already has period {name}")
    latest = record.sorted_periods()[-1] if record.periods else None
    if latest is not None:
        if ("/" in latest.period) != ("/" in name):
            kind = "financial years such as 2023/24" if "/" in latest.period else "years such as 2023"
            raise AssessmentError(f"{who}'s periods are {kind} ({latest.period} is the latest); write {name} the same "
                                  "way")
        if carry and period_key(name) <= period_key(latest.period):
            raise AssessmentError(f"{name} comes before {latest.period}, the latest period: only a period after it can "
                                  f"be carried forward from it; start {name} blank, or import it")
    was = scored_per(record) if latest else None
    per = per or was or "objective"
    if per not in PER:
        raise AssessmentError(f"'{per}' is not a way of scoring: score each objective (objective) or one level per "
                              "key area (key-area)")
    if (per == "key_area" or (carry and latest and per != was)) and framework is None:
        raise ValueError("starting a period per key area, or switching, needs the framework")
    if carry and latest is not None:
        started = carry_forward(latest, name)
        if per == was:
            return replace(started, per=per)
        assert framework is not None
        return NewPeriod(switched(framework, latest, name, per), latest.period, per, switched=True)
    blank = PeriodRecord(period=name, status="draft")
    if per == "key_area":
        assert framework is not None
        blank.key_area_entries = {ka: Entry(ka, kind="key_area") for ka in framework.key_areas}
    return NewPeriod(blank, per=per)


def switch_words(per: str, carried_from: str) -> str:
    """What a switch of the way of scoring carried, for the person who started the period."""
    if per == "key_area":
        return (f"each key area's level is the whole level at or below its objectives' mean in {carried_from} "
                f"(so a key area at 3.63 in {carried_from} starts at 3, and shows as moved down until you change it)")
    return f"each objective starts at its key area's level in {carried_from}"


def switched(framework: Framework, previous: PeriodRecord, name: str, per: str) -> PeriodRecord:
    """Period `name` carried across from `previous`, which was scored the other way, all of it marked
    carried (to be confirmed). Per key area: each key area's level is the level its objectives' scores
    reached (the whole level at or below their mean; n/a where all were n/a), and its target likewise
    from theirs. Per objective: each objective takes its key area's level and target."""
    period = PeriodRecord(period=name, status="draft")
    if per == "key_area":
        for ka_id in framework.key_areas:
            summary = key_area_summary(framework, previous, ka_id)
            score, target = _level_of(summary.score), _level_of(summary.target)
            target_period = target_by(framework, previous, [ka_id])
            period.key_area_entries[ka_id] = Entry(ka_id, "key_area", score=score, target=target,
                                                   target_period=target_period, carried=score.state != "unscored")
        return period
    for ka_id in framework.key_areas:
        direct = previous.key_area_entries.get(ka_id) or Entry(ka_id, "key_area")
        for objective_id in framework.objective_ids[ka_id]:
            period.entries[objective_id] = Entry(objective_id, score=direct.score, target=direct.target,
                                                 target_period=direct.target_period, previous_comment=direct.comment,
                                                 carried=direct.score.state != "unscored")
    return period


def _level_of(rollup: Rollup) -> Score:
    """A roll-up as one level: the whole level at or below its mean; n/a where all it holds is n/a."""
    if rollup.mean is None or rollup.level is None:
        return NOT_APPLICABLE if rollup.not_applicable and not rollup.unscored else UNSCORED
    return Score(float(rollup.level))


def carry_forward(previous: PeriodRecord, new_period: str) -> NewPeriod:
    """A new period started from the last one.

    Scores and targets are carried and marked `carried` (not yet confirmed); last period's comment
    becomes `previous_comment` (the new comment starts empty). Actions are not copied: each stays
    with the period it was raised in, and is shown in later periods while it is open
    (`Action.open_at`). Evidence is not carried.
    """
    def carry(entry: Entry) -> Entry:
        return Entry(
            item=entry.item, kind=entry.kind, score=entry.score, target=entry.target,
            target_period=entry.target_period, comment=None, previous_comment=entry.comment,
            carried=entry.score.state != "unscored")
    return NewPeriod(
        PeriodRecord(period=new_period, status="draft",
                     entries={k: carry(e) for k, e in previous.entries.items()},
                     key_area_entries={k: carry(e) for k, e in previous.key_area_entries.items()}),
        previous.period)


def confirmed_unchanged(entry: Entry | None, before: Entry | None) -> bool:
    """Whether `entry` was confirmed with the score it had in the period before and nothing written:
    work done, which a committee should not read as a blank ("Confirmed unchanged from 2023")."""
    return (entry is not None and before is not None and not entry.carried and not (entry.comment or "").strip()
            and entry.score.state != "unscored" and entry.score == before.score)


def confirm(entry: Entry, score: Score | None = None) -> Entry:
    """Confirm a carried entry (optionally with a new score)."""
    return replace(entry, score=score if score is not None else entry.score, carried=False)
