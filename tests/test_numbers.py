"""How numbers are written (assessment/numbers.py): the one home of rounding and signs."""

from __future__ import annotations

import pytest

from assessment.domain.numbers import format_mean, gap_words, levels_text, rounded, two_places


@pytest.mark.parametrize("value, text", [(3.625, "3.63"), (3.624, "3.62"), (2.005, "2.01"), (3, "3.00"),
                                         (-0.125, "-0.13"), (-0.001, "0.00"), (0.0, "0.00")])
def test_two_places_rounds_half_away_from_zero(value, text):
    assert two_places(value) == text


def test_rounded_is_the_number_people_see():
    assert (rounded(3.625), rounded(None)) == (3.63, None)


@pytest.mark.parametrize("gap, text", [(0.83333, "0.83 below target"), (3.0, "3 levels to go"),
                                       (1.0, "1 level to go"), (0.0, "target met"), (0.001, "target met"),
                                       (-0.5, "0.50 above target"), (-2.0, "2.00 above target"), (None, "–")])
def test_a_gap_is_said_in_words_a_councillor_cannot_read_backwards(gap, text):
    """"+3.00" read as good news; the gap is target minus today, so positive is short of it."""
    assert gap_words(gap) == text


def test_format_mean():
    assert (format_mean(2.5), format_mean(None)) == ("2.50", "–")


@pytest.mark.parametrize("value, text", [(1, "1 level"), (-1, "1 level"), (1.5, "1.5 levels"), (2, "2 levels"),
                                         (1 / 3, "0.33 levels")])
def test_levels_text(value, text):
    assert levels_text(value) == text
