"""Confidence intervals for proportions, counts and rates, as used for public health indicators in England.

Methods follow the Fingertips technical guidance (PHE/OHID, "Confidence intervals" chapter): Wilson score
intervals for proportions, Byar's approximation for counts of 10 or more and the exact Poisson interval
below 10.
"""

from __future__ import annotations

import math

from scipy import stats

from chorus.stats._checks import (
    as_count,
    as_level,
    as_positive_number,
    as_successes_and_trials,
    two_sided_z,
)

# Fingertips switches from the exact Poisson interval to Byar's approximation at this many events.
BYARS_MINIMUM_COUNT = 10


def wilson_ci(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval (without continuity correction) for the proportion successes / trials."""
    x, n = as_successes_and_trials(successes, trials)
    z = two_sided_z(as_level(level))
    return _wilson_bounds(x / n, n, z)


def _wilson_bounds(proportion: float, trials: float, z: float) -> tuple[float, float]:
    z2_over_n = z * z / trials
    centre = proportion + z2_over_n / 2
    half_width = z * math.sqrt(proportion * (1 - proportion) / trials + z2_over_n / (4 * trials))
    denominator = 1 + z2_over_n
    # Clamp away floating-point wobble at p = 0 or 1.
    return max(0.0, (centre - half_width) / denominator), min(1.0, (centre + half_width) / denominator)


def byars_ci(count: int, level: float = 0.95) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval for an observed count (Breslow & Day 1987)."""
    observed = as_count(count, "count")
    z = two_sided_z(as_level(level))
    if observed == 0:
        lower = 0.0
    else:
        lower = observed * (1 - 1 / (9 * observed) - z / (3 * math.sqrt(observed))) ** 3
    upper_base = observed + 1
    upper = upper_base * (1 - 1 / (9 * upper_base) + z / (3 * math.sqrt(upper_base))) ** 3
    return max(0.0, lower), upper


def exact_poisson_ci(count: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) Poisson interval for a count, from gamma quantiles (equivalently chi-square / 2)."""
    observed = as_count(count, "count")
    alpha = 1 - as_level(level)
    lower = 0.0 if observed == 0 else float(stats.gamma.ppf(alpha / 2, observed))
    upper = float(stats.gamma.ppf(1 - alpha / 2, observed + 1))
    return lower, upper


def count_ci(count: int, level: float = 0.95) -> tuple[float, float]:
    """Interval for a count the Fingertips way: Byar's for 10 or more events, exact Poisson below 10."""
    if as_count(count, "count") >= BYARS_MINIMUM_COUNT:
        return byars_ci(count, level)
    return exact_poisson_ci(count, level)


def rate_ci(count: int, denominator: float, per: float = 100_000, level: float = 0.95) -> tuple[float, float]:
    """Interval for the crude rate count / denominator * per (e.g. per 100,000 population)."""
    scale = as_positive_number(per, "per") / as_positive_number(denominator, "denominator")
    lower, upper = count_ci(count, level)
    return lower * scale, upper * scale
