"""Small named exceptions that the CLI and the UI turn into one-line messages."""

from __future__ import annotations

from dataclasses import dataclass


class AssessmentError(Exception):
    """Base for every error a user can cause; its message is meant to be shown as it is."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a file, located to a line where the file has one."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        line = self.line if self.line is not None else 1
        where = self.where or "(file)"
        return f"{self.file}:{line}: {where}: {self.message}"


class InvalidFile(AssessmentError):
    """A framework or record file has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.where))
        super().__init__("\n".join(str(p) for p in self.problems))


class ScoreError(AssessmentError):
    """A score or target that cannot be read, or that the scale does not allow."""


class NotFound(AssessmentError):
    """An organisation, period, framework or objective that does not exist."""


class AlreadyExists(AssessmentError):
    """Something that would be created twice."""


class StaleEntry(AssessmentError):
    """Someone else saved the same entry since it was read: the save is refused, nothing lost."""

    def __init__(self, message: str, current: object = None):
        super().__init__(message)
        self.current = current
