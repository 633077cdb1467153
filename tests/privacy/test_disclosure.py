import pytest

from chorus.privacy.disclosure import (
    SUPPRESSED,
    display_count,
    display_difference,
    display_interval,
    display_per_count,
    display_percentage,
    display_proportion,
    display_table,
    display_whole_percentage,
)
from chorus.stats import reconstruct_counts


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, "*"), (2, "*"), (5, "*"), (7, "*"), (8, 10), (16, 15), (57, 55), (10023, 10025)],
)
def test_counts_below_national_level(count, shown):
    assert display_count(count) == shown


def test_counts_at_national_level_are_shown_as_they_are():
    assert display_count(5, national=True) == 5
    assert display_count(57, national=True) == 57


@pytest.mark.parametrize("bad", [-1, 2.5, "7", None, True])
def test_negative_or_fractional_counts_are_errors(bad):
    with pytest.raises(ValueError):
        display_count(bad)


def test_percentages_come_from_the_published_counts():
    # 57/116 would be 49.1%, and 49.1% of a published 115 could only be 57 (or 56.5...): the exact count back.
    # From the published counts, 55/115 = 47.8%.
    assert display_percentage(57, 116) == 47.8
    assert display_percentage(0, 40) == 0.0
    assert display_percentage(57, 116, national=True) == 49.1


def test_whole_percentages_round_half_up_from_the_published_counts_and_never_read_as_none_or_all():
    assert display_whole_percentage(57, 116) == 48  # 55/115 = 47.8%
    assert display_whole_percentage(10, 80) == 13  # 12.5% rounds up, as the board report's figures do
    assert display_whole_percentage(0, 40) == 0
    assert display_whole_percentage(40, 40) == 100
    assert display_whole_percentage(10, 2500) == "<1"  # 0.4%: some, not nobody
    assert display_whole_percentage(2490, 2500) == ">99"  # 99.6%: nearly all, not everyone
    assert display_whole_percentage(3, 40) == display_whole_percentage(5, 5) == "*"
    assert display_whole_percentage(0, 0) == "-"


def test_every_derived_figure_depends_only_on_the_published_counts():
    """Two exact pairs that publish the same counts publish the same share, interval and change, so nothing
    beyond the published counts can be read from them."""
    seen: dict = {}
    for denominator in range(0, 90):
        for numerator in range(0, denominator + 1):
            key = (display_count(numerator), display_count(denominator))
            figures = (
                display_percentage(numerator, denominator),
                display_proportion(numerator, denominator),
                display_interval(numerator, denominator),
                display_difference((numerator, denominator), (40, 120)),
                display_per_count(1_234_567, denominator) if denominator else None,
            )
            assert seen.setdefault(key, figures) == figures, (numerator, denominator)


def _hidden(published: int) -> range:
    """The exact counts that publish as `published` (rounded to 5)."""
    return range(published - 2, published + 3)


def _attack(share: float, published_numerator: int, published_denominator: int) -> set[int]:
    """Numerators consistent with the share, the published numerator and the published denominator."""
    return {
        n
        for d in _hidden(published_denominator)
        for n in reconstruct_counts(share, d)
        if n in _hidden(published_numerator)
    }


def test_a_published_share_no_longer_gives_back_the_hidden_count():
    # A ward of 158 (published 160) where 52 (published 50) raised a theme.
    numerator, denominator = 52, 158
    published_numerator, published_denominator = display_count(numerator), display_count(denominator)
    assert (published_numerator, published_denominator) == (50, 160)
    from_exact_counts = display_percentage(numerator, denominator, national=True)
    assert _attack(from_exact_counts, 50, 160) == {52}  # what used to be published gave the 52 back
    share = display_percentage(numerator, denominator)
    assert share == 31.3 and numerator not in _attack(share, 50, 160)


def test_shares_and_money_per_person_from_published_counts():
    # 50/64 agreeing: 0.78125 gave back 50 of a published 65; 50/65 is what may be published.
    assert display_proportion(50, 64) == 0.7692
    # £6,120 for 612 people: £10.00 a head gave back 612; per published 610 it is £10.03.
    assert round(display_per_count(612_000, 612)) == 1003
    assert display_per_count(612_000, 5) == SUPPRESSED and display_per_count(612_000, 0) is None
    assert display_interval(3, 40) == SUPPRESSED and display_interval(0, 0) is None
    assert display_difference((3, 40), (20, 40)) is None
    change = display_difference((20, 40), (30, 40))
    assert change.difference == 25.0 and change.lower < 25.0 < change.upper


def test_percentages_round_half_up():
    assert display_percentage(1, 8, decimals=0, national=True) == 13.0
    assert display_percentage(9, 16, decimals=2, national=True) == 56.25
    assert display_percentage(9, 16, decimals=1, national=True) == 56.3
    assert display_percentage(10, 16, decimals=1) == 66.7  # 10/15 from the published counts


@pytest.mark.parametrize(("numerator", "denominator"), [(3, 40), (7, 1000), (2, 5), (0, 5)])
def test_percentages_with_a_numerator_or_denominator_of_1_to_7_are_suppressed(numerator, denominator):
    assert display_percentage(numerator, denominator) == "*"


def test_percentage_of_nobody_is_not_applicable_and_impossible_ones_are_errors():
    assert display_percentage(0, 0) == "-"
    with pytest.raises(ValueError, match="cannot exceed"):
        display_percentage(9, 8)
    with pytest.raises(ValueError):
        display_percentage(-1, 8)


def test_whole_table_is_controlled_column_by_column():
    rows = [
        {"ward": "Milton", "heard": 57, "residents": 116, "carers": 5},
        {"ward": "Kursaal", "heard": 3, "residents": 40, "carers": 0},
        {"ward": "Victoria", "heard": 16, "residents": None, "carers": 8},
    ]
    shown = display_table(rows, ["heard", "residents", "carers"], {"heard_pct": ("heard", "residents")})
    assert shown == [
        {"ward": "Milton", "heard": 55, "residents": 115, "carers": "*", "heard_pct": 47.8},
        {"ward": "Kursaal", "heard": "*", "residents": 40, "carers": 0, "heard_pct": "*"},
        {"ward": "Victoria", "heard": 15, "residents": None, "carers": 10, "heard_pct": None},
    ]
    assert rows[0]["heard"] == 57  # the input is left alone


def test_table_errors_name_the_row_and_column():
    with pytest.raises(ValueError, match=r"row 1, column 'heard'"):
        display_table([{"heard": 10}, {"heard": -4}], ["heard"])
    with pytest.raises(ValueError, match="no column 'heard'"):
        display_table([{"ward": "Milton"}], ["heard"])
