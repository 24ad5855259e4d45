"""Personal data past its time (`domain.retention`): the rows of each kind older than a cut-off day,
counted (for a dry run) or deleted.

Each kind is rows of one table older than a day, by the column that says how old they are: a
sign-in log line by when it was written (refusals apart from the rest), a draft by when it was last
changed, a reminder log line by its run's day (the day the reminders read back). Respondents'
answers are the answer sets (`responses`, submitted or not) of rounds applied before the day (by
`rounds.changed_at`, set when the round was applied: an applied round never changes again); the
invitations of those rounds (`invitations`: addresses, departments, links' hashes) go with them,
counted apart. The round and its moderations (the agreed scores, their rationale) stay, as part of
the record; the period's entries, written when the round was applied, are not touched. A draft is
a person's unsaved edit kept beside a period, never part of it: removing one changes nothing of any
period, submitted or approved (the lock has nothing to say), nor any record (no stamp moves).
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import CursorResult

from ..domain.retention import ANSWERS, DRAFTS, REFUSED_SIGN_INS, REMINDER_LOG, SIGN_INS
from .store import Transaction
from .tables import DraftRow, InvitationRow, ReminderLogRow, ResponseRow, RoundRow, SignInLogRow

REFUSED = "refused"   # the sign-in log's kind of line for a refusal (`workflows.people`)


def _older(kind: str, before: date) -> list[tuple[Any, Any]]:
    """The tables of `kind` and the condition their rows older than `before` meet: the first is what
    is counted, any after it go with those rows (counted apart: `count_also`), in the order they
    are deleted. Times are kept in UTC, so "older than a day" is older than its start in UTC."""
    start = datetime.combine(before, time.min, tzinfo=timezone.utc)
    if kind == SIGN_INS:
        return [(SignInLogRow, (SignInLogRow.at < start) & (SignInLogRow.kind != REFUSED))]
    if kind == REFUSED_SIGN_INS:
        return [(SignInLogRow, (SignInLogRow.at < start) & (SignInLogRow.kind == REFUSED))]
    if kind == DRAFTS:
        return [(DraftRow, DraftRow.updated_at < start)]
    if kind == REMINDER_LOG:
        return [(ReminderLogRow, ReminderLogRow.day < before)]
    if kind == ANSWERS:
        applied = select(RoundRow.id).where(RoundRow.state == "applied", RoundRow.changed_at < start)
        # the answer sets first: one still linked (a confidential round's) points at its invitation
        return [(ResponseRow, ResponseRow.round_id.in_(applied)), (InvitationRow, InvitationRow.round_id.in_(applied))]
    raise ValueError(f"no kind of personal data is called {kind!r}")


def _count(tx: Transaction, table: Any, older: Any) -> int:
    return tx.s.scalar(select(func.count()).select_from(table).where(older)) or 0


def count_older(tx: Transaction, kind: str, before: date) -> int:
    """How many rows of `kind` are older than the day `before` (what `remove_older` would remove)."""
    table, older = _older(kind, before)[0]
    return _count(tx, table, older)


def count_also(tx: Transaction, kind: str, before: date) -> int:
    """How many rows go with those `count_older` counts (a respondents' answers' invitations; 0 for
    the other kinds), as many as `remove_older` removes with them."""
    return sum(_count(tx, table, older) for table, older in _older(kind, before)[1:])


def remove_older(tx: Transaction, kind: str, before: date) -> int:
    """Delete the rows of `kind` older than the day `before`, of anyone, and what goes with them;
    how many of `kind` went."""
    removed = []
    for table, older in _older(kind, before):
        result = tx.s.execute(delete(table).where(older).execution_options(synchronize_session=False))
        assert isinstance(result, CursorResult)
        removed.append(result.rowcount or 0)
    return removed[0]
