"""Funnel plots for proportions (Spiegelhalter 2005, Stat Med 24:1185), with Wilson-based control limits.

The limits are the ones used by Fingertips and PHEindicatormethods: at denominator n, the control limits
around a target t are the two proportions whose Wilson score interval at n just touches t. So a unit lies
outside the 95% funnel exactly when its own 95% Wilson interval excludes the target, which keeps funnel
plots consistent with the better/similar/worse labels of `compare_with_benchmark`. For large n the limits
approach Spiegelhalter's normal approximation t +/- z sqrt(t (1 - t) / n).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from chorus.stats._checks import (
    as_level,
    as_positive_number,
    as_proportion,
    as_successes_and_trials,
    two_sided_z,
)

# The two funnels drawn by convention: about 2 and 3 standard deviations.
FUNNEL_LEVELS = (0.95, 0.998)

FunnelPosition = Literal["inside", "above", "below"]


def funnel_limits(target: float, denominator: float, level: float = 0.95) -> tuple[float, float]:
    """Lower and upper control limits (as proportions) around `target` for a unit of size `denominator`."""
    t = as_proportion(target, "target")
    n = as_positive_number(denominator, "denominator")
    z = two_sided_z(as_level(level))
    # Solve wilson_bound(p, n) = t for p. Squaring the Wilson bound equation gives one quadratic in p whose
    # smaller root is where the upper bound touches t (the lower limit) and larger root where the lower
    # bound touches t (the upper limit).
    z2_over_n = z * z / n
    a = 1 + z2_over_n
    k = t * a - z2_over_n / 2
    b = 2 * k + z2_over_n
    c = k * k - z2_over_n * z2_over_n / 4
    root_of_discriminant = math.sqrt(max(0.0, b * b - 4 * a * c))
    lower = (b - root_of_discriminant) / (2 * a)
    upper = (b + root_of_discriminant) / (2 * a)
    return max(0.0, lower), min(1.0, upper)


@dataclass(frozen=True)
class FunnelPoint:
    """The 95% and 99.8% control limits at one denominator, for drawing the funnel."""

    denominator: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


def funnel_curve(target: float, denominators: Iterable[float]) -> list[FunnelPoint]:
    """Control limits at 95% and 99.8% for each denominator (e.g. a geometric grid across the x axis)."""
    points = []
    for denominator in denominators:
        lower_95, upper_95 = funnel_limits(target, denominator, 0.95)
        lower_998, upper_998 = funnel_limits(target, denominator, 0.998)
        points.append(FunnelPoint(float(denominator), lower_95, upper_95, lower_998, upper_998))
    return points


@dataclass(frozen=True)
class FunnelUnit:
    """One unit (ward, practice, partner...) placed on the funnel."""

    name: str
    successes: int
    trials: int
    proportion: float
    lower_limit: float
    upper_limit: float
    position: FunnelPosition


def pooled_target(units: Mapping[str, tuple[int, int]]) -> float:
    """The overall proportion: sum of successes over sum of trials (the PHE default funnel target)."""
    checked = [as_successes_and_trials(x, n) for x, n in units.values()]
    if not checked:
        raise ValueError("no units given")
    return sum(x for x, _ in checked) / sum(n for _, n in checked)


def place_on_funnel(
    units: Mapping[str, tuple[int, int]], target: float | None = None, level: float = 0.998
) -> list[FunnelUnit]:
    """Label each unit inside / above / below the funnel at `level`.

    `units` maps a name to (successes, trials). The target defaults to the pooled proportion of all units.
    The default level, 99.8% (about 3 SD), is Spiegelhalter's threshold for 'divergent' units; use 0.95 for
    the inner funnel. A unit exactly on a limit counts as inside. Units come back in the order given.
    """
    if target is None:
        target = pooled_target(units)
    placed = []
    for name, (successes, trials) in units.items():
        x, n = as_successes_and_trials(successes, trials)
        lower, upper = funnel_limits(target, n, level)
        proportion = x / n
        position: FunnelPosition = "inside"
        if proportion > upper:
            position = "above"
        elif proportion < lower:
            position = "below"
        placed.append(FunnelUnit(name, x, n, proportion, lower, upper, position))
    return placed
