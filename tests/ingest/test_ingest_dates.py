from datetime import date

import pytest

from chorus.ingest.dates import DateOrders, InvalidValue, numeric_style, parse_date, parse_date_auto, preview
from chorus.ingest.mapping import guess_mapping
from chorus.ingest.readers import open_table
from chorus.ingest.validate import CleanRecord, Quarantine, date_orders_of, validate_rows

# Like the NHS FFT sample: one export writes zero-padded day-first dates, another unpadded month-first ones.
STITCHED = ["30/09/2021", "15/06/2021", "02/06/2021", "5/31/2022", "4/26/2022", "10/17/2021", "30/10/2021"]


def test_style_is_how_day_and_month_are_written():
    assert [numeric_style(*pair) for pair in [("5", "31"), ("05", "06"), ("10", "11"), ("30", "09")]] == [
        "unpadded",
        "zero-padded",
        "plain",
        "zero-padded",
    ]


def test_each_style_takes_the_order_its_unambiguous_dates_show():
    orders = DateOrders.from_values(STITCHED)
    assert parse_date_auto("04/05/2022", orders) == date(2022, 5, 4)  # zero-padded: day first
    assert parse_date_auto("4/5/2022", orders) == date(2022, 4, 5)  # unpadded: month first


def test_ambiguous_date_in_a_style_showing_both_orders_is_refused():
    orders = DateOrders.from_values(STITCHED)
    with pytest.raises(InvalidValue, match="'10/11/2021' could be 10 November or 11 October"):
        parse_date_auto("10/11/2021", orders)
    assert parse_date_auto("11/11/2021", orders) == date(2021, 11, 11)  # reads the same either way


def test_a_wholly_month_first_file_is_read_month_first():
    orders = DateOrders.from_values(["12/25/2023", "1/31/2024", "03/15/2024"])
    assert parse_date_auto("04/05/2024", orders) == date(2024, 4, 5)
    assert orders.summary() == "Dates are month first (3 dates show it)."


def test_without_evidence_the_uk_order_applies():
    orders = DateOrders.from_values(["2024-03-05", "01/02/2024"])
    assert parse_date_auto("01/02/2024", orders) == date(2024, 2, 1)
    assert orders.summary() == "No date shows its order; numeric dates are read day first."


def test_unambiguous_values_need_no_evidence():
    assert parse_date_auto("5/31/2022", DateOrders()) == date(2022, 5, 31)
    assert parse_date_auto("31/5/2022", DateOrders()) == date(2022, 5, 31)
    with pytest.raises(InvalidValue, match="not a valid date"):
        parse_date_auto("31/13/2022", DateOrders())


def test_other_formats_pass_through():
    assert parse_date_auto("2024-07-02T14:03:11.482+01:00", DateOrders()) == date(2024, 7, 2)
    assert parse_date("2 July 2024") == date(2024, 7, 2)


def test_preview_is_one_short_line():
    assert preview("a\nb   c") == "a b c"
    assert len(preview("x" * 500)) == 40


def test_nhs_fft_dates_are_read_per_export_and_ambiguous_ones_quarantined(shared_data):
    table = open_table(shared_data / "feedback" / "nhs_fft_dev.csv")
    mapping = guess_mapping(table.headers)
    orders = date_orders_of(table, mapping)
    assert orders.mixed and orders.order_for("zero-padded") == "dmy" and orders.order_for("unpadded") == "mdy"
    dates = {}
    problems = set()
    for outcome in validate_rows(table, mapping):
        if isinstance(outcome, CleanRecord):
            dates[outcome.external_id] = outcome.date
        else:
            assert isinstance(outcome, Quarantine)
            problems |= {problem.message.split(":")[0].split("' ")[-1] for problem in outcome.problems}
    assert problems == {"no text", "could be 10 December or 12 October", "could be 12 October or 10 December",
                        "could be 10 November or 11 October", "could be 11 October or 10 November",
                        "could be 12 November or 11 December"}  # fmt: skip
    assert all(value is None or date(2020, 1, 1) <= value <= date(2023, 1, 1) for value in dates.values())
