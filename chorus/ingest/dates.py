"""Dates as people and tools write them, and which way round a file writes day and month.

ISO dates and timestamps (Kobo, ODK, Excel cells read as ISO) are unambiguous. Numeric dates such as
04/05/2022 are not: UK files write day first, US-configured Excel and some NHS exports month first, and a file
stitched together from two exports can hold both (the NHS FFT sample does: "30/09/2021" and "5/31/2022").

DateOrders learns the order from the file itself. Any value with a part over 12 shows its order; the
evidence is kept per writing style (zero-padded "05/06/2022", unpadded "5/6/2022", plain "10/11/2022"),
because it is usually one style per source. An ambiguous value takes the order its style shows; if its style
shows both orders it is refused rather than guessed; with no evidence at all the UK order applies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

PREVIEW_CHARS = 40
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


class InvalidValue(ValueError):
    """A cell value that cannot be used; str() says why, for a person."""


def preview(value: str, limit: int = PREVIEW_CHARS) -> str:
    """One line, at most `limit` characters: enough to find the cell, never a whole comment."""
    line = " ".join(value.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def quoted(value: str) -> str:
    return repr(preview(value))


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
NUMERIC_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T,].*)?")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([a-z]+)\.?,?[\s\-/.]+(\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, allowing for its 1900 leap-year bug


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        pivot = date.today().year % 100 + 1
        year += 2000 if year <= pivot else 1900
    return year


def _make_date(value: str, year: int, month: int, day: int, hint: str = "") -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidValue(f"{quoted(value)} is not a valid date{hint}") from None


def numeric_style(first: str, second: str) -> str:
    """How the day and month are written: 'unpadded' (5/6), 'zero-padded' (05/06) or 'plain' (10/11)."""
    if len(first) == 1 or len(second) == 1:
        return "unpadded"
    if first[0] == "0" or second[0] == "0":
        return "zero-padded"
    return "plain"


def evident_order(first: int, second: int) -> str | None:
    """'dmy' or 'mdy' when the value itself shows its order (a part over 12), else None."""
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


@dataclass
class DateOrders:
    """Evidence, per writing style, of day-first and month-first numeric dates in one file."""

    default: str = "dmy"
    day_first: Counter[str] = field(default_factory=Counter)
    month_first: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_values(cls, values: Iterable[str], default: str = "dmy") -> DateOrders:
        orders = cls(default=default)
        for value in values:
            orders.add(value)
        return orders

    def add(self, value: str, count: int = 1) -> None:
        match = NUMERIC_DATE.fullmatch(value.strip())
        if not match:
            return
        order = evident_order(int(match[1]), int(match[3]))
        style = numeric_style(match[1], match[3])
        if order == "dmy":
            self.day_first[style] += count
        elif order == "mdy":
            self.month_first[style] += count

    @property
    def mixed(self) -> bool:
        return bool(self.day_first) and bool(self.month_first)

    def order_for(self, style: str) -> str | None:
        """The order for an ambiguous value in this style, or None when the file shows both."""
        day, month = self.day_first[style], self.month_first[style]
        if day or month:
            return None if day and month else ("dmy" if day else "mdy")
        if self.mixed:
            return None
        if self.day_first:
            return "dmy"
        if self.month_first:
            return "mdy"
        return self.default

    def summary(self) -> str:
        """A sentence for the person checking the mapping."""
        day, month = sum(self.day_first.values()), sum(self.month_first.values())
        if not day and not month:
            return f"No date shows its order; numeric dates are read {_ORDER_WORDS[self.default]}."
        if not month:
            return f"Dates are day first ({day:,} dates show it)."
        if not day:
            return f"Dates are month first ({month:,} dates show it)."
        styles = [
            f"{style} dates are {_ORDER_WORDS[order]}"
            for style in ("zero-padded", "unpadded", "plain")
            if (order := self.order_for(style)) and (self.day_first[style] or self.month_first[style])
        ]
        return (
            f"The file mixes day-first ({day:,}) and month-first ({month:,}) dates"
            + (f"; {', '.join(styles)}" if styles else "")
            + ". Dates that could be read either way in a mixed style are quarantined."
        )


_ORDER_WORDS = {"dmy": "day first", "mdy": "month first"}


@lru_cache(maxsize=4096)
def parse_date(value: str, order: str = "dmy") -> date:
    """ISO dates and timestamps (Kobo, ODK), numeric dates in the given order ("dmy" UK, "mdy" US),
    '5 March 2024', 'March 5, 2024' and Excel serial day numbers."""
    text = value.strip()
    if match := _ISO.fullmatch(text):
        return _make_date(value, int(match[1]), int(match[2]), int(match[3]))
    if match := NUMERIC_DATE.fullmatch(text):
        first, second, year = int(match[1]), int(match[3]), _year(match[4])
        if order == "mdy":
            return _make_date(value, year, first, second, " (month/day/year expected)")
        hint = (
            " (day/month/year expected; if this file writes month first, set the date order to "
            "month/day/year)"
            if second > 12 >= first
            else " (day/month/year expected)"
        )
        return _make_date(value, year, second, first, hint)
    lower = text.lower()
    if match := _DAY_MONTH_YEAR.fullmatch(lower):
        month = _MONTHS.get(match[2])
        if month:
            return _make_date(value, _year(match[3]), month, int(match[1]))
    if match := _MONTH_DAY_YEAR.fullmatch(lower):
        month = _MONTHS.get(match[1])
        if month:
            return _make_date(value, int(match[3]), month, int(match[2]))
    if _EXCEL_SERIAL.fullmatch(text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    raise InvalidValue(f"{quoted(value)} is not a date")


def parse_date_auto(value: str, orders: DateOrders) -> date:
    """Like parse_date, but numeric dates are read in the order the value or the file shows."""
    match = NUMERIC_DATE.fullmatch(value.strip())
    if not match:
        return parse_date(value)
    first, second = int(match[1]), int(match[3])
    order = evident_order(first, second)
    if order is None:
        if first == second or first > 12:  # 5/5 reads the same either way; 13/14 fails below
            order = "dmy"
        else:
            order = orders.order_for(numeric_style(match[1], match[3]))
    if order is None:
        as_day_first = f"{first} {MONTH_NAMES[second - 1]}"
        as_month_first = f"{second} {MONTH_NAMES[first - 1]}"
        raise InvalidValue(
            f"{quoted(value)} could be {as_day_first} or {as_month_first}: this file has both day-first and "
            "month-first dates; write it as year-month-day"
        )
    return parse_date(value, order)
