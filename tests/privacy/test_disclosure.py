import pytest

from chorus.privacy.disclosure import display_count, display_percentage, display_table


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


def test_percentages_come_from_unrounded_counts():
    # 57/116 = 49.14%; from the rounded counts (55/115) it would wrongly be 47.8%.
    assert display_percentage(57, 116) == 49.1
    assert display_percentage(0, 40) == 0.0


def test_percentages_round_half_up():
    assert display_percentage(1, 8, decimals=0, national=True) == 13.0
    assert display_percentage(9, 16, decimals=2) == 56.25
    assert display_percentage(9, 16, decimals=1) == 56.3


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
        {"ward": "Milton", "heard": 55, "residents": 115, "carers": "*", "heard_pct": 49.1},
        {"ward": "Kursaal", "heard": "*", "residents": 40, "carers": 0, "heard_pct": "*"},
        {"ward": "Victoria", "heard": 15, "residents": None, "carers": 10, "heard_pct": None},
    ]
    assert rows[0]["heard"] == 57  # the input is left alone


def test_table_errors_name_the_row_and_column():
    with pytest.raises(ValueError, match=r"row 1, column 'heard'"):
        display_table([{"heard": 10}, {"heard": -4}], ["heard"])
    with pytest.raises(ValueError, match="no column 'heard'"):
        display_table([{"ward": "Milton"}], ["heard"])
