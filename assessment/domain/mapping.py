"""What each objective and key area of one framework becomes in another: a mapping file, and
earlier periods seen through it.

A council's history must survive a change of framework (NPS 2018 to its own overlay, or to the NPS
2022 toolkit). A mapping file (YAML, in `frameworks/mappings/`; format in docs/framework-format.md)
names the framework it maps from and the one it maps to, and for key areas and objectives says
what each old one becomes:

- `equal`: one old item is one new item (an id both frameworks have and the file does not name is
  equal to itself, so a mapping lists only what changed);
- `split`: one old item becomes several new ones (each takes the old score);
- `merged`: several old items become one new one (its score is the mean of theirs, to the nearest
  step the new framework allows; the comments and actions are kept together);
- `new`: a new item with no past (not scored before);
- `retired`: an old item with no successor.

`on_framework` shows every period of a record on one framework (the one its latest period is
scored against): a period scored against another framework is translated through the mapping
between the two and says so (`PeriodRecord.scored_against`), so year-on-year views, movement, the
radar's last-year line and the appendix's earlier columns compare like with like.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .errors import AssessmentError, NotFound
from .framework import Framework
from .record import Entry, OrganisationRecord, PeriodRecord
from .scores import NOT_APPLICABLE, UNSCORED, Score


class Mapping:
    """A checked mapping: for each new key area and objective, the old ones it comes from."""

    def __init__(self, old: Framework, new: Framework, sources: dict[str, dict[str, list[str]]],
                 kinds: dict[str, dict[str, str]], retired: dict[str, list[str]]):
        self.old, self.new = old, new
        self.sources = sources    # kind ("objective", "key_area") -> new id -> old ids
        self.kinds = kinds        # kind -> new id -> equal | split | merged | new
        self.retired = retired    # kind -> old ids with no successor

    def translate(self, period: PeriodRecord) -> PeriodRecord:
        """`period` (scored against the old framework) as the new framework has it."""
        entries = {item: entry for item, olds in self.sources["objective"].items()
                   if (entry := self._combined("objective", item, [period.entries[o] for o in olds
                                                                   if o in period.entries])) is not None}
        key_areas = {item: entry for item, olds in self.sources["key_area"].items()
                     if (entry := self._combined("key_area", item, [period.key_area_entries[o] for o in olds
                                                                    if o in period.key_area_entries])) is not None}
        return replace(period, entries=entries, key_area_entries=key_areas,
                       framework_id=self.old.id, framework_version=self.old.version,
                       scored_against=self.old.name)   # and, as scored elsewhere, not changed here

    def _combined(self, kind: str, item: str, olds: list[Entry]) -> Entry | None:
        if not olds:
            return None
        if len(olds) == 1:
            return replace(olds[0], item=item)
        key_area = item if kind == "key_area" else self.new.key_area_of[item]
        half = self.new.allows_half_steps(key_area)
        titles = self.old.key_areas if kind == "key_area" else self.old.objectives
        comments = [f"{titles[e.item].title}: {e.comment}" for e in olds if e.comment]
        return Entry(item=item, kind=kind, score=_mean([e.score for e in olds], half),
                     target=_mean([e.target for e in olds], half),
                     target_period=next((e.target_period for e in olds if e.target_period), None),
                     comment="\n\n".join(comments) or None, carried=any(e.carried for e in olds),
                     actions=[a for e in olds for a in e.actions], evidence=[v for e in olds for v in e.evidence],
                     version=0)


def _mean(scores: list[Score], half_steps: bool) -> Score:
    """The mean of the scored, to the nearest step allowed (half steps, or whole levels); n/a when all are."""
    scored = [s.value for s in scores if s.value is not None and s.is_scored]
    if not scored:
        return NOT_APPLICABLE if scores and all(s.not_applicable for s in scores) else UNSCORED
    mean = sum(scored) / len(scored)
    step = 2 if half_steps else 1
    return Score(int(mean * step + 0.5) / step)


def on_framework(record: OrganisationRecord, framework: Framework, frameworks: Callable[[str], Framework],
                 mappings: Callable[[str, str], Mapping]) -> OrganisationRecord:
    """The record with every period on `framework`: a period scored against another framework is
    translated through the mapping between them, and says what it was scored against; with no
    mapping, it keeps no scores and says why."""
    if all((p.framework_id or record.framework_id) == framework.id for p in record.periods):
        return record
    found = mappings
    periods = []
    for period in record.periods:
        scored_on = period.framework_id or record.framework_id
        if scored_on == framework.id:
            periods.append(period)
            continue
        try:
            periods.append(found(scored_on, framework.id).translate(period))
        except NotFound:
            try:
                name = frameworks(scored_on).name
            except AssessmentError:
                name = scored_on
            periods.append(replace(period, entries={}, key_area_entries={}, scored_against=name,
                                   mapping_missing=True))
    return replace(record, periods=periods)
