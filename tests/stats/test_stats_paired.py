import pytest

from chorus.stats import compare_paired_proportions, compare_survey_item
from chorus.stats.paired import PAIRED_METHOD, UNPAIRED_METHOD


def test_mcnemar_on_agrestis_presidential_approval_survey():
    """Agresti (2007) An Introduction to Categorical Data Analysis, 2nd ed., section 8.1, Table 8.1: 1600
    people asked twice about the President's performance: approve-approve 794, approve-disapprove 150,
    disapprove-approve 86, disapprove-disapprove 570. McNemar z = -4.17 (z^2 = 17.36), p < 0.001;
    approval fell from 0.59 to 0.55, 95% interval for the change (-0.06, -0.02)."""
    result = compare_paired_proportions(794, 150, 86, 570)
    assert round(result.mcnemar_statistic, 2) == 17.36
    assert result.p_value < 0.001
    assert (result.before, result.after) == pytest.approx((0.59, 0.55))
    assert round(result.difference, 2) == -0.04
    assert (round(result.lower, 2), round(result.upper, 2)) == (-0.06, -0.02)


def test_newcombe_paired_interval_on_cavo_complete_response():
    """Fagerland, Lydersen & Laake (2017) Statistical Analysis of Contingency Tables, chapter 8 (Cavo et
    al. 2012), table [[59, 6], [16, 80]]: Newcombe square-and-add interval for p1+ - p+1 is -0.0621
    (-0.1186 to -0.0046) (checked in the book's R package contingencytables, tests/testthat/test-ch8.R).
    Our difference is after - before, so the signs flip."""
    result = compare_paired_proportions(59, 6, 16, 80)
    assert round(result.difference, 4) == 0.0621
    assert (round(result.lower, 4), round(result.upper, 4)) == (0.0046, 0.1186)
    assert result.exact_p_value > result.p_value  # the exact conditional test is the more conservative


def test_no_discordant_pairs_means_no_evidence_of_change():
    result = compare_paired_proportions(30, 0, 0, 20)
    assert result.difference == 0
    assert result.p_value == 1.0 and result.exact_p_value == 1.0


def test_paired_table_rejects_negative_cells_and_empty_tables():
    with pytest.raises(ValueError, match="must not be negative"):
        compare_paired_proportions(1, -2, 3, 4)
    with pytest.raises(ValueError, match="no paired answers"):
        compare_paired_proportions(0, 0, 0, 0)


def test_survey_item_uses_the_paired_analysis_when_the_same_people_answered():
    before = {f"r{i}": i < 10 for i in range(40)}
    after = {f"r{i}": i < 25 for i in range(40)}
    result = compare_survey_item(before, after)
    assert result.method == PAIRED_METHOD
    assert result.linked_respondents == 40
    expected = compare_paired_proportions(10, 0, 15, 15)
    assert (result.difference, result.lower, result.upper, result.p_value) == (
        expected.difference,
        expected.lower,
        expected.upper,
        expected.p_value,
    )


def test_survey_item_falls_back_to_unpaired_when_few_people_can_be_linked():
    before = {f"a{i}": i < 10 for i in range(40)}
    after = {f"b{i}": i < 25 for i in range(40)}
    after["a0"] = True
    result = compare_survey_item(before, after)
    assert result.method == UNPAIRED_METHOD
    assert result.linked_respondents == 1
    assert result.before == 10 / 40 and result.after == 26 / 41


def test_survey_item_answers_must_be_yes_or_no():
    with pytest.raises(ValueError, match="True"):
        compare_survey_item({"a": "yes"}, {"a": True})
