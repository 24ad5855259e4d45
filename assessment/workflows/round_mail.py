"""Respondent rounds by email (issue 30): an invitation sent by email rather than copied
(`send_invitation`), and the reminders to answer that `notify` sends each day (`due_round_reminders`,
`deliver_round_reminder`; `domain.round_reminders` says who is reminded and when, and the words).

Only a hash of a link's token is kept, so a reminder cannot send the link a respondent was given:
it makes a fresh one (a new random token, its hash replacing the old one, expiring within 30 days
and a week after the round closes), sends it, and the old link stops working; the answers saved
stay, as they belong to the invitation, not to the link. The fresh token is in the message alone:
the database keeps its hash, the reminder log what was listed (round, invitation, point), never a
link. A message that could not be sent changes nothing: the old link still works and the next run
tries again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Protocol, Sequence

from ..domain.errors import AssessmentError
from ..domain.people import Person
from ..domain.reminders import Sent
from ..domain.round_reminders import (Link, RoundReminder, fresh_link_expiry, invitation_body, invitation_logged,
                                      invitation_subject, link_address, reminder_body, reminder_subject,
                                      round_reminders)
from ..domain.rounds import LINK_DAYS, token_hash
from ..storage.store import Store
from .access import Actor
from .mail import MailFailed
from .rounds import Invited, invite, round_for

MAIL_NOT_SET_UP = "mail is not set up (SMTP_HOST is not set), so nothing was emailed"
NOT_SENT, SENT, FAILED, DRY_RUN = "not sent", "sent", "failed", "dry run"


class Sender(Protocol):
    """Sends one message, or raises `mail.MailFailed` (`mail.SmtpMailer`; the tests' own)."""

    def send(self, to: str, subject: str, body: str) -> None: ...


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class InvitationSent:
    """An invitation made, and what became of its email: `outcome` "sent", "failed" (with why) or
    "not sent" (mail is not set up: `MAIL_NOT_SET_UP`). `invited.token` is the link's token where
    one was made: to show once when the email did not go, never to keep."""

    invited: Invited
    outcome: str
    subject: str
    body: str
    reason: str | None = None
    link: str | None = None        # the address with its token (None for someone who answers signed in)


def send_invitation(store: Store, actor: Actor, round_id: int, email: str, *, department: str,
                    perspectives: Sequence[str], primary: str | None = None, days: int = LINK_DAYS,
                    base_url: str, mailer: Sender | None, today: date | None = None) -> InvitationSent:
    """Invite `email` (`rounds.invite`, with its rights and rules) and email them the invitation:
    their link, or, for someone with an account here, the page to answer on signed in. Without a
    `mailer` (mail not set up) the invitation is made and nothing is sent ("not sent"); a message
    the server refuses is "failed": either way the caller shows the link as it would have without
    email. A message sent, or tried and failed, is kept in the reminder log (never its link)."""
    made = invite(store, actor, round_id, email, department=department, perspectives=perspectives,
                  primary=primary, days=days)
    with store.transaction(write=False) as tx:
        found = round_for(tx, actor, round_id)
        organisation = tx.organisation(found.org_id).name
    invitation = made.invitation
    link = (Link(link_address(base_url, made.token), invitation.expires_at)
            if made.token is not None and invitation.expires_at is not None else None)
    subject = invitation_subject(found)
    body = invitation_body(found, organisation, base_url, link, invitation.invited_by)
    address = link.address if link else None
    if mailer is None:
        return InvitationSent(made, NOT_SENT, subject, body, MAIL_NOT_SET_UP, address)
    assert invitation.email is not None
    reason: str | None = None
    try:
        mailer.send(invitation.email, subject, body)
    except MailFailed as failed:
        outcome, reason = FAILED, failed.reason
    else:
        outcome = SENT
    with store.transaction() as tx:
        tx.log_reminder(today or date.today(), invitation.email, outcome, subject,
                        [invitation_logged(found, invitation)], reason)
    return InvitationSent(made, outcome, subject, body, reason, address)


def due_round_reminders(tx, today: date, people: Sequence[Person], sent: Sequence[Sent]) -> list[RoundReminder]:
    """Today's round reminders (`domain.round_reminders.round_reminders`), read in `tx`: every open
    round with its invitations."""
    rounds = [(found, tx.invitations(found.id)) for found in tx.open_rounds() if found.id is not None]
    return round_reminders(today, rounds, people, sent)


@dataclass(frozen=True)
class RoundSending:
    """A round reminder's words and what became of it: "sent", "failed" (with why, and `fatal` when
    no later message of the run would go either) or "dry run"."""

    subject: str
    body: str
    outcome: str
    reason: str | None = None
    fatal: bool = False


def deliver_round_reminder(store: Store, reminder: RoundReminder, organisations: dict[str, str], today: date,
                           base_url: str, mailer: Sender | None) -> RoundSending:
    """Send one round reminder. For each round answered through a link, a fresh link is made and
    put in the message; once the message is sent, its hash replaces the old one (which stops
    working) in the same unit of work that logs the message. A message not sent changes no link.
    Without a `mailer` (a dry run) no link is made, nothing is sent and nothing is logged."""
    if mailer is None:
        return RoundSending(reminder_subject(reminder), reminder_body(reminder, organisations, today, base_url, None),
                            DRY_RUN)
    now = _now()
    tokens: dict[int, tuple[str, Link]] = {}
    for item in reminder.items:
        if item.invitation.link and item.invitation.id is not None:
            token = secrets.token_urlsafe(32)
            tokens[item.invitation.id] = (token, Link(link_address(base_url, token),
                                                      fresh_link_expiry(now, item.round.closes)))
    subject = reminder_subject(reminder)
    body = reminder_body(reminder, organisations, today, base_url, {i: link for i, (_, link) in tokens.items()})
    try:
        mailer.send(reminder.email, subject, body)
    except MailFailed as failed:
        sending = RoundSending(subject, body, FAILED, failed.reason, failed.fatal)
    else:
        sending = RoundSending(subject, body, SENT)
    with store.transaction() as tx:
        if sending.outcome == SENT:
            for invitation_id, (token, link) in tokens.items():
                try:
                    tx.replace_invitation_link(invitation_id, token_hash(token), link.expires)
                except AssessmentError:   # withdrawn, submitted or applied since it was read: no link should work
                    continue
        tx.log_reminder(today, reminder.email, sending.outcome, subject, reminder.logged(), sending.reason)
    return sending
