import math

import pytest
from scipy import optimize

from chorus.stats import funnel_curve, funnel_limits, place_on_funnel, pooled_target, wilson_ci
from chorus.stats._checks import two_sided_z


def test_limits_approach_spiegelhalters_normal_approximation_for_large_units():
    """Spiegelhalter (2005) 'Funnel plots for comparing institutional performance', Stat Med 24:1185-1202:
    for a proportion with target t and large n the limits are t +/- z sqrt(t (1 - t) / n), with z = 1.96
    for 95% and 3.09 for 99.8%."""
    target, n = 0.2, 10_000_000
    for level in (0.95, 0.998):
        half_width = two_sided_z(level) * math.sqrt(target * (1 - target) / n)
        lower, upper = funnel_limits(target, n, level)
        assert lower == pytest.approx(target - half_width, rel=1e-5)
        assert upper == pytest.approx(target + half_width, rel=1e-5)


def test_limits_are_where_the_wilson_interval_touches_the_target():
    """The Fingertips/PHEindicatormethods definition, checked by solving it numerically."""
    target, n, z = 0.3, 150, two_sided_z(0.95)

    def wilson(p: float) -> tuple[float, float]:
        centre = p + z * z / (2 * n)
        spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (centre - spread) / (1 + z * z / n), (centre + spread) / (1 + z * z / n)

    upper_expected = optimize.brentq(lambda p: wilson(p)[0] - target, target, 1)
    lower_expected = optimize.brentq(lambda p: wilson(p)[1] - target, 0, target)
    assert funnel_limits(target, n) == pytest.approx((lower_expected, upper_expected), abs=1e-9)


def test_a_unit_is_outside_the_95_funnel_exactly_when_its_wilson_interval_excludes_the_target():
    target, n = 0.4, 80
    lower_limit, upper_limit = funnel_limits(target, n)
    for successes in range(n + 1):
        lower, upper = wilson_ci(successes, n)
        outside_funnel = not lower_limit <= successes / n <= upper_limit
        assert outside_funnel == (not lower <= target <= upper)


def test_funnel_narrows_as_units_grow_and_the_998_funnel_is_wider():
    points = funnel_curve(0.25, [50, 500, 5000])
    widths_95 = [p.upper_95 - p.lower_95 for p in points]
    assert widths_95 == sorted(widths_95, reverse=True)
    for point in points:
        assert point.lower_998 < point.lower_95 < 0.25 < point.upper_95 < point.upper_998


def test_limits_are_clipped_to_zero_and_one():
    lower, upper = funnel_limits(0.01, 20)
    assert lower == 0.0 and upper < 1
    assert funnel_limits(0.0, 100) == (0.0, 0.0)


def test_units_are_labelled_inside_above_or_below_around_the_pooled_target():
    units = {"A": (50, 100), "B": (80, 100), "C": (500, 1000), "D": (20, 100)}
    assert pooled_target(units) == pytest.approx(650 / 1300)
    labels = {unit.name: unit.position for unit in place_on_funnel(units)}
    assert labels == {"A": "inside", "B": "above", "C": "inside", "D": "below"}


def test_labelling_at_95_percent_catches_more_than_at_99_8():
    units = {"edge": (63, 100), "middle": (50, 100)}
    assert [u.position for u in place_on_funnel(units, target=0.5, level=0.95)] == ["above", "inside"]
    assert [u.position for u in place_on_funnel(units, target=0.5, level=0.998)] == ["inside", "inside"]


def test_funnel_inputs_are_validated():
    with pytest.raises(ValueError, match="target"):
        funnel_limits(1.5, 100)
    with pytest.raises(ValueError, match="denominator"):
        funnel_limits(0.5, 0)
    with pytest.raises(ValueError, match="cannot exceed"):
        place_on_funnel({"A": (12, 10)}, target=0.5)
    with pytest.raises(ValueError, match="no units"):
        pooled_target({})
