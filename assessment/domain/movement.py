"""Movement between two periods: its direction and the words and arrows it is shown with.

The one home of the rule and its wording. A change is "after minus before" when both sides are
scored (a mean, or an objective's score); otherwise the two are not comparable. Every table,
sentence and page uses `direction` for the word and `label` for what is printed:

    ▲ up 0.50     ▼ down 1 level     = no change     –   (not comparable)
"""

from __future__ import annotations

from .numbers import MISSING, levels_text, two_places

IMPROVED, DECLINED, UNCHANGED, NOT_COMPARABLE = "improved", "declined", "unchanged", "not comparable"
ARROWS = {IMPROVED: "▲ up", DECLINED: "▼ down", UNCHANGED: "= no change", NOT_COMPARABLE: MISSING}


def change(before: float | None, after: float | None) -> float | None:
    """after - before, or None when either is missing."""
    return None if before is None or after is None else after - before


def direction(moved: float | None) -> str:
    """'improved', 'declined', 'unchanged', or 'not comparable' when either side is missing."""
    if moved is None:
        return NOT_COMPARABLE
    return IMPROVED if moved > 0 else DECLINED if moved < 0 else UNCHANGED


def label(moved: float | None, *, amount: str | None = None) -> str:
    """The arrow and word, with the size of the move when `amount` is "mean" (two places, for
    rolled-up means) or "levels" (for one objective's score): '▲ up 0.50', '▼ down 1 level'."""
    words = ARROWS[direction(moved)]
    if moved is None or moved == 0 or amount is None:
        return words
    return f"{words} {levels_text(moved) if amount == 'levels' else two_places(abs(moved))}"
