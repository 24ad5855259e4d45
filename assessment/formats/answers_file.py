"""A respondent's answers on paper, typed into a YAML file for `import answers` (issue 30):

    answers:
      - objective: "1"
        score: 3            # a level, "2/3" where half steps are allowed, "don't know" or "n/a"
        comment: Our contract standing orders were revised in 2024.

A round on a record scored one level per key area asks about key areas: `key_area: engaging-councillors`
in place of `objective:`.

Read with every problem located (`FILE:LINE: where: message`); the scores themselves are read
against the framework by the workflow (`domain.rounds.read_answer`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..domain import limits
from ..domain.errors import InvalidFile, Problem
from .yaml_source import parse_yaml, read_yaml, validated

ANSWERS_MOST = 500     # answers in one file; NPS 2018 has 59 objectives


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    objective: StrictStr | int | None = None
    key_area: StrictStr | None = None
    score: StrictStr | int | float | None = None
    comment: StrictStr | None = Field(default=None, max_length=limits.COMMENT)


class _AnswersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: list[_Answer] = Field(max_length=ANSWERS_MOST)


def load_answers(path: str | Path, display: str | None = None) -> dict[str, tuple[Any, str]]:
    """The answers in the file: objective -> (score as written, comment). An objective answered
    twice is a problem, with both lines."""
    data, source = read_yaml(path, display)
    return _answers(data, source)


def answers_from_bytes(raw: bytes, name: str) -> dict[str, tuple[Any, str]]:
    """As `load_answers`, from a file's bytes (an upload) named `name`."""
    return _answers(*parse_yaml(raw, name))


def _answers(data: Any, source) -> dict[str, tuple[Any, str]]:
    found = validated(_AnswersFile, data, source, [])
    kept: dict[str, tuple[Any, str]] = {}
    problems: list[Problem] = []
    for n, answer in enumerate(found.answers):
        if (answer.objective is None) == (answer.key_area is None):
            problems.append(Problem(source.file, source.line(("answers", n)), f"answers[{n}]",
                                    "give the objective (objective: 1) or the key area (key_area: ID), one of them"))
            continue
        field, item = ("objective", str(answer.objective)) if answer.key_area is None else ("key_area", answer.key_area)
        if item in kept:
            words = "objective" if field == "objective" else "key area"
            problems.append(Problem(source.file, source.line(("answers", n)), f"answers[{n}].{field}",
                                    f"{words} {item} is answered twice"))
        kept[item] = (answer.score, answer.comment or "")
    if problems:
        raise InvalidFile(problems)
    return kept
