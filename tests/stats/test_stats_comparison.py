"""Comparisons of proportions and with a benchmark, against the published figures of Chorus issues 3 and 5.

VCKC: 1010/1712 -> 1089/1675 is published as +6.02 percentage points (Newcombe 95% 2.75 to 9.27),
z = 3.61, p ~ 0.0003, relative change +10.2% (4.5% to 16.2%).
Southend-on-Sea QOF smoking prevalence 28,468/156,589 = 18.18% (95% 17.99 to 18.37) against England
16.46%, low is good: Fingertips shows it as worse than England.
"""

import pytest

from chorus.stats import Polarity, benchmark_label, compare_proportions, compare_with_benchmark


def test_vckc_change_matches_the_published_figures():
    result = compare_proportions(1010, 1712, 1089, 1675)
    assert round(result.difference * 100, 2) == 6.02
    assert round(result.difference_lower * 100, 2) == 2.75
    assert round(result.difference_upper * 100, 2) == 9.27
    assert round(result.z, 2) == 3.61
    assert result.p_value == pytest.approx(0.0003, abs=0.00005)
    assert round(result.relative_change * 100, 1) == 10.2
    assert round(result.relative_change_lower * 100, 1) == 4.5
    assert round(result.relative_change_upper * 100, 1) == 16.2


def test_newcombe_and_katz_intervals_for_the_epinephrine_trial():
    """Fagerland, Lydersen & Laake (2017) Statistical Analysis of Contingency Tables, chapter 4, Perondi et
    al. (2004): 7/34 vs 1/34. Newcombe hybrid score interval for the difference: 0.1765 (0.0189 to
    0.3404); Katz log interval for the ratio: 7.0000 (0.9096 to 53.8695) (as checked in the book's R
    package contingencytables, tests/testthat/test-ch4.R)."""
    result = compare_proportions(1, 34, 7, 34)
    assert round(result.difference, 4) == 0.1765
    assert round(result.difference_lower, 4) == 0.0189
    assert round(result.difference_upper, 4) == 0.3404
    assert round(result.relative_change + 1, 4) == 7.0
    assert round(result.relative_change_lower + 1, 4) == 0.9096
    assert round(result.relative_change_upper + 1, 4) == 53.8695


def test_identical_all_zero_samples_show_no_difference_and_no_relative_change():
    result = compare_proportions(0, 50, 0, 80)
    assert result.difference == 0
    assert result.z == 0 and result.p_value == 1.0
    assert result.relative_change is None


def test_compare_proportions_rejects_successes_above_trials():
    with pytest.raises(ValueError, match="cannot exceed"):
        compare_proportions(10, 5, 3, 5)


def test_southend_smoking_prevalence_is_worse_than_england():
    result = compare_with_benchmark(28468, 156589, 16.46, Polarity.LOW_IS_GOOD, per=100)
    assert round(result.value, 2) == 18.18
    assert (round(result.lower, 2), round(result.upper, 2)) == (17.99, 18.37)
    assert result.label == "worse"


@pytest.mark.parametrize(
    ("polarity", "benchmark", "expected"),
    [
        ("low-is-good", 16.46, "worse"),
        ("high-is-good", 16.46, "better"),
        ("none", 16.46, "higher"),
        ("low-is-good", 20.0, "better"),
        ("high-is-good", 20.0, "worse"),
        ("none", 20.0, "lower"),
        ("low-is-good", 18.2, "similar"),
        ("none", 18.2, "similar"),
    ],
)
def test_label_follows_polarity_and_whether_the_benchmark_is_inside_the_interval(
    polarity, benchmark, expected
):
    assert compare_with_benchmark(28468, 156589, benchmark, polarity, per=100).label == expected


def test_benchmark_on_the_interval_bound_counts_as_similar():
    assert benchmark_label(17.99, 18.37, 17.99, "low-is-good") == "similar"


def test_rates_use_exact_poisson_below_10_events_and_byars_from_10():
    few = compare_with_benchmark(1, 100, 3.0, "low-is-good", kind="rate", per=100)
    assert few.method == "exact Poisson"
    assert (few.lower, few.upper) == pytest.approx((0.025318, 5.571643), abs=5e-7)
    assert few.label == "similar"
    many = compare_with_benchmark(65, 100_000, 100.0, "low-is-good", kind="rate", per=100_000)
    assert many.method == "Byar's"
    assert (many.lower, many.upper) == pytest.approx((50.163188, 82.849139), abs=5e-7)
    assert many.label == "better"


def test_unknown_polarity_or_kind_is_refused():
    with pytest.raises(ValueError):
        compare_with_benchmark(5, 10, 0.5, "sideways")
    with pytest.raises(ValueError, match="kind"):
        compare_with_benchmark(5, 10, 0.5, "none", kind="ratio")
