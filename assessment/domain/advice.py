"""Checks as you go: warnings phrased for people, not blockers.

Impossible values (a score the scale lacks, a half step a key area forbids) are refused when the
score is read (`scores.parse_score`); what is here is advice on values that are possible.
"""

from __future__ import annotations

from .framework import Framework
from .record import Entry


def entry_warnings(framework: Framework, entry: Entry, previous: Entry | None = None,
                   previous_period: str | None = None) -> list[str]:
    """Advice on one objective's (or key area's) entry, compared with last period's."""
    warnings: list[str] = []
    score, target = entry.score, entry.target
    if previous is not None and score.is_scored and previous.score.is_scored:
        moved = score.value - previous.score.value  # type: ignore[operator]
        if abs(moved) >= 1 and not (entry.comment or "").strip():
            since = f" since {previous_period}" if previous_period else ""
            warnings.append(f"The score moved from {previous.score.label(framework)} to {score.label(framework)}"
                            f"{since} without a comment: say what changed.")
    if score.is_scored and target.is_scored and target.value < score.value:  # type: ignore[operator]
        warnings.append(f"The target ({target.label(framework)}) is below today's score "
                        f"({score.label(framework)}).")
    for action in entry.actions:
        if not action.is_open:
            continue
        missing = [what for what, value in (("owner", action.owner), ("due date", action.due)) if not value]
        if missing:
            warnings.append(f"The action “{_short(action.text)}” has no {' or '.join(missing)}.")
    return warnings


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
