import pytest

from chorus.stats import representation, wilson_ci


def test_core20_residents_heard_at_2_3_times_their_population_share():
    rows = {
        row.group: row for row in representation({"Core20": 46, "Other": 54}, {"Core20": 200, "Other": 800})
    }
    core20 = rows["Core20"]
    assert core20.contributor_share == pytest.approx(0.46)
    assert core20.population_share == pytest.approx(0.2)
    assert core20.ratio == pytest.approx(2.3)
    assert (core20.contributor_share_lower, core20.contributor_share_upper) == wilson_ci(46, 100)
    assert core20.sentence("Core20 residents") == "Core20 residents were 2.3x their share of the population"
    assert not core20.under_heard
    assert rows["Other"].under_heard  # 0.54 of contributors vs 0.8 of people; interval tops out at 0.63


def test_a_low_ratio_from_a_handful_of_contributors_is_not_flagged():
    # Ratio 0.5, but with 10 contributors the interval still includes the population share.
    rows = {row.group: row for row in representation({"young": 1, "old": 9}, {"young": 20, "old": 80})}
    assert rows["young"].ratio == pytest.approx(0.5)
    assert not rows["young"].under_heard


def test_a_significant_but_small_gap_is_not_flagged():
    # 19% of 10,000 contributors vs 20% of people: the interval excludes 0.2 but the ratio is 0.95.
    rows = {row.group: row for row in representation({"a": 1900, "b": 8100}, {"a": 200, "b": 800})}
    assert rows["a"].contributor_share_upper < 0.2
    assert not rows["a"].under_heard


def test_groups_missing_from_contributors_count_as_zero_and_are_under_heard():
    rows = {row.group: row for row in representation({"b": 100}, {"a": 300, "b": 700})}
    assert rows["a"].contributors == 0 and rows["a"].ratio == 0
    assert rows["a"].under_heard


def test_representation_rejects_inconsistent_inputs():
    with pytest.raises(ValueError, match="no population"):
        representation({"a": 1, "z": 2}, {"a": 10})
    with pytest.raises(ValueError, match="no contributors"):
        representation({}, {"a": 10})
    with pytest.raises(ValueError, match="population is zero"):
        representation({"a": 3}, {"a": 10, "b": 0})
    with pytest.raises(ValueError, match="whole number"):
        representation({"a": 1.5}, {"a": 10})
