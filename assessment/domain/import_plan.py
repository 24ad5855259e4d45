"""Bringing existing records in: what a reader found (`ImportPlan`) and what it would change.

Readers (the Word appendix, the spreadsheet template, our own Excel export; `assessment.readers`)
each turn a file into an `ImportPlan`: the periods read, and every problem and warning located to
the place in the file (table, row, column or cell). Nothing is written while a plan has problems.

`changes` is the one rule for what an import writes: an imported entry takes its score, target,
comment and new actions from the file and keeps the saved entry's other actions, evidence and
version (so the save is an update, with history); an entry whose written fields would not change
is left alone (no new version); periods not yet saved are created. `preview` reports exactly that.
Writing it, in one transaction, is the import workflow's (`workflows.imports`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .errors import InvalidImport, Problem, listed
from .framework import Framework
from .limits import PROBLEMS_KEPT, UPLOAD_BYTES
from .numbers import counted
from .record import Action, Entry, OrganisationRecord, PeriodRecord, entry_problems, period_key


def size_problem(size: int) -> str | None:
    """The message for a file too big to import (`limits.UPLOAD_BYTES`), or None."""
    if size <= UPLOAD_BYTES:
        return None
    megabytes = math.ceil(size * 10 / 2**20) / 10  # rounded up: 20.01 MB is "20.1 MB", never "20.0 MB"
    return f"the file is {megabytes:.1f} MB; files up to {UPLOAD_BYTES // 2**20} MB can be imported"


@dataclass
class ImportPlan:
    """What a reader found in one file."""

    source: str                      # the file's name, for messages
    framework_id: str
    framework_version: str
    periods: list[PeriodRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # any problem: nothing may be written
    warnings: list[Problem] = field(default_factory=list)   # worth a look, not a reason to refuse
    more_problems: int = 0           # problems found past `limits.PROBLEMS_KEPT`: counted, not kept
    more_warnings: int = 0
    # Actions a comment states in its own words ("Action: ..."), offered to be tracked: (period, item)
    sentence_actions: dict[tuple[str, str], list[Action]] = field(default_factory=dict)

    def tracking_sentence_actions(self) -> "ImportPlan":
        """The plan with the actions its comments state added to their entries (comments unchanged)."""
        periods = []
        for period in self.periods:
            entries = dict(period.entries)
            for item, entry in period.entries.items():
                known = {a.text for a in entry.actions}
                extra = [a for a in self.sentence_actions.get((period.period, item), []) if a.text not in known]
                if extra:
                    entries[item] = replace(entry, actions=[*entry.actions, *extra])
            periods.append(replace(period, entries=entries))
        return replace(self, periods=periods, sentence_actions={})

    def sentence_action_count(self, period: str) -> int:
        return sum(len(v) for (p, _), v in self.sentence_actions.items() if p == period)

    @classmethod
    def for_file(cls, source: str, framework, size: int) -> "ImportPlan":
        """An empty plan for a file of `size` bytes read against `framework`; a file too big to
        import gets its problem at once (and a reader reads no further)."""
        plan = cls(source, framework.id, framework.version)
        too_big = size_problem(size)
        if too_big:
            plan.problem("", too_big)
        return plan

    def problem(self, where: str, message: str) -> None:
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(self.source, None, where, message))
        else:
            self.more_problems += 1

    def warn(self, where: str, message: str) -> None:
        if len(self.warnings) < PROBLEMS_KEPT:
            self.warnings.append(Problem(self.source, None, where, message))
        else:
            self.more_warnings += 1

    def shown_warnings(self) -> list[str]:
        """The warnings to show: the first few, then how many more."""
        return listed(self.warnings, more=self.more_warnings)

    def check(self) -> "ImportPlan":
        """The plan itself, or `InvalidImport` listing every problem."""
        for period in self.periods:
            for entry in [*period.entries.values(), *period.key_area_entries.values()]:
                for message in entry_problems(entry):
                    self.problem(f"{period.period}, {entry.kind.replace('_', ' ')} {entry.item}", message)
        if self.problems:
            raise InvalidImport(self.source, self.problems, self.more_problems)
        if not self.periods:
            raise InvalidImport(self.source, [Problem(self.source, None, "",
                                                      "no periods with scores or comments were found")])
        return self


# ---------------------------------------------------------------- what an import changes

@dataclass(frozen=True)
class PeriodChanges:
    """One period of a plan against the saved record: what would be written."""

    period: PeriodRecord              # as read from the file
    new_period: bool
    new: list[Entry]                  # entries the period does not have yet
    changed: list[Entry]              # saved entries updated (merged: they keep their version)
    unchanged: int


def _key(entry: Entry) -> tuple[str, str]:
    return (entry.kind, entry.item)


def merge(saved: Entry, imported: Entry) -> Entry:
    """The saved entry updated from the file: score and comment from the file, the target where the
    file has one (a level, or n/a), the file's actions added to the saved ones (by text); confirmed,
    not carried."""
    known = {a.text for a in saved.actions}
    return replace(saved, score=imported.score,
                   target=imported.target if imported.target.state != "unscored" else saved.target,
                   comment=imported.comment, carried=False,
                   actions=[*saved.actions, *(a for a in imported.actions if a.text not in known)])


def unchanged(saved: Entry, merged: Entry) -> bool:
    """Nothing an import writes differs from what is saved, so no new version is made."""
    def written(e: Entry):
        return (e.score, e.target, e.comment or "", e.carried,
                [(a.text, a.owner, a.due, a.status, a.rag) for a in e.actions])
    return written(saved) == written(merged)


def changes(plan: ImportPlan, saved: OrganisationRecord | None) -> list[PeriodChanges]:
    """Per period of the plan (in period order): the entries it would add and update."""
    saved_periods = {p.period: p for p in (saved.periods if saved else [])}
    out = []
    for period in sorted(plan.periods, key=lambda p: period_key(p.period)):
        before = saved_periods.get(period.period)
        old = {} if before is None else {_key(e): e for e in [*before.entries.values(),
                                                               *before.key_area_entries.values()]}
        new, changed, same = [], [], 0
        for entry in [*period.entries.values(), *period.key_area_entries.values()]:
            if _key(entry) not in old:
                new.append(entry)
                continue
            merged = merge(old[_key(entry)], entry)
            if unchanged(old[_key(entry)], merged):
                same += 1
            else:
                changed.append(merged)
        out.append(PeriodChanges(period, before is None, new, changed, same))
    return out


@dataclass(frozen=True)
class PeriodPreview:
    """One period of a plan against what is saved, in numbers and words."""

    period: str
    entries: int
    scored: int
    not_applicable: int
    blank: int
    comments: int
    actions: int
    new_period: bool
    new_entries: int
    changed: list[str]      # items whose saved score, target, comment or actions would be overwritten
    unchanged: int

    @property
    def summary(self) -> str:
        if self.new_period:
            effect = "a new period"
        elif self.changed:
            effect = (f"overwrites {len(self.changed)} saved entr{'y' if len(self.changed) == 1 else 'ies'} "
                      f"({', '.join(self.changed[:12])}{', …' if len(self.changed) > 12 else ''})")
        else:
            effect = "no saved entry changes"
        return (f"{self.period}: {counted(self.entries, 'entry', 'entries')} ({self.scored} scored, "
                f"{self.not_applicable} n/a, {self.blank} blank), {counted(self.comments, 'comment')}, "
                f"{counted(self.actions, 'action')}; {effect}"
                + (f"; {self.new_entries} new" if self.new_entries and not self.new_period else "") + ".")


def preview(plan: ImportPlan, saved: OrganisationRecord | None, framework: Framework | None = None
            ) -> list[PeriodPreview]:
    """Per period: what was read and what it would change in the saved record (from `changes`); an
    objective named by its number, a key area by its title (from `framework`)."""
    def named(entry: Entry) -> str:
        if entry.kind == "key_area" and framework is not None and entry.item in framework.key_areas:
            return framework.key_areas[entry.item].title
        return entry.item

    out = []
    for c in changes(plan, saved):
        entries = [*c.period.entries.values(), *c.period.key_area_entries.values()]
        out.append(PeriodPreview(
            c.period.period, len(entries), sum(e.score.is_scored for e in entries),
            sum(e.score.not_applicable for e in entries),
            sum(not e.score.is_scored and not e.score.not_applicable for e in entries),
            sum(bool(e.comment) for e in entries), sum(len(e.actions) for e in entries),
            c.new_period, len(c.new), [named(e) for e in c.changed], c.unchanged))
    return out
