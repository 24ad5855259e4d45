"""Reminders by email (issue 28, part 5): `notify run` sends each person at most one email a day over
SMTP (actions due within 7 days, overdue ones once a week, a yearly prompt to start a new period),
to a mail server on loopback (aiosmtpd) that receives them; nothing twice, opt-outs respected, a dry
run sends and logs nothing, free-text owners reach the editors, and no text from a record can make
a header. The log (migration 0011) and the opt-outs are backed up. Storage tests run on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from sqlalchemy import inspect, text, update

from assessment import workflows
from assessment.cli import main
from assessment.domain import limits
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import InvalidEdit, NotAllowed
from assessment.domain.reminders import DueAction, Item, Reminder, body, chosen_owner, subject
from assessment.storage import backup as backup_module
from assessment.storage.backup import backup, restore
from assessment.storage.tables import AssessmentRow
from assessment.workflows import LOCAL_ACTOR, Actor, MailSettings, SmtpMailer
from assessment.workflows.mail import email_message

from .conftest import FIXTURES, ROOT, database_at

TODAY = date(2026, 11, 21)
SENDER = "assessment@kent.gov.uk"
HEAD, OFFICER, JO, CLLR = "head@kent.gov.uk", "officer@kent.gov.uk", "jo@kent.gov.uk", "cllr@kent.gov.uk"
ISSUER = "https://login.example/kent"
EVIL = "evil@attacker.example"


def kent(store, *, text: str = "Refresh the contract register", owner: str = "Category Management") -> dict[str, int]:
    """Kent with an administrator, two editors (Jo signed in, with her name) and a councillor, and a
    2026 whose objective 1 has six actions: Jo's due in 3 days, a team's due in 5, Jo's 10 days
    overdue, the councillor's due tomorrow, Jo's due in 30 days, and one of Jo's done. The action ids
    by text."""
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council")
    for email, role in ((HEAD, "administrator"), (OFFICER, "editor"), (JO, "editor"), (CLLR, "reviewer")):
        workflows.add_person(store, LOCAL_ACTOR, email, "kent", role)
    workflows.sign_in(store, {"iss": ISSUER, "sub": "jo", "email": JO, "email_verified": True, "name": "Jo Bloggs"})
    workflows.start_period(store, LOCAL_ACTOR, "kent", "2026", framework_id="nps-2018")
    days = timedelta(days=1)
    actions = [("Publish the pipeline", JO, TODAY + 3 * days, "open"), (text, owner, TODAY + 5 * days, "in progress"),
               ("Train the buyers", JO, TODAY - 10 * days, "open"), ("Brief the scrutiny panel", CLLR, TODAY + days, "open"),
               ("Review the strategy", JO, TODAY + 30 * days, "open"), ("Close the old framework", JO, TODAY + days, "done")]
    workflows.save_edits(store, LOCAL_ACTOR, "kent", "2026", [EntryEdit("1", score="3 – Mature", actions=[
        {"text": t, "owner": o, "due": d, "status": s} for t, o, d, s in actions])])
    record = workflows.queries.record(store, LOCAL_ACTOR, "kent").record
    return {a.text: a.id for a in record.period("2026").entries["1"].actions}


class Outbox:
    """A mailer that keeps what it is given."""

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject_: str, body_: str) -> None:
        self.sent.append((to, subject_, body_))


def run(store, day: date = TODAY, mailer=None):
    return workflows.notify(store, LOCAL_ACTOR, today=day, mailer=mailer if mailer is not None else Outbox())


def logged(store) -> list:
    return list(reversed(workflows.reminder_log(store, LOCAL_ACTOR)))


def kinds(delivery) -> list[tuple[str, int | None]]:
    return [(i.kind, i.action.id if i.action else None) for i in delivery.reminder.items]


# ---------------------------------------------------------------- a mail server on loopback

@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class Inbox:
    """aiosmtpd's handler: keeps every message; refuses the addresses in `refuse`."""

    def __init__(self):
        self.received: list[Received] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if r.rcpt_tos == [address]]


def words_of(message: EmailMessage) -> str:
    """A received message's text, its lines ended as Python ends them (on the wire: CR LF)."""
    return message.get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.settings = MailSettings("127.0.0.1", SENDER, controller.port, starttls=False)
    yield inbox
    controller.stop()


def send_over_smtp(store, inbox, day: date = TODAY):
    with SmtpMailer(inbox.settings) as mailer:
        return workflows.notify(store, LOCAL_ACTOR, today=day, mailer=mailer)


# ---------------------------------------------------------------- what is sent, to whom

def test_the_local_mail_server_receives_each_persons_message_and_none_twice(store, smtp):
    ids = kent(store)
    done = send_over_smtp(store, smtp)
    assert sorted(d.reminder.email for d in done.deliveries) == [CLLR, HEAD, JO, OFFICER]
    assert all(d.outcome == "sent" for d in done.deliveries)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [CLLR, HEAD, JO, OFFICER]
    assert all(r.mail_from == SENDER and len(r.rcpt_tos) == 1 for r in smtp.received)
    (jo,) = smtp.to(JO)
    assert (jo["From"], jo["To"], jo["Auto-Submitted"]) == (SENDER, JO, "auto-generated")
    assert jo["Subject"] == "Procurement reminders: 2 actions due within 7 days, 1 overdue action"
    assert jo.get_content_type() == "text/plain"
    words = words_of(jo)
    assert words.startswith("Hello Jo Bloggs,\n\nThese are your reminders from the procurement maturity "
                            "self-assessment, 21 November 2026.\n")
    assert "* Due 24 November 2026 (in 3 days): Kent County Council, raised in 2026\n  Publish the pipeline\n" in words
    assert "* Due 11 November 2026 (10 days ago): Kent County Council, raised in 2026\n  Train the buyers\n" in words
    assert "Review the strategy" not in words and "Close the old framework" not in words   # in 30 days; done
    assert [(line.outcome, line.email) for line in logged(store)] == [("sent", e) for e in sorted([CLLR, HEAD, JO,
                                                                                                    OFFICER])]
    line = next(line for line in logged(store) if line.email == JO)
    assert list(line.items) == [{"kind": "due", "org": "kent", "action": ids["Publish the pipeline"], "due": "2026-11-24"},
                                {"kind": "due", "org": "kent", "action": ids["Refresh the contract register"],
                                 "due": "2026-11-26"},
                                {"kind": "overdue", "org": "kent", "action": ids["Train the buyers"], "due": "2026-11-11"}]
    assert line.describe() == f"sent to {JO}: 2 actions due soon, 1 action overdue"
    # the same day again: nothing, and nothing more logged
    again = send_over_smtp(store, smtp)
    assert again.deliveries == [] and len(smtp.received) == 4 and len(logged(store)) == 4


def test_a_free_text_owner_reaches_the_editors_and_a_person_only_themselves(store):
    ids = kent(store)
    done = run(store)
    register = ids["Refresh the contract register"]
    reached = sorted(d.reminder.email for d in done.deliveries if ("due", register) in kinds(d))
    assert reached == [HEAD, JO, OFFICER]                     # administrator and editors, not the councillor
    assert [kinds(d) for d in done.deliveries if d.reminder.email == CLLR] == [[("due", ids["Brief the scrutiny panel"])]]
    officer = next(d for d in done.deliveries if d.reminder.email == OFFICER)
    assert officer.body.startswith("Hello,\n")                # not signed in yet: no name
    assert ("  Refresh the contract register\n  Owner: Category Management (not one of its people in the tool, so this "
            "comes to its editors)\n") in officer.body
    assert ids["Publish the pipeline"] not in [i for d in done.deliveries if d.reminder.email != JO
                                               for _, i in kinds(d)]


SAMPLE = """Hello,

These are your reminders from the procurement maturity self-assessment, 21 November 2026.

Due within 7 days
-----------------

* Due 22 November 2026 (tomorrow): Kent County Council, raised in 2026
  Brief the scrutiny panel

Record progress, or mark an action done or dropped, on the Actions page of the self-assessment.

You are sent this because you own these actions or edit the organisation's record. At most one email a day; overdue \
actions once a week.
To stop these emails, switch off "Email me reminders" in the app's sidebar, or ask your organisation's administrator \
(People page).
"""


def test_the_message_reads_as_written(store):
    kent(store)
    (cllr,) = [d for d in run(store).deliveries if d.reminder.email == CLLR]
    assert cllr.subject == "Procurement reminders: 1 action due within 7 days"
    assert cllr.body == SAMPLE


def test_overdue_actions_come_once_a_week_and_due_ones_once(store):
    ids = kent(store)
    pipeline, register, train, brief = (ids[t] for t in ("Publish the pipeline", "Refresh the contract register",
                                                          "Train the buyers", "Brief the scrutiny panel"))
    outbox = Outbox()
    days = {}
    for n in range(15):
        done = run(store, TODAY + timedelta(days=n), outbox)
        days[n] = {d.reminder.email: kinds(d) for d in done.deliveries}
        assert run(store, TODAY + timedelta(days=n), outbox).deliveries == []   # twice a day: never
    assert {n: found for n, found in days.items() if found} == {
        0: {CLLR: [("due", brief)], HEAD: [("due", register)], JO: [("due", pipeline), ("due", register),
                                                                    ("overdue", train)], OFFICER: [("due", register)]},
        2: {CLLR: [("overdue", brief)]},                      # due yesterday: overdue now, first time
        6: {HEAD: [("overdue", register)], OFFICER: [("overdue", register)]},
        7: {JO: [("overdue", train), ("overdue", pipeline), ("overdue", register)]},   # a week after day 0
        9: {CLLR: [("overdue", brief)]},
        13: {HEAD: [("overdue", register)], OFFICER: [("overdue", register)]},
        14: {JO: [("overdue", train), ("overdue", pipeline), ("overdue", register)]}}
    assert len(outbox.sent) == 12


def test_a_new_due_date_is_reminded_again(store):
    ids = kent(store)
    run(store)
    pipeline = ids["Publish the pipeline"]
    workflows.edit_action(store, LOCAL_ACTOR, "kent", pipeline, owner=JO, due=TODAY + timedelta(days=6), rag=None)
    done = run(store, TODAY + timedelta(days=1))
    assert [(d.reminder.email, kinds(d)) for d in done.deliveries] == [(JO, [("due", pipeline)])]


def test_a_person_who_switched_reminders_off_is_sent_nothing(store):
    ids = kent(store)
    jo = Actor(JO, roles={"kent": "editor"})
    assert workflows.reminders_on(store, jo, JO) is True
    workflows.set_reminders(store, jo, JO, False)              # her own
    with pytest.raises(NotAllowed):                            # a colleague may not switch hers
        workflows.set_reminders(store, Actor(OFFICER, roles={"kent": "editor"}), JO, True)
    with pytest.raises(NotAllowed):
        workflows.reminders_on(store, Actor(OFFICER, roles={"kent": "editor"}), JO)
    done = run(store)
    assert sorted(d.reminder.email for d in done.deliveries) == [CLLR, HEAD, OFFICER]
    assert ids["Publish the pipeline"] not in [i for d in done.deliveries for _, i in kinds(d)]   # hers: no one else
    workflows.set_reminders(store, Actor(HEAD, roles={"kent": "administrator"}), JO, True)        # her administrator
    assert [d.reminder.email for d in run(store).deliveries] == [JO]


def test_editors_are_prompted_once_a_year_to_start_a_new_period(store):
    kent(store)
    with store.transaction() as tx:
        tx.s.execute(update(AssessmentRow).values(created_at=datetime(2025, 11, 1, 9, tzinfo=timezone.utc)))
    done = run(store)
    prompted = {d.reminder.email: d for d in done.deliveries if any(i.kind == "new period" for i in d.reminder.items)}
    assert sorted(prompted) == [HEAD, JO, OFFICER]             # not the councillor
    assert ("Kent County Council: its latest period, 2026, was started on 1 November 2025, a year ago or more. Start "
            "2027 on the Start page") in prompted[HEAD].body
    assert prompted[HEAD].subject == "Procurement reminders: 1 action due within 7 days, a new period to start"
    later = [run(store, TODAY + timedelta(days=n)).deliveries for n in (1, 100, 364)]
    assert not any(i.kind == "new period" for found in later for d in found for i in d.reminder.items)
    year = run(store, TODAY + timedelta(days=365)).deliveries
    assert sorted(d.reminder.email for d in year if any(i.kind == "new period" for i in d.reminder.items)) == \
        [HEAD, JO, OFFICER]


def test_a_message_lists_a_limited_number_of_actions_and_a_run_sends_a_limited_number(store, monkeypatch):
    ids = kent(store)
    monkeypatch.setattr(limits, "REMINDER_ACTIONS", 1)
    monkeypatch.setattr(limits, "REMINDERS_PER_RUN", 2)
    first = run(store)
    assert [d.reminder.email for d in first.deliveries] == [CLLR, HEAD] and first.held_back == [JO, OFFICER]
    second = run(store)
    assert [d.reminder.email for d in second.deliveries] == [JO, OFFICER] and second.held_back == []
    jo = second.deliveries[0]
    assert kinds(jo) == [("due", ids["Publish the pipeline"])] and jo.reminder.left_out == 2
    assert "… and 2 more actions, not listed here: see the Actions page." in jo.body
    # what was not listed is not logged as said: the next day lists it
    assert [i["action"] for i in logged(store)[2].items] == [ids["Publish the pipeline"]]
    assert kinds(run(store, TODAY + timedelta(days=1)).deliveries[-1]) == [("due", ids["Refresh the contract register"])]


def test_a_plan_action_rated_delivered_is_neither_due_nor_overdue(store):
    """As the plan's report counts them (`plan_report.delivered_actions`): Medway's example plan has
    five dated actions past their dates, four of them rated Green delivered."""
    from assessment.domain.edits import PlanEdit
    from assessment.domain.plan_report import plan_actions
    workflows.load_examples(store, LOCAL_ACTOR)
    workflows.add_person(store, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    live = plan_actions(workflows.queries.plan_record(store, LOCAL_ACTOR, "medway").record)
    (medway,) = run(store).deliveries
    assert kinds(medway) == [("overdue", live["commercial-2"].id)]      # due 30 September 2022, rated Amber
    assert "Medway Council's plan, raised in 2022/23\n  2. Case Studies\n  No owner is named" in medway.body
    entry = workflows.queries.plan_record(store, LOCAL_ACTOR, "medway").record.period("2023/24").plan_entries[
        ("action", "commercial-2")]
    workflows.rate_plan(store, LOCAL_ACTOR, "medway", "2023/24", [PlanEdit("action", "commercial-2", entry.version,
                                                                           rating="green-delivered")])
    assert run(store, TODAY + timedelta(days=7)).deliveries == []


# ---------------------------------------------------------------- failures, dry runs and the command line

def test_a_message_the_server_refuses_is_logged_as_failed_and_sent_on_the_next_run(store, smtp):
    kent(store)
    smtp.refuse = {OFFICER}
    done = send_over_smtp(store, smtp)
    assert [(d.reminder.email, d.outcome) for d in done.deliveries] == [(CLLR, "sent"), (HEAD, "sent"), (JO, "sent"),
                                                                        (OFFICER, "failed")]
    failed = logged(store)[-1]
    assert (failed.outcome, failed.email) == ("failed", OFFICER)
    assert failed.reason.startswith(f"the mail server refused {OFFICER}: 550 5.1.1 No such mailbox here")
    smtp.refuse = set()
    again = send_over_smtp(store, smtp)
    assert [(d.reminder.email, d.outcome) for d in again.deliveries] == [(OFFICER, "sent")]
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [CLLR, HEAD, JO, OFFICER]


def test_a_server_that_cannot_be_reached_stops_the_run(store):
    kent(store)
    with SmtpMailer(MailSettings("127.0.0.1", SENDER, free_port(), starttls=False)) as mailer:
        done = workflows.notify(store, LOCAL_ACTOR, today=TODAY, mailer=mailer)
    assert [(d.reminder.email, d.outcome) for d in done.deliveries] == [(CLLR, "failed")]
    assert done.stopped.startswith("the mail server 127.0.0.1:") and "could not be used" in done.stopped
    assert [(line.outcome, line.email) for line in logged(store)] == [("failed", CLLR)]


def cli(db_url, *args: str) -> int:
    return main(["--database", db_url, *args])


def test_a_dry_run_sends_nothing_logs_nothing_and_needs_no_mail_settings(store, db_url, smtp, capsys, monkeypatch):
    kent(store)
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    assert cli(db_url, "notify", "run", "--dry-run", "--today", "2026-11-21") == 0
    out = capsys.readouterr().out
    assert f"To: {JO}\nSubject: Procurement reminders: 2 actions due within 7 days, 1 overdue action\n\nHello Jo" \
        in out
    assert out.endswith("dry run for 21 November 2026: 4 messages would be sent; nothing was sent or logged\n")
    assert logged(store) == [] and smtp.received == []
    # a real run with no mail server named: one line naming it, nothing sent
    assert cli(db_url, "notify", "run", "--today", "2026-11-21") == 2
    assert capsys.readouterr().err == ("error: SMTP_HOST is not set: name the mail server reminders are sent through "
                                       "(or use --dry-run, which sends nothing)\n")
    # then through the loopback server, as the timer runs it
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp.settings.port))
    monkeypatch.setenv("SMTP_FROM", f"Procurement self-assessment <{SENDER}>")
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    assert cli(db_url, "notify", "run", "--today", "2026-11-21") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "21 November 2026: 4 reminders sent"
    assert f"sent to {JO}: 2 actions due within 7 days, 1 overdue action" in out
    assert smtp.to(JO)[0]["From"] == f"Procurement self-assessment <{SENDER}>" and smtp.received[0].mail_from == SENDER
    smtp.refuse = {HEAD}
    assert cli(db_url, "notify", "run", "--today", "2026-11-21") == 0    # nothing left to send today
    assert capsys.readouterr().out == "21 November 2026: 0 reminders sent\n"
    assert cli(db_url, "notify", "log", "--limit", "1") == 0
    assert capsys.readouterr().out.endswith(f"sent to {OFFICER}: 1 action due soon\n")


def test_a_failed_message_fails_the_command(store, db_url, smtp, capsys, monkeypatch):
    kent(store)
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp.settings.port))
    monkeypatch.setenv("SMTP_FROM", SENDER)
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    smtp.refuse = {HEAD}
    with pytest.raises(SystemExit) as exited:
        cli(db_url, "notify", "run", "--today", "2026-11-21")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert f"failed to {HEAD}: 1 action due within 7 days (the mail server refused {HEAD}: 550" in out
    assert out.splitlines()[-1] == "21 November 2026: 3 reminders sent, 1 failed"


def test_users_notify_switches_reminders_from_the_command_line(store, db_url, capsys):
    kent(store)
    assert cli(db_url, "users", "notify", "JO@kent.gov.uk", "--off") == 0
    assert capsys.readouterr().out == f"{JO}: reminders by email off\n"
    assert workflows.reminders_on(store, LOCAL_ACTOR, JO) is False
    assert cli(db_url, "users", "list") == 0
    assert f"{JO}\tJo Bloggs\teditor at kent\tlast signed in " in (listed := capsys.readouterr().out)
    assert [line.endswith("\tno reminders by email") for line in listed.splitlines()] == [False, False, True, False]
    assert cli(db_url, "users", "notify", JO) == 2
    assert "say --on or --off" in capsys.readouterr().err
    assert cli(db_url, "users", "notify", "nobody@kent.gov.uk", "--on") == 2
    assert capsys.readouterr().err == "error: no one has been added with the address nobody@kent.gov.uk\n"


# ---------------------------------------------------------------- hostile text

HOSTILE_TEXT = f"Fix the rules\r\nBcc: {EVIL}\r\n\r\nInjected body\x1b[31m"
HOSTILE_OWNER = f"Category Management\r\nBcc: {EVIL}"


def test_line_breaks_in_action_text_owners_and_names_make_no_header(store, smtp):
    kent(store, text=HOSTILE_TEXT, owner=HOSTILE_OWNER)
    workflows.sign_in(store, {"iss": ISSUER, "sub": "officer", "email": OFFICER, "email_verified": True,
                              "name": f"Officer\r\nBcc: {EVIL}"})
    send_over_smtp(store, smtp)
    assert len(smtp.received) == 4
    for received in smtp.received:
        assert EVIL not in received.rcpt_tos and len(received.rcpt_tos) == 1
        assert "Bcc" not in received.message and received.message.get_all("To") == received.rcpt_tos
        assert sorted(received.message.keys()) == ["Auto-Submitted", "Content-Transfer-Encoding", "Content-Type",
                                                   "Date", "From", "MIME-Version", "Message-ID", "Subject", "To"]
    words = words_of(smtp.to(OFFICER)[0])
    assert words.startswith("Hello Officer\\x0d\\x0aBcc: evil@attacker.example,\n")   # the name as kept: escaped
    assert (f"  Fix the rules\n  Bcc: {EVIL}\n  \n  Injected body\\x1b[31m\n  Owner: Category Management Bcc: {EVIL} "
            "(not one of its people in the tool") in words                   # shown as written, indented, escaped


@pytest.mark.parametrize("sender, to, subject_", [
    (SENDER, f"{JO}\r\nBcc: {EVIL}", "Reminders"),
    (SENDER, f"{JO}, {EVIL}", "Reminders"),
    (SENDER, JO.upper(), "Reminders"),
    (f"Kent\r\nBcc: {EVIL} <{SENDER}>", JO, "Reminders"),
    (SENDER, JO, f"Reminders\r\nBcc: {EVIL}"),
])
def test_a_message_with_an_address_or_subject_that_could_make_a_header_is_refused(sender, to, subject_):
    with pytest.raises(InvalidEdit):
        email_message(sender, to, subject_, "Hello")


def test_an_address_with_a_line_break_can_never_be_a_person_or_an_owner(store):
    ids = kent(store)
    with pytest.raises(InvalidEdit):
        workflows.add_person(store, LOCAL_ACTOR, f"{JO}\r\nBcc: {EVIL}", "kent", "editor")
    with pytest.raises(InvalidEdit):
        workflows.edit_action(store, LOCAL_ACTOR, "kent", ids["Publish the pipeline"], owner=f"{JO}\nBcc: {EVIL}",
                              due=None, rag=None)


# ---------------------------------------------------------------- the owner: one of the people, or free text

def test_an_action_is_given_to_one_of_the_people_by_address_or_to_a_team_in_words(store):
    ids = kent(store)
    pipeline = ids["Publish the pipeline"]

    def owner_after(owner):
        return workflows.edit_action(store, LOCAL_ACTOR, "kent", pipeline, owner=owner, due=None, rag=None).owner

    assert owner_after(" Officer@Kent.gov.uk ") == OFFICER       # one of its people, as their address is kept
    assert owner_after("Category Management") == "Category Management"
    assert owner_after("") is None
    with pytest.raises(InvalidEdit, match=f"^{EVIL} has no role at Kent County Council, so cannot own its actions"):
        owner_after(EVIL)
    with pytest.raises(InvalidEdit, match="is not an email address"):
        owner_after("procurement@")
    assert [p.email for p in workflows.action_owners(store, Actor(OFFICER, roles={"kent": "editor"}), "kent")] == \
        [CLLR, HEAD, JO, OFFICER]
    with pytest.raises(NotAllowed):
        workflows.action_owners(store, Actor(CLLR, roles={"kent": "reviewer"}), "kent")
    assert chosen_owner("Jo@Kent.gov.uk", [JO], "Kent") == JO


def test_an_owner_kept_with_an_at_before_is_left_as_it_is_when_progress_is_recorded(store):
    ids = kent(store, owner="procurement@ old team")
    register = ids["Refresh the contract register"]
    kept = workflows.edit_action(store, LOCAL_ACTOR, "kent", register, owner="procurement@ old team",
                                 due=TODAY + timedelta(days=5), rag="amber", status="in progress", note="Half done")
    assert (kept.owner, kept.rag) == ("procurement@ old team", "amber")


# ---------------------------------------------------------------- migration 0011 and backups

def test_migration_0011_adds_the_setting_and_the_log_and_takes_them_away(db_url):
    from assessment.storage.store import migrate, open_store
    engine, _ = database_at(db_url, "0010")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO people (id, email, administers_deployment, added_at) VALUES "
                                "(1, 'jo@kent.gov.uk', false, CURRENT_TIMESTAMP)"))
    engine.dispose()
    store = open_store(db_url)                                   # upgraded to the head
    assert workflows.reminders_on(store, LOCAL_ACTOR, JO) is True
    with store.transaction() as tx:
        tx.log_reminder(TODAY, JO, "sent", "Procurement self-assessment: 1 overdue action",
                        [{"kind": "overdue", "org": "kent", "action": 1, "due": "2026-11-01"}])
    assert [line.describe() for line in logged(store)] == [f"sent to {JO}: 1 action overdue"]
    migrate(store.engine, "0010", downgrade=True)
    with store.engine.connect() as connection:
        found = inspect(connection)
        assert "reminder_log" not in found.get_table_names()
        assert "reminders" not in [c["name"] for c in found.get_columns("people")]
        assert connection.execute(text("SELECT email FROM people")).scalars().all() == [JO]
    migrate(store.engine)                                        # and up again
    assert workflows.reminders_on(store, LOCAL_ACTOR, JO) is True and logged(store) == []
    store.engine.dispose()


def test_the_reminder_log_and_the_opt_outs_are_backed_up_and_restored(store, empty):
    kent(store)
    workflows.set_reminders(store, LOCAL_ACTOR, CLLR, False)
    run(store)
    data = backup(store)
    written = json.loads(data)
    assert written["counts"]["reminder_log"] == 3 and written["format_version"] == backup_module.FORMAT_VERSION
    assert {p["email"]: p["reminders"] for p in written["people"]} == {CLLR: False, HEAD: True, JO: True, OFFICER: True}
    assert [(r["email"], r["outcome"]) for r in written["reminder_log"]] == [(HEAD, "sent"), (JO, "sent"),
                                                                              (OFFICER, "sent")]
    assert list(written["reminder_log"][0]) == ["day", "at", "email", "outcome", "subject", "items", "reason"]
    target = empty()
    assert restore(target, data)["reminder_log"] == 3
    assert backup(target) == data                                  # byte for byte
    assert run(target).deliveries == []                           # the log says they were sent today
    assert workflows.reminders_on(target, LOCAL_ACTOR, CLLR) is False
    with target.transaction() as tx:                               # the id sequence moved on
        tx.log_reminder(TODAY, CLLR, "failed", "x", [], "refused")
    assert len(logged(target)) == 4


def test_a_backup_of_format_8_restores_everyone_sent_reminders_and_no_log(store):
    old = (FIXTURES / "backups" / "minimal-format-8.json").read_bytes()
    assert b'"reminder' not in old
    assert restore(store, old, source="old.json")["reminder_log"] == 0
    assert all(p.reminders for p in workflows.everyone(store, LOCAL_ACTOR)) and logged(store) == []
    assert backup(store) == (FIXTURES / "backups" / "minimal.json").read_bytes()


def test_a_reminder_log_line_not_as_the_tool_keeps_it_is_refused(store):
    data = json.loads((FIXTURES / "backups" / "minimal.json").read_bytes())
    data["reminder_log"] = [{"day": "2026-11-21", "at": "2026-11-21T07:30:00.000000+00:00", "email": JO,
                             "outcome": "bounced", "subject": "x", "items": "[]", "reason": None}]
    data["counts"]["reminder_log"] = 1
    from assessment.domain.errors import InvalidBackup
    with pytest.raises(InvalidBackup) as refused:
        restore(store, json.dumps(data, indent=2).encode(), source="b.json")
    assert [p.where + ": " + p.message for p in refused.value.problems] == [
        'reminder_log[0].outcome: "bounced" is not an outcome ("sent" or "failed")']


# ---------------------------------------------------------------- the timer, and the rules alone

def unit(name: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / "systemd" / name).read_text().splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_the_timer_runs_the_reminders_every_morning():
    timer = unit("assessment-notify.timer")
    assert timer["OnCalendar"] == ["*-*-* 07:30:00"] and timer["Persistent"] == ["true"]
    assert timer["WantedBy"] == ["timers.target"]
    service = unit("assessment-notify.service")
    assert service["Type"] == ["oneshot"] and service["User"] == ["assessment"]
    assert service["ExecStart"] == ["/opt/assessment/.venv/bin/python -m assessment notify run"]
    # no leading "-": without the settings file the unit fails, rather than run on the default SQLite file
    assert service["EnvironmentFile"] == ["/etc/assessment/assessment.env"]


def test_the_subject_is_made_of_counts_only():
    action = DueAction("kent", "", "2026", 7, f"Anything\r\nBcc: {EVIL}", None, TODAY)
    reminder = Reminder(JO, None, (Item("due", "kent", action=action, as_editor=True),))
    assert subject(reminder) == "Procurement reminders: 1 action due within 7 days"
    assert "  No owner is named, so this comes to its editors\n" in body(reminder, {"kent": "Kent"}, TODAY)


# ---------------------------------------------------------------- the pages

def test_the_actions_page_offers_the_councils_people_as_owners_and_people_switches_reminders(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from .conftest import examples_open_for_editing, shown, stored, tables
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    examples_open_for_editing(url)
    store = workflows.connect(url)
    workflows.add_person(store, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.selectbox(key="home.org").set_value("medway").run()
    first = next(a for e in stored(store, "medway").period("2023").entries.values() for a in e.actions)
    workflows.edit_action(store, LOCAL_ACTOR, "medway", first.id, owner="Category Management", due=first.due,
                          rag=None)
    at.switch_page("assessment/ui/actions_page.py").run()
    at.multiselect(key="actions.raised").set_value(["2023"]).run()     # 2022 is approved: its owners as approved
    k = f"actions.edit.{first.id}"
    owner = at.selectbox(key=f"{k}.owner")
    # no owner, the council's people, and the team it has now (typed, a new option: AppTest cannot type one)
    assert owner.options == ["no owner", "head@medway.gov.uk", "Category Management"] and not owner.disabled
    assert owner.value == "Category Management"
    owner.set_value("head@medway.gov.uk")
    at.button(key=f"{k}.save").click().run()
    assert not at.exception, at.exception
    record = stored(store, "medway")
    assert next(a.owner for e in record.period("2023").entries.values() for a in e.actions if a.id == first.id) == \
        "head@medway.gov.uk"
    assert at.selectbox(key=f"{k}.1.owner").options == ["no owner", "head@medway.gov.uk"]
    # People: an administrator switches someone's reminders off
    at.switch_page("assessment/ui/people_page.py").run()
    assert list(tables(at)[0]["Reminders"]) == ["by email"]
    at.selectbox(key="people.reminders.who").set_value("head@medway.gov.uk")
    at.button(key="people.reminders.off").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in shown(at.success)] == ["head@medway.gov.uk is sent no reminders."]
    assert list(tables(at)[0]["Reminders"]) == ["off"]
    assert workflows.reminders_on(store, LOCAL_ACTOR, "head@medway.gov.uk") is False
