"""How numbers are written (assessment/numbers.py): the one home of rounding and signs."""

from __future__ import annotations

import pytest

from assessment.domain.numbers import format_mean, levels_text, rounded, signed, two_places


@pytest.mark.parametrize("value, text", [(3.625, "3.63"), (3.624, "3.62"), (2.005, "2.01"), (3, "3.00"),
                                         (-0.125, "-0.13"), (-0.001, "0.00"), (0.0, "0.00")])
def test_two_places_rounds_half_away_from_zero(value, text):
    assert two_places(value) == text


def test_rounded_is_the_number_people_see():
    assert (rounded(3.625), rounded(None)) == (3.63, None)


@pytest.mark.parametrize("value, text", [(0.5, "+0.50"), (-0.25, "-0.25"), (0.0, "0.00"), (-0.0, "0.00"),
                                         (0.001, "0.00"), (None, "–")])
def test_signed_gives_a_sign_except_to_zero(value, text):
    """The CLI wrote a zero gap "+0.00" and the report "0.00": both now write "0.00"."""
    assert signed(value) == text


def test_format_mean():
    assert (format_mean(2.5), format_mean(None)) == ("2.50", "–")


@pytest.mark.parametrize("value, text", [(1, "1 level"), (-1, "1 level"), (1.5, "1.5 levels"), (2, "2 levels"),
                                         (1 / 3, "0.33 levels")])
def test_levels_text(value, text):
    assert levels_text(value) == text
