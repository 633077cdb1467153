import pytest

from chorus.stats import reconstruct_counts, reconstruct_pairs


def test_59_percent_of_1712_is_1010():
    assert reconstruct_counts(59.0, 1712) == [1010]


def test_35_6_percent_of_257_is_impossible():
    # 91/257 = 35.41% and 92/257 = 35.80%: no whole number of people gives 35.6%.
    assert reconstruct_counts(35.6, 257) == []


def test_small_denominators_can_give_several_candidates_or_whole_number_percentages():
    assert reconstruct_counts(50, 1000, decimals=0) == list(range(495, 506))
    assert reconstruct_counts("33.3", 3) == [1]


def test_a_percentage_exactly_halfway_is_accepted_whichever_way_it_was_rounded():
    # 1/8 = 12.5%: published as 13% (half up) or 12% (half even) to whole percent.
    assert reconstruct_counts(13, 8, decimals=0) == [1]
    assert reconstruct_counts(12, 8, decimals=0) == [1]


def test_reconstruct_pairs_lists_candidates_over_a_range_of_denominators():
    pairs = reconstruct_pairs(35.6, 250, 260)
    assert pairs == [(89, 250), (90, 253)]
    assert all(round(100 * x / n, 1) == 35.6 for x, n in pairs)
    assert (91, 257) not in pairs


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: reconstruct_counts(101, 10), "between 0 and 100"),
        (lambda: reconstruct_counts(-1, 10), "between 0 and 100"),
        (lambda: reconstruct_counts("abc", 10), "number"),
        (lambda: reconstruct_counts(float("nan"), 10), "number"),
        (lambda: reconstruct_counts(50, 0), "greater than zero"),
        (lambda: reconstruct_counts(50, 10.5), "whole number"),
        (lambda: reconstruct_counts(50, 10, decimals=-1), "must not be negative"),
        (lambda: reconstruct_pairs(50, 20, 10), "greater than max_denominator"),
    ],
)
def test_bad_inputs_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
