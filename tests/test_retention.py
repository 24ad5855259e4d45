"""Retention of personal data (issue 29, part 2): `retention run` removes sign-in log lines, refused
sign-ins, drafts left unsaved and reminder log lines older than the days the deployment keeps each
(`ASSESSMENT_KEEP_*_DAYS`), and respondents' answers (with their invitations) of rounds applied
longer ago than that (issue 30), of anyone, and says what it removed; a dry run counts the same and
removes nothing; only the deployment's administrator may run it; a setting that is wrong is one
line naming it. Rows just inside each limit stay, rows just outside go. Run on SQLite and
PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from assessment import settings, workflows
from assessment.cli import main
from assessment.domain.edits import EntryEdit, fields_json
from assessment.domain.errors import NotAllowed
from assessment.domain.reminders import PROMPT_EVERY
from assessment.domain.retention import (ANSWERS, DRAFTS, KEPT, REFUSED_SIGN_INS, REMINDER_LOG, SIGN_INS,
                                         Kept, cut_off)
from assessment.storage.tables import (AssessmentRow, DraftRow, InvitationRow, ModerationRow, ReminderLogRow,
                                       ResponseRow, RoundRow, SignInLogRow)
from assessment.workflows import LOCAL_ACTOR, Actor, queries

from .conftest import ROOT, save_record, stored

TODAY = date(2026, 12, 5)
DAYS = {kept.kind: kept.default_days for kept in KEPT}   # 365, 90, 90, 400, 365
EDITOR = "officer@kent.gov.uk"
SECOND = timedelta(seconds=1)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def inside(kind: str) -> datetime:
    """The oldest moment still kept of `kind` on TODAY: the start of its cut-off day (UTC)."""
    return start_of(cut_off(TODAY, DAYS[kind]))


def seeded(store) -> dict[str, int]:
    """Kent with a period 2026 and, for each kind, a row just inside its limit and one just outside:
    sign-in log lines (a bound one kept, an unbound one a second too old, a bound one 200 days old
    kept, as refusals are not its kind), refused sign-ins (one kept, one a second too old, one 200
    days old), two drafts (the local user's kept, an editor's a second too old), two reminder log
    lines (of the cut-off day, and of the day before) and three rounds (`rounds`): one applied a
    second too long ago, one applied at the start of the cut-off day, one open whose last change
    is long past. Returns the rounds' ids by name."""
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council")
    workflows.add_person(store, LOCAL_ACTOR, EDITOR, "kent", "editor")
    workflows.start_period(store, LOCAL_ACTOR, "kent", "2026", framework_id="nps-2018")
    workflows.keep_draft(store, LOCAL_ACTOR, "kent", "2026", EntryEdit("1", base_version=0, comment="Kept"))
    editor = Actor(EDITOR, roles={"kent": "editor"})
    workflows.keep_draft(store, editor, "kent", "2026", EntryEdit("2", base_version=0, comment="Left"))
    sign_ins, refused = inside(SIGN_INS), inside(REFUSED_SIGN_INS)
    rows = [("bound", sign_ins), ("unbound", sign_ins - SECOND), ("bound", start_of(TODAY - timedelta(days=200))),
            ("refused", refused), ("refused", refused - SECOND), ("refused", start_of(TODAY - timedelta(days=200)))]
    reminder_day = cut_off(TODAY, DAYS[REMINDER_LOG])
    with store.transaction() as tx:
        for n, (kind, at) in enumerate(rows):
            tx.s.add(SignInLogRow(at=at, kind=kind, email=f"person{n}@kent.gov.uk", reason="test"))
        tx.s.execute(update(DraftRow).where(DraftRow.person == LOCAL_ACTOR.name).values(updated_at=inside(DRAFTS)))
        tx.s.execute(update(DraftRow).where(DraftRow.person == EDITOR).values(updated_at=inside(DRAFTS) - SECOND))
        for day in (reminder_day, reminder_day - timedelta(days=1)):
            tx.log_reminder(day, EDITOR, "sent", "Procurement reminders", [{"kind": "due", "org": "kent"}])
    return rounds(store)


def answered(store, item: str, mode: str, submitted: int, unsubmitted: int = 0) -> int:
    """A round on Kent's 2026 asking objective `item`, with people invited by link: `submitted` of
    them submit an answer, `unsubmitted` save one and no more."""
    made = workflows.open_round(store, LOCAL_ACTOR, "kent", "2026", closes=date.today() + timedelta(days=10),
                                items=[item], mode=mode, k=3)
    assert made.id is not None
    for n in range(submitted + unsubmitted):
        token = workflows.invite(store, LOCAL_ACTOR, made.id, f"respondent{n}.{item}@partner.org",
                                 department="Finance", perspectives=["finance"]).token
        assert token is not None
        workflows.answer_by_link(store, token, {item: ("3", f"Answer {n} on {item}")}, submit=n < submitted)
    return made.id


def applied(store, round_id: int, item: str, at: datetime) -> None:
    """Close the round, agree 3 for `item` and apply it, as if on `at`."""
    workflows.close_round(store, LOCAL_ACTOR, round_id)
    workflows.moderate(store, LOCAL_ACTOR, round_id, item, "3", rationale="As the officers found")
    workflows.apply_round(store, LOCAL_ACTOR, round_id)
    with store.transaction() as tx:
        tx.s.execute(update(RoundRow).where(RoundRow.id == round_id).values(changed_at=at))


def rounds(store) -> dict[str, int]:
    """Objectives other than the drafts' (1 and 2), so that applying a round leaves those alone: a
    confidential round on 10 (one answer submitted, one saved only) applied a second before the
    cut-off day; an anonymous one on 11 applied at its start (kept); one on 12 still open (kept,
    however long ago it last changed)."""
    found = {"long ago": answered(store, "10", "confidential", submitted=1, unsubmitted=1)}
    applied(store, found["long ago"], "10", inside(ANSWERS) - SECOND)
    found["recently"] = answered(store, "11", "anonymous", submitted=1)
    applied(store, found["recently"], "11", inside(ANSWERS))
    found["open"] = answered(store, "12", "confidential", submitted=0, unsubmitted=1)
    with store.transaction() as tx:
        tx.s.execute(update(RoundRow).where(RoundRow.id == found["open"])
                     .values(changed_at=start_of(TODAY - timedelta(days=1000))))
    return found


def left(store) -> dict[str, list]:
    """What is left of each kind: sign-in lines as (kind, email), drafts by person, reminder days,
    answer sets by round and invitations by address."""
    with store.transaction(write=False) as tx:
        lines = tx.s.execute(select(SignInLogRow.kind, SignInLogRow.email).order_by(SignInLogRow.id)).all()
        return {"sign-ins": [tuple(line) for line in lines],
                "drafts": sorted(tx.s.scalars(select(DraftRow.person))),
                "reminders": sorted(tx.s.scalars(select(ReminderLogRow.day))),
                "answer sets": sorted(tx.s.scalars(select(ResponseRow.round_id))),
                "invitations": sorted(tx.s.scalars(select(InvitationRow.email)))}


def counts(run) -> dict[str, int]:
    return {removed.kept.kind: removed.count for removed in run.removed}


EXPECTED = {SIGN_INS: 1, REFUSED_SIGN_INS: 2, DRAFTS: 1, REMINDER_LOG: 1, ANSWERS: 2}


def test_rows_just_outside_each_limit_go_and_rows_just_inside_stay(store):
    made = seeded(store)
    run = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    assert counts(run) == EXPECTED
    assert left(store) == {
        "sign-ins": [("bound", "person0@kent.gov.uk"), ("bound", "person2@kent.gov.uk"),
                     ("refused", "person3@kent.gov.uk")],
        "drafts": [LOCAL_ACTOR.name],
        "reminders": [cut_off(TODAY, 400)],
        "answer sets": sorted([made["recently"], made["open"]]),
        "invitations": ["respondent0.11@partner.org", "respondent0.12@partner.org"]}
    again = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    assert set(counts(again).values()) == {0}     # a second run the same day finds nothing more


def test_the_run_says_what_it_removed_one_line_a_kind(store, caplog):
    seeded(store)
    with caplog.at_level("INFO", logger="assessment.retention"):
        run = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    assert run.lines() == [
        "removed 1 sign-in log line older than 5 December 2025 (kept 365 days)",
        "removed 2 refused sign-ins older than 6 September 2026 (kept 90 days)",
        "removed 1 draft left unsaved older than 6 September 2026 (kept 90 days)",
        "removed 1 reminder log line older than 31 October 2025 (kept 400 days)",
        "removed 2 respondents' answers of rounds applied before 5 December 2025 (kept 365 days; with their 2 "
        "invitations)"]
    assert [r.getMessage() for r in caplog.records if r.name == "assessment.retention"] == run.lines()


def test_a_dry_run_removes_nothing_and_counts_the_same(store):
    seeded(store)
    before = left(store)
    dry = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=True)
    assert left(store) == before
    assert counts(dry) == EXPECTED
    assert dry.lines()[1] == "would remove 2 refused sign-ins older than 6 September 2026 (kept 90 days)"
    real = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    assert counts(real) == counts(dry) and left(store) != before


def test_a_round_applied_long_ago_loses_its_answers_and_invitations_and_keeps_its_agreed_scores(store):
    """Respondents' answers go once their round was applied longer ago than the days kept: every
    answer set (submitted or only saved) and every invitation of it, nothing else. The round, its
    agreed score and rationale, and the score it wrote into the period stay. A round applied within
    the limit keeps its answers (until the day after); so does an open one, however long ago it last
    changed. A dry run counts the same answer sets and invitations."""
    made = seeded(store)
    dry = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=True)
    answers = next(r for r in dry.removed if r.kept.kind == ANSWERS)
    assert (answers.count, answers.also) == (2, 2)
    assert dry.lines()[-1] == ("would remove 2 respondents' answers of rounds applied before 5 December 2025 (kept 365 "
                               "days; with their 2 invitations)")
    entries = stored(store, "kent").period("2026").entries
    run = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    real = next(r for r in run.removed if r.kept.kind == ANSWERS)
    assert (real.count, real.also) == (answers.count, answers.also)
    with store.transaction(write=False) as tx:
        per_round = {name: (len(tx.responses(i)), len(tx.invitations(i)), tx.round(i).state)
                     for name, i in made.items()}
        agreed = tx.s.execute(select(ModerationRow.round_id, ModerationRow.item_id, ModerationRow.score,
                                     ModerationRow.rationale).order_by(ModerationRow.round_id)).all()
    assert per_round == {"long ago": (0, 0, "applied"), "recently": (1, 1, "applied"), "open": (1, 1, "open")}
    assert [tuple(row) for row in agreed] == [(made["long ago"], "10", 3.0, "As the officers found"),
                                              (made["recently"], "11", 3.0, "As the officers found")]
    assert stored(store, "kent").period("2026").entries == entries             # the period as it was
    assert workflows.round_answers(store, LOCAL_ACTOR, made["long ago"]) == []
    assert [a.answers[0].comment for a in workflows.round_answers(store, LOCAL_ACTOR, made["recently"])] == \
        ["Answer 0 on 11"]
    again = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=True)
    assert (again.count(ANSWERS), next(r.also for r in again.removed if r.kept.kind == ANSWERS)) == (0, 0)
    later = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY + timedelta(days=1), days=DAYS, dry_run=False)
    assert (later.count(ANSWERS), next(r.also for r in later.removed if r.kept.kind == ANSWERS)) == (1, 1)
    assert left(store)["answer sets"] == [made["open"]]                       # the open round's, still


def test_shorter_settings_remove_more(store):
    seeded(store)
    days = {**DAYS, SIGN_INS: 100, REMINDER_LOG: PROMPT_EVERY + 1}
    run = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=days, dry_run=True)
    assert run.count(SIGN_INS) == 3 and run.count(REMINDER_LOG) == 2     # the bound line 200 days old too


def test_only_the_deployments_administrator_may_run_it(store):
    seeded(store)
    before = left(store)
    for actor in (Actor("head@kent.gov.uk", roles={"kent": "administrator"}), Actor(EDITOR, roles={"kent": "editor"})):
        with pytest.raises(NotAllowed, match="may not remove personal data past its time: only the deployment's "
                                             "administrator may"):
            workflows.run_retention(store, actor, today=TODAY, days=DAYS, dry_run=False)
    assert left(store) == before
    boss = Actor("it@kent.gov.uk", administers_deployment=True)
    assert counts(workflows.run_retention(store, boss, today=TODAY, days=DAYS, dry_run=False)) == EXPECTED


def test_a_draft_kept_within_the_limit_still_loads_and_saves(store):
    seeded(store)
    workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    drafts = queries.drafts(store, LOCAL_ACTOR, "kent", "2026")
    assert [(d.person, d.edit.item, d.edit.comment) for d in drafts] == [(LOCAL_ACTOR.name, "1", "Kept")]
    workflows.save_drafts(store, LOCAL_ACTOR, "kent", "2026")
    assert stored(store, "kent").period("2026").entries["1"].comment == "Kept"


def test_a_draft_left_in_an_approved_period_goes_and_the_period_is_as_approved(store, medway):
    """A draft is never part of a period: one left in an approved period (kept before it was put
    forward) is removed, and the period, its entries and the record's stamp are as they were."""
    save_record(store, medway)
    with store.transaction() as tx:
        period_id = tx.s.scalar(select(AssessmentRow.id).where(AssessmentRow.organisation_id == "medway",
                                                              AssessmentRow.period == "2023"))
        tx.s.add(DraftRow(assessment_id=period_id, person=EDITOR, item_id="8", base_version=1,
                          fields=fields_json(EntryEdit("8", base_version=1, comment="Never saved")),
                          updated_at=start_of(TODAY - timedelta(days=91))))
    before = stored(store, "medway").period("2023")
    stamp = stamp_of(store)
    run = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    assert run.count(DRAFTS) == 1
    after = stored(store, "medway").period("2023")
    assert after.status == "approved" and after.entries == before.entries
    assert stamp_of(store) == stamp


def stamp_of(store) -> str | None:
    from assessment.storage.tables import OrganisationRow
    with store.transaction(write=False) as tx:
        return tx.s.scalar(select(OrganisationRow.changed).where(OrganisationRow.id == "medway"))


# ---------------------------------------------------------------- the settings

def test_the_settings_default_and_are_read():
    assert settings.retention_days({}) == {SIGN_INS: 365, REFUSED_SIGN_INS: 90, DRAFTS: 90, REMINDER_LOG: 400,
                                           ANSWERS: 365}
    given = settings.retention_days({"ASSESSMENT_KEEP_REFUSED_SIGN_INS_DAYS": "30", "ASSESSMENT_KEEP_DRAFTS_DAYS": " ",
                                     "ASSESSMENT_KEEP_REMINDER_LOG_DAYS": "366"})
    assert (given[REFUSED_SIGN_INS], given[DRAFTS], given[REMINDER_LOG]) == (30, 90, 366)
    assert settings.read({"ASSESSMENT_KEEP_ANSWERS_DAYS": "730"}).retention[ANSWERS] == 730
    assert settings.retention_days({"ASSESSMENT_KEEP_DRAFTS_DAYS": "0" * 30 + "90"})[DRAFTS] == 90   # leading zeros


@pytest.mark.parametrize("name, value, message", [
    ("ASSESSMENT_KEEP_DRAFTS_DAYS", "0",
     "ASSESSMENT_KEEP_DRAFTS_DAYS is 0: keep drafts left unsaved at least 1 day and at most 3,650"),
    ("ASSESSMENT_KEEP_SIGN_INS_DAYS", "ten", "ASSESSMENT_KEEP_SIGN_INS_DAYS is not a whole number of days: ten"),
    ("ASSESSMENT_KEEP_REFUSED_SIGN_INS_DAYS", "-5",
     "ASSESSMENT_KEEP_REFUSED_SIGN_INS_DAYS is not a whole number of days: -5"),
    ("ASSESSMENT_KEEP_ANSWERS_DAYS", "3651",
     "ASSESSMENT_KEEP_ANSWERS_DAYS is 3651: keep respondents' answers at least 1 day and at most 3,650"),
    ("ASSESSMENT_KEEP_ANSWERS_DAYS", "9" * 5000,
     f"ASSESSMENT_KEEP_ANSWERS_DAYS is {'9' * 5000}: keep respondents' answers at least 1 day and at most 3,650"),
    ("ASSESSMENT_KEEP_REMINDER_LOG_DAYS", "365",
     "ASSESSMENT_KEEP_REMINDER_LOG_DAYS is 365: keep reminder log lines at least 366 days (the reminders read "
     "their log back 365 days: fewer would send a reminder twice) and at most 3,650"),
])
def test_a_bad_setting_is_one_line_naming_it(name, value, message):
    with pytest.raises(settings.BadSetting) as bad:
        settings.retention_days({name: value})
    assert str(bad.value) == message and "\n" not in str(bad.value)
    with pytest.raises(settings.BadSetting, match=name):
        settings.read({name: value})         # `settings check` and `serve` stop at it too


def test_the_reminder_log_is_kept_longer_than_the_reminders_read_it_back():
    least = next(kept for kept in KEPT if kept.kind == REMINDER_LOG).least_days
    assert cut_off(TODAY, least) < TODAY - timedelta(days=PROMPT_EVERY)    # what `notify` reads is never gone


def test_every_kind_is_a_setting_of_the_retention_part():
    retention = [s for s in settings.SETTINGS if s.part == "retention"]
    assert [(s.name, s.default) for s in retention] == [(k.setting, str(k.default_days)) for k in KEPT]
    assert all(isinstance(k, Kept) and k.words and k.least_days <= k.default_days for k in KEPT)


# ---------------------------------------------------------------- the command line and its timer

def test_the_command_line_prints_each_kind_and_a_dry_run_says_so(store, db_url, capsys, monkeypatch):
    for kept in KEPT:
        monkeypatch.delenv(kept.setting, raising=False)
    seeded(store)
    before = left(store)
    assert main(["--database", db_url, "retention", "run", "--dry-run", "--today", "2026-12-05"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "would remove 2 refused sign-ins older than 6 September 2026 (kept 90 days)"
    assert len(out) == len(KEPT) + 1 and out[-1] == "dry run for 5 December 2026: nothing was removed"
    assert left(store) == before
    monkeypatch.setenv("ASSESSMENT_KEEP_REFUSED_SIGN_INS_DAYS", "199")     # the refusal 200 days old goes
    assert main(["--database", db_url, "retention", "run", "--today", "2026-12-05"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "removed 1 refused sign-in older than 20 May 2026 (kept 199 days)"
    assert out[0] == "removed 1 sign-in log line older than 5 December 2025 (kept 365 days)" and len(out) == len(KEPT)


def test_the_command_line_stops_at_a_bad_setting_in_one_line(store, db_url, capsys, monkeypatch):
    seeded(store)
    before = left(store)
    monkeypatch.setenv("ASSESSMENT_KEEP_REMINDER_LOG_DAYS", "30")
    assert main(["--database", db_url, "retention", "run"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert captured.err.startswith("error: ASSESSMENT_KEEP_REMINDER_LOG_DAYS is 30: keep reminder log lines at least "
                                   "366 days")
    assert left(store) == before


def test_the_timer_runs_retention_every_day():
    from .test_notify import unit
    timer = unit("assessment-retention.timer")
    assert timer["OnCalendar"] == ["*-*-* 04:00:00"] and timer["Persistent"] == ["true"]
    assert timer["WantedBy"] == ["timers.target"]
    service = unit("assessment-retention.service")
    assert service["Type"] == ["oneshot"] and service["User"] == ["assessment"]
    assert service["ExecStart"] == ["/opt/assessment/.venv/bin/python -m assessment retention run"]
    assert service["EnvironmentFile"] == ["/etc/assessment/assessment.env"]
    install = (ROOT / "deploy" / "install.sh").read_text()
    assert "assessment-retention.service assessment-retention.timer" in install
    assert "systemctl enable --now assessment-retention.timer" in install


def test_an_empty_database_says_each_kind_with_nothing_removed(store):
    with store.transaction(write=False) as tx:
        assert tx.s.scalar(select(func.count()).select_from(SignInLogRow)) == 0
    run = workflows.run_retention(store, LOCAL_ACTOR, today=TODAY, days=DAYS, dry_run=False)
    assert [r.count for r in run.removed] == [0] * len(KEPT)
    assert [r.kept.kind for r in run.removed] == [k.kind for k in KEPT]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    """systemd's own check of the two units, with the app's paths pointed at this checkout."""
    names = ("assessment-retention.timer", "assessment-retention.service")
    for name in names:
        text = (ROOT / "deploy" / "systemd" / name).read_text().replace("/opt/assessment/.venv/bin/python",
                                                                       sys.executable)
        (tmp_path / name).write_text(text.replace("/opt/assessment", str(ROOT)))
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(tmp_path / n) for n in names)],
                          capture_output=True, text=True)
    problems = [line for line in done.stderr.splitlines() if "assessment-retention" in line]
    assert done.returncode == 0 and not problems, done.stderr
