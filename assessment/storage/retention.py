"""Personal data past its time (`domain.retention`): the rows of each kind older than a cut-off day,
counted (for a dry run) or deleted.

Each kind is rows of one table older than a day, by the column that says how old they are: a
sign-in log line by when it was written (refusals apart from the rest), a draft by when it was last
changed, a reminder log line by its run's day (the day the reminders read back). Respondents'
answers have no table yet: nothing is ever counted or removed. A draft is a person's unsaved edit
kept beside a period, never part of it: removing one changes nothing of any period, submitted or
approved (the lock has nothing to say), nor any record (no stamp moves).
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import CursorResult

from ..domain.retention import ANSWERS, DRAFTS, REFUSED_SIGN_INS, REMINDER_LOG, SIGN_INS
from .store import Transaction
from .tables import DraftRow, ReminderLogRow, SignInLogRow

REFUSED = "refused"   # the sign-in log's kind of line for a refusal (`workflows.people`)


def _older(kind: str, before: date) -> tuple[Any, Any] | None:
    """The table of `kind` and the condition its rows older than `before` meet (None: no table).
    Times are kept in UTC, so "older than a day" is older than its start in UTC."""
    start = datetime.combine(before, time.min, tzinfo=timezone.utc)
    if kind == SIGN_INS:
        return SignInLogRow, (SignInLogRow.at < start) & (SignInLogRow.kind != REFUSED)
    if kind == REFUSED_SIGN_INS:
        return SignInLogRow, (SignInLogRow.at < start) & (SignInLogRow.kind == REFUSED)
    if kind == DRAFTS:
        return DraftRow, DraftRow.updated_at < start
    if kind == REMINDER_LOG:
        return ReminderLogRow, ReminderLogRow.day < before
    if kind == ANSWERS:
        return None
    raise ValueError(f"no kind of personal data is called {kind!r}")


def count_older(tx: Transaction, kind: str, before: date) -> int:
    """How many rows of `kind` are older than the day `before` (what `remove_older` would remove)."""
    found = _older(kind, before)
    if found is None:
        return 0
    table, older = found
    return tx.s.scalar(select(func.count()).select_from(table).where(older)) or 0


def remove_older(tx: Transaction, kind: str, before: date) -> int:
    """Delete the rows of `kind` older than the day `before`, of anyone; how many went."""
    found = _older(kind, before)
    if found is None:
        return 0
    table, older = found
    result = tx.s.execute(delete(table).where(older).execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return result.rowcount or 0
