"""Statistics for community evidence: intervals, comparisons, funnels, representation, evaluation.

Plain Python on scipy, no Django, so an analyst can `import chorus.stats` in a notebook. Proportions and
differences are fractions (0.0602 = 6.02 percentage points) unless a function says otherwise.
"""

from chorus.stats.comparison import (
    BenchmarkComparison,
    Polarity,
    ProportionComparison,
    benchmark_label,
    compare_proportions,
    compare_with_benchmark,
)
from chorus.stats.evaluation import (
    DifferenceInDifferences,
    Estimate,
    difference_in_differences,
    proportion_change,
    proportions_difference_in_differences,
)
from chorus.stats.funnel import (
    FunnelPoint,
    FunnelUnit,
    funnel_curve,
    funnel_limits,
    place_on_funnel,
    pooled_target,
)
from chorus.stats.intervals import byars_ci, count_ci, exact_poisson_ci, rate_ci, wilson_ci
from chorus.stats.paired import (
    PairedComparison,
    SurveyItemChange,
    compare_paired_proportions,
    compare_survey_item,
)
from chorus.stats.reconstruct import reconstruct_counts, reconstruct_pairs
from chorus.stats.representation import GroupRepresentation, representation

__all__ = [
    "BenchmarkComparison",
    "DifferenceInDifferences",
    "Estimate",
    "FunnelPoint",
    "FunnelUnit",
    "GroupRepresentation",
    "PairedComparison",
    "Polarity",
    "ProportionComparison",
    "SurveyItemChange",
    "benchmark_label",
    "byars_ci",
    "compare_paired_proportions",
    "compare_proportions",
    "compare_survey_item",
    "compare_with_benchmark",
    "count_ci",
    "difference_in_differences",
    "exact_poisson_ci",
    "funnel_curve",
    "funnel_limits",
    "place_on_funnel",
    "pooled_target",
    "proportion_change",
    "proportions_difference_in_differences",
    "rate_ci",
    "reconstruct_counts",
    "reconstruct_pairs",
    "representation",
    "wilson_ci",
]
