"""Intervals against the published values given as acceptance criteria in Chorus issues 3, 5 and 9.

The exact Poisson interval for 1 event is the chi-square quantile pair chi2(0.025; 2)/2 to
chi2(0.975; 4)/2 (Garwood 1936), i.e. 0.025318 to 5.571643.
"""

import pytest

from chorus.stats import byars_ci, count_ci, exact_poisson_ci, rate_ci, wilson_ci


def test_wilson_65_of_100_at_95_percent():
    assert wilson_ci(65, 100) == pytest.approx((0.552544, 0.736358), abs=5e-7)


def test_wilson_1045_of_5000_at_95_percent():
    assert wilson_ci(1045, 5000) == pytest.approx((0.197955, 0.220491), abs=5e-7)


def test_wilson_65_of_100_at_99_8_percent():
    assert wilson_ci(65, 100, level=0.998) == pytest.approx((0.495495, 0.778354), abs=5e-7)


def test_wilson_stays_inside_zero_and_one_at_the_extremes():
    lower, upper = wilson_ci(0, 20)
    assert lower == 0.0 and 0 < upper < 0.2
    lower, upper = wilson_ci(20, 20)
    assert 0.8 < lower < 1 and upper == 1.0


def test_byars_65():
    assert byars_ci(65) == pytest.approx((50.163188, 82.849139), abs=5e-7)


def test_exact_poisson_1_per_100_times_100():
    assert exact_poisson_ci(1) == pytest.approx((0.025318, 5.571643), abs=5e-7)
    assert rate_ci(1, 100, per=100) == pytest.approx((0.025318, 5.571643), abs=5e-7)


def test_exact_poisson_of_zero_has_lower_bound_zero():
    lower, upper = exact_poisson_ci(0)
    assert lower == 0.0
    assert upper == pytest.approx(3.688879, abs=5e-7)  # -ln(0.025), the textbook upper bound for 0 events


def test_count_ci_uses_byars_from_10_events_and_exact_below():
    assert count_ci(9) == exact_poisson_ci(9)
    assert count_ci(10) == byars_ci(10)


def test_rate_ci_scales_the_count_interval():
    lower, upper = rate_ci(65, 200_000, per=100_000)
    assert (lower, upper) == pytest.approx((50.163188 / 2, 82.849139 / 2), abs=5e-7)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wilson_ci(-1, 10), "must not be negative"),
        (lambda: wilson_ci(11, 10), "cannot exceed trials"),
        (lambda: wilson_ci(2.5, 10), "whole number"),
        (lambda: wilson_ci("3", 10), "whole number"),
        (lambda: wilson_ci(True, 10), "whole number"),
        (lambda: wilson_ci(0, 0), "greater than zero"),
        (lambda: wilson_ci(3, 10, level=1.0), "level"),
        (lambda: wilson_ci(3, 10, level=95), "level"),
        (lambda: byars_ci(-3), "must not be negative"),
        (lambda: exact_poisson_ci(1.5), "whole number"),
        (lambda: exact_poisson_ci(3, level=0), "level"),
        (lambda: rate_ci(3, 0), "denominator"),
    ],
)
def test_bad_inputs_raise_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_integral_floats_from_spreadsheets_are_accepted():
    assert wilson_ci(65.0, 100.0) == wilson_ci(65, 100)
