"""Bringing existing records in: what a reader found (`ImportPlan`), what it would change
(`preview`), and writing it (`apply_import`, all or nothing).

Readers (the Word appendix, the spreadsheet template, our own Excel export) each turn a file
into an `ImportPlan`: the periods read, and every problem and warning located to the place in
the file (table, row, column or cell). Nothing is written while a plan has problems. When it is
written, an imported entry updates the saved one (a new version, with a history row, so nothing
saved before is lost); actions not already saved are added; periods not yet saved are created.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .errors import AssessmentError
from .framework import Framework
from .record import Entry, OrganisationRecord, PeriodRecord, period_key

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a 59-objective, 10-period appendix is well under 1 MB


def size_problem(size: int) -> str | None:
    """The message for a file too big to import, or None."""
    if size <= MAX_UPLOAD_BYTES:
        return None
    megabytes = math.ceil(size * 10 / 2**20) / 10  # rounded up: 20.01 MB is "20.1 MB", never "20.0 MB"
    return f"the file is {megabytes:.1f} MB; files up to {MAX_UPLOAD_BYTES // 2**20} MB can be imported"


class InvalidImport(AssessmentError):
    """The file cannot be imported; every problem is listed and nothing was written."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        super().__init__(f"{source}: nothing was imported:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass
class ImportPlan:
    """What a reader found in one file."""

    source: str                      # the file's name, for messages
    framework_id: str
    framework_version: str
    periods: list[PeriodRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # any problem: nothing may be written
    warnings: list[str] = field(default_factory=list)   # worth a look, not a reason to refuse

    def check(self) -> "ImportPlan":
        """The plan itself, or `InvalidImport` listing every problem."""
        if self.problems:
            raise InvalidImport(self.source, self.problems)
        if not self.periods:
            raise InvalidImport(self.source, ["no periods with scores or comments were found"])
        return self


@dataclass(frozen=True)
class PeriodPreview:
    """One period of a plan against what is saved."""

    period: str
    entries: int
    scored: int
    not_applicable: int
    blank: int
    comments: int
    actions: int
    new_period: bool
    new_entries: int
    changed: list[str]      # items whose score or comment would be overwritten
    unchanged: int

    @property
    def summary(self) -> str:
        if self.new_period:
            effect = "a new period"
        elif self.changed:
            effect = (f"overwrites {len(self.changed)} saved entr{'y' if len(self.changed) == 1 else 'ies'} "
                      f"({', '.join(self.changed[:12])}{', …' if len(self.changed) > 12 else ''})")
        else:
            effect = "no saved score or comment changes"
        return (f"{self.period}: {self.entries} entries ({self.scored} scored, {self.not_applicable} n/a, "
                f"{self.blank} blank), {self.comments} comments, {self.actions} actions; {effect}"
                + (f"; {self.new_entries} new" if self.new_entries and not self.new_period else "") + ".")


def _same(a: Entry, b: Entry) -> bool:
    return a.score == b.score and (a.comment or "") == (b.comment or "")


def preview(plan: ImportPlan, saved: OrganisationRecord | None) -> list[PeriodPreview]:
    """Per period: what was read and what it would change in the saved record."""
    saved_periods = {p.period: p for p in (saved.periods if saved else [])}
    out = []
    for period in sorted(plan.periods, key=lambda p: period_key(p.period)):
        entries = [*period.entries.values(), *period.key_area_entries.values()]
        before = saved_periods.get(period.period)
        old = {} if before is None else {**before.entries, **{f"key area:{k}": e
                                                               for k, e in before.key_area_entries.items()}}
        changed, new, same = [], 0, 0
        for entry in entries:
            key = entry.item if entry.kind == "objective" else f"key area:{entry.item}"
            if key not in old:
                new += 1
            elif _same(old[key], entry):
                same += 1
            else:
                changed.append(entry.item)
        out.append(PeriodPreview(
            period.period, len(entries), sum(e.score.is_scored for e in entries),
            sum(e.score.not_applicable for e in entries),
            sum(not e.score.is_scored and not e.score.not_applicable for e in entries),
            sum(bool(e.comment) for e in entries), sum(len(e.actions) for e in entries),
            before is None, new, changed, same))
    return out


def merged_periods(plan: ImportPlan, saved: OrganisationRecord | None) -> list[PeriodRecord]:
    """The plan's periods with what they keep from the saved record: an imported entry takes its
    score, target, comment and new actions from the file and keeps the saved entry's other actions,
    evidence and version (so the save is an update, with history)."""
    saved_periods = {p.period: p for p in (saved.periods if saved else [])}
    out = []
    for period in plan.periods:
        before = saved_periods.get(period.period)
        if before is None:
            out.append(period)
            continue
        merged = replace(before, entries=dict(before.entries), key_area_entries=dict(before.key_area_entries))
        for entry in period.entries.values():
            merged.entries[entry.item] = _merge(before.entries.get(entry.item), entry)
        for entry in period.key_area_entries.values():
            merged.key_area_entries[entry.item] = _merge(before.key_area_entries.get(entry.item), entry)
        out.append(merged)
    return out


def _merge(old: Entry | None, new: Entry) -> Entry:
    if old is None:
        return new
    known = {a.text for a in old.actions}
    return replace(old, score=new.score, target=new.target if new.target.is_scored else old.target,
                   comment=new.comment, carried=False,
                   actions=[*old.actions, *(a for a in new.actions if a.text not in known)])


def apply_import(store, org_id: str, plan: ImportPlan, framework: Framework, *, user: str) -> list[PeriodPreview]:
    """Write the plan into organisation `org_id` in one transaction: all of it, or nothing.

    The organisation must exist already (an import never creates one).
    """
    plan.check()
    organisation = store.organisation(org_id)  # NotFound when it does not exist
    saved = store.load_record(org_id)
    if saved.periods and saved.framework_id != plan.framework_id:
        raise InvalidImport(plan.source, [f"{org_id} is assessed against {saved.framework_id}, "
                                          f"but this file is for {plan.framework_id}"])
    report = preview(plan, saved)
    store.import_periods(organisation.id, framework, merged_periods(plan, saved), user=user)
    return report
