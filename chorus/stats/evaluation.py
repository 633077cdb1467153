"""Evaluating change: difference in differences between an intervention and a comparator population."""

from __future__ import annotations

import math
from dataclasses import dataclass

from chorus.stats._checks import as_level, as_successes_and_trials, two_sided_p, two_sided_z


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error."""

    value: float
    standard_error: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError(f"estimate must be finite, got {self.value!r}")
        if not math.isfinite(self.standard_error) or self.standard_error < 0:
            raise ValueError(f"standard error must be finite and not negative, got {self.standard_error!r}")


@dataclass(frozen=True)
class DifferenceInDifferences:
    """(intervention after - before) - (comparator after - before), with a normal-theory interval."""

    intervention_change: float
    comparator_change: float
    estimate: float
    standard_error: float
    lower: float
    upper: float
    z: float
    p_value: float
    level: float


def difference_in_differences(
    intervention_change: Estimate, comparator_change: Estimate, level: float = 0.95
) -> DifferenceInDifferences:
    """Difference in differences from the change in each population and its standard error.

    Method: the two changes come from independent populations, so the variance of their difference is the
    sum of their variances, SE = sqrt(SE_intervention^2 + SE_comparator^2); the interval is
    estimate +/- z * SE and the p-value is from the standard normal. Each change may itself be paired (the
    same units measured twice) or unpaired; pass whichever standard error fits how it was measured.
    """
    level = as_level(level)
    estimate = intervention_change.value - comparator_change.value
    standard_error = math.hypot(intervention_change.standard_error, comparator_change.standard_error)
    half_width = two_sided_z(level) * standard_error
    if standard_error > 0:
        z = estimate / standard_error
        p_value = two_sided_p(z)
    else:
        z = 0.0 if estimate == 0 else math.copysign(math.inf, estimate)
        p_value = 1.0 if estimate == 0 else 0.0
    return DifferenceInDifferences(
        intervention_change=intervention_change.value,
        comparator_change=comparator_change.value,
        estimate=estimate,
        standard_error=standard_error,
        lower=estimate - half_width,
        upper=estimate + half_width,
        z=z,
        p_value=p_value,
        level=level,
    )


def proportion_change(before: tuple[int, int], after: tuple[int, int]) -> Estimate:
    """Change in a proportion between two independent samples, each given as (successes, trials).

    SE = sqrt(p_before (1 - p_before) / n_before + p_after (1 - p_after) / n_after) (Wald), i.e. repeated
    cross-sections of a population rather than the same people asked twice.
    """
    x_before, n_before = as_successes_and_trials(*before)
    x_after, n_after = as_successes_and_trials(*after)
    p_before, p_after = x_before / n_before, x_after / n_after
    variance = p_before * (1 - p_before) / n_before + p_after * (1 - p_after) / n_after
    return Estimate(value=p_after - p_before, standard_error=math.sqrt(variance))


def proportions_difference_in_differences(
    intervention_before: tuple[int, int],
    intervention_after: tuple[int, int],
    comparator_before: tuple[int, int],
    comparator_after: tuple[int, int],
    level: float = 0.95,
) -> DifferenceInDifferences:
    """Difference in differences of proportions; each argument is (successes, trials) at one date.

    All four samples are treated as independent (repeated cross-sections), so the variance is the sum of
    the four binomial variances p (1 - p) / n. Differences are fractions (0.05 = 5 percentage points).
    """
    return difference_in_differences(
        proportion_change(intervention_before, intervention_after),
        proportion_change(comparator_before, comparator_after),
        level,
    )
