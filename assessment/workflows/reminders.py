"""Reminders by email: today's messages (`domain.reminders` says who is sent what; respondents of a
round yet to answer, `domain.round_reminders`, sent by `workflows.round_mail`), sent one by one and
each kept in the reminder log, sent or failed (to whom, when, its subject and what it listed; never
its words); whether a person is sent reminders; the people who may own an organisation's
actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from ..domain import limits
from ..domain.errors import AssessmentError, InvalidEdit, NotAllowed
from ..domain.people import Person, email_address
from ..domain.plan_report import delivered_actions, plan_actions
from ..domain.reminders import (DUE_SOON, OVERDUE_EVERY, PROMPT_EVERY, DueAction, LoggedReminder, Reminder, body,
                                reminders, subject)
from ..domain.record import PLAN_RECORD, record_key, split_record_key
from ..domain.round_reminders import READ_BACK as ROUND_READ_BACK, RoundReminder, as_sent
from ..storage.store import Store
from .access import EDIT, PEOPLE, Actor, allow, allow_deployment
from .common import plan_of
from .mail import MailFailed
from .round_mail import deliver_round_reminder, due_round_reminders


class Mailer(Protocol):
    """Sends one message, or raises `mail.MailFailed` (`mail.SmtpMailer`; the tests' own)."""

    def send(self, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class Delivery:
    """A message of today's run: `outcome` "sent" or "failed" (with why), or "dry run"; of actions and
    prompts (`Reminder`) or of rounds to answer (`RoundReminder`)."""
    reminder: Reminder | RoundReminder
    subject: str
    body: str
    outcome: str
    reason: str | None = None


@dataclass(frozen=True)
class NotifyRun:
    day: date
    deliveries: list[Delivery] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)   # over `limits.REMINDERS_PER_RUN`: the next run's
    stopped: str | None = None    # why the run stopped early (the server cannot be used); the rest wait

    def count(self, outcome: str) -> int:
        return sum(1 for d in self.deliveries if d.outcome == outcome)


def notify(store: Store, actor: Actor, *, today: date, mailer: Mailer | None,
           base_url: str | None = None) -> NotifyRun:
    """Today's reminders (the deployment's administrator). With a `mailer`, each message is sent and
    then kept in the log, sent or failed, in a unit of work of its own (a run stopped half way has
    logged what it sent); a failure the rest would meet too (the server cannot be reached) stops
    the run. Without one (a dry run), nothing is sent, no link is made and nothing is logged.
    Respondents of a round yet to answer are reminded first, where `base_url` (the app's address,
    for their links and the Your views page) is given; whoever is, is sent their other reminders
    on a later day (one message a day)."""
    allow_deployment(actor, "send reminders")
    with store.transaction(write=False) as tx:
        people = tx.people()
        organisations = {org.id: org.name for org, _ in tx.organisations()}
        actions = tx.due_actions(today + timedelta(days=DUE_SOON))
        delivered = _delivered(tx, actions)
        actions = [action for action in actions if action.id not in delivered]
        latest = tx.latest_periods()
        sent = tx.reminders_sent(since=today - timedelta(days=max(DUE_SOON, OVERDUE_EVERY, ROUND_READ_BACK)),
                                 prompts_since=today - timedelta(days=PROMPT_EVERY))
        rounds = due_round_reminders(tx, today, people, sent) if base_url is not None else []
    found: list[Reminder | RoundReminder] = [*rounds, *reminders(today, people, actions, latest,
                                                                 [*sent, *as_sent(rounds, today)])]
    run = NotifyRun(today, held_back=[r.email for r in found[limits.REMINDERS_PER_RUN:]])
    for reminder in found[:limits.REMINDERS_PER_RUN]:
        if isinstance(reminder, RoundReminder):
            assert base_url is not None
            sending = deliver_round_reminder(store, reminder, organisations, today, base_url, mailer)
            run.deliveries.append(Delivery(reminder, sending.subject, sending.body, sending.outcome, sending.reason))
            if sending.fatal:
                return NotifyRun(today, run.deliveries, run.held_back, sending.reason)
            continue
        words = subject(reminder), body(reminder, organisations, today)
        if mailer is None:
            run.deliveries.append(Delivery(reminder, *words, "dry run"))
            continue
        try:
            mailer.send(reminder.email, *words)
        except MailFailed as failed:
            delivery, fatal = Delivery(reminder, *words, "failed", failed.reason), failed.fatal
        else:
            delivery, fatal = Delivery(reminder, *words, "sent"), False
        with store.transaction() as tx:
            tx.log_reminder(today, reminder.email, delivery.outcome, delivery.subject, reminder.logged(),
                            delivery.reason)
        run.deliveries.append(delivery)
        if fatal:
            return NotifyRun(today, run.deliveries, run.held_back, delivery.reason)
    return run


def _delivered(tx, actions: list[DueAction]) -> set[int]:
    """The ids of those of `actions` that are a plan's actions delivered by their latest rating
    (`plan_report.delivered_actions`, as the plan's report counts them): neither due nor overdue."""
    found: set[int] = set()
    for org_id in sorted({action.org_id for action in actions if action.record == PLAN_RECORD}):
        record = tx.record(record_key(org_id, PLAN_RECORD))
        try:
            plan = plan_of(record)
        except AssessmentError:   # a plan this deployment no longer has: the actions' statuses say
            continue
        live = plan_actions(record)
        ids = (live[item].id for item in delivered_actions(plan, record.sorted_periods()) if item in live)
        found |= {action_id for action_id in ids if action_id is not None}
    return found


def reminder_log(store: Store, actor: Actor, *, limit: int = 200) -> list[LoggedReminder]:
    """The newest lines of the reminder log (the deployment's administrator)."""
    allow_deployment(actor, "read the reminder log")
    with store.transaction(write=False) as tx:
        return tx.reminder_log(limit=limit)


def set_reminders(store: Store, actor: Actor, email: str, on: bool) -> Person:
    """Switch `email`'s reminders by email on or off (`_allow_switching`)."""
    address = email_address(email)
    with store.transaction() as tx:
        _allow_switching(actor, address, tx.person(address))
        return tx.set_reminders(address, on)


def reminders_on(store: Store, actor: Actor, email: str) -> bool:
    """Whether `email` is sent reminders by email (as `set_reminders` may switch them)."""
    address = email_address(email)
    with store.transaction(write=False) as tx:
        person = tx.person(address)
        _allow_switching(actor, address, person)
        assert person is not None
        return person.reminders


def _allow_switching(actor: Actor, address: str, person: Person | None) -> None:
    """A person's reminders are theirs to switch (anyone signed in), and, for someone else, their
    administrators' (at every organisation where they hold a role) and the deployment's
    administrator's. Anyone else is refused in the same words whether or not the address was added."""
    own = actor.name == address and not actor.every_right
    theirs = person is not None and bool(person.roles) and all(actor.may(o, PEOPLE) for o in person.roles)
    if not (own or actor.manages_deployment or theirs):
        raise NotAllowed(f"{actor.name} may not switch the reminders of {address}: only they, an administrator "
                         "of every organisation where they hold a role, or the deployment's administrator may")
    if person is None:
        raise InvalidEdit(f"no one has been added with the address {address}")


def action_owners(store: Store, actor: Actor, org_id: str) -> list[Person]:
    """The people who may own an organisation's actions (everyone with a role there), by address, for
    those who keep its actions (editors)."""
    org = split_record_key(org_id)[0]
    allow(actor, org, EDIT)
    with store.transaction(write=False) as tx:
        tx.organisation(org)
        return tx.people(org)
