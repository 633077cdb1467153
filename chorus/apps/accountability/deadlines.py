"""When feedback to residents and actions are due, and whether they are late. No Django, no clock.

The rule, shown to people in the app: feedback is due N calendar days after the listening event,
activity or decision (N is the programme's setting, 10 by default). When that day is a Saturday,
Sunday or bank holiday in England, it moves to the next working day (bank holidays from
`bank_holidays.py`, 2024 to 2028, unless other `holidays` are passed). Something is overdue from the day
after it was due, until it is done. Every function takes `today` so tests run on a fixed clock.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from . import bank_holidays

SATURDAY = 5
DUE_SOON_DAYS = 3
RULE_TEXT = (
    "Feedback is due {days} calendar days after the event or decision. "
    "If that day is a Saturday, Sunday or bank holiday in England, it is due on the next working day."
)


class Standing(StrEnum):
    DONE = "done"
    DONE_LATE = "done late"
    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    NOT_YET_DUE = "not yet due"
    NO_DUE_DATE = "no due date"


def next_working_day(day: date, holidays: Collection[date] = bank_holidays.DAYS) -> date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    while day.weekday() >= SATURDAY or day in holidays:
        day += timedelta(days=1)
    return day


def feedback_due(event_date: date, days: int, holidays: Collection[date] = bank_holidays.DAYS) -> date:
    """The day feedback is due: `days` calendar days after `event_date`, moved off weekends and holidays."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return next_working_day(event_date + timedelta(days=days), holidays)


def is_overdue(due: date | None, done_on: date | None, today: date) -> bool:
    return due is not None and done_on is None and today > due


def days_overdue(due: date | None, done_on: date | None, today: date) -> int:
    """Whole days past the due date (0 when not overdue)."""
    return (today - due).days if is_overdue(due, done_on, today) else 0


def standing(due: date | None, done_on: date | None, today: date) -> Standing:
    if done_on is not None:
        return Standing.DONE_LATE if due is not None and done_on > due else Standing.DONE
    if due is None:
        return Standing.NO_DUE_DATE
    if today > due:
        return Standing.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return Standing.DUE_SOON
    return Standing.NOT_YET_DUE


@dataclass(frozen=True)
class Deadline:
    """A due date with its standing on a given day, for lists and tags."""

    due: date | None
    done_on: date | None
    today: date

    @property
    def standing(self) -> Standing:
        return standing(self.due, self.done_on, self.today)

    @property
    def overdue(self) -> bool:
        return is_overdue(self.due, self.done_on, self.today)

    @property
    def days_overdue(self) -> int:
        return days_overdue(self.due, self.done_on, self.today)

    @property
    def tag_colour(self) -> str:
        return {
            Standing.DONE: "green",
            Standing.DONE_LATE: "green",
            Standing.OVERDUE: "red",
            Standing.DUE_SOON: "yellow",
            Standing.NOT_YET_DUE: "blue",
            Standing.NO_DUE_DATE: "grey",
        }[self.standing]

    @property
    def label(self) -> str:
        """The words on its tag: "Overdue by 3 days", "Due soon"."""
        if self.overdue:
            days = self.days_overdue
            return f"Overdue by {days:,} day{'' if days == 1 else 's'}"
        return str(self.standing).capitalize()


def day_label(day: date) -> str:
    """ "Mon 2 Nov 2026", without Django's date filter (the feedback page shows hundreds of them)."""
    return f"{day:%a} {day.day} {day:%b %Y}"
