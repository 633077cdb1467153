import math

import pytest

from chorus.stats import (
    Estimate,
    difference_in_differences,
    proportion_change,
    proportions_difference_in_differences,
)


def test_card_and_krueger_minimum_wage_difference_in_differences():
    """Card & Krueger (1994) 'Minimum wages and employment', American Economic Review 84(4):772-793,
    Table 3 row 3: change in mean FTE employment New Jersey 0.59 (SE 0.54), Pennsylvania -2.16 (1.25);
    difference in differences 2.76 (1.36). The table's changes are rounded, so the estimate is 2.75."""
    result = difference_in_differences(Estimate(0.59, 0.54), Estimate(-2.16, 1.25))
    assert result.estimate == pytest.approx(2.76, abs=0.011)
    assert round(result.standard_error, 2) == 1.36
    assert result.lower == pytest.approx(result.estimate - 1.959964 * result.standard_error)
    assert 0 < result.lower < result.estimate < result.upper


def test_proportions_difference_in_differences_sums_four_binomial_variances():
    result = proportions_difference_in_differences((200, 1000), (300, 1000), (100, 500), (110, 500))
    assert result.intervention_change == pytest.approx(0.10)
    assert result.comparator_change == pytest.approx(0.02)
    assert result.estimate == pytest.approx(0.08)
    variance = 0.2 * 0.8 / 1000 + 0.3 * 0.7 / 1000 + 0.2 * 0.8 / 500 + 0.22 * 0.78 / 500
    assert result.standard_error == pytest.approx(math.sqrt(variance))
    assert result.p_value < 0.05


def test_parallel_changes_give_no_effect():
    result = proportions_difference_in_differences((20, 100), (30, 100), (40, 200), (60, 200))
    assert result.estimate == pytest.approx(0.0, abs=1e-12)
    assert result.lower < 0 < result.upper
    assert result.p_value == pytest.approx(1.0)


def test_proportion_change_validates_counts_and_estimates_validate_errors():
    with pytest.raises(ValueError, match="cannot exceed"):
        proportion_change((12, 10), (3, 10))
    with pytest.raises(ValueError, match="standard error"):
        Estimate(1.0, -0.5)
    with pytest.raises(ValueError, match="level"):
        difference_in_differences(Estimate(1, 1), Estimate(0, 1), level=1.5)
