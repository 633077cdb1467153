"""Comparing two proportions, and comparing a local value with a benchmark such as England."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from chorus.stats._checks import (
    as_level,
    as_positive_number,
    as_successes_and_trials,
    two_sided_p,
    two_sided_z,
)
from chorus.stats.intervals import rate_ci, wilson_ci


@dataclass(frozen=True)
class ProportionComparison:
    """Change from a first proportion p1 = x1/n1 to a second p2 = x2/n2 (two independent samples).

    Proportions and differences are fractions (0.0602 is 6.02 percentage points). The relative change and
    its bounds are None when either proportion is zero, because the log relative risk is then undefined.
    """

    first: float
    second: float
    difference: float
    difference_lower: float
    difference_upper: float
    relative_change: float | None
    relative_change_lower: float | None
    relative_change_upper: float | None
    z: float
    p_value: float
    level: float


def compare_proportions(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> ProportionComparison:
    """Compare p1 = x1/n1 with p2 = x2/n2 from independent samples.

    - difference p2 - p1 with Newcombe's hybrid Wilson score interval (Newcombe 1998, Stat Med 17:873,
      method 10), which stays inside [-1, 1] and behaves well for small counts;
    - relative change p2/p1 - 1 with the interval from the log relative risk,
      SE(log RR) = sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2) (Katz et al. 1978);
    - z from the pooled two-proportion z-test and its two-sided p-value.
    """
    x1, n1 = as_successes_and_trials(x1, n1)
    x2, n2 = as_successes_and_trials(x2, n2)
    level = as_level(level)
    p1, p2 = x1 / n1, x2 / n2
    lower1, upper1 = wilson_ci(x1, n1, level)
    lower2, upper2 = wilson_ci(x2, n2, level)
    difference = p2 - p1
    difference_lower = difference - math.hypot(p2 - lower2, upper1 - p1)
    difference_upper = difference + math.hypot(upper2 - p2, p1 - lower1)

    pooled = (x1 + x2) / (n1 + n2)
    pooled_se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    # A pooled SE of zero means both samples are all-yes or all-no: no evidence of a difference.
    z = difference / pooled_se if pooled_se > 0 else 0.0
    p_value = two_sided_p(z)

    relative_change = relative_lower = relative_upper = None
    if x1 > 0 and x2 > 0:
        log_rr = math.log(p2 / p1)
        se_log_rr = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        z_level = two_sided_z(level)
        relative_change = p2 / p1 - 1
        relative_lower = math.exp(log_rr - z_level * se_log_rr) - 1
        relative_upper = math.exp(log_rr + z_level * se_log_rr) - 1

    return ProportionComparison(
        first=p1,
        second=p2,
        difference=difference,
        difference_lower=max(-1.0, difference_lower),
        difference_upper=min(1.0, difference_upper),
        relative_change=relative_change,
        relative_change_lower=relative_lower,
        relative_change_upper=relative_upper,
        z=z,
        p_value=p_value,
        level=level,
    )


class Polarity(StrEnum):
    """Whether a higher value of an indicator is good, bad, or neither (Fingertips 'polarity')."""

    HIGH_IS_GOOD = "high-is-good"
    LOW_IS_GOOD = "low-is-good"
    NONE = "none"


BenchmarkLabel = Literal["better", "similar", "worse", "higher", "lower"]


def benchmark_label(lower: float, upper: float, benchmark: float, polarity: Polarity | str) -> BenchmarkLabel:
    """Fingertips-style label: 'similar' when the benchmark lies inside [lower, upper] (bounds included).

    Otherwise the local value is significantly higher or lower than the benchmark; with a polarity that
    becomes 'better' or 'worse', and without one it stays 'higher' or 'lower'.
    """
    polarity = Polarity(polarity)
    if lower > upper:
        raise ValueError(f"lower bound {lower} is above upper bound {upper}")
    if lower <= benchmark <= upper:
        return "similar"
    higher = lower > benchmark
    if polarity is Polarity.NONE:
        return "higher" if higher else "lower"
    if polarity is Polarity.HIGH_IS_GOOD:
        return "better" if higher else "worse"
    return "worse" if higher else "better"


@dataclass(frozen=True)
class BenchmarkComparison:
    """A local value with its interval, the benchmark it was compared with, and the resulting label."""

    value: float
    lower: float
    upper: float
    benchmark: float
    label: BenchmarkLabel
    method: str


def compare_with_benchmark(
    numerator: int,
    denominator: int | float,
    benchmark: float,
    polarity: Polarity | str,
    *,
    kind: Literal["proportion", "rate"] = "proportion",
    per: float = 1.0,
    level: float = 0.95,
) -> BenchmarkComparison:
    """Compare a local indicator with a benchmark (usually England) the Fingertips way.

    kind="proportion": value = numerator / denominator * per with a Wilson score interval; pass per=100 to
    work in percentages. kind="rate": value = numerator / denominator * per (e.g. per=100_000) with Byar's
    interval for 10 or more events and the exact Poisson interval below 10. The benchmark must be in the
    same units as the value. The label is 'similar' when the benchmark lies inside the local interval.
    """
    per = as_positive_number(per, "per")
    if kind == "proportion":
        successes, trials = as_successes_and_trials(numerator, denominator)
        lower, upper = wilson_ci(successes, trials, level)
        value = successes / trials * per
        lower, upper = lower * per, upper * per
        method = "Wilson score"
    elif kind == "rate":
        lower, upper = rate_ci(numerator, denominator, per=per, level=level)
        value = numerator / as_positive_number(denominator, "denominator") * per
        method = "Byar's" if numerator >= 10 else "exact Poisson"
    else:
        raise ValueError(f"kind must be 'proportion' or 'rate', got {kind!r}")
    if isinstance(benchmark, bool) or not isinstance(benchmark, numbers.Real) or not math.isfinite(benchmark):
        raise ValueError(f"benchmark must be a finite number, got {benchmark!r}")
    label = benchmark_label(lower, upper, benchmark, polarity)
    return BenchmarkComparison(
        value=value, lower=lower, upper=upper, benchmark=float(benchmark), label=label, method=method
    )
