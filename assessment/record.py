"""The plain data of one organisation's record: periods, entries, actions, evidence.

These are what the scoring functions, the exports and the storage layer pass between them;
they know nothing of YAML, databases or Streamlit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .errors import AssessmentError, NotFound
from .scores import UNSCORED, Score

STATUSES = ("draft", "submitted", "approved")
ACTION_STATUSES = ("open", "in progress", "done", "carried forward", "dropped")
OPEN_ACTION_STATUSES = ("open", "in progress", "carried forward")
RAG = ("red", "amber", "green")


DEFAULT_FRAMEWORK = "nps-2018"   # the framework of an organisation that has no period yet


@dataclass
class Organisation:
    id: str
    name: str
    type: str | None = None
    region: str | None = None


@dataclass
class Action:
    text: str
    owner: str | None = None
    due: date | None = None
    status: str = "open"
    rag: str | None = None
    id: int | None = None
    carried_from: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


@dataclass
class Evidence:
    url: str
    title: str | None = None


@dataclass
class Entry:
    """One objective's (or, in key-area mode, one key area's) record for one period."""

    item: str                       # objective id, or key area id when kind == "key_area"
    kind: str = "objective"         # "objective" | "key_area"
    score: Score = UNSCORED
    target: Score = UNSCORED
    target_period: str | None = None
    comment: str | None = None
    previous_comment: str | None = None
    carried: bool = False           # carried forward from the previous period, not yet confirmed
    actions: list[Action] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    version: int = 0
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass
class PeriodRecord:
    period: str
    status: str = "draft"
    entries: dict[str, Entry] = field(default_factory=dict)            # by objective id
    key_area_entries: dict[str, Entry] = field(default_factory=dict)   # by key area id

    def score(self, objective_id: str) -> Score:
        entry = self.entries.get(objective_id)
        return entry.score if entry else UNSCORED


@dataclass
class OrganisationRecord:
    organisation: Organisation
    framework_id: str
    framework_version: str
    periods: list[PeriodRecord] = field(default_factory=list)
    baselines: dict[str, Score] = field(default_factory=dict)
    baseline_agreed: str | None = None
    source: str | None = None

    def framework_or(self, default: str = DEFAULT_FRAMEWORK) -> str:
        """The framework id the record's periods follow, or `default` for a record with none yet."""
        return self.framework_id if self.periods and self.framework_id else default

    def period(self, name: str) -> PeriodRecord:
        for record in self.periods:
            if record.period == name:
                return record
        known = ", ".join(p.period for p in self.periods) or "none"
        raise NotFound(f"{self.organisation.id} has no period '{name}' (periods: {known})")

    def sorted_periods(self) -> list[PeriodRecord]:
        return sorted(self.periods, key=lambda p: period_key(p.period))


def long_date(day: date | None, missing: str = "no due date") -> str:
    """Dates as people in councils write them: 21 November 2026."""
    return f"{day.day} {day:%B %Y}" if day else missing


_PERIOD = re.compile(r"^(\d{4})(?:/(\d{2}|\d{4}))?$")


def valid_period(name: str) -> bool:
    match = _PERIOD.match(name)
    if not match:
        return False
    if match.group(2):
        start, end = int(match.group(1)), int(match.group(2))
        if end < 100:
            return end == (start + 1) % 100
        return end == start + 1
    return True


def period_key(name: str) -> tuple[int, str]:
    """Sort periods by their first year, then by text ('2022' before '2022/23')."""
    match = re.match(r"\d{4}", name)
    return (int(match.group(0)) if match else 0, name)


def next_period(name: str) -> str:
    """'2023' -> '2024'; '2023/24' -> '2024/25'."""
    match = _PERIOD.match(name)
    if not match:
        raise AssessmentError(f"'{name}' is not a period; write a year such as 2024 or 2024/25")
    start = int(match.group(1)) + 1
    if match.group(2) is None:
        return str(start)
    if len(match.group(2)) == 4:
        return f"{start}/{start + 1}"
    return f"{start}/{(start + 1) % 100:02d}"
