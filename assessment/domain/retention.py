"""How long personal data that is not part of a council's record is kept (the deployment's
retention settings, docs/privacy.md): each kind of log or leftover, its default in days, the
setting that changes it, and the shortest it may be (a log the tool itself reads back, such as
the reminder log, must be kept at least as long as it reads back).

`retention run` (workflows.retention) removes what is older than this, daily.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .numbers import counted
from .record import long_date
from .reminders import DUE_SOON, OVERDUE_EVERY, PROMPT_EVERY


@dataclass(frozen=True)
class Kept:
    """One kind of personal data with a time limit: what it is (in words), the setting, the days
    kept by default and at least."""

    kind: str
    words: str
    setting: str
    default_days: int
    least_days: int = 1
    one: str = ""            # the words for one of them ("refused sign-in"); `words` is for several
    note: str = ""           # said beside it wherever it is listed
    least_why: str = ""      # why it may not be kept less than `least_days`, where that is more than one
    older: str = "older than"   # how a run says which went: "older than" the cut-off day, or "of rounds applied before"
    also: tuple[str, str] | None = None   # what goes with them, counted apart (one, several): invitations

    @property
    def short(self) -> str:
        """Its words without what follows in brackets: "refused sign-ins"."""
        return self.words.split(" (", 1)[0]


SIGN_INS, REFUSED_SIGN_INS, DRAFTS, REMINDER_LOG, ANSWERS = (
    "sign_ins", "refused_sign_ins", "drafts", "reminder_log", "answers")
MOST_DAYS = 3650          # ten years: the longest any of them may be kept
# The reminders read their log back this far (`workflows.reminders.notify`: the prompts of the last
# `PROMPT_EVERY` days, any message of the last `DUE_SOON` or `OVERDUE_EVERY`); a day longer, so that
# nothing they read is gone and no reminder is sent twice.
REMINDERS_READ_BACK = max(PROMPT_EVERY, DUE_SOON, OVERDUE_EVERY)

KEPT: tuple[Kept, ...] = (
    Kept(SIGN_INS, "sign-in log lines (a first sign-in bound to a person, a binding freed)",
         "ASSESSMENT_KEEP_SIGN_INS_DAYS", 365, one="sign-in log line"),
    Kept(REFUSED_SIGN_INS, "refused sign-ins (the address presented and why it was refused)",
         "ASSESSMENT_KEEP_REFUSED_SIGN_INS_DAYS", 90, one="refused sign-in"),
    Kept(DRAFTS, "drafts left unsaved (changes kept but never saved, by the day last changed)",
         "ASSESSMENT_KEEP_DRAFTS_DAYS", 90, one="draft left unsaved"),
    Kept(REMINDER_LOG, "reminder log lines (to whom a reminder was sent, when, and what it listed)",
         "ASSESSMENT_KEEP_REMINDER_LOG_DAYS", 400, least_days=REMINDERS_READ_BACK + 1, one="reminder log line",
         least_why=f"the reminders read their log back {REMINDERS_READ_BACK} days: fewer would send a reminder twice"),
    # A round's answer sets go, all of them (submitted or not), once the round was applied (its agreed
    # scores written into the period: `rounds.changed_at`, as an applied round never changes again)
    # more than the days kept ago; its invitations (addresses, departments, links) go with them. The
    # round and its moderations (the agreed scores, the rationale) stay: they are the record's.
    Kept(ANSWERS, "respondents' answers (each answer set of a round, and the round's invitations, from the day "
         "the round is applied)", "ASSESSMENT_KEEP_ANSWERS_DAYS", 365, one="respondent's answers",
         older="of rounds applied before", also=("invitation", "invitations")),
)
BY_KIND = {kept.kind: kept for kept in KEPT}


def cut_off(today: date, days: int) -> date:
    """The first day still kept when `days` are kept on `today`: anything from before it goes (on a
    day in the first years of the calendar, nothing is older)."""
    try:
        return today - timedelta(days=days)
    except OverflowError:
        return date.min


@dataclass(frozen=True)
class Removed:
    """What a retention run removed of one kind (or, in a dry run, would remove)."""

    kept: Kept
    days: int          # the days kept
    before: date       # the cut-off: what was older than this day
    count: int
    also: int = 0      # what went with them (`Kept.also`): the answers' invitations

    def describe(self, dry_run: bool) -> str:
        """The line a run prints: "removed 3 refused sign-ins older than 6 September 2026 (kept 90 days)",
        "removed 2 respondents' answers of rounds applied before 5 December 2025 (kept 365 days; with
        their 5 invitations)"."""
        verb = "would remove" if dry_run else "removed"
        what = counted(self.count, self.kept.one or self.kept.short, self.kept.short)
        note = f"; {self.kept.note}" if self.kept.note else ""
        also = f"; with their {counted(self.also, *self.kept.also)}" if self.kept.also else ""
        return (f"{verb} {what} {self.kept.older} {long_date(self.before)} "
                f"(kept {counted(self.days, 'day')}{note}{also})")

