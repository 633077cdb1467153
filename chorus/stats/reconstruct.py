"""Recovering integer counts from published rounded percentages, to check or reuse published figures.

Arithmetic is exact (fractions, not floats). A percentage published to d decimals stands for the interval
[p - h, p + h] with h = 0.5 * 10^-d; both ends are included so that a count is accepted whichever
tie-breaking rule (half up, half even) the publisher used.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction

from chorus.stats._checks import as_count, as_positive_count


def _published_percentage(percentage: object) -> Fraction:
    if isinstance(percentage, bool) or not isinstance(percentage, numbers.Real | str | Decimal):
        raise ValueError(f"percentage must be a number, got {percentage!r}")
    try:
        # Going through str keeps 35.6 as 356/10 rather than the nearest binary float.
        exact = Fraction(Decimal(str(percentage)))
    except (ArithmeticError, ValueError) as error:
        raise ValueError(f"percentage must be a number, got {percentage!r}") from error
    if not 0 <= exact <= 100:
        raise ValueError(f"percentage must be between 0 and 100, got {percentage!r}")
    return exact


def _half_step(decimals: object) -> Fraction:
    places = as_count(decimals, "decimals")
    return Fraction(1, 2 * 10**places)


def _numerators(percentage: Fraction, half_step: Fraction, denominator: int) -> list[int]:
    smallest = max(0, math.ceil((percentage - half_step) * denominator / 100))
    largest = min(denominator, math.floor((percentage + half_step) * denominator / 100))
    return list(range(smallest, largest + 1))


def reconstruct_counts(percentage: float | str, denominator: int, decimals: int = 1) -> list[int]:
    """Every numerator k in 0..denominator with 100 k / denominator rounding to `percentage`.

    An empty list means no count is consistent: the figure or its denominator is wrong. For example
    59.0% of 1712 gives [1010], while 35.6% of 257 gives [] (91/257 = 35.41%, 92/257 = 35.80%).
    """
    return _numerators(
        _published_percentage(percentage), _half_step(decimals), as_positive_count(denominator, "denominator")
    )


def reconstruct_pairs(
    percentage: float | str, min_denominator: int, max_denominator: int, decimals: int = 1
) -> list[tuple[int, int]]:
    """Candidate (numerator, denominator) pairs when the denominator is only known to lie in a range."""
    low = as_positive_count(min_denominator, "min_denominator")
    high = as_positive_count(max_denominator, "max_denominator")
    if low > high:
        raise ValueError(f"min_denominator ({low}) is greater than max_denominator ({high})")
    exact, half_step = _published_percentage(percentage), _half_step(decimals)
    return [
        (numerator, denominator)
        for denominator in range(low, high + 1)
        for numerator in _numerators(exact, half_step, denominator)
    ]
