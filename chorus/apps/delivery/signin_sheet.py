"""Read an event's sign-in sheet (CSV or XLSX): columns name, organisation (optional), signed_in (yes/no)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

REQUIRED = ("name", "signed_in")
YES = {"yes", "y", "true", "1", "x", "✓"}
NO = {"no", "n", "false", "0", ""}
MAX_NAME = 150


@dataclass(frozen=True)
class SignIn:
    row: int
    name: str
    organisation: str
    signed_in: bool


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str


@dataclass
class Sheet:
    rows: list[SignIn] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


class SheetError(ValueError):
    """The file cannot be read as a sign-in sheet at all."""


def _cells(content: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise SheetError("The file is not a readable Excel (.xlsx) workbook.") from error
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def read(content: bytes, filename: str) -> Sheet:
    rows = [row for row in _cells(content, filename) if any(row)]
    if not rows:
        raise SheetError("The file is empty.")
    header = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in rows[0]]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise SheetError(f"The first row must name the columns: missing {', '.join(missing)}.")
    at = {name: header.index(name) for name in header}
    sheet = Sheet()
    for number, cells in enumerate(rows[1:], start=2):
        cells = cells + [""] * (len(header) - len(cells))
        name = cells[at["name"]]
        organisation = cells[at["organisation"]] if "organisation" in at else ""
        answer = cells[at["signed_in"]].lower()
        if not name:
            sheet.problems.append(RowProblem(number, "Enter a name."))
        elif len(name) > MAX_NAME:
            sheet.problems.append(RowProblem(number, f"The name is longer than {MAX_NAME} characters."))
        elif answer not in YES | NO:
            sheet.problems.append(RowProblem(number, f"signed_in must be yes or no, not {answer!r}."))
        else:
            sheet.rows.append(SignIn(number, name, organisation[:200], answer in YES))
    return sheet
