"""Reading a table of measurements (CSV or XLSX) and checking every row, without Django.

Two layouts:
- counts: partner, date, eligible, with_outcome;
- published percentages: partner, date, eligible, percentage. The integer count behind each percentage is
  reconstructed (chorus.stats.reconstruct_counts); when no count fits, the row is quarantined with a message
  that shows the two nearest possible percentages.

Row numbers are the ones a person sees in the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from chorus.stats import reconstruct_counts

MAX_ROWS = 20_000


class Layout(StrEnum):
    COUNTS = "counts"
    PERCENTAGES = "percentages"


COLUMNS = {
    Layout.COUNTS: ("partner", "date", "eligible", "with_outcome"),
    Layout.PERCENTAGES: ("partner", "date", "eligible", "percentage"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y")


class TableError(ValueError):
    """The file as a whole cannot be used; str(error) is meant for the person who uploaded it."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    what: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.what}"


@dataclass(frozen=True)
class MeasurementRow:
    row: int
    population: str
    when: date
    eligible: int
    with_outcome: int
    published_percentage: Decimal | None = None


@dataclass
class CheckedTable:
    good: list[MeasurementRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows_with_problems(self) -> set[int]:
        return {problem.row for problem in self.problems if problem.row > 0}


def _normalise_header(value: object) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def read_rows(content: bytes, filename: str) -> list[tuple[int, dict[str, object]]]:
    """(row number, {header: value}) for every non-empty data row of a CSV or XLSX file."""
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        grid = _xlsx_grid(content)
    else:
        grid = _csv_grid(content)
    rows = iter(enumerate(grid, start=1))
    for _header_row, cells in rows:
        if any(str(cell).strip() for cell in cells if cell is not None):
            headers = [_normalise_header(cell) for cell in cells]
            break
    else:
        raise TableError("The file is empty.")
    out = []
    for number, cells in rows:
        if not any(str(cell).strip() for cell in cells if cell is not None):
            continue
        out.append((number, {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(headers) if h}))
        if len(out) > MAX_ROWS:
            raise TableError(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
    return out


def _csv_grid(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise TableError("The file is not readable text; save it as CSV (UTF-8) or XLSX.")
    if "\x00" in text:
        raise TableError("The file is not a CSV; save it as CSV (UTF-8) or XLSX.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_grid(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError("The file could not be opened as an Excel workbook (.xlsx).") from error
    try:
        return [[_cell_value(cell) for cell in row] for row in workbook.worksheets[0].iter_rows()]
    finally:
        workbook.close()


def _cell_value(cell) -> object:
    """The value as the spreadsheet shows it where that matters: a cell formatted as a percentage holds a
    fraction (0.59 shown as 59.0%), so it becomes the percentage shown, rounded as Excel rounds it."""
    value = cell.value
    number_format = getattr(cell, "number_format", None) or ""
    if isinstance(value, bool) or not isinstance(value, int | float) or "%" not in number_format:
        return value
    shown = Decimal(repr(value)) * 100
    places = _percent_format_decimals(number_format)
    return shown.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places is not None else shown


def _percent_format_decimals(number_format: str) -> int | None:
    """Decimal places shown by a percentage format: '0%' -> 0, '0.0%' -> 1, '0.00%' -> 2; None if unclear."""
    section = number_format.split(";")[0]
    match = re.search(r"[0#]+(?:\.([0#]*))?%", section)
    if match is None:
        return None
    return len(match.group(1) or "")


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("enter a date like 2025-03-31 or 31/03/2025")


def _parse_count(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value or "").strip().replace(",", "")
        if not text:
            raise ValueError("enter a whole number")
        if not text.lstrip("-").isdigit():
            raise ValueError(f"'{text}' is not a whole number")
        number = int(text)
    if number < 0:
        raise ValueError("cannot be negative")
    return number


def _parse_percentage(value: object) -> Decimal:
    # A float from Excel goes through repr, so 35.6 stays 35.6 rather than 35.60000000000000142...
    text = (repr(value) if isinstance(value, float) else str(value or "")).strip().rstrip("%").strip()
    try:
        percentage = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a percentage") from None
    if not percentage.is_finite() or not 0 <= percentage <= 100:
        raise ValueError("must be between 0 and 100")
    return percentage


def impossible_percentage_message(percentage: Decimal, eligible: int, decimals: int) -> str:
    """'35.6% of 257 is impossible: 91/257 = 35.41%, 92/257 = 35.80%'."""
    exact = percentage * eligible / 100
    neighbours = sorted({max(0, math.floor(exact)), min(eligible, math.ceil(exact))})
    shown = ", ".join(f"{k}/{eligible} = {100 * k / eligible:.{decimals + 1}f}%" for k in neighbours)
    return f"{percentage}% of {eligible} is impossible: {shown}"


def check_rows(
    rows: Iterable[tuple[int, dict[str, object]]],
    layout: Layout,
    populations: Iterable[str] | Mapping[str, str],
    *,
    decimals: int = 1,
) -> CheckedTable:
    """Check each row; good rows come back as integer counts, every problem as (row, column, what).

    `populations` are the names a row may use; a mapping gives aliases (e.g. a slug) for a canonical name.
    """
    rows = list(rows)
    checked = CheckedTable()
    aliases = populations if isinstance(populations, Mapping) else {name: name for name in populations}
    known = {alias.strip().lower(): name for alias, name in aliases.items()}
    columns = COLUMNS[layout]
    headers = set(rows[0][1]) if rows else set()
    missing = [column for column in columns if column not in headers]
    if not rows:
        checked.problems.append(RowProblem(0, "-", "the file has no data rows"))
        return checked
    if missing:
        checked.problems.append(
            RowProblem(1, ", ".join(missing), f"missing; the columns must be {', '.join(columns)}")
        )
        return checked
    seen: dict[tuple[str, date], int] = {}
    for number, values in rows:
        problems: list[RowProblem] = []
        name = str(values.get("partner") or "").strip()
        population = known.get(name.lower())
        if not name:
            problems.append(RowProblem(number, "partner", "enter the partner or comparator population"))
        elif population is None:
            problems.append(
                RowProblem(number, "partner", f"'{name}' is not a partner or comparator of this intervention")
            )
        parsed: dict[str, object] = {}
        for column, parse in (("date", _parse_date), ("eligible", _parse_count)):
            try:
                parsed[column] = parse(values.get(column))
            except ValueError as error:
                problems.append(RowProblem(number, column, str(error)))
        if parsed.get("eligible") == 0:
            problems.append(RowProblem(number, "eligible", "must be at least 1"))
        with_outcome: int | None = None
        percentage: Decimal | None = None
        if layout is Layout.COUNTS:
            try:
                with_outcome = _parse_count(values.get("with_outcome"))
            except ValueError as error:
                problems.append(RowProblem(number, "with_outcome", str(error)))
            eligible = parsed.get("eligible")
            if with_outcome is not None and isinstance(eligible, int) and with_outcome > eligible > 0:
                problems.append(
                    RowProblem(
                        number, "with_outcome", f"{with_outcome} is more than the {eligible} eligible people"
                    )
                )
        else:
            try:
                percentage = _parse_percentage(values.get("percentage"))
            except ValueError as error:
                problems.append(RowProblem(number, "percentage", str(error)))
            eligible = parsed.get("eligible")
            if percentage is not None and isinstance(eligible, int) and eligible > 0:
                candidates = reconstruct_counts(str(percentage), eligible, decimals)
                if not candidates:
                    problems.append(
                        RowProblem(
                            number,
                            "percentage",
                            impossible_percentage_message(percentage, eligible, decimals),
                        )
                    )
                elif len(candidates) > 1:
                    options = ", ".join(str(k) for k in candidates)
                    problems.append(
                        RowProblem(
                            number,
                            "percentage",
                            f"{percentage}% of {eligible} fits more than one count ({options}); "
                            "import the counts instead",
                        )
                    )
                else:
                    with_outcome = candidates[0]
        if population is not None and isinstance(parsed.get("date"), date):
            key = (population, parsed["date"])
            if key in seen:
                problems.append(
                    RowProblem(number, "date", f"{population} on this date is already in row {seen[key]}")
                )
            else:
                seen[key] = number
        if problems:
            checked.problems.extend(problems)
            continue
        checked.good.append(
            MeasurementRow(
                row=number,
                population=population,
                when=parsed["date"],
                eligible=parsed["eligible"],
                with_outcome=with_outcome,
                published_percentage=percentage,
            )
        )
    return checked
