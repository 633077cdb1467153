"""Due and overdue rules on a fixed clock (no Django, no database)."""

import calendar
from datetime import date, timedelta

import pytest

from chorus.apps.accountability import bank_holidays
from chorus.apps.accountability.deadlines import (
    Deadline,
    Standing,
    days_overdue,
    feedback_due,
    is_overdue,
    next_working_day,
    standing,
)

WEDNESDAY_11_NOV = date(2026, 11, 11)  # + 10 days = Saturday 21 November
FRIDAY_13_NOV = date(2026, 11, 13)  # + 10 days = Monday 23 November


def test_ten_days_ending_on_a_saturday_move_to_monday():
    assert date(2026, 11, 21).weekday() == 5
    assert feedback_due(WEDNESDAY_11_NOV, 10) == date(2026, 11, 23)


def test_ten_days_ending_on_a_sunday_move_to_monday():
    assert feedback_due(date(2026, 11, 12), 10) == date(2026, 11, 23)


def test_ten_days_ending_on_a_weekday_stay():
    assert feedback_due(FRIDAY_13_NOV, 10) == date(2026, 11, 23)
    assert feedback_due(date(2026, 11, 2), 10) == date(2026, 11, 12)


def test_a_programme_with_a_different_setting():
    assert feedback_due(WEDNESDAY_11_NOV, 5) == date(2026, 11, 16)  # Monday stays
    assert feedback_due(WEDNESDAY_11_NOV, 3) == date(2026, 11, 16)  # Saturday 14 -> Monday 16
    assert feedback_due(WEDNESDAY_11_NOV, 0) == WEDNESDAY_11_NOV


def test_bank_holidays_are_skipped_too():
    christmas = {date(2026, 12, 25), date(2026, 12, 28)}  # Friday, and Boxing Day's substitute Monday
    assert feedback_due(date(2026, 12, 15), 10, christmas) == date(2026, 12, 29)
    assert next_working_day(date(2026, 12, 26), christmas) == date(2026, 12, 29)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        feedback_due(WEDNESDAY_11_NOV, -1)


def test_overdue_from_the_day_after_the_due_date_until_done():
    due = date(2026, 11, 23)
    assert not is_overdue(due, None, date(2026, 11, 23))
    assert is_overdue(due, None, date(2026, 11, 24))
    assert days_overdue(due, None, date(2026, 11, 30)) == 7
    assert not is_overdue(due, date(2026, 11, 25), date(2026, 11, 30))
    assert days_overdue(due, date(2026, 11, 25), date(2026, 11, 30)) == 0


def test_standing_on_a_fixed_clock():
    due = date(2026, 11, 23)
    assert standing(due, None, date(2026, 11, 16)) == Standing.NOT_YET_DUE
    assert standing(due, None, date(2026, 11, 20)) == Standing.DUE_SOON
    assert standing(due, None, date(2026, 11, 24)) == Standing.OVERDUE
    assert standing(due, date(2026, 11, 23), date(2026, 11, 30)) == Standing.DONE
    assert standing(due, date(2026, 11, 24), date(2026, 11, 30)) == Standing.DONE_LATE
    assert standing(None, None, date(2026, 11, 30)) == Standing.NO_DUE_DATE


def test_a_deadline_gives_the_tag_colour():
    assert Deadline(date(2026, 11, 23), None, date(2026, 11, 26)).tag_colour == "red"
    assert Deadline(date(2026, 11, 23), None, date(2026, 11, 26)).days_overdue == 3
    assert Deadline(date(2026, 11, 23), date(2026, 11, 20), date(2026, 11, 26)).tag_colour == "green"


def test_the_module_imports_no_django():
    import ast
    from pathlib import Path

    import chorus.apps.accountability.deadlines as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.startswith("django") for name in imported)


# English bank holidays (chorus/apps/accountability/bank_holidays.py)


def _easter_sunday(year: int) -> date:
    """The anonymous Gregorian algorithm (Meeus/Jones/Butcher), written here independently of the list."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _mondays(year: int, month: int) -> list[date]:
    last = calendar.monthrange(year, month)[1]
    return [date(year, month, n) for n in range(1, last + 1) if date(year, month, n).weekday() == 0]


def _standing_pattern(year: int) -> set[date]:
    """England and Wales: the eight regular bank holidays with weekend substitutes."""
    easter = _easter_sunday(year)
    days = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _mondays(year, 5)[0],
        _mondays(year, 5)[-1],
        _mondays(year, 8)[-1],
    }
    new_year = date(year, 1, 1)
    days.add(new_year if new_year.weekday() < 5 else next_working_day(new_year, ()))
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() < 5 and boxing.weekday() < 5:
        days |= {christmas, boxing}
    elif christmas.weekday() == 4:  # Friday, Boxing Day on Saturday -> Monday 28th
        days |= {christmas, date(year, 12, 28)}
    elif christmas.weekday() == 5:  # Saturday and Sunday -> Monday 27th and Tuesday 28th
        days |= {date(year, 12, 27), date(year, 12, 28)}
    else:  # Sunday: Boxing Day Monday, Christmas substitute Tuesday 27th
        days |= {boxing, date(year, 12, 27)}
    return days


@pytest.mark.parametrize("year", range(bank_holidays.FIRST_YEAR, bank_holidays.LAST_YEAR + 1))
def test_the_bank_holiday_list_matches_the_standing_pattern(year):
    listed = {d for d in bank_holidays.DAYS if d.year == year}
    assert listed == _standing_pattern(year)
    assert all(d.weekday() < 5 for d in listed)


def test_known_bank_holidays_from_gov_uk():
    assert _easter_sunday(2026) == date(2026, 4, 5)
    assert bank_holidays.ENGLAND[date(2026, 12, 28)] == "Boxing Day (substitute day)"
    assert date(2026, 12, 26) not in bank_holidays.DAYS  # a Saturday: replaced by Monday 28th
    assert {date(2027, 12, 27), date(2027, 12, 28), date(2028, 1, 3)} <= bank_holidays.DAYS
    assert bank_holidays.covers(date(2028, 12, 31)) and not bank_holidays.covers(date(2029, 1, 1))


def test_feedback_due_on_a_bank_holiday_moves_to_the_next_working_day():
    # Friday 15 May 2026 + 10 days = Monday 25 May, the spring bank holiday.
    assert feedback_due(date(2026, 5, 15), 10) == date(2026, 5, 26)
    # Friday 18 December 2026 + 10 = Monday 28 December, Boxing Day's substitute.
    assert feedback_due(date(2026, 12, 18), 10) == date(2026, 12, 29)
    # Wednesday 15 December 2027 + 10 = Saturday 25th; Monday 27th and Tuesday 28th are bank holidays.
    assert feedback_due(date(2027, 12, 15), 10) == date(2027, 12, 29)
    # Thursday 23 March 2028 + 10 = Sunday 2 April: no holiday, so Monday 3 April.
    assert feedback_due(date(2028, 3, 23), 10) == date(2028, 4, 3)
    # Good Friday 2028 (14 April) and Easter Monday (17 April).
    assert feedback_due(date(2028, 4, 4), 10) == date(2028, 4, 18)


def test_passing_no_holidays_moves_off_weekends_only():
    assert feedback_due(date(2026, 5, 15), 10, holidays=()) == date(2026, 5, 25)


def test_overdue_counts_from_the_day_after_a_due_date_moved_past_a_bank_holiday():
    due = feedback_due(date(2026, 5, 15), 10)  # Tuesday 26 May 2026
    assert standing(due, None, date(2026, 5, 25)) == Standing.DUE_SOON
    assert not is_overdue(due, None, date(2026, 5, 26))
    assert days_overdue(due, None, date(2026, 5, 28)) == 2
