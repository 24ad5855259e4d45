"""Respondent rounds by email (issue 30: "the inviter sends it, and reminders send it where mail is
set up"). The rule alone, against hand-worked days: those yet to answer an open round are reminded 7
and 2 days before it closes, each point once, none after it closes, none once submitted or
withdrawn, a point passed before they were invited skipped, one message a person a day (a round
reminder puts a person's action reminders off a day). Through the application layer, on SQLite and
PostgreSQL: a reminder to someone answering through a link carries a fresh link, the old one stops
working and their saved answers stay; nothing of a token is kept in any table, the reminder log or a
backup; a message not sent changes no link; an invitation emailed, or, where mail is not set up,
made and its link shown. The command line (`round invite --send`, `notify run`) through click's
CliRunner and a mail server on loopback."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select, text

from assessment import workflows
from assessment.cli import cli
from assessment.domain.errors import AssessmentError, NotAllowed
from assessment.domain.people import Person
from assessment.domain.reminders import DueAction, LoggedReminder, Sent, reminders
from assessment.domain.round_reminders import (NO_LINK_YET, POINTS, Link, as_sent, fresh_link_expiry,
                                               invitation_body, point_reached, reminder_body, reminder_subject,
                                               round_reminders)
from assessment.domain.rounds import Invitation, Profile, Round, RoundError, token_hash
from assessment.workflows import LOCAL_ACTOR, Actor, MailFailed
from assessment.workflows.round_mail import MAIL_NOT_SET_UP, send_invitation

from .test_notify import Inbox, Outbox, free_port, smtp, words_of  # noqa: F401 - smtp is a fixture (a mail server)

BASE = "https://assessment.kent.gov.uk"
SENDER = "assessment@kent.gov.uk"
HEAD, OFFICER, PARTNER, OTHER = "head@kent.gov.uk", "officer@kent.gov.uk", "jo@partner.org", "sam@partner.org"
UTC = timezone.utc

# ---------------------------------------------------------------- the rule alone, on hand-worked days

CLOSES = date(2026, 11, 30)
PROFILE = Profile("Finance", ("partner body",), "partner body")


def a_round(round_id: int = 1, closes: date = CLOSES, state: str = "open") -> Round:
    return Round("kent", "2026", closes, state=state, id=round_id)


def invited(n: int, email: str = PARTNER, *, on: date = date(2026, 11, 1), link: bool = True, round_id: int = 1,
            **kwargs) -> Invitation:
    return Invitation(round_id, PROFILE, email=email, link=link, id=n,
                      invited_at=datetime.combine(on, datetime.min.time(), UTC).replace(hour=15), **kwargs)


def walk(rounds, people=(), *, start=date(2026, 11, 1), end=date(2026, 12, 5), log=()):
    """Every day's round reminders from `start` to `end`, each day's kept as the log would keep it:
    day -> [(email, [(round, point), ...])]."""
    kept, found, day = list(log), {}, start
    while day <= end:
        today = round_reminders(day, rounds, people, kept)
        if today:
            found[day] = [(r.email, [(i.round.id, i.point) for i in r.items]) for r in today]
        kept += as_sent(today, day)
        day += timedelta(days=1)
    return found


def test_the_points_are_seven_and_two_days_before_the_close_and_none_after_it():
    assert POINTS == (7, 2)
    assert [point_reached(date(2026, 11, d), CLOSES) for d in (22, 23, 27, 28, 29, 30)] == [None, 7, 7, 2, 2, 2]
    assert point_reached(date(2026, 12, 1), CLOSES) is None                     # the day after the close


def test_each_point_is_reminded_once_on_its_day():
    assert walk([(a_round(), [invited(1)])]) == {date(2026, 11, 23): [(PARTNER, [(1, 7)])],
                                                 date(2026, 11, 28): [(PARTNER, [(1, 2)])]}


def test_a_morning_missed_is_made_up_the_next_day_and_a_point_passed_is_not_sent_late():
    rounds = [(a_round(), [invited(1)])]
    # no run on the 23rd: the 7-day point on the 24th; no run from the 27th to the 29th: the 2-day one on the 30th
    assert walk(rounds, start=date(2026, 11, 24), end=date(2026, 11, 26)) == {date(2026, 11, 24): [(PARTNER, [(1, 7)])]}
    log = as_sent(round_reminders(date(2026, 11, 24), rounds, [], []), date(2026, 11, 24))
    assert walk(rounds, start=date(2026, 11, 30), log=log) == {date(2026, 11, 30): [(PARTNER, [(1, 2)])]}
    # nothing run until the 28th: the 2-day point only; the 7-day one is never sent after it
    assert walk(rounds, start=date(2026, 11, 28)) == {date(2026, 11, 28): [(PARTNER, [(1, 2)])]}


def test_submitted_withdrawn_closed_and_draft_rounds_are_not_reminded():
    gone = datetime(2026, 11, 2, tzinfo=UTC)
    assert walk([(a_round(), [invited(1, submitted=True), invited(2, OTHER, revoked_at=gone)])]) == {}
    assert walk([(a_round(state="closed"), [invited(1)])]) == {}
    assert walk([(a_round(state="draft"), [invited(1)])]) == {}
    assert walk([(a_round(state="applied"), [invited(1)])]) == {}


def test_a_point_passed_before_the_invitation_is_skipped():
    late = [(a_round(), [invited(1, on=date(2026, 11, 25))])]      # 5 days before the close
    assert walk(late) == {date(2026, 11, 28): [(PARTNER, [(1, 2)])]}
    on_the_day = [(a_round(), [invited(1, on=date(2026, 11, 23))])]   # on the 7-day point's day: its next one only
    assert walk(on_the_day) == {date(2026, 11, 28): [(PARTNER, [(1, 2)])]}
    assert walk([(a_round(), [invited(1, on=date(2026, 11, 28))])]) == {}   # two days before: just asked


def test_a_closing_date_moved_is_reminded_again():
    first = walk([(a_round(), [invited(1)])], end=date(2026, 11, 28))
    log = [Sent(day, email, tuple({"kind": "round", "org": "kent", "round": 1, "invitation": 1, "point": point,
                                   "closes": CLOSES.isoformat()} for _, point in items))
           for day, found in first.items() for email, items in found]
    later = a_round(closes=date(2026, 12, 14))
    assert walk([(later, [invited(1)])], start=date(2026, 11, 29), end=date(2026, 12, 20), log=log) == {
        date(2026, 12, 7): [(PARTNER, [(1, 7)])], date(2026, 12, 12): [(PARTNER, [(1, 2)])]}


def test_people_signed_in_are_reminded_unless_they_switched_reminders_off_or_have_no_account():
    officer = invited(2, OFFICER, link=False)
    rounds = [(a_round(), [invited(1), officer])]
    on = [Person(OFFICER, "Olu Officer", roles={"kent": "editor"})]
    found = round_reminders(date(2026, 11, 23), rounds, on, [])
    assert [(r.email, r.name, r.by_link) for r in found] == [(PARTNER, None, True), (OFFICER, "Olu Officer", False)]
    off = [Person(OFFICER, roles={"kent": "editor"}, reminders=False)]
    assert [r.email for r in round_reminders(date(2026, 11, 23), rounds, off, [])] == [PARTNER]
    assert [r.email for r in round_reminders(date(2026, 11, 23), rounds, [], [])] == [PARTNER]   # no account now


def test_one_message_a_day_a_persons_rounds_go_together_and_their_action_reminders_wait_a_day():
    two = [(a_round(1), [invited(1)]), (a_round(2, closes=date(2026, 11, 30)), [invited(2, round_id=2)])]
    (both,) = round_reminders(date(2026, 11, 23), two, [], [])
    assert [(i.round.id, i.point) for i in both.items] == [(1, 7), (2, 7)]
    assert reminder_subject(both) == "Reminder: your views on procurement, 2 rounds"
    # a message sent earlier today (an action reminder, an invitation) puts the round reminder off a day
    earlier = [Sent(date(2026, 11, 23), PARTNER, ({"kind": "due", "org": "kent", "action": 9, "due": "2026-11-25"},))]
    assert round_reminders(date(2026, 11, 23), two, [], earlier) == []
    assert [r.email for r in round_reminders(date(2026, 11, 24), two, [], earlier)] == [PARTNER]
    # and a round reminder puts the person's action reminders off to the next day
    officer = Person(OFFICER, roles={"kent": "editor"})
    rounds = [(a_round(), [invited(3, OFFICER, link=False)])]
    action = DueAction("kent", "", "2026", 7, "Publish the pipeline", OFFICER, date(2026, 11, 25))
    today = round_reminders(date(2026, 11, 23), rounds, [officer], [])
    assert [r.email for r in today] == [OFFICER]
    assert reminders(date(2026, 11, 23), [officer], [action], [], as_sent(today, date(2026, 11, 23))) == []
    assert [r.email for r in reminders(date(2026, 11, 24), [officer], [action], [], as_sent(today, date(2026, 11, 23)))] \
        == [OFFICER]


def test_a_fresh_link_lasts_thirty_days_at_most_and_a_week_past_the_close():
    now = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert fresh_link_expiry(now, CLOSES) == datetime(2026, 12, 8, tzinfo=UTC)        # end of 7 December
    assert fresh_link_expiry(now, date(2027, 1, 31)) == now + timedelta(days=30)


REMINDER = """Hello,

This is a reminder from the procurement maturity self-assessment, 23 November 2026.

Kent County Council has asked for your views on its procurement for 2026 (round 1). You have not submitted \
your answers yet; the round closes on 30 November 2026 (in 7 days).

Your new link, for you alone (valid until 7 December 2026):
https://assessment.kent.gov.uk/?link=TOKEN

The link you were sent before no longer works: use this one. Any answers you saved are kept.

You can save your answers and come back to them, and submit them once when you are done.

You are sent this because you were invited to give your views and have not submitted them. Reminders come 7 days \
and 2 days before a round closes, at most one email a day.
If you would rather not answer, ignore this email, or ask whoever invited you to withdraw the invitation.
"""


def test_the_reminders_read_as_written():
    (partner,) = round_reminders(date(2026, 11, 23), [(a_round(), [invited(1)])], [], [])
    assert reminder_subject(partner) == "Reminder: your views on procurement, by 30 November 2026"
    link = Link(f"{BASE}/?link=TOKEN", datetime(2026, 12, 8, tzinfo=UTC) - timedelta(seconds=1))
    orgs = {"kent": "Kent County Council"}
    assert reminder_body(partner, orgs, date(2026, 11, 23), BASE, {1: link}) == REMINDER
    dry = reminder_body(partner, orgs, date(2026, 11, 23), BASE, None)
    assert NO_LINK_YET in dry and "link=" not in dry
    (officer,) = round_reminders(date(2026, 11, 28), [(a_round(), [invited(2, OFFICER, link=False)])],
                                 [Person(OFFICER, "Olu\r\nBcc: evil@attacker.example")], [])
    words = reminder_body(officer, orgs, date(2026, 11, 28), BASE + "/", None)
    assert words.startswith("Hello Olu Bcc: evil@attacker.example,\n")           # one line, as written
    assert "the round closes on 30 November 2026 (in 2 days).\n\nSign in and answer on the Your views page: " \
        "https://assessment.kent.gov.uk/views\n" in words
    assert "no longer works" not in words and 'switch off "Email me reminders"' in words
    assert "by 30 November 2026" in reminder_subject(officer) and "Kent" not in reminder_subject(officer)


def test_an_invitation_reads_as_written():
    link = Link(f"{BASE}/?link=TOKEN", datetime(2026, 12, 21, 9, tzinfo=UTC))
    words = invitation_body(a_round(), "Kent County Council", BASE, link, HEAD)
    assert words.startswith("Hello,\n\nKent County Council is assessing the maturity of its procurement for 2026 "
                            "and asks for your views")
    assert "The round closes on 30 November 2026.\n\nYour link, for you alone (valid until 21 December 2026; " \
        "please do not pass it on):\nhttps://assessment.kent.gov.uk/?link=TOKEN\n" in words
    assert f"You were invited by {HEAD}: ask them if you have a question." in words
    signed_in = invitation_body(a_round(), "Kent County Council", BASE, None, "local user")
    assert "Your views page: https://assessment.kent.gov.uk/views" in signed_in and "invited by" not in signed_in


def test_the_log_line_says_what_was_sent():
    items = ({"kind": "round", "org": "kent", "round": 1, "invitation": 1, "point": 7, "closes": "2026-11-30"},)
    assert LoggedReminder(date(2026, 11, 23), None, PARTNER, "sent", "s", items).describe() == \
        f"sent to {PARTNER}: 1 reminder to answer a round"
    invitation = ({"kind": "invitation", "org": "kent", "round": 1, "invitation": 1},)
    assert LoggedReminder(date(2026, 11, 23), None, PARTNER, "failed", "s", invitation, "refused").describe() == \
        f"failed to {PARTNER}: 1 invitation to answer a round (refused)"


# ---------------------------------------------------------------- through the application layer

TODAY = date.today()
OPEN_CLOSES = TODAY + timedelta(days=10)
SEVEN_BEFORE, TWO_BEFORE = OPEN_CLOSES - timedelta(days=7), OPEN_CLOSES - timedelta(days=2)
PERIOD = str(TODAY.year)
LINK = re.compile(r"\?link=([A-Za-z0-9_-]+)")


def kent_round(store) -> tuple[int, str]:
    """Kent, its administrator and an editor, a draft period and a round on objectives 1 and 2
    closing in 10 days; a partner invited by link and the editor (signed in). The round's id and the
    partner's link's token."""
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council")
    workflows.add_person(store, LOCAL_ACTOR, HEAD, "kent", "administrator")
    workflows.add_person(store, LOCAL_ACTOR, OFFICER, "kent", "editor")
    workflows.start_period(store, LOCAL_ACTOR, "kent", PERIOD, framework_id="nps-2018")
    made = workflows.open_round(store, LOCAL_ACTOR, "kent", PERIOD, closes=OPEN_CLOSES, items=["1", "2"])
    assert made.id is not None
    partner = workflows.invite(store, LOCAL_ACTOR, made.id, PARTNER, department="Finance",
                               perspectives=["partner body"])
    workflows.invite(store, LOCAL_ACTOR, made.id, OFFICER, department="Procurement",
                     perspectives=["procurement officer"])
    assert partner.token is not None
    return made.id, partner.token


def run(store, day: date, mailer=None, base_url: str | None = BASE):
    return workflows.notify(store, LOCAL_ACTOR, today=day, mailer=mailer, base_url=base_url)


def token_in(body: str) -> str:
    (token,) = LINK.findall(body)
    return token


def everything_stored(store) -> str:
    """Every value of every table, as text."""
    with store.engine.connect() as connection:
        found = []
        for table in inspect(connection).get_table_names():
            found += [repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(found)


def test_a_reminder_gives_a_fresh_link_the_old_one_stops_and_saved_answers_stay(store):
    round_id, old = kent_round(store)
    workflows.answer_by_link(store, old, {"1": ("2", "Partly there")})
    outbox = Outbox()
    assert run(store, SEVEN_BEFORE - timedelta(days=1), outbox).deliveries == []      # not yet
    done = run(store, SEVEN_BEFORE, outbox)
    assert sorted((d.reminder.email, d.outcome) for d in done.deliveries) == [(PARTNER, "sent"), (OFFICER, "sent")]
    (to, subject, body), = [m for m in outbox.sent if m[0] == PARTNER]
    assert subject == f"Reminder: your views on procurement, by {OPEN_CLOSES.day} {OPEN_CLOSES:%B %Y}"
    assert "Kent County Council has asked for your views on its procurement for " + PERIOD in body
    assert "The link you were sent before no longer works: use this one." in body
    new = token_in(body)
    assert new != old and f"{BASE}/?link={new}\n" in body
    with pytest.raises(NotAllowed, match="not valid"):
        workflows.questionnaire_by_link(store, old)
    with pytest.raises(NotAllowed, match="not valid"):
        workflows.answer_by_link(store, old, {"1": ("5", "")})
    back = workflows.questionnaire_by_link(store, new)
    assert back.answers["1"].value == 2 and back.answers["1"].comment == "Partly there"
    (partner,) = [i for i in workflows.queries.round_view(store, LOCAL_ACTOR, round_id).invitations
                  if i.email == PARTNER]
    now = datetime.now(UTC)
    assert partner.expires_at is not None and now < partner.expires_at <= now + timedelta(days=30)
    assert partner.expires_at <= datetime.combine(OPEN_CLOSES + timedelta(days=8), datetime.min.time(), UTC)
    # the officer is told where to answer signed in, with no link
    (officer_body,) = [m[2] for m in outbox.sent if m[0] == OFFICER]
    assert f"Your views page: {BASE}/views" in officer_body and "link=" not in officer_body
    # each point once: nothing more until two days before, then only the partner is left to remind
    for n in range(1, 5):
        assert run(store, SEVEN_BEFORE + timedelta(days=n), outbox).deliveries == []
    workflows.answer_as(store, Actor(OFFICER, roles={"kent": "editor"}), round_id, {"1": ("3", ""), "2": ("3", "")},
                        submit=True)
    again = run(store, TWO_BEFORE, outbox)
    assert [(d.reminder.email, d.outcome) for d in again.deliveries] == [(PARTNER, "sent")]
    newer = token_in(outbox.sent[-1][2])
    with pytest.raises(NotAllowed):
        workflows.questionnaire_by_link(store, new)
    workflows.answer_by_link(store, newer, {"1": ("2", "Partly there"), "2": ("3", "")}, submit=True)
    assert workflows.round_spread(store, LOCAL_ACTOR, round_id).answered == 2
    assert run(store, TWO_BEFORE + timedelta(days=1), outbox).deliveries == []
    assert run(store, OPEN_CLOSES + timedelta(days=1), outbox).deliveries == []
    lines = [line for line in workflows.reminder_log(store, LOCAL_ACTOR)]
    assert sorted(line.describe() for line in lines) == sorted([f"sent to {OFFICER}: 1 reminder to answer a round",
                                                                f"sent to {PARTNER}: 1 reminder to answer a round",
                                                                f"sent to {PARTNER}: 1 reminder to answer a round"])


def test_nothing_of_a_token_is_kept_in_any_table_the_log_or_a_backup(store):
    round_id, old = kent_round(store)
    outbox = Outbox()
    run(store, SEVEN_BEFORE, outbox)
    new = token_in(next(m[2] for m in outbox.sent if m[0] == PARTNER))
    kept = everything_stored(store)
    for token in (old, new):
        assert token not in kept
    assert token_hash(new) in kept and token_hash(old) not in kept        # the new link's hash replaced the old
    assert "link=" not in kept and BASE not in kept
    for line in workflows.reminder_log(store, LOCAL_ACTOR):
        assert "link" not in repr(line) and BASE not in repr(line)
        assert [sorted(item) for item in line.items] == [["closes", "invitation", "kind", "org", "point", "round"]]
    backup = workflows.backup(store, LOCAL_ACTOR)
    assert old.encode() not in backup and new.encode() not in backup


class Refusing(Outbox):
    """A mail server that refuses one address."""

    def __init__(self, refused: str):
        super().__init__()
        self.refused = refused

    def send(self, to: str, subject_: str, body_: str) -> None:
        if to == self.refused:
            raise MailFailed(f"the mail server refused {to}: 550 5.1.1 No such mailbox here")
        super().send(to, subject_, body_)


def test_a_reminder_not_sent_changes_no_link_and_is_tried_again_the_next_day(store):
    round_id, old = kent_round(store)
    done = run(store, SEVEN_BEFORE, Refusing(PARTNER))
    assert sorted((d.reminder.email, d.outcome) for d in done.deliveries) == [(PARTNER, "failed"), (OFFICER, "sent")]
    assert workflows.questionnaire_by_link(store, old).round.id == round_id       # still works
    failed = [line for line in workflows.reminder_log(store, LOCAL_ACTOR) if line.outcome == "failed"]
    assert [line.email for line in failed] == [PARTNER] and "550 5.1.1" in (failed[0].reason or "")
    outbox = Outbox()
    assert [d.reminder.email for d in run(store, SEVEN_BEFORE + timedelta(days=1), outbox).deliveries] == [PARTNER]
    workflows.questionnaire_by_link(store, token_in(outbox.sent[0][2]))


def test_a_dry_run_makes_no_link_and_no_run_without_the_apps_address_reminds_a_round(store):
    _, old = kent_round(store)
    dry = run(store, SEVEN_BEFORE, None)
    assert sorted((d.reminder.email, d.outcome) for d in dry.deliveries) == [(PARTNER, "dry run"), (OFFICER, "dry run")]
    assert NO_LINK_YET in next(d.body for d in dry.deliveries if d.reminder.email == PARTNER)
    workflows.questionnaire_by_link(store, old)                                    # untouched
    assert workflows.reminder_log(store, LOCAL_ACTOR) == []
    assert run(store, SEVEN_BEFORE, Outbox(), base_url=None).deliveries == []      # action reminders only


def test_the_replaced_link_is_refused_for_a_withdrawn_submitted_or_signed_in_invitation(store):
    round_id, old = kent_round(store)
    expires = datetime.now(UTC) + timedelta(days=5)
    with store.transaction(write=False) as tx:
        partner, officer = sorted(tx.invitations(round_id), key=lambda i: i.email != PARTNER)
    with pytest.raises(RoundError, match="answered signed in"):
        with store.transaction() as tx:
            tx.replace_invitation_link(officer.id, token_hash("x"), expires)
    with pytest.raises(RoundError, match="within 30 days"):
        with store.transaction() as tx:
            tx.replace_invitation_link(partner.id, token_hash("x"), expires + timedelta(days=30))
    with pytest.raises(RoundError, match="SHA-256"):
        with store.transaction() as tx:
            tx.replace_invitation_link(partner.id, "the token itself", expires)
    workflows.revoke(store, LOCAL_ACTOR, round_id, PARTNER)
    with pytest.raises(RoundError, match="withdrawn"):
        with store.transaction() as tx:
            tx.replace_invitation_link(partner.id, token_hash("x"), expires)
    assert run(store, SEVEN_BEFORE, Outbox()).deliveries[0].reminder.email == OFFICER   # the partner: no more


# ---------------------------------------------------------------- the invitation sent by email

def test_an_invitation_is_emailed_with_its_link_and_logged_without_it(store):
    round_id, _ = kent_round(store)
    outbox = Outbox()
    done = send_invitation(store, LOCAL_ACTOR, round_id, OTHER, department="Legal", perspectives=["legal"],
                           base_url=BASE, mailer=outbox)
    assert done.outcome == "sent" and done.invited.token is not None
    ((to, subject, body),) = outbox.sent
    assert to == OTHER and subject == f"Your views on procurement, by {OPEN_CLOSES.day} {OPEN_CLOSES:%B %Y}"
    assert token_in(body) == done.invited.token and done.link == f"{BASE}/?link={done.invited.token}"
    assert workflows.questionnaire_by_link(store, done.invited.token).profile.department == "Legal"
    (line,) = workflows.reminder_log(store, LOCAL_ACTOR)
    assert line.describe() == f"sent to {OTHER}: 1 invitation to answer a round" and "link" not in repr(line)
    assert done.invited.token not in everything_stored(store)
    # an editor of another council may not invite to Kent's round, nor email anyone in its name
    with pytest.raises(NotAllowed):
        send_invitation(store, Actor("head@medway.gov.uk", roles={"medway": "editor"}), round_id, "x@partner.org",
                        department="Legal", perspectives=["legal"], base_url=BASE, mailer=outbox)
    assert len(outbox.sent) == 1


def test_where_mail_is_not_set_up_the_invitation_is_made_and_nothing_sent(store):
    round_id, _ = kent_round(store)
    done = send_invitation(store, LOCAL_ACTOR, round_id, OTHER, department="Legal", perspectives=["legal"],
                           base_url=BASE, mailer=None)
    assert (done.outcome, done.reason) == ("not sent", MAIL_NOT_SET_UP)
    assert done.invited.token is not None and done.link == f"{BASE}/?link={done.invited.token}"
    workflows.questionnaire_by_link(store, done.invited.token)
    assert workflows.reminder_log(store, LOCAL_ACTOR) == []


# ---------------------------------------------------------------- the command line

NO_MAIL = {"SMTP_HOST": None, "SMTP_PORT": None, "SMTP_FROM": None, "SMTP_USER": None, "SMTP_PASSWORD": None,
           "SMTP_STARTTLS": None, "AUTH_REDIRECT_URI": None}


def mail_env(inbox) -> dict[str, str | None]:
    return {**NO_MAIL, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox.settings.port), "SMTP_FROM": SENDER,
            "SMTP_STARTTLS": "false"}


def invoke(db_url: str, env: dict, *args: str):
    return CliRunner().invoke(cli, ["--database", db_url, *args], env=env, catch_exceptions=False)


def test_round_invite_send_emails_the_invitation_or_says_mail_is_not_set_up(store, db_url, smtp):
    round_id, _ = kent_round(store)
    invite = ["round", "invite", str(round_id), "--department", "Legal", "--perspective", "legal", "--send"]
    done = invoke(db_url, mail_env(smtp), *invite, "--email", OTHER)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(f"{OTHER} is invited to round {round_id}; the invitation was emailed to them "
                                  "(their link, valid until ") and "link=" not in done.stdout
    (message,) = smtp.to(OTHER)
    assert message["From"] == SENDER and message["Subject"].startswith("Your views on procurement, by ")
    token = token_in(words_of(message))
    assert words_of(message).count("http://localhost:") == 1            # local mode: this machine's address
    workflows.questionnaire_by_link(store, token)
    # someone with an account is told where to answer signed in
    workflows.add_person(store, LOCAL_ACTOR, "cllr@kent.gov.uk", "kent", "reviewer")
    signed_in = invoke(db_url, mail_env(smtp), *invite, "--email", "cllr@kent.gov.uk")
    assert signed_in.stdout == (f"cllr@kent.gov.uk is invited to round {round_id}; the invitation was emailed to "
                                "them (they answer signed in)\n")
    assert "/views" in words_of(smtp.to("cllr@kent.gov.uk")[0])
    # no mail server: said on standard error, and the link printed as without --send
    unset = invoke(db_url, NO_MAIL, *invite, "--email", "late@partner.org")
    assert unset.exit_code == 0
    assert unset.stderr == f"late@partner.org is invited to round {round_id}; {MAIL_NOT_SET_UP}\n"
    printed = unset.stdout.splitlines()
    assert printed[0].startswith(f"late@partner.org is invited to round {round_id}; send them their link yourself")
    workflows.questionnaire_by_link(store, token_in(printed[1]))
    assert len(smtp.received) == 2
    # a server that refuses it: the reason, the link, exit status 1
    smtp.refuse = {"refused@partner.org"}
    refused = invoke(db_url, mail_env(smtp), *invite, "--email", "refused@partner.org")
    assert refused.exit_code == 1 and "the mail server refused refused@partner.org: 550" in refused.stderr
    workflows.questionnaire_by_link(store, token_in(refused.stdout))
    log = [line.describe() for line in workflows.reminder_log(store, LOCAL_ACTOR)]
    assert sorted(line.split(" (")[0] for line in log) == sorted([
        f"sent to {OTHER}: 1 invitation to answer a round", "sent to cllr@kent.gov.uk: 1 invitation to answer a round",
        "failed to refused@partner.org: 1 invitation to answer a round"])


def test_notify_run_sends_the_round_reminders_with_a_fresh_link(store, db_url, smtp):
    round_id, old = kent_round(store)
    day = SEVEN_BEFORE.isoformat()
    dry = invoke(db_url, NO_MAIL, "notify", "run", "--dry-run", "--today", day)
    assert dry.exit_code == 0 and f"To: {PARTNER}\nSubject: Reminder: your views on procurement, by " in dry.stdout
    assert NO_LINK_YET in dry.stdout and "2 messages would be sent; nothing was sent or logged" in dry.stdout
    workflows.questionnaire_by_link(store, old)
    done = invoke(db_url, mail_env(smtp), "notify", "run", "--today", day)
    assert done.exit_code == 0, done.output
    assert f"sent to {PARTNER}: a reminder to answer round {round_id}, closing " in done.stdout
    assert done.stdout.splitlines()[-1].endswith(": 2 reminders sent")
    (message,) = smtp.to(PARTNER)
    fresh = token_in(words_of(message))
    workflows.questionnaire_by_link(store, fresh)
    with pytest.raises(NotAllowed):
        workflows.questionnaire_by_link(store, old)
    assert invoke(db_url, mail_env(smtp), "notify", "run", "--today", day).stdout.endswith(": 0 reminders sent\n")
    logged = invoke(db_url, NO_MAIL, "notify", "log")
    assert f"sent to {PARTNER}: 1 reminder to answer a round" in logged.stdout and fresh not in logged.stdout


def test_a_token_is_refused_by_the_store_once_its_invitation_is_submitted(store):
    round_id, old = kent_round(store)
    workflows.answer_by_link(store, old, {"1": ("3", "")}, submit=True)
    with store.transaction(write=False) as tx:
        (partner,) = [i for i in tx.invitations(round_id) if i.email == PARTNER]
    with pytest.raises(AssessmentError, match="submitted already"):
        with store.transaction() as tx:
            tx.replace_invitation_link(partner.id, token_hash("x"), datetime.now(UTC) + timedelta(days=1))
    with store.engine.connect() as connection:
        from assessment.storage.tables import InvitationRow
        assert connection.execute(select(InvitationRow.token_hash).where(InvitationRow.id == partner.id)).scalar() \
            == token_hash(old)


def test_notify_run_without_the_apps_address_sends_the_other_reminders_and_says_why(store, db_url):
    kent_round(store)
    done = invoke(db_url, {**NO_MAIL, "ASSESSMENT_PORT": "abc"}, "notify", "run", "--dry-run", "--today",
                  SEVEN_BEFORE.isoformat())
    assert done.exit_code == 0
    assert done.stderr == ("round reminders left for a later run: the app's address is not known (ASSESSMENT_PORT "
                           "is not a port number (1 to 65535): abc)\n")
    assert "0 messages would be sent" in done.stdout
