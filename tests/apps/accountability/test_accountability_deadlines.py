"""Due and overdue rules on a fixed clock (no Django, no database)."""

from datetime import date

import pytest

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
