"""Input checks shared by the statistics functions: clear ValueErrors instead of silent nonsense."""

from __future__ import annotations

import math
import numbers
from functools import lru_cache

from scipy import stats


def as_count(value: object, name: str) -> int:
    """Return `value` as a non-negative int; integral floats (65.0, from a spreadsheet) are accepted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        count = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        count = int(as_float)
    if count < 0:
        raise ValueError(f"{name} must not be negative, got {count}")
    return count


def as_positive_count(value: object, name: str) -> int:
    count = as_count(value, name)
    if count == 0:
        raise ValueError(f"{name} must be greater than zero")
    return count


def as_successes_and_trials(successes: object, trials: object) -> tuple[int, int]:
    x = as_count(successes, "successes")
    n = as_positive_count(trials, "trials")
    if x > n:
        raise ValueError(f"successes ({x}) cannot exceed trials ({n})")
    return x, n


def as_level(level: object) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < float(level) < 1:
        raise ValueError(f"level must be strictly between 0 and 1 (e.g. 0.95), got {level!r}")
    return float(level)


def as_positive_number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return number


def as_proportion(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError(f"{name} must be a proportion between 0 and 1, got {value!r}")
    return number


@lru_cache(maxsize=64)
def two_sided_z(level: float) -> float:
    """The standard normal quantile leaving (1 - level) / 2 in each tail: 1.959964 for 95%. Remembered per
    level: a dashboard asks for the same one for every interval it draws, and scipy's quantile is slow."""
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def two_sided_p(z: float) -> float:
    """The two-sided p-value of a standard normal statistic: 2 × P(Z > |z|), from the complementary error
    function (what scipy's normal survival function computes, without its overhead per call)."""
    return math.erfc(abs(z) / math.sqrt(2))
