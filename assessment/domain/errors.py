"""Every error a user can cause, and the one shape of a located problem.

The CLI turns each into one line (or one line per problem) and exit status 2; the app shows the
message as text. A `Problem` is a place in a file (a line where the file has lines, else a place
such as "table 3, row 4") and a message; every reader and checker reports in that shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .limits import PROBLEMS_SHOWN


class AssessmentError(Exception):
    """Base for every error a user can cause; its message is meant to be shown as it is."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: `file:line: where: message`, or `file: where: message` where
    the file has no lines (a Word table, a spreadsheet cell)."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        head = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{head}: {self.where}: {self.message}" if self.where else f"{head}: {self.message}"


_NAME_LIKE = re.compile(r"[^\s]*[.@/_\-0-9][^\s]*")   # a file name, an address, an id: left as written


def as_sentence(message: object) -> str:
    """A message as a page shows it: a capital first letter (not where it starts with a file name, an
    address or an id, such as "huge.docx: ..."), and one full stop at the end, never two."""
    text = str(message).strip()
    if not text:
        return text
    first = text.split(maxsplit=1)[0].rstrip(":,;")
    if text[0].islower() and not _NAME_LIKE.fullmatch(first):
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def listed(problems: list, limit: int = PROBLEMS_SHOWN, more: int = 0) -> list[str]:
    """The first `limit` problems (or warnings) as lines, then "… and N more" counting `more` that
    were found but not kept: a long list is never shown whole, in the CLI or in the app."""
    lines = [str(p) for p in problems[:limit]]
    rest = len(problems) - len(lines) + more
    if rest:
        lines.append(f"… and {rest:,} more")
    return lines


class InvalidFile(AssessmentError):
    """A framework or record file has one or more problems: the first `limits.PROBLEMS_SHOWN` are
    listed (all are in `problems`)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.where))
        super().__init__("\n".join(self.shown()))

    def shown(self) -> list[str]:
        return listed(self.problems)


class InvalidImport(AssessmentError):
    """A file cannot be imported and nothing was written: the first problems are listed, then how
    many more there are (`more` counts those a reader found but did not keep)."""

    def __init__(self, source: str, problems: list[Problem], more: int = 0):
        self.source, self.problems, self.more = source, problems, more
        super().__init__(f"{source}: nothing was imported:\n" + "\n".join(f"  {line}" for line in self.shown()))

    def shown(self) -> list[str]:
        return listed(self.problems, more=self.more)


class BackupError(AssessmentError):
    """A restore was refused before anything was written; the message says why."""


class InvalidBackup(BackupError):
    """A backup file's content has problems: the first few are listed, then how many more (`more`
    counts those found but not kept, as `InvalidImport`'s does)."""

    def __init__(self, source: str, problems: list[Problem], more: int = 0):
        self.source, self.problems, self.more = source, problems, more
        found = len(problems) + more
        super().__init__(f"{source} has {found:,} problem{'' if found == 1 else 's'}: nothing was restored\n"
                         + "\n".join(f"  {line}" for line in self.shown()))

    def shown(self) -> list[str]:
        return listed(self.problems, more=self.more)


class ScoreError(AssessmentError):
    """A score or target that cannot be read, or that the scale does not allow."""


class InvalidEdit(AssessmentError):
    """An edit that cannot be saved as it is (a score, an evidence link): the message says what to fix."""


class NotFound(AssessmentError):
    """An organisation, period, framework, objective or action that does not exist."""


class AlreadyExists(AssessmentError):
    """Something that would be created twice."""


class NotAllowed(AssessmentError):
    """The person acting may not do this (or see this) here."""


class PeriodLocked(AssessmentError):
    """The period is submitted or approved (or on a framework no longer followed): it cannot be
    changed, except its actions' progress, until withdrawn or reopened."""


class DatabaseUnavailable(AssessmentError):
    """The database is busy, read-only or out of reach: nothing was saved; the message says which."""


class StaleEntry(AssessmentError):
    """Someone else saved the same entry since it was read: the save is refused, nothing lost."""

    def __init__(self, message: str, current: Any = None):
        super().__init__(message)
        self.current = current   # the entry as saved now (a record.Entry; errors cannot import record)


class PdfUnavailable(AssessmentError):
    """A PDF was asked for on a server without LibreOffice, which makes them."""


class PdfFailed(AssessmentError):
    """LibreOffice ran but made no PDF (it failed, or took too long), or was not asked to (the
    document is too long, the person is already making one, the server is busy): the message says
    which."""


class DraftsWaiting(AssessmentError):
    """A period was to be submitted with unsaved drafts in it: `drafts` lists them (whose, which
    entry, when last changed: `Draft.describe`); submitting anyway leaves them out of the submitted
    record."""

    def __init__(self, period: str, drafts: list):
        self.period, self.drafts = period, drafts
        shown = "; ".join(d.describe() for d in drafts[:PROBLEMS_SHOWN])
        more = f"; … and {len(drafts) - PROBLEMS_SHOWN} more" if len(drafts) > PROBLEMS_SHOWN else ""
        super().__init__(f"{period} has {len(drafts)} unsaved draft{'s' if len(drafts) != 1 else ''} that would not "
                         f"be in the submitted record: {shown}{more}. Their owners can save or discard them first; "
                         "or submit anyway (--ignore-drafts on the command line)")
