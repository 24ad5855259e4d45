"""The plain data of one organisation's record: periods, entries, actions, evidence.

These are what the scoring functions, the exports and the storage layer pass between them;
they know nothing of YAML, databases or Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from . import limits
from .covering import CoveringReport, ReportShape
from .errors import AssessmentError, NotFound
from .people import is_control
from .scores import UNSCORED, Score

STATUSES = ("draft", "submitted", "approved")
ACTION_STATUSES = ("open", "in progress", "done", "dropped")
# The one rule for which actions are open (live, and overdue once past their due date).
OPEN_ACTION_STATUSES = ("open", "in progress")
# Earlier versions copied an open action into the next period and marked the old one "carried
# forward": the action went on, so read that status as "open".
OLD_ACTION_STATUSES = {"carried forward": "open"}
RAG = ("red", "amber", "green")


DEFAULT_FRAMEWORK = "nps-2018"   # the framework of an organisation that has no period yet

# An organisation's records: its main one (scored on a framework of levels; the record every council
# has, named "") and, beside it, a plan it follows (rated red, amber and green: `domain.plan`). A
# record is addressed by its key, the organisation's id alone for the main record and
# "ORG~plan" for the plan: every workflow, query and store method that takes an organisation's id
# takes a record key, and `split_record_key` is the one place that reads one.
MAIN_RECORD, PLAN_RECORD = "", "plan"
RECORDS = {MAIN_RECORD: "scores", PLAN_RECORD: "plan"}   # record -> as people name it
RECORD_SEPARATOR = "~"
PLAN_KINDS = ("outcome", "action", "indicator")   # the kinds of a plan's entries


def record_key(org_id: str, record: str | None = None) -> str:
    """The key of an organisation's record (`record` None or "": its main record)."""
    if record and record not in RECORDS:
        raise NotFound(f"there is no record '{record[:40]}'; an organisation keeps its scores and, beside them, "
                       f"a plan (--record {PLAN_RECORD})")
    return f"{org_id}{RECORD_SEPARATOR}{record}" if record else org_id


def split_record_key(key: str) -> tuple[str, str]:
    """The organisation's id and the record ("" or "plan") a record key names."""
    org_id, _, record = key.partition(RECORD_SEPARATOR)
    if record not in RECORDS:
        raise NotFound(f"there is no record '{record[:40]}' of '{org_id[:64]}'")
    return org_id, record


def record_name(key: str) -> str:
    """A record key as messages name it: 'medway' for the scores, "medway's plan" for the plan."""
    org_id, _, record = key.partition(RECORD_SEPARATOR)
    return f"{org_id}'s {RECORDS.get(record, record)}" if record else org_id


@dataclass
class Organisation:
    id: str
    name: str
    type: str | None = None
    region: str | None = None


@dataclass
class ActionUpdate:
    """A dated change of an action's status, with an optional progress note. `period` is the
    period that was current when it was recorded; `on` may be unknown (None) in a record
    transcribed from papers that give only the period."""

    status: str
    on: date | None = None
    note: str | None = None
    period: str | None = None
    by: str | None = None
    at: datetime | None = None


@dataclass
class Action:
    """An action for its whole life: kept with the entry of the period it was raised in, its
    status now, and every dated status change and progress note since (`updates`, oldest first)."""

    text: str
    owner: str | None = None
    due: date | None = None
    status: str = "open"
    rag: str | None = None
    id: int | None = None
    updates: list[ActionUpdate] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """Open now: its status is open or in progress."""
        return self.status in OPEN_ACTION_STATUSES

    def status_at(self, raised_in: str, period: str, end: date | None = None) -> str | None:
        """Its status at the end of `period` (None if it was raised later): the last change recorded
        in `period` or before (and, where the period's end date is known, on or before it); with
        none, "open" if it changed later, else its status now."""
        if period_key(raised_in) > period_key(period):
            return None
        known = [u for u in self.updates if (u.period is None or period_key(u.period) <= period_key(period))
                 and (end is None or u.on is None or u.on <= end)]
        if known:
            return known[-1].status
        return "open" if self.updates else self.status

    def open_at(self, raised_in: str, period: str, end: date | None = None) -> bool:
        """The one rule: raised in or before `period` and not closed by its end."""
        return self.status_at(raised_in, period, end) in OPEN_ACTION_STATUSES


@dataclass
class Evidence:
    url: str
    title: str | None = None

    @property
    def line(self) -> str:
        """As people write it, one link a line: 'title | address', or the bare address."""
        return f"{self.title} | {self.url}" if self.title else self.url


def evidence_text(evidence: list[Evidence]) -> str:
    """Evidence links as text, one a line ('title | address'): in the app, Word and Excel alike."""
    return "\n".join(e.line for e in evidence)


_OLD_TITLED = re.compile(r"^(.*): (\S+://\S+)$")   # 'title: address', as workbooks before 2026-12 wrote it


_ADDRESS = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)


def evidence_problem(link: Evidence) -> str | None:
    """Why an evidence link is not one (it has no web address), or None."""
    if _ADDRESS.match(link.url):
        return None
    return (f"the evidence line “{link.line}” has no web address: write it as title | https://… "
            "(or the address alone)")


def parse_evidence(text: str | None) -> list[Evidence]:
    """`evidence_text` read back: 'title | address' or a bare address a line; blank lines ignored.
    ('title: address', as earlier workbooks wrote it, is read too.)"""
    links = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, bar, url = line.rpartition("|")
        if not bar and (old := _OLD_TITLED.match(line.strip())):
            title, url = old.group(1), old.group(2)
        links.append(Evidence(url=url.strip(), title=title.strip() or None))
    return links


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
    # A plan's entries (kind "outcome", "action" or "indicator"): the rating (an id of the plan's RAG
    # scale) of an outcome or action; an indicator's value, or that there is no data for it.
    rating: str | None = None
    value: float | None = None
    no_data: bool = False
    actions: list[Action] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    version: int = 0
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Approval:
    """A period's approval as the council records it: the committee or officer decision, its date
    and minute reference; and who recorded it in the tool, when."""

    decision: str
    on: date | None = None
    minute: str | None = None
    by: str | None = None
    at: datetime | None = None

    def __str__(self) -> str:
        return (f"Approved by {self.decision}" + (f" on {long_date(self.on)}" if self.on else "")
                + (f" ({self.minute})" if self.minute else ""))


# Sign-off: a period moves draft -> submitted -> approved. Back to draft, with a reason kept in its
# history: reopening (an administrator's act) a submitted or approved period; withdrawing (any
# editor's, before approval) a submitted one. What members approve is what was submitted: a
# submitted or approved period is frozen, all but its actions' progress (`lock_reason`).
SIGN_OFF = {"submit": (("draft",), "submitted"), "approve": (("submitted",), "approved"),
            "reopen": (("submitted", "approved"), "draft"), "withdraw": (("submitted",), "draft")}
FROZEN_STATUSES = ("submitted", "approved")

# What a change to a period touches: the lock's cases. A frozen period takes only FROZEN_ALLOWS.
CONTENT = "content"                   # scores, targets, comments, evidence, actions raised, drafts,
                                      # confirming, restoring, importing, replacing, deleting
ACTION_PLAN = "action plan"           # an action's owner and due date, as members approved them
ACTION_PROGRESS = "action progress"   # an action's status, progress notes and red/amber/green
FROZEN_ALLOWS = (ACTION_PROGRESS,)


def lock_reason(period: str, status: str, *, change: str = CONTENT, what: str = "changed",
                approval: "Approval | None" = None, other_framework: str | None = None) -> str | None:
    """Why `change` may not be made to a period in this state (None: it may): the one rule of the
    lock, from the period's status and framework; rights are the application layer's
    (`workflows.access.may_change`), and the store asks this before it writes."""
    if other_framework is not None and change != ACTION_PROGRESS:
        return (f"{period} is scored against {other_framework}, not the framework the organisation follows now, "
                f"so it cannot be {what}")
    if status not in FROZEN_STATUSES or change in FROZEN_ALLOWS:
        return None
    if status == "approved":
        detail = str(approval).removeprefix("Approved ") if approval else ""
        return (f"{period} is approved" + (f" {detail}" if detail else "") + f", so it cannot be {what}; an "
                "administrator can reopen it, giving a reason")
    return (f"{period} is submitted for approval, so it cannot be {what}: what members approve is what was "
            "submitted; an editor can withdraw it (or an administrator reopen it), giving a reason")
# Those who only review (councillors) see the periods put before them, not work in progress.
REVIEWABLE_STATUSES = ("submitted", "approved")


@dataclass
class PeriodRecord:
    period: str
    status: str = "draft"
    entries: dict[str, Entry] = field(default_factory=dict)            # by objective id
    key_area_entries: dict[str, Entry] = field(default_factory=dict)   # by key area id
    # A plan's period: its outcomes', actions' and indicators' entries, by (kind, item id).
    plan_entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    approval: Approval | None = None
    # The framework the period is scored against, where it is not the record's (a council that
    # changed framework keeps each period on its own); set from the store and from record files.
    framework_id: str | None = None
    framework_version: str | None = None
    # Set on a period shown on another framework (`mapping.on_framework`): the name of the framework
    # it was scored against, and whether no mapping could bring its scores across.
    scored_against: str | None = None
    mapping_missing: bool = False
    # The officer's words that open the members' report (`covering`): its latest saved version.
    covering: CoveringReport | None = None

    def saved_entry(self, kind: str, item: str) -> Entry | None:
        """The entry saved for an objective, key area or one of a plan's items (None: none yet)."""
        if kind == "objective":
            return self.entries.get(item)
        if kind == "key_area":
            return self.key_area_entries.get(item)
        return self.plan_entries.get((kind, item))

    def scored_against_line(self) -> str | None:
        """What reports print beside a period scored against another framework."""
        if self.scored_against is None:
            return None
        return (f"{self.period} was scored against {self.scored_against}"
                + ("; no mapping to the framework followed now is kept, so its scores are not shown"
                   if self.mapping_missing else ", shown here through the mapping to the framework followed now"))

    def lock_reason(self, change: str = CONTENT, what: str = "changed") -> str | None:
        """Why `change` may not be made to this period (`lock_reason`), or None."""
        other = f"{self.framework_id} {self.framework_version}" if self.framework_id is not None else None
        return lock_reason(self.period, self.status, change=change, what=what, approval=self.approval,
                           other_framework=other)

    @property
    def locked(self) -> bool:
        """Its content cannot be changed (submitted, approved, or on a framework no longer followed)."""
        return self.lock_reason() is not None

    @property
    def frozen(self) -> bool:
        """Submitted or approved: put before members, so kept as it was put."""
        return self.status in FROZEN_STATUSES

    def unconfirmed(self) -> list[Entry]:
        """The entries carried forward from the period before and not yet confirmed or changed."""
        return [e for e in [*self.entries.values(), *self.key_area_entries.values()] if e.carried]

    def check_ready_to_submit(self, *, plan: bool = False) -> None:
        """Refuse to put a period forward with nothing scored (a plan's: nothing rated), or with
        carried scores nobody has confirmed (councillors would read last year's scores as this
        year's)."""
        if plan:
            if not any(e.rating or e.value is not None or e.no_data for e in self.plan_entries.values()):
                raise AssessmentError(f"{self.period} of the plan has nothing rated yet; rate it before submitting it")
            return
        if all(e.score.state == "unscored" for e in [*self.entries.values(), *self.key_area_entries.values()]):
            raise AssessmentError(f"{self.period} has nothing scored yet; score it before submitting it")
        waiting = self.unconfirmed()
        if waiting:
            raise AssessmentError(f"{self.period} has {len(waiting)} score{'s' if len(waiting) != 1 else ''} carried "
                                  "forward and not yet confirmed; confirm or change them on the Score a key area page "
                                  "before submitting it")

    def status_line(self) -> str:
        """The period's status as printed on reports, appendices and workbooks: "DRAFT", "Submitted
        for approval", or the approval ("Approved by Cabinet on 21 November 2026 (Minute 45/2026)")."""
        if self.status == "approved":
            return str(self.approval) if self.approval else "Approved"
        return "Submitted for approval" if self.status == "submitted" else "DRAFT"

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
    # The sections of the council's committee report, which its covering reports follow (`covering`).
    report_shape: ReportShape | None = None
    record: str = MAIN_RECORD   # which of the organisation's records this is ("" or "plan")

    @property
    def key(self) -> str:
        """The record's key (`record_key`)."""
        return record_key(self.organisation.id, self.record)

    def framework_or(self, default: str = DEFAULT_FRAMEWORK) -> str:
        """The framework id the record's periods follow, or `default` for a record with none yet."""
        return self.framework_id if self.periods and self.framework_id else default

    def period(self, name: str) -> PeriodRecord:
        for record in self.periods:
            if record.period == name:
                return record
        known = ", ".join(p.period for p in self.periods) or "none"
        raise NotFound(f"{record_name(self.key)} has no period '{name}' (periods: {known})")

    def sorted_periods(self) -> list[PeriodRecord]:
        return sorted(self.periods, key=lambda p: period_key(p.period))

    def appendix_periods(self, up_to: str | None = None) -> list[str]:
        """The periods an objectives appendix shows unless told otherwise: the last two up to and
        including `up_to` (default: the latest), as Medway prints this year beside last year."""
        names = [p.period for p in self.sorted_periods()]
        if up_to is not None:
            self.period(up_to)  # NotFound for a period the record lacks
            names = names[:names.index(up_to) + 1]
        return names[-2:]


def framework_notes(periods: Iterable[PeriodRecord]) -> list[str]:
    """What reports, the appendix and summaries say of periods scored against another framework
    than the one followed now ("2022 was scored against ..."), one line each, in order."""
    return [line for p in periods if (line := p.scored_against_line())]


def status_text(periods: Iterable[PeriodRecord]) -> str:
    """Each period's status as exports print it: "2023: DRAFT", or "2022: Approved by Cabinet on
    13 February 2023; 2023: Submitted for approval"."""
    return "; ".join(f"{p.period}: {p.status_line()}" for p in periods)


def long_date(day: date | None, missing: str = "no due date") -> str:
    """Dates as people in councils write them: 21 November 2026."""
    return f"{day.day} {day:%B %Y}" if day else missing


def long_date_time(at: datetime | None, missing: str = "") -> str:
    """When something was done, as people write it: 21 November 2026 14:05."""
    return f"{long_date(at.date())} {at:%H:%M}" if at else missing


_PERIOD = re.compile(r"^(\d{4})(?:/(\d{2}|\d{4}))?$")


PERIOD_HINT = "write a year such as 2024 or a financial year such as 2024/25"


def check_period(name: str) -> str:
    """`name` if it is a period, else an error saying how one is written."""
    if not valid_period(name):
        shown = name if len(name) <= 40 else name[:40] + "…"   # a name of 10,000 characters is not echoed whole
        raise AssessmentError(f"'{shown}' is not a period; {PERIOD_HINT}")
    return name


# The years a period may begin in: councils' records go back to the 2000s; a year outside these
# is a slip of the keyboard (0000, 9999), and would break the dates worked out from it.
FIRST_YEAR, LAST_YEAR = 1990, 2099


def target_period_problem(by: str | None, target: Score, period: str) -> str | None:
    """What is wrong with the period a target is to be reached by (`by`) for a target set in `period`,
    or None: it is a period, not before `period`, and there is a target to reach."""
    if by is None:
        return None
    if not valid_period(by):
        return f"'{by[:40]}' is not a period; {PERIOD_HINT}"
    if target.state == "unscored":
        return f"a target period ({by}) needs a target: choose a level, or leave the period out"
    if period_key(by) < period_key(period):
        return f"a target to be reached by {by} is set in {period}, after it: give {period} or a later period"
    return None


def valid_period(name: str) -> bool:
    match = _PERIOD.match(name)
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
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
    match = _PERIOD.match(check_period(name))
    if match is None:   # check_period refused anything else
        raise AssessmentError(f"“{name}” is not a period")
    start = int(match.group(1)) + 1
    if match.group(2) is None:
        return str(start)
    if len(match.group(2)) == 4:
        return f"{start}/{start + 1}"
    return f"{start}/{(start + 1) % 100:02d}"


# ---------------------------------------------------------------- lengths

def organisation_problems(org: Organisation) -> list[str]:
    """What in an organisation is longer than the database keeps (`limits`), or holds a control
    character (which no Word document or chart can hold), as messages."""
    found = [m for m in (limits.too_long("the organisation's id", org.id, limits.ORGANISATION_ID),
                         limits.too_long("the organisation's name", org.name, limits.ORGANISATION_NAME),
                         limits.too_long("the organisation's type", org.type, limits.ORGANISATION_TYPE),
                         limits.too_long("the organisation's region", org.region, limits.ORGANISATION_REGION))
             if m]
    for what, text in (("name", org.name), ("type", org.type), ("region", org.region)):
        odd = next((c for c in text or "" if is_control(c)), None)
        if odd is not None:
            found.append(f"the organisation's {what} holds the control character U+{ord(odd):04X}; write it in "
                         "plain text")
    return found


def action_problems(action: Action) -> list[str]:
    """What in an action (its text, owner and progress notes) is longer than the database keeps."""
    found = [limits.too_long("an action's text", action.text, limits.ACTION_TEXT),
             limits.too_long("an action's owner", action.owner, limits.OWNER)]
    found += [limits.too_long("a progress note", u.note, limits.NOTE) for u in action.updates]
    return [m for m in found if m]


def entry_problems(entry: Entry) -> list[str]:
    """What in an entry (comment, actions, evidence) is longer than the database keeps: one rule for
    every way text comes in, so that what SQLite would keep and PostgreSQL refuse is refused on both."""
    found = [limits.too_long("the comment", entry.comment, limits.COMMENT),
             limits.too_long("the previous comment", entry.previous_comment, limits.COMMENT)]
    for link in entry.evidence:
        found += [limits.too_long("an evidence title", link.title, limits.EVIDENCE_TITLE),
                  limits.too_long("an evidence address", link.url, limits.EVIDENCE_URL)]
    return [m for m in found if m] + [m for a in entry.actions for m in action_problems(a)]
