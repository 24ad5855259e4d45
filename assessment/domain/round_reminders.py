"""Respondent rounds by email: who is reminded to answer a round and when, a reminder's and an
invitation's words. Plain data in, plain data out: `workflows.round_mail` reads the store, makes a
fresh link where one is needed, sends and keeps the reminder log; `notify run` runs it once a day.

The rules, in one place:

- A respondent is reminded of an **open** round they were invited to (by address), have **not
  submitted** and were **not withdrawn** from, at the reminder points `POINTS`: 7 days and 2 days
  before the round's closing date. A week gives time to find an hour for the questionnaire; two
  days is the last call, early enough to answer before a busy last day.
- A point is **reached** on its day and stays reached until the next point or the closing date
  (so a morning the timer missed, or a message that had to wait a day, is made up the next day).
  Only the latest point reached is reminded; each point **at most once** for an invitation (again
  if the closing date moves); nothing after the closing date (the closing date itself is the last
  day).
- A point passed before the person was invited is skipped: someone invited 5 days before the
  close is reminded 2 days before it, not the morning after their invitation; someone invited 2
  days or less before the close is not reminded at all.
- Someone who answers signed in and has switched reminders off (or no longer has an account to
  sign in with) is not reminded. Someone answering through a link has no account: they are
  reminded, and the reminder carries a fresh link (`fresh_link_expiry`), as only a hash of the
  old one was kept.
- **One message a day**: a person already sent a message today (any reminder, or an invitation) is
  reminded on a later day; a person's rounds reminded together go in one message; and a person
  reminded of a round today is sent their action reminders (`domain.reminders`) the next day
  (`as_sent`): a round has a closing date, an action reminder keeps a day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from .numbers import counted
from .people import Person, printable
from .record import long_date, split_record_key
from .reminders import INVITATION, ROUND, Sent
from .rounds import LINK_DAYS, Invitation, Round

POINTS = (7, 2)          # days before a round's closing date that those yet to answer are reminded
LINK_MARGIN = 7          # days after the closing date that a link a reminder makes still works (late answers)
READ_BACK = max(POINTS)  # days of the reminder log the rule reads: a point's message until the next point
VIEWS_PAGE = "views"     # the page where someone signed in answers (`ui/navigation.py`: "Your views")


def point_reached(today: date, closes: date) -> int | None:
    """The latest reminder point reached on `today` for a round closing on `closes` (days before it),
    or None: before the first point, or after the closing date."""
    left = (closes - today).days
    if left < 0:
        return None
    reached = [point for point in POINTS if left <= point]
    return min(reached) if reached else None


@dataclass(frozen=True)
class RoundItem:
    """One round a reminder is about: the round, the person's invitation to it, and the point reached."""
    round: Round
    invitation: Invitation
    point: int

    @property
    def org_id(self) -> str:
        """The organisation's id (the round names its record)."""
        return split_record_key(self.round.org_id)[0]

    def logged(self) -> dict[str, Any]:
        """As the log keeps it: which round, invitation and point, and the closing date; never a link."""
        return {"kind": ROUND, "org": self.org_id, "round": self.round.id, "invitation": self.invitation.id,
                "point": self.point, "closes": self.round.closes.isoformat()}


@dataclass(frozen=True)
class RoundReminder:
    """Today's message to one person about the rounds they have yet to answer."""
    email: str
    name: str | None
    items: tuple[RoundItem, ...]

    @property
    def by_link(self) -> bool:
        """Whether any of the rounds is answered through a link (and so needs a fresh one)."""
        return any(item.invitation.link for item in self.items)

    def summary(self) -> str:
        """What it says, in words: "a reminder to answer round 3, closing 30 November 2026"."""
        if len(self.items) == 1:
            item = self.items[0]
            return f"a reminder to answer round {item.round.id}, closing {long_date(item.round.closes)}"
        return f"reminders to answer {counted(len(self.items), 'round')}"

    def logged(self) -> list[dict[str, Any]]:
        return [item.logged() for item in self.items]


def round_reminders(today: date, rounds: Iterable[tuple[Round, Sequence[Invitation]]], people: Iterable[Person],
                    sent: Iterable[Sent]) -> list[RoundReminder]:
    """Today's round reminders, one message a person at most, by address: `rounds` with their
    invitations (withdrawn ones too), `people` (those with an account: their names and whether they
    are sent reminders), and the messages sent on earlier runs (at least the last `READ_BACK` days',
    today's included)."""
    known = {person.email: person for person in people}
    earlier = list(sent)
    said = {(listed.get("invitation"), listed.get("closes"), listed.get("point"))
            for message in earlier for listed in message.items if listed.get("kind") == ROUND}
    today_already = {message.email for message in earlier if message.day == today}
    wanted: dict[str, list[RoundItem]] = defaultdict(list)
    for round_, invitations in rounds:
        point = point_reached(today, round_.closes)
        if round_.state != "open" or round_.id is None or point is None:
            continue
        point_day = round_.closes - timedelta(days=point)
        closes = round_.closes.isoformat()
        for invitation in invitations:
            if (invitation.email is None or invitation.id is None or invitation.revoked_at is not None
                    or invitation.submitted):
                continue
            if invitation.invited_at is not None and invitation.invited_at.date() >= point_day:
                continue     # invited on or after this point's day: they have just been asked
            if any((invitation.id, closes, reached) in said for reached in POINTS if reached <= point):
                continue     # this point (or a later one) was reminded already
            person = known.get(invitation.email)
            if (person is None and not invitation.link) or (person is not None and not person.reminders):
                continue     # answers signed in without an account now, or switched reminders off
            wanted[invitation.email].append(RoundItem(round_, invitation, point))
    return [RoundReminder(email, known[email].name if email in known else None,
                          tuple(sorted(items, key=lambda i: (i.round.closes, i.round.id or 0))))
            for email, items in sorted(wanted.items()) if email not in today_already]


def as_sent(found: Iterable[RoundReminder], today: date) -> list[Sent]:
    """Today's round reminders as the one-message-a-day rule of `reminders.reminders` reads the log:
    whoever is reminded of a round today is sent their other reminders on a later day."""
    return [Sent(today, reminder.email, tuple(reminder.logged())) for reminder in found]


def fresh_link_expiry(now: datetime, closes: date) -> datetime:
    """When a link a reminder makes expires: `rounds.LINK_DAYS` after `now` at most, and no later
    than the end of the `LINK_MARGIN`th day after the closing date (UTC), so that a round opened
    again for late answers still takes them for a while and a link does not outlive its purpose."""
    margin = datetime.combine(closes + timedelta(days=LINK_MARGIN + 1), time(), tzinfo=timezone.utc)
    return min(now + timedelta(days=LINK_DAYS), margin)


@dataclass(frozen=True)
class Link:
    """A link to answer as written in a message (the address with its token) and when it expires."""
    address: str
    expires: datetime


def link_address(base_url: str, token: str) -> str:
    """The address that opens a respondent's questionnaire (`ui/respondent.py`)."""
    return f"{base_url.rstrip('/')}/?link={token}"


def views_address(base_url: str) -> str:
    """The page where someone signed in answers ("Your views")."""
    return f"{base_url.rstrip('/')}/{VIEWS_PAGE}"


# ---------------------------------------------------------------- the messages' words

def reminder_subject(reminder: RoundReminder) -> str:
    """The subject line: a closing date or a count, never text from a record."""
    if len(reminder.items) == 1:
        return f"Reminder: your views on procurement, by {long_date(reminder.items[0].round.closes)}"
    return f"Reminder: your views on procurement, {counted(len(reminder.items), 'round')}"


NO_LINK_YET = "(a new link is made when this reminder is sent)"


def reminder_body(reminder: RoundReminder, organisations: Mapping[str, str], today: date, base_url: str,
                  links: Mapping[int, Link] | None) -> str:
    """The reminder as plain text, in British English: for each round, the council, the period and
    the closing date; for a link, the fresh one (`links`, by invitation id; None in a dry run) and
    that the earlier link no longer works; for someone signed in, the page to answer on."""
    lines = [f"Hello {_one_line(reminder.name)}," if reminder.name else "Hello,", "",
             f"This is a reminder from the procurement maturity self-assessment, {long_date(today)}.", ""]
    for item in reminder.items:
        lines += [_asked_line(item, organisations, today), ""]
        if item.invitation.link:
            link = links.get(item.invitation.id or 0) if links is not None else None
            if link is None:
                lines += ["Your new link, for you alone:", NO_LINK_YET]
            else:
                lines += [f"Your new link, for you alone (valid until {long_date(link.expires.date())}):",
                          link.address]
            lines += ["", "The link you were sent before no longer works: use this one. Any answers you saved are "
                      "kept.", ""]
        else:
            lines += [f"Sign in and answer on the Your views page: {views_address(base_url)}",
                      "Any answers you saved are kept there.", ""]
    lines += ["You can save your answers and come back to them, and submit them once when you are done.", ""]
    lines += [f"You are sent this because you were invited to give your views and have not submitted them. "
              f"Reminders come {_points()} before a round closes, at most one email a day."]
    if reminder.by_link:
        lines.append("If you would rather not answer, ignore this email, or ask whoever invited you to withdraw "
                     "the invitation.")
    else:
        lines.append("To stop these emails, switch off \"Email me reminders\" in the app's sidebar.")
    return "\n".join(lines) + "\n"


def _asked_line(item: RoundItem, organisations: Mapping[str, str], today: date) -> str:
    closes = item.round.closes
    return (f"{_organisation(item.org_id, organisations)} has asked for your views on its procurement for "
            f"{_one_line(item.round.period)} (round {item.round.id}). You have not submitted your answers yet; "
            f"the round closes on {long_date(closes)} ({_when(closes, today)}).")


def invitation_logged(round_: Round, invitation: Invitation) -> dict[str, Any]:
    """An invitation sent by email, as the reminder log keeps it (never its link)."""
    return {"kind": INVITATION, "org": split_record_key(round_.org_id)[0], "round": round_.id,
            "invitation": invitation.id}


def invitation_subject(round_: Round) -> str:
    """The subject of an invitation: its closing date, never text from a record."""
    return f"Your views on procurement, by {long_date(round_.closes)}"


MODE_WORDS = {
    "confidential": "Your answers are confidential: those running the round can see who gave them; what is "
                    "reported shows groups of people, never names.",
    "anonymous": "Your answers are anonymous: once submitted, nothing connects them to you.",
}


def invitation_body(round_: Round, organisation: str, base_url: str, link: Link | None,
                    invited_by: str | None) -> str:
    """An invitation to answer a round as plain text: the council, the period, the closing date, and
    either the person's link (with when it expires) or, for someone with an account, the page to
    answer on signed in."""
    lines = ["Hello,", "",
             f"{_one_line(organisation)} is assessing the maturity of its procurement for "
             f"{_one_line(round_.period)} and asks for your views: a short questionnaire, with each level "
             f"described beside each question. The round closes on {long_date(round_.closes)}.", ""]
    if link is not None:
        lines += [f"Your link, for you alone (valid until {long_date(link.expires.date())}; please do not pass it "
                  "on):", link.address, ""]
    else:
        lines += [f"Sign in and answer on the Your views page: {views_address(base_url)}", ""]
    lines += ["You can save your answers and come back to them, and submit them once when you are done. "
              + MODE_WORDS.get(round_.mode, ""), ""]
    if invited_by and "@" in invited_by:
        lines.append(f"You were invited by {_one_line(invited_by)}: ask them if you have a question.")
    lines.append(f"Until you submit your answers, you are reminded {_points()} before the round closes.")
    return "\n".join(lines) + "\n"


def _points() -> str:
    """The reminder points in words: "7 days and 2 days"."""
    return " and ".join(counted(point, "day") for point in POINTS)


def _when(day: date, today: date) -> str:
    left = (day - today).days
    return "today" if left == 0 else "tomorrow" if left == 1 else f"in {left} days"


def _organisation(org_id: str, organisations: Mapping[str, str]) -> str:
    return _one_line(organisations.get(org_id) or org_id)


def _one_line(text: str | None) -> str:
    """Text on one line (line breaks as spaces), control characters escaped."""
    return " ".join(printable(line) for line in (text or "").splitlines())
