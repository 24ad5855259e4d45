"""Score values: whole levels, half steps ("2/3", held as 2.5), not applicable, not yet scored.

Scores are read as people write them and written back the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import ScoreError
from .framework import Framework

NOT_APPLICABLE_WORDS = {"n/a", "na", "n.a.", "not applicable"}
UNSCORED_WORDS = {"", "-", "–", "not yet scored", "not scored", "unscored", "no target"}


@dataclass(frozen=True, order=True)
class Score:
    """A score: `value` is a level (2.0) or half step (2.5); None when n/a or not yet scored."""

    value: float | None = None
    not_applicable: bool = False

    @property
    def state(self) -> str:
        if self.not_applicable:
            return "n/a"
        return "unscored" if self.value is None else "scored"

    @property
    def is_scored(self) -> bool:
        return self.value is not None and not self.not_applicable

    @property
    def is_half_step(self) -> bool:
        return self.value is not None and self.value != int(self.value)

    @property
    def written(self) -> str | None:
        """As people write it: '3', '2/3', 'n/a', or None when not yet scored."""
        if self.not_applicable:
            return "n/a"
        if self.value is None:
            return None
        return written_value(self.value)

    def label(self, framework: Framework) -> str:
        """For people: '3 – Mature', '2/3', 'n/a', 'not yet scored'."""
        if self.not_applicable:
            return "n/a"
        if self.value is None:
            return UNSCORED_LABEL
        return level_label(self.value, framework)

    def target_label(self, framework: Framework) -> str:
        """As a target is read: '4 – Leader', '2/3', 'n/a', or 'no target' when none is set."""
        return NO_TARGET_LABEL if self.state == "unscored" else self.label(framework)


NOT_APPLICABLE = Score(None, True)
UNSCORED = Score(None, False)
UNSCORED_LABEL = "not yet scored"
NO_TARGET_LABEL = "no target"


def score_choices(framework: Framework, half_steps: bool) -> list[Score]:
    """Every score that can be given, in order: each level, then the half step above it where half
    steps are allowed ("2/3" after 2), and n/a last. Forms and spreadsheet lists all use this."""
    levels = [lv.value for lv in framework.levels]
    out: list[Score] = []
    for low, high in zip(levels, levels[1:] + [None]):
        out.append(Score(float(low)))
        if half_steps and high is not None and high == low + 1:
            out.append(Score(low + 0.5))
    return out + [NOT_APPLICABLE]


def choice_labels(framework: Framework, key_area_id: str, *, target: bool = False) -> list[str]:
    """The choices of a score (or, with `target`, a target) in a form: 'not yet scored' (for a
    target: 'no target'), '1 – Minimum', '1/2', … 'n/a'."""
    return [NO_TARGET_LABEL if target else UNSCORED_LABEL] + \
        [s.label(framework) for s in score_choices(framework, framework.allows_half_steps(key_area_id))]


def written_value(value: float) -> str:
    if value == int(value):
        return str(int(value))
    low = math.floor(value)
    return f"{low}/{low + 1}"


def read_written(text: object) -> Score:
    """A score as the tool itself wrote it ("3", "2/3", "n/a", or None): no framework needed, for
    what was checked when it was saved. Raises ScoreError for anything else."""
    if text is None:
        return UNSCORED
    if isinstance(text, (int, float)) and not isinstance(text, bool) and math.isfinite(text):
        return Score(float(text))
    if isinstance(text, str):
        if text == "n/a":
            return NOT_APPLICABLE
        if match := _HALF.match(text):
            return Score(int(match.group(1)) + 0.5)
        if text.isdigit() and len(text) < 10:
            return Score(float(text))
    raise ScoreError(f"{text!r} is not a score as the tool writes one")


def level_label(value: float, framework: Framework) -> str:
    """'3 – Mature' for whole levels; '2/3' for half steps; means shown to one decimal place."""
    if value == int(value):
        level = framework.levels_by_value.get(int(value))
        return level.label if level else str(int(value))
    if value * 2 == int(value * 2):
        return written_value(value)
    return f"{value:.1f}"


_HALF = re.compile(r"^(\d{1,9})\s*/\s*(\d{1,9})$")
_NUMBER_NAME = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:[-–—:]\s*|\s+)(.+)$")


def parse_score(raw: object, framework: Framework, *, where: str = "", half_steps: bool | None = None) -> Score:
    """Read a score as people write it: '3', '3 - Mature', 'Mature', '2/3', '2.5', 'n/a', blank.

    Raises `ScoreError` naming the value and `where` (e.g. "objective 17") for anything else.
    """
    allow_half = framework.half_steps if half_steps is None else half_steps
    if raw is None:
        return UNSCORED
    if isinstance(raw, bool):
        raise ScoreError(_refuse(raw, where, "is not a score"))
    if isinstance(raw, (int, float)):
        return _from_number(_as_float(raw), raw, framework, where, allow_half)
    if not isinstance(raw, str):
        raise ScoreError(_refuse(raw, where, "is not a score"))
    text = " ".join(raw.split())
    lower = text.lower()
    if lower in UNSCORED_WORDS:
        return UNSCORED
    if lower in NOT_APPLICABLE_WORDS:
        return NOT_APPLICABLE
    names = {name.lower(): value for value, name in framework.level_names.items()}
    if lower in names:
        return Score(float(names[lower]))
    match = _HALF.match(text)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        if high != low + 1 or low not in framework.level_names or high not in framework.level_names:
            raise ScoreError(_refuse(raw, where, "is not a score: a half step is written between two "
                                                 f"adjacent levels, such as '2/3' ({_scale(framework)})"))
        return _from_number(low + 0.5, raw, framework, where, allow_half)
    match = _NUMBER_NAME.match(text)
    if match and match.group(2).lower() in names:
        number = float(match.group(1))
        if names[match.group(2).lower()] != number:
            raise ScoreError(_refuse(raw, where, f"names level {match.group(2)!r} with the number of another level"))
        return _from_number(number, raw, framework, where, allow_half)
    try:
        number = float(text)
    except ValueError:
        raise ScoreError(_refuse(raw, where, f"is not a score; write a level ({_scale(framework)}), "
                                             "a half step such as '2/3', or 'n/a'")) from None
    return _from_number(number, raw, framework, where, allow_half)


def _as_float(number: float) -> float:
    """The number as a float; an integer too big for one is infinite (and so not a score)."""
    try:
        return float(number)
    except OverflowError:
        return math.inf


def _from_number(number: float, raw: object, framework: Framework, where: str, allow_half: bool) -> Score:
    levels = framework.level_names
    if not math.isfinite(number):   # .inf, .nan, 1e400: a number, but not a score
        raise ScoreError(_refuse(raw, where, f"is not a score; write a level ({_scale(framework)}), "
                                             "a half step such as '2/3', or 'n/a'"))
    if number * 2 != int(number * 2):
        raise ScoreError(_refuse(raw, where, f"is not a level or a half step ({_scale(framework)})"))
    if number == int(number):
        if int(number) not in levels:
            raise ScoreError(_refuse(raw, where, f"is not a level of the scale ({_scale(framework)})"))
        return Score(float(number))
    low = math.floor(number)
    if low not in levels or low + 1 not in levels:
        raise ScoreError(_refuse(raw, where, f"is outside the scale ({_scale(framework)})"))
    if not allow_half:
        raise ScoreError(_refuse(raw, where, "is a half step, which this key area does not allow; "
                                             "choose a whole level"))
    return Score(number)


def _scale(framework: Framework) -> str:
    values = sorted(framework.level_names)
    return f"levels {values[0]}–{values[-1]}"


def _refuse(raw: object, where: str, reason: str) -> str:
    shown = raw if isinstance(raw, str) else repr(raw)
    shown = shown if len(shown) <= 80 else shown[:80] + "…"   # a value pasted by mistake stays one short line
    prefix = f"{where}: " if where else ""
    return f"{prefix}'{shown}' {reason}"
