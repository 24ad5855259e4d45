"""How numbers are written for people: the one home of rounding and signs.

A rolled-up mean is shown with two decimal places, rounded half away from zero (3.625 -> 3.63,
as people round, not as binary floating point does); a change carries its sign (+0.50,
-0.25) except zero, which is plain 0.00; a gap to target is said in words ("0.83 below target",
"target met"); a missing number is "–". Tables, the CLI, the report,
Word and Excel all call these.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MISSING = "–"


def two_places(value: float) -> str:
    """A mean as people round it: half away from zero (3.625 -> 3.63), two decimal places."""
    text = str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return "0.00" if text == "-0.00" else text


def rounded(value: float | None) -> float | None:
    """The number people see (two places, half away from zero), as a number for JSON and Excel."""
    return None if value is None else float(two_places(value))


def format_mean(value: float | None) -> str:
    """A rolled-up number: two decimal places, or '–' when there is none."""
    return MISSING if value is None else two_places(value)


def signed(value: float | None) -> str:
    """A gap or a change: '+0.50', '-0.25', '0.00' (no sign for zero), or '–' when there is none."""
    if value is None:
        return MISSING
    text = two_places(value)
    return "+" + text if not text.startswith("-") and text != "0.00" else text


def gap_words(gap: float | None) -> str:
    """A gap to target (target minus today, `rollups.gap`) as a councillor reads it: '0.83 below
    target', '3 levels to go' (a whole number of levels), 'target met', '0.50 above target', or '–'.
    A signed number ("+3.00") read as good news; these words cannot be."""
    if gap is None:
        return MISSING
    text = two_places(abs(gap))
    if text == "0.00":
        return "target met"
    if gap < 0:
        return f"{text} above target"
    return f"{levels_text(gap)} to go" if text.endswith(".00") else f"{text} below target"


def levels_text(value: float) -> str:
    """A distance on the level scale in words: '1 level', '1.5 levels', '0.33 levels'."""
    text = two_places(abs(value)).rstrip("0").rstrip(".")
    return f"{text} level" + ("" if text == "1" else "s")


def counted(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun as people write it: '1 objective', '3 objectives', '2 key areas'."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
