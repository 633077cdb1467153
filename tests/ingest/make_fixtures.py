"""Write the binary and non-UTF-8 fixtures for the ingest tests (the text ones are written by hand).

Run from the repo root: `.venv/bin/python tests/ingest/make_fixtures.py`. The output is committed, so
the tests do not depend on this script; rerun it only to change the fixtures.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).with_name("fixtures")

HEADERS = ["Comment ID", "Date", "What matters to you?", "Ward", "Age", "Sex", "Consent to analysis"]
ROWS = [
    ["W-001", "14/02/2024", "The £2 bus fare cap means I can get to my ‘health MOT’ – thank you.",
     "Kursaal", "58", "F", "Yes"],
    ["W-002", "15/02/2024", "Café staff at the hub know everyone’s name; it’s how I heard about the clinic.",
     "Milton", "33", "M", "Yes"],
    ["W-003", "16/02/2024", "Naïve of me, but I thought the walk-in centre was open at weekends.",
     "Victoria", "71", "Female", "Yes"],
]  # fmt: skip


def write_delimited(
    path: Path, encoding: str, delimiter: str, rows: list[list[str]], bom: bytes = b""
) -> None:
    lines = [delimiter.join(_quote(cell, delimiter) for cell in row) for row in rows]
    path.write_bytes(bom + "\r\n".join(lines).encode(encoding) + b"\r\n")


def _quote(cell: str, delimiter: str) -> str:
    if any(char in cell for char in (delimiter, '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_xlsx(path: Path) -> None:
    """A workbook as Excel users make them: real dates and numbers, a blank row, a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    sheet.append(["Comment ID", "Date", "Comment", "Ward", "Age", "Age band", "Ethnicity", "Consent"])
    sheet.append(
        [
            "X-001",
            datetime(2024, 3, 5),
            "Waiting room had no step-free access.",
            "Kursaal",
            37,
            None,
            "Indian",
            "Yes",
        ]
    )
    sheet.append(
        ["X-002", date(2024, 3, 6), "=SUM(1,2) is what I typed", "Milton", 44.0, "35-44", "Pakistani", True]
    )
    sheet["C3"].data_type = "s"  # typed text that starts with "=", not a formula
    sheet.append([None] * 8)
    sheet.append(
        [
            "X-003",
            datetime(2024, 3, 7, 14, 30),
            "Reception were rude on the phone.",
            "Victoria",
            None,
            "75+",
            "Prefer not to say",
            "Y",
        ]
    )
    notes = workbook.create_sheet("Notes")
    notes.append(["Field", "Meaning"])
    notes.append(["Comment", "What the resident said, in their words"])
    workbook.save(path)


def write_kobo_xlsx(path: Path) -> None:
    """A KoboToolbox XLSX export with question labels as headings (the 'Labels' export option)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Community voices 2024"
    sheet.append([
        "start", "end", "Today's date", "Do you agree to us analysing what you tell us?",
        "What matters most to you about your health?", "Age band", "Sex", "Your postcode",
        "_id", "_uuid", "_submission_time", "_validation_status", "_status", "_submitted_by", "__version__",
        "_index",
    ])  # fmt: skip
    sheet.append([
        "2024-07-02T14:03:11.482+01:00", "2024-07-02T14:21:40.117+01:00", "2024-07-02", "Yes",
        "Since the library started the blood pressure checks I go every month.", "65 to 74", "Female",
        "SS0 7AB",
        318772201, "4b8e2d6f-90a1-4c3b-8d7e-6f5a4b3c2d1e", "2024-07-02T13:21:44", "", "submitted_via_web",
        "connector_07", "vWkLQ6tcPqT9aZ3aPJbZ8e", 1,
    ])  # fmt: skip
    workbook.save(path)


def main() -> None:
    rows = [HEADERS, *ROWS]
    # Excel's "CSV (Comma delimited)" on a UK Windows machine: cp1252, CRLF, no BOM.
    write_delimited(FIXTURES / "community_cp1252.csv", "cp1252", ",", rows)
    # Excel's "Unicode Text": UTF-16 little-endian with a BOM, tab-separated.
    write_delimited(FIXTURES / "community_utf16.txt", "utf-16-le", "\t", rows, bom=b"\xff\xfe")
    write_xlsx(FIXTURES / "community.xlsx")
    write_kobo_xlsx(FIXTURES / "kobo_export_labels.xlsx")
    whole = (FIXTURES / "community.xlsx").read_bytes()
    (FIXTURES / "truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    (FIXTURES / "garbage.bin").write_bytes(random.Random(20240305).randbytes(4096))


if __name__ == "__main__":
    main()
