"""A respondent's answers on paper, typed into a YAML file for `import answers` (issue 30):

    answers:
      - objective: "1"
        score: 3            # a level, "2/3" where half steps are allowed, "don't know" or "n/a"
        comment: Our contract standing orders were revised in 2024.

Read with every problem located (`FILE:LINE: where: message`); the scores themselves are read
against the framework by the workflow (`domain.rounds.read_answer`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..domain import limits
from ..domain.errors import InvalidFile, Problem
from .yaml_source import read_yaml, validated

ANSWERS_MOST = 500     # answers in one file; NPS 2018 has 59 objectives


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    objective: StrictStr | int
    score: StrictStr | int | float | None = None
    comment: StrictStr | None = Field(default=None, max_length=limits.COMMENT)


class _AnswersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: list[_Answer] = Field(max_length=ANSWERS_MOST)


def load_answers(path: str | Path, display: str | None = None) -> dict[str, tuple[Any, str]]:
    """The answers in the file: objective -> (score as written, comment). An objective answered
    twice is a problem, with both lines."""
    data, source = read_yaml(path, display)
    found = validated(_AnswersFile, data, source, [])
    kept: dict[str, tuple[Any, str]] = {}
    problems: list[Problem] = []
    for n, answer in enumerate(found.answers):
        item = str(answer.objective)
        if item in kept:
            problems.append(Problem(source.file, source.line(("answers", n)), f"answers[{n}].objective",
                                    f"objective {item} is answered twice"))
        kept[item] = (answer.score, answer.comment or "")
    if problems:
        raise InvalidFile(problems)
    return kept
