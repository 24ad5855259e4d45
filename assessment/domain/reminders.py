"""Reminders by email: who is sent what today, how often, and the words of the message. Plain data
in, plain data out: `workflows.reminders` reads the store, sends and keeps the log; `notify run`
runs it once a day.

The rules, in one place:

- An action's **owner** is one of the organisation's people when it is the email address of someone
  with a role there (`owner_address`); anything else ("Category Management", a post) is free text.
  An owner with an @ is taken only as one of its people (`chosen_owner`).
- An open action reaches its owner where the owner is one of the organisation's people; otherwise
  (free text, or no owner) it reaches those who edit the record: its editors and administrators.
- An open action **due within** `DUE_SOON` days (today included) is listed once to each person it
  reaches (again if its due date moves); **overdue** ones (open, past their due date) are listed
  together once a week (`OVERDUE_EVERY` days after the last message that listed any).
- Where an organisation's latest period of its scores was started a year ago or more, its editors
  and administrators are **prompted to start the next**, once a year (`PROMPT_EVERY`).
- A person who has switched reminders off is sent nothing, and an action they own reaches no one
  else; each person is sent at most **one message a day**, listing at most
  `limits.REMINDER_ACTIONS` actions (the rest are counted).
- Respondents of a round yet to answer are reminded before it closes (`domain.round_reminders`),
  and an invitation to answer may be sent by email; both are kept in the same log (kinds `ROUND`
  and `INVITATION`) and count towards the one message a day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from . import limits
from .errors import InvalidEdit
from .numbers import counted
from .people import Person, email_address, printable
from .record import long_date, next_period

DUE_SOON = 7            # days: an action due within this many (today included) is "due soon"
OVERDUE_EVERY = 7       # days between two messages listing a person's overdue actions
PROMPT_EVERY = 365      # days between two prompts to start a new period of the same organisation
EDITING_ROLES = ("administrator", "editor")   # those who edit a record (and start its periods)
DUE, OVERDUE, NEW_PERIOD = "due", "overdue", "new period"
ROUND, INVITATION = "round", "invitation"     # logged by `domain.round_reminders`: a round reminded, an invitation sent
_ORDER = {DUE: 0, OVERDUE: 1, NEW_PERIOD: 2}


def owner_address(owner: str | None, addresses: Iterable[str]) -> str | None:
    """The address of the organisation's person an action's owner names (`addresses`: theirs, as
    kept, lower case), or None where the owner is free text, someone without a role there, or none."""
    written = (owner or "").strip().lower()
    return written if written and written in set(addresses) else None


def chosen_owner(owner: str | None, addresses: Iterable[str], organisation: str) -> str | None:
    """An owner as kept (None: no owner): one of the organisation's people by their address (`addresses`,
    as kept), or free text without an @ (a team or a post). Text with an @ must be the address of one
    of its people, else InvalidEdit saying what to do."""
    written = (owner or "").strip()
    if not written:
        return None
    if "@" not in written:
        return written
    address = email_address(written)
    if address not in set(addresses):
        raise InvalidEdit(f"{address} has no role at {organisation}, so cannot own its actions: give them a role "
                          "on the People page first, or name the owner without an email address (a team or a post, "
                          "such as Category Management)")
    return address


@dataclass(frozen=True)
class DueAction:
    """An open action with a due date, with where it belongs."""
    org_id: str
    record: str          # "" the organisation's scores, "plan" its plan
    period: str          # the period it was raised in
    id: int
    text: str
    owner: str | None
    due: date


@dataclass(frozen=True)
class LatestPeriod:
    """An organisation's latest period of its scores, and the day it was started."""
    org_id: str
    period: str
    started: date


@dataclass(frozen=True)
class Item:
    """One thing a message says: an action due soon or overdue, or a prompt to start a new period."""
    kind: str
    org_id: str
    action: DueAction | None = None
    latest: LatestPeriod | None = None
    as_editor: bool = False      # an action that reaches them as an editor: its owner is not one of the people

    def logged(self) -> dict[str, Any]:
        """As the log keeps it: what was listed, never its words."""
        if self.action is not None:
            return {"kind": self.kind, "org": self.org_id, "action": self.action.id,
                    "due": self.action.due.isoformat()}
        return {"kind": self.kind, "org": self.org_id, "period": self.latest.period if self.latest else None}


@dataclass(frozen=True)
class Sent:
    """A message sent on an earlier run, as the cadence reads it: its day and what it listed."""
    day: date
    email: str
    items: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class LoggedReminder:
    """A line of the reminder log: a message sent, or tried and failed (with why)."""
    day: date
    at: datetime | None
    email: str
    outcome: str         # sent, failed
    subject: str
    items: tuple[Mapping[str, Any], ...]
    reason: str | None = None

    def describe(self) -> str:
        """The line in words: "sent to jo@medway.gov.uk: 2 actions due soon, 1 overdue action"."""
        kinds = [listed.get("kind") for listed in self.items]
        parts = [counted(kinds.count(kind), f"action {words}", f"actions {words}")
                 for kind, words in ((DUE, "due soon"), (OVERDUE, "overdue")) if kinds.count(kind)]
        if kinds.count(NEW_PERIOD):
            parts.append(counted(kinds.count(NEW_PERIOD), "prompt to start a new period",
                                 "prompts to start a new period"))
        if kinds.count(ROUND):
            parts.append(counted(kinds.count(ROUND), "reminder to answer a round", "reminders to answer a round"))
        if kinds.count(INVITATION):
            parts.append(counted(kinds.count(INVITATION), "invitation to answer a round",
                                 "invitations to answer a round"))
        said = f"{self.outcome} to {printable(self.email)}: {', '.join(parts) or 'nothing listed'}"
        return said + (f" ({printable(self.reason)})" if self.reason else "")


@dataclass(frozen=True)
class Reminder:
    """Today's message to one person."""
    email: str
    name: str | None
    items: tuple[Item, ...]
    left_out: int = 0            # actions over `limits.REMINDER_ACTIONS`, counted but not listed

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items if item.kind == kind)

    def summary(self) -> str:
        """What it says, in counts: "2 actions due within 7 days, 1 overdue action, a new period to start"."""
        parts = []
        if self.count(DUE):
            parts.append(f"{counted(self.count(DUE), 'action')} due within {DUE_SOON} days")
        if self.count(OVERDUE):
            parts.append(counted(self.count(OVERDUE), "overdue action"))
        if self.left_out:
            parts.append(f"{self.left_out:,} more not listed")
        prompts = self.count(NEW_PERIOD)
        if prompts:
            parts.append("a new period to start" if prompts == 1 else
                         f"new periods to start at {prompts} organisations")
        return ", ".join(parts)

    def logged(self) -> list[dict[str, Any]]:
        return [item.logged() for item in self.items]


def year_after(day: date) -> date:
    """The same day a year later (29 February: 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def reminders(today: date, people: Iterable[Person], actions: Iterable[DueAction], latest: Iterable[LatestPeriod],
              sent: Iterable[Sent]) -> list[Reminder]:
    """Today's messages, one a person at most, by address: `people` with their roles, every open
    action due by `today` + `DUE_SOON` days, each organisation's latest period, and the messages sent
    on earlier runs (at least the last `PROMPT_EVERY` days' that prompted, and the last `DUE_SOON`
    days' of any kind)."""
    people = sorted(people, key=lambda p: p.email)
    at: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        for org_id in person.roles:
            at[org_id].append(person)
    wanted: dict[str, list[Item]] = defaultdict(list)
    horizon = today + timedelta(days=DUE_SOON)
    for action in actions:
        if action.due > horizon:
            continue
        here = at.get(action.org_id, [])
        owner = owner_address(action.owner, (p.email for p in here))
        reached = [p for p in here if (p.email == owner if owner else p.roles[action.org_id] in EDITING_ROLES)]
        for person in reached:
            wanted[person.email].append(Item(OVERDUE if action.due < today else DUE, action.org_id, action=action,
                                             as_editor=owner is None))
    for period in latest:
        if year_after(period.started) <= today:
            for person in at.get(period.org_id, []):
                if person.roles[period.org_id] in EDITING_ROLES:
                    wanted[person.email].append(Item(NEW_PERIOD, period.org_id, latest=period))
    earlier: dict[str, list[Sent]] = defaultdict(list)
    for message in sent:
        earlier[message.email].append(message)
    found = []
    for person in people:
        if not person.reminders or not wanted.get(person.email):
            continue
        if any(message.day == today for message in earlier[person.email]):
            continue     # one message a day
        reminder = _today(person, wanted[person.email], earlier[person.email], today)
        if reminder.items:
            found.append(reminder)
    return found


def _today(person: Person, items: list[Item], earlier: list[Sent], today: date) -> Reminder:
    """What of `items` is due to be said to `person` today, given what earlier messages said."""
    said = [(message.day, listed) for message in earlier for listed in message.items]
    due_listed = {(listed.get("action"), listed.get("due")) for day, listed in said
                  if listed.get("kind") == DUE and day >= today - timedelta(days=DUE_SOON)}
    overdue_listed = any(listed.get("kind") == OVERDUE and day > today - timedelta(days=OVERDUE_EVERY)
                         for day, listed in said)
    prompted = {listed.get("org") for day, listed in said
                if listed.get("kind") == NEW_PERIOD and day > today - timedelta(days=PROMPT_EVERY)}
    kept = [item for item in items
            if (item.kind == DUE and (item.logged()["action"], item.logged()["due"]) not in due_listed)
            or (item.kind == OVERDUE and not overdue_listed)
            or (item.kind == NEW_PERIOD and item.org_id not in prompted)]
    kept.sort(key=lambda i: (_ORDER[i.kind], i.action.due if i.action else date.min, i.org_id,
                             i.action.id if i.action else 0))
    listed_actions = [i for i in kept if i.action is not None]
    shown = listed_actions[:limits.REMINDER_ACTIONS]
    prompts = [i for i in kept if i.action is None]
    return Reminder(person.email, person.name, tuple(shown + prompts), len(listed_actions) - len(shown))


# ---------------------------------------------------------------- the message's words

def subject(reminder: Reminder) -> str:
    """The subject line: counts only, never text from a record (no header can be made from it)."""
    return "Procurement reminders: " + reminder.summary()


def body(reminder: Reminder, organisations: Mapping[str, str], today: date) -> str:
    """The message as plain text, in British English; each action's text as it was written (line
    by line, indented), with any control character shown escaped (\\x1b), never acted on."""
    lines = [f"Hello {_one_line(reminder.name)}," if reminder.name else "Hello,", "",
             f"These are your reminders from the procurement maturity self-assessment, {long_date(today)}.", ""]
    sections = ((DUE, f"Due within {DUE_SOON} days"), (OVERDUE, "Overdue (listed once a week)"))
    for kind, heading in sections:
        items = [i for i in reminder.items if i.kind == kind and i.action is not None]
        if not items:
            continue
        lines += [heading, "-" * len(heading), ""]
        for item in items:
            lines += _action_lines(item, organisations, today) + [""]
    if reminder.left_out:
        lines += [f"… and {counted(reminder.left_out, 'more action')}, not listed here: see the Actions page.", ""]
    prompts = [i for i in reminder.items if i.kind == NEW_PERIOD and i.latest is not None]
    if prompts:
        heading = "Time to start a new period"
        lines += [heading, "-" * len(heading), ""]
        for item in prompts:
            latest = item.latest
            assert latest is not None
            lines += [f"{_organisation(item.org_id, organisations)}: its latest period, {latest.period}, was "
                      f"started on {long_date(latest.started)}, a year ago or more. Start {_next(latest.period)} on "
                      "the Start page (Start a new period): last year's scores are carried forward to confirm or "
                      "change.", ""]
    if any(i.action is not None for i in reminder.items):
        lines += ["Record progress, or mark an action done or dropped, on the Actions page of the self-assessment.", ""]
    lines += ["You are sent this because you own these actions or edit the organisation's record. At most one email "
              "a day; overdue actions once a week.",
              "To stop these emails, switch off \"Email me reminders\" in the app's sidebar, or ask your "
              "organisation's administrator (People page)."]
    return "\n".join(lines) + "\n"


def _action_lines(item: Item, organisations: Mapping[str, str], today: date) -> list[str]:
    action = item.action
    assert action is not None
    where = _organisation(item.org_id, organisations) + ("'s plan" if action.record else "")
    lines = [f"* Due {long_date(action.due)} ({_days(action.due, today)}): {where}, raised in {action.period}"]
    lines += [f"  {line}" for line in _lines(action.text)]
    if item.as_editor:
        lines.append(f"  Owner: {_one_line(action.owner)} (not one of its people in the tool, so this comes to its "
                     "editors)" if action.owner else "  No owner is named, so this comes to its editors")
    return lines


def _days(due: date, today: date) -> str:
    days = (due - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days:,} days ago"


def _next(period: str) -> str:
    try:
        return next_period(period)
    except Exception:   # noqa: BLE001 - a period kept under an older rule: say "the next one"
        return "the next one"


def _organisation(org_id: str, organisations: Mapping[str, str]) -> str:
    return _one_line(organisations.get(org_id) or org_id)


def _lines(text: str) -> list[str]:
    """Text as lines, each with control characters escaped (tabs kept); never an empty list."""
    return [_shown(line) for line in (text.splitlines() or [""])]


def _one_line(text: str | None) -> str:
    """Text on one line (line breaks as spaces), control characters escaped."""
    return " ".join(_shown(line) for line in (text or "").splitlines())


def _shown(line: str) -> str:
    return "\t".join(printable(part) for part in line.split("\t"))
