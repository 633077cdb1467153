"""Keep spreadsheet exports from running formulas (CSV / formula injection).

Following the OWASP CSV injection guidance: a cell that begins with = + - @ (or a tab or carriage return,
which some spreadsheets skip before looking for a formula) is prefixed with an apostrophe, so Excel,
LibreOffice and Google Sheets show it as text. Every CSV or XLSX that Chorus writes passes its cells
through neutralise_formula; residents' words are untrusted input.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# "-5", "+3.2" or "-1e-05" cannot run anything; leaving plain numbers alone keeps exported figures usable.
# ASCII digits, one point and an exponent only: float() would also pass "-inf", "-nan", "-1_0" and other
# scripts' digits, which a spreadsheet reads as formulas (errors at best), so those still get the apostrophe.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def neutralise_formula(value: Any) -> Any:
    """Return the value with a leading apostrophe if a spreadsheet would read it as a formula.

    Non-string values (numbers, dates, None) are returned unchanged: a spreadsheet writer stores them as
    typed values, never as formulas.
    """
    if not isinstance(value, str) or not value:
        return value
    stripped = value.lstrip(" ")
    if not stripped or not stripped.startswith(FORMULA_TRIGGERS):
        return value
    if _PLAIN_NUMBER.fullmatch(stripped):
        return value
    return "'" + value


def restore_formula(value: str) -> str:
    """Undo neutralise_formula on a cell read back from a file Chorus wrote: "'=SUM(A1)" -> "=SUM(A1)".

    Only an apostrophe that neutralise_formula would have added is taken off, so reading back what Chorus
    wrote gives the original text.
    """
    if value.startswith("'") and neutralise_formula(value[1:]) == value:
        return value[1:]
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise_formula(cell) for cell in row]


class SafeCsvWriter:
    """csv.writer that neutralises every cell it writes; same writerow/writerows interface."""

    def __init__(self, stream, dialect: str | type[csv.Dialect] = "excel", **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, dialect=dialect, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """csv.DictWriter that neutralises every value, and the header names too."""

    def writeheader(self) -> Any:
        return self.writer.writerow(neutralise_row(self.fieldnames))

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: neutralise_formula(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        # DictWriter.writerows bypasses writerow, so route each row through it.
        for rowdict in rowdicts:
            self.writerow(rowdict)


def safe_csv_writer(stream, **fmtparams: Any) -> SafeCsvWriter:
    """A csv writer for exports: `safe_csv_writer(open(path, "w", newline="", encoding="utf-8-sig"))`."""
    return SafeCsvWriter(stream, **fmtparams)
