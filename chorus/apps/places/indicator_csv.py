"""Reading local indicator values from a Fingertips-style table, without Django.

Columns (Fingertips' own export headings, case and spacing ignored): Indicator name, Area code, Area name,
Time period, Count, Denominator, Value; a Category column, when present and filled, marks a breakdown row (by
sex, age...) that is skipped. Each row either becomes a `ParsedValue` or gives one `Problem` per bad cell;
rows for areas the caller does not list are skipped and counted, because a Fingertips export holds every
area of a region.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chorus.ingest.readers import Row

AREA_CODE = re.compile(r"^[EWSN]\d{8}$")

# Internal name -> headings accepted for it (normalised: lower case, single spaces).
COLUMNS = {
    "indicator": ("indicator name", "indicator"),
    "area_code": ("area code", "areacode"),
    "area_name": ("area name", "areaname"),
    "period": ("time period", "period", "timeperiod"),
    "count": ("count", "numerator"),
    "denominator": ("denominator", "population"),
    "value": ("value",),
    "category": ("category",),
}
REQUIRED = ("indicator", "area_code", "period", "value")
HEADINGS = {
    "indicator": "Indicator name",
    "area_code": "Area code",
    "period": "Time period",
    "count": "Count",
    "denominator": "Denominator",
    "value": "Value",
}


@dataclass(frozen=True)
class IndicatorShape:
    """What the reader needs to know of an indicator already defined in Chorus."""

    id: int
    name: str
    unit: str  # "proportion" | "rate" | "count"
    per: int


@dataclass(frozen=True)
class ParsedValue:
    row: int
    indicator_id: int
    area_code: str
    period: str
    numerator: int | None
    denominator: float | None
    value: float


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedTable:
    values: list[ParsedValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outside: dict[str, int] = field(default_factory=dict)  # area code -> rows skipped
    breakdowns: int = 0  # rows skipped because they hold a breakdown (Category filled)


class HeadingError(ValueError):
    """The table lacks a required column; str() is a sentence for the person who uploaded it."""


def _normalise(heading: str) -> str:
    return " ".join(heading.replace("_", " ").lower().split())


def find_columns(headers: Iterable[str]) -> dict[str, str]:
    """Map internal names to the table's own headings; HeadingError names any required one missing."""
    by_normal = {_normalise(heading): heading for heading in headers}
    found = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in by_normal:
                found[name] = by_normal[alias]
                break
    missing = [HEADINGS[name] for name in REQUIRED if name not in found]
    if missing:
        raise HeadingError(
            "The file has no "
            + " or ".join(f"“{m}”" for m in missing)
            + " column. A Fingertips-style file has "
            "the columns Indicator name, Area code, Area name, Time period, Count, Denominator and Value."
        )
    return found


def _number(text: str) -> float:
    cleaned = text.replace(",", "").replace("%", "").strip()
    number = float(cleaned)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def parse_rows(
    rows: Iterable[Row],
    headers: Iterable[str],
    indicators: Mapping[str, IndicatorShape],
    area_codes: Iterable[str],
) -> ParsedTable:
    """Check every row. `indicators` is keyed by lower-case name; `area_codes` are the areas to keep.

    Raises HeadingError when a required column is missing.
    """
    columns = find_columns(headers)
    wanted_areas = set(area_codes)
    parsed = ParsedTable()
    seen: dict[tuple[int, str, str], int] = {}

    for row in rows:
        cells = {name: row.values.get(heading, "").strip() for name, heading in columns.items()}
        if not any(cells.values()):
            continue
        problems: list[Problem] = [Problem(row.number, "", message) for message in row.problems]

        def bad(column: str, message: str) -> None:
            problems.append(Problem(row.number, HEADINGS.get(column, column), message))  # noqa: B023

        if cells.get("category"):
            parsed.breakdowns += 1
            continue
        code = cells["area_code"].upper()
        if not code:
            bad("area_code", "is empty.")
        elif not AREA_CODE.match(code):
            bad("area_code", f"“{cells['area_code']}” is not an ONS area code like E05002219.")
        elif code not in wanted_areas:
            parsed.outside[code] = parsed.outside.get(code, 0) + 1
            continue

        indicator = None
        if not cells["indicator"]:
            bad("indicator", "is empty.")
        else:
            indicator = indicators.get(cells["indicator"].lower())
            if indicator is None:
                bad(
                    "indicator",
                    f"there is no indicator called “{cells['indicator']}” in Chorus: add it first, with its "
                    "unit and polarity, then import its values.",
                )
        period = cells["period"]
        if not period:
            bad("period", "is empty.")
        elif len(period) > 40:
            bad("period", "is longer than 40 characters.")

        numerator = denominator = value = None
        if cells.get("count"):
            try:
                number = _number(cells["count"])
                if number < 0 or not number.is_integer():
                    raise ValueError(number)
                numerator = int(number)
            except ValueError:
                bad("count", f"“{cells['count']}” is not a whole number of people or events.")
        if cells.get("denominator"):
            try:
                denominator = _number(cells["denominator"])
                if denominator <= 0:
                    raise ValueError(denominator)
            except ValueError:
                denominator = None
                bad("denominator", f"“{cells['denominator']}” is not a number above zero.")
        if cells["value"]:
            try:
                value = _number(cells["value"])
            except ValueError:
                bad("value", f"“{cells['value']}” is not a number.")
        elif indicator is not None and numerator is not None and denominator is not None:
            value = numerator / denominator * (1 if indicator.unit == "count" else indicator.per)
        elif not problems:
            bad("value", "is empty, and there is no Count and Denominator to work it out from.")

        if indicator is not None and indicator.unit == "proportion":
            if numerator is not None and denominator is not None and numerator > denominator:
                bad("count", f"{numerator:,} is more than the denominator {denominator:,g}.")
            if value is not None and not 0 <= value <= 100:
                bad("value", f"{value:g} is not a percentage between 0 and 100.")

        if indicator is not None and code and period:
            key = (indicator.id, code, period)
            if key in seen:
                bad("", f"repeats the indicator, area and time period of row {seen[key]}.")
            else:
                seen[key] = row.number

        if problems:
            parsed.problems += problems
        elif indicator is not None and value is not None:
            parsed.values.append(
                ParsedValue(row.number, indicator.id, code, period, numerator, denominator, value)
            )
    return parsed
