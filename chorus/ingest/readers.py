"""Open a file of residents' voices as a Table of rows, whatever wrote it.

CSV as Excel and others write it (UTF-8 with or without BOM, Windows-1252, UTF-16; comma, semicolon, tab or
pipe), XLSX, and the JSON that KoboToolbox and ODK Central send. Rows are streamed: a million-row CSV is
read with bounded memory. Row numbers are the ones a person sees in a spreadsheet: the header is row 1 and
the first data row is row 2.

Anything that cannot be read raises ReadError with a message meant for the person who uploaded the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

CELL_LIMIT = 100_000  # characters; a longer cell is a row problem, not a crash
# Hard ceilings: past these a file is refused whole (a clear message), so memory and time stay bounded.
CELL_CEILING = 16 * 1024 * 1024  # characters in a CSV cell (an unbalanced quote swallows the rest of a file)
MAX_HEADING_CHARS = 1_000  # a column heading longer than this is not a heading
MAX_JSON_DEPTH = 32  # levels of nesting; field tools nest groups a few levels deep
MAX_JSON_BYTES = 256 * 1024 * 1024  # a JSON file is read whole (its parsed form takes several times this)
XLSX_MAX_TEXT_BYTES = 2 * 1024 * 1024  # one run of text between XML tags (a cell) in a workbook part
XLSX_MAX_PART_BYTES = 2 * 1024**3  # one part of a workbook, once unzipped
XLSX_MAX_TOTAL_BYTES = 4 * 1024**3  # all of a workbook's parts, once unzipped
XLSX_MAX_RATIO = 100  # unzipped / zipped size of a part bigger than XLSX_RATIO_FROM: a zip bomb past this
XLSX_RATIO_FROM = 16 * 1024 * 1024
SAMPLE_BYTES = 64 * 1024
SNIFF_CHARS = 16 * 1024  # csv.Sniffer's regexes get slow on big samples
DELIMITERS = ",;\t|"
MAX_LEADING_BLANK_ROWS = 20
# What a damaged workbook raises part-way through: bad zip data, bad XML, missing parts.
_XLSX_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, SyntaxError, ValueError)

# A 10 MB cell must be readable (it is then flagged); an unterminated quote at the end of a big file swallows
# the rest of the file into one field, so the ceiling stays finite.
csv.field_size_limit(CELL_CEILING)


class ReadError(Exception):
    """The file cannot be read. str(error) is a sentence for the person who uploaded it."""


# NUL and lone surrogates (from JSON escapes such as "\\ud800") cannot be stored as UTF-8 text by any
# database, and PostgreSQL refuses NUL: they are dropped as text is read.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(value: str) -> str:
    """The text without NUL characters and lone surrogates."""
    if value.isascii():
        return value.replace("\x00", "") if "\x00" in value else value
    return _UNSTORABLE.sub("", value)


@dataclass(slots=True)
class Row:
    """One data row: values by header (all strings, "" when empty) and problems found while reading it."""

    number: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)


@dataclass
class Table:
    """A readable table. rows() can be called more than once (e.g. a preview, then the import)."""

    headers: list[str]
    format: str  # "csv", "xlsx" or "json"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    source: str = ""  # "kobo", "odk" or "" (see fieldtools.detect_source)
    id_column: str | None = None  # the field-tool instance id column, when there is one
    _source: str | Path | bytes | None = field(default=None, repr=False)
    _header_row: int = field(default=1, repr=False)
    _skip_lines: int = field(default=0, repr=False)
    _records: list[dict[str, str]] | None = field(default=None, repr=False)

    def count_rows(self) -> int:
        """Read the whole file once and count its data rows (for progress), raising ReadError if it is
        truncated or damaged. rows() raises the same errors, but only when it reaches them."""
        return sum(1 for _ in self.rows())

    def rows(self) -> Iterator[Row]:
        if self.format == "csv":
            return _csv_rows(self)
        if self.format == "xlsx":
            return _xlsx_rows(self)
        return _json_rows(self)


def open_table(
    source: str | Path | bytes,
    filename: str | None = None,
    *,
    sheet: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Table:
    """Open a CSV, XLSX or JSON file given as a path or as bytes (an upload).

    filename (the name the person gave the file) helps when the content is ambiguous. sheet picks a
    worksheet by name (default: the first). delimiter and encoding override the sniffing.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        try:
            with path.open("rb") as stream:
                head = stream.read(SAMPLE_BYTES)
        except FileNotFoundError:
            raise ReadError(f"There is no file at {path}.") from None
        except IsADirectoryError:
            raise ReadError(f"{path} is a folder, not a file.") from None
        source = path
    elif isinstance(source, (bytes, bytearray, memoryview)):
        source = bytes(source)
        head = source[:SAMPLE_BYTES]
    else:
        raise TypeError("source must be a path or bytes")

    kind = _detect_kind(head, filename or "")
    if kind == "xlsx":
        return _open_xlsx(source, sheet)
    if kind == "json":
        return _open_json(source)
    return _open_csv(source, head, delimiter=delimiter, encoding=encoding)


def _open_binary(source: str | Path | bytes) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else Path(source).open("rb")


# ---------------------------------------------------------------------------------------------- format


_OTHER_FORMATS = [
    (
        b"\xd0\xcf\x11\xe0",
        "This is an old-style Excel (.xls) or Word file. Save it as .xlsx or CSV and upload again.",
    ),
    (b"%PDF", "This is a PDF. Chorus reads spreadsheets: save the data as .xlsx or CSV."),
    (b"\x89PNG", "This is an image, not a spreadsheet."),
    (b"\xff\xd8\xff", "This is an image, not a spreadsheet."),
    (b"\x1f\x8b", "This file is compressed (gzip). Unzip it and upload the CSV inside."),
    (b"Rar!", "This file is compressed (RAR). Extract it and upload the spreadsheet inside."),
    (b"7z\xbc\xaf", "This file is compressed (7-Zip). Extract it and upload the spreadsheet inside."),
]


def _detect_kind(head: bytes, filename: str) -> str:
    if not head:
        raise ReadError("The file is empty.")
    suffix = Path(filename).suffix.lower()
    for magic, message in _OTHER_FORMATS:
        if head.startswith(magic):
            raise ReadError(message)
    if head.startswith(b"PK"):
        if suffix == ".ods":
            raise ReadError(
                "This is an OpenDocument spreadsheet (.ods). Save it as .xlsx or CSV and upload again."
            )
        if suffix in (".docx", ".pptx", ".zip"):
            raise ReadError(f"This is a {suffix} file, not a spreadsheet. Upload an .xlsx or CSV file.")
        return "xlsx"
    if suffix in (".xlsx", ".xlsm"):
        raise ReadError(
            f"The file is named {suffix} but is not an Excel workbook. Open it in Excel, save it as .xlsx or "
            "CSV, and upload again."
        )
    if suffix == ".xls":
        raise ReadError(
            "Old-style Excel (.xls) files are not read. Save it as .xlsx or CSV and upload again."
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".json" or (stripped[:1] in (b"{", b"[") and suffix not in (".csv", ".tsv", ".txt")):
        return "json"
    return "csv"


# ---------------------------------------------------------------------------------------------- CSV


def detect_encoding(source: str | Path | bytes, head: bytes) -> str:
    """BOM first (UTF-8, UTF-16); then strict UTF-8 over the whole file; else charset-normalizer or cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bom_less_utf16 = _bom_less_utf16(head)
    if bom_less_utf16:
        return bom_less_utf16
    if head.count(b"\x00") > max(len(head) // 100, 4):  # a stray NUL is dropped on read; many mean binary
        raise ReadError(_NOT_TEXT)
    bad_offset = _first_invalid_utf8(source)
    if bad_offset is None:
        return "utf-8"
    return _guess_legacy_encoding(source, head, bad_offset)


def _bom_less_utf16(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _first_invalid_utf8(source: str | Path | bytes) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence, or None; reads in chunks to keep memory bounded."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    with _open_binary(source) as stream:
        while chunk := stream.read(1024 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset + max(error.start, 0)
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


_LATIN_FAMILY = {
    "latin_1",
    "iso8859_1",
    "iso8859_15",
    "cp1252",
    "windows-1252",
    "mac_roman",
    "cp850",
    "cp437",
}


def _guess_legacy_encoding(source: str | Path | bytes, head: bytes, bad_offset: int) -> str:
    from charset_normalizer import from_bytes

    sample = head
    if bad_offset >= len(head):
        with _open_binary(source) as stream:
            stream.seek(max(0, bad_offset - 16 * 1024))
            sample = head[: 16 * 1024] + b"\n" + stream.read(32 * 1024)
    best = from_bytes(sample).best()
    guess = best.encoding if best else None
    # Excel on a UK Windows machine writes cp1252; charset-normalizer often names a sibling code page for
    # short samples. Keep cp1252 unless the guess actually reads the bytes differently.
    if not guess or guess in _LATIN_FAMILY or guess.startswith(("utf", "ascii")):
        return "cp1252"
    try:
        if sample.decode(guess, errors="replace") == sample.decode("cp1252", errors="replace"):
            return "cp1252"
    except LookupError:
        return "cp1252"
    return guess


_NOT_TEXT = (
    "This does not look like a spreadsheet or CSV file: it contains binary data. Upload a CSV or .xlsx file."
)


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for char in text if (0 < ord(char) < 32 and char not in "\t\r\n") or char == "\ufffd")
    return controls / len(text) > 0.01


def _sniff_delimiter(sample: str) -> str:
    """csv.Sniffer restricted to , ; tab |, checked against the header: the delimiter that splits the header
    into the most columns consistently wins when the sniffer fails or finds a single column."""
    lines = sample[:SNIFF_CHARS].splitlines()
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut short
    snippet = "\n".join(lines)
    try:
        sniffed = csv.Sniffer().sniff(snippet, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    widths = {candidate: _consistent_width(snippet, candidate) for candidate in DELIMITERS}
    if sniffed and widths[sniffed] > 1:
        return sniffed
    best = max(DELIMITERS, key=lambda candidate: widths[candidate])
    if widths[best] > 1:
        return best
    # Ragged rows everywhere: trust the heading row, which the person wrote with one delimiter.
    heading = lines[0] if lines else ""
    best = max(DELIMITERS, key=heading.count)
    return best if heading.count(best) else ","


def _consistent_width(snippet: str, delimiter: str) -> int:
    """Header width if most sample rows share it, else 0."""
    try:
        rows = [row for row in csv.reader(io.StringIO(snippet), delimiter=delimiter) if row]
    except csv.Error:
        return 0
    if not rows:
        return 0
    width = len(rows[0])
    if len(rows) == 1:
        return width
    agreeing = sum(1 for row in rows[1:] if len(row) == width)
    return width if agreeing >= 0.8 * (len(rows) - 1) else 0


def _open_csv(
    source: str | Path | bytes, head: bytes, *, delimiter: str | None, encoding: str | None
) -> Table:
    if encoding:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise ReadError(f"{encoding!r} is not a text encoding Chorus knows.") from None
        text_sample = _decode_sample(head, encoding)
        if "\ufffd" in text_sample:
            raise ReadError(
                f"The file is not {encoding} text. Choose another encoding, or let Chorus detect it."
            )
    else:
        encoding = detect_encoding(source, head)
        text_sample = _decode_sample(head, encoding)
    if not text_sample.strip():
        raise ReadError("The file is empty.")
    if _looks_binary(text_sample):
        raise ReadError(_NOT_TEXT)

    skip_lines = 0
    first_line = text_sample.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        # Excel's "sep=;" hint line; Excel hides it, so it does not count as a row.
        delimiter = delimiter or first_line[4]
        skip_lines = 1
        text_sample = text_sample.split("\n", 1)[1] if "\n" in text_sample else ""
    forced = delimiter is not None
    delimiter = delimiter or _sniff_delimiter(text_sample)

    table = Table(headers=[], format="csv", encoding=encoding, delimiter=delimiter, _source=source)
    table._skip_lines = skip_lines
    leading: list[tuple[int, list]] = []
    with _text_stream(source, encoding) as stream:
        for _ in range(skip_lines):
            stream.readline()
        for number, cells in _guarded(_csv_reader(stream, delimiter)):
            leading.append((number, cells if isinstance(cells, list) else []))
            if number >= MAX_LEADING_BLANK_ROWS:
                break
    found = choose_header_row(leading)
    if found is None:
        raise ReadError("No column headings were found: the first rows of the file are empty.")
    table._header_row, header_cells = found
    table.headers = clean_headers(header_cells)
    if len(table.headers) == 1:
        for other in ";\t,|":
            if other != delimiter and other in header_cells[0]:
                name = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}[other]
                if forced:
                    raise ReadError(
                        f"Only one column was found, but the heading row contains a {name} ({other!r}): "
                        f"wrong delimiter? Try {name}-separated."
                    )
    _tag_field_tool(table)
    return table


def _decode_sample(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=False)


def _text_stream(source: str | Path | bytes, encoding: str) -> IO[str]:
    # Strict UTF-8 was verified over the whole file; legacy code pages have a few undefined bytes.
    errors = "strict" if encoding.startswith("utf-8") else "replace"
    return io.TextIOWrapper(_open_binary(source), encoding=encoding, errors=errors, newline="")


def _csv_reader(stream: IO[str], delimiter: str):
    # strict: a quote left open at the end of the file (a truncated file) is an error, not a silent merge.
    return csv.reader(stream, delimiter=delimiter, strict=True)


class _RowError:
    """A row the csv module could not parse (it resumes on the next line)."""

    def __init__(self, message: str) -> None:
        self.message = message


def _guarded(reader) -> Iterator[tuple[int, list[str] | _RowError]]:
    """(row number, cells) from a csv reader, turning its errors into row problems or a ReadError."""
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            text = str(error)
            if "unexpected end of data" in text:
                raise ReadError(
                    f"The file ends inside a quoted cell that starts on row {number}: it may be "
                    "truncated (cut short while copying or uploading), or a quote mark is unbalanced."
                ) from None
            if "field larger than field limit" in text:
                raise ReadError(
                    f"Row {number} has a cell of more than {CELL_CEILING // (1024 * 1024)} million "
                    "characters: a quote mark is probably unbalanced, or the cell holds more than a comment."
                ) from None
            yield number, _RowError(f"this row could not be read ({text}); check its quote marks")
            continue
        except UnicodeDecodeError:
            raise ReadError(
                f"Around row {number} the file stops being valid text: it may be damaged."
            ) from None
        yield number, [clean_text(cell) for cell in cells]


def _csv_rows(table: Table) -> Iterator[Row]:
    headers = table.headers
    width = len(headers)
    with _text_stream(table._source, table.encoding) as stream:
        for _ in range(table._skip_lines):
            stream.readline()
        for number, cells in _guarded(_csv_reader(stream, table.delimiter)):
            if number <= table._header_row:
                continue
            if isinstance(cells, _RowError):
                yield Row(number, dict.fromkeys(headers, ""), [cells.message])
                continue
            if len(cells) == width:
                if any(cells):
                    yield Row(number, dict(zip(headers, cells, strict=True)))
                continue
            if row := _ragged_row(number, headers, cells):
                yield row


def _ragged_row(number: int, headers: list[str], cells: list[str]) -> Row | None:
    width = len(headers)
    problems = []
    extra = [cell for cell in cells[width:] if cell.strip()]
    if extra:
        problems.append(
            f"this row has {len(cells)} cells but there are {width} column headings; "
            f"{len(extra)} value(s) past the last heading are not read"
        )
    cells = (cells + [""] * width)[:width]
    if not problems and not any(cell.strip() for cell in cells):
        return None
    return Row(number, dict(zip(headers, cells, strict=True)), problems)


# ---------------------------------------------------------------------------------------------- headers


def choose_header_row(leading: list[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    """The heading row among the first rows: the first one filled at least half as wide as the widest, so a
    title line ("Community survey 2024") or blank lines above the headings are skipped."""
    filled = [(number, cells, sum(1 for cell in cells if cell.strip())) for number, cells in leading]
    widest = max((count for _, _, count in filled), default=0)
    if not widest:
        return None
    return next((number, cells) for number, cells, count in filled if count * 2 >= widest)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def clean_headers(cells: list[Any]) -> list[str]:
    """Trim headings; name blank ones after their column letter; make duplicates unique ("Comment (2)")."""
    cells = list(cells)
    while cells and (cells[-1] is None or not str(cells[-1]).strip()):
        cells.pop()  # trailing blank headings are usually stray formatting
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = " ".join(clean_text(str(cell if cell is not None else "")).replace("\ufeff", "").split())
        _check_heading(index, name)
        if not name:
            name = f"Column {column_letter(index)}"
        key = name.lower()
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        headers.append(name)
    return headers


def _check_heading(index: int, name: str) -> None:
    if len(name) > MAX_HEADING_CHARS:
        raise ReadError(
            f"The heading of column {column_letter(index)} is {len(name):,} characters long; a heading can "
            f"be at most {MAX_HEADING_CHARS:,} characters. Is the heading row right? Shorten it and upload "
            "again."
        )


# ---------------------------------------------------------------------------------------------- XLSX


def _check_xlsx_parts(source: str | Path | bytes) -> None:
    """Look inside the zip before openpyxl does: refuse parts that unzip to far more than they hold (a zip
    bomb), a single cell's text past XLSX_MAX_TEXT_BYTES (openpyxl would hold it whole, several times over),
    and XML with a DOCTYPE (Excel never writes one; entity definitions are how XML attacks begin)."""
    try:
        with zipfile.ZipFile(_open_binary(source)) as archive:
            parts = archive.infolist()
            total = sum(part.file_size for part in parts)
            for part in parts:
                ratio = part.file_size / max(part.compress_size, 1)
                too_big = part.file_size > XLSX_MAX_PART_BYTES or total > XLSX_MAX_TOTAL_BYTES
                if too_big or (part.file_size > XLSX_RATIO_FROM and ratio > XLSX_MAX_RATIO):
                    raise ReadError(
                        f"The Excel file would expand to {total / 1024**2:,.0f} MB once unzipped "
                        f"({part.filename} alone {part.file_size / 1024**2:,.0f} MB), far more than a "
                        "spreadsheet of its size holds. Save it again from Excel, or as CSV."
                    )
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    _check_xml_part(archive, part)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return  # openpyxl gives the damaged-file message


def _check_xml_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    run = 0  # bytes since the last "<", carried across chunks
    tail = b""  # the end of the previous chunk, so a marker split between chunks is still seen
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            # Anywhere, not only at the start (a long comment can push it down); in cell text "<" is escaped.
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                raise ReadError(
                    "The Excel file contains XML with a DOCTYPE, which Excel never writes; it is not read. "
                    "Save it again from Excel, or as CSV."
                )
            tail = chunk[-8:]
            pieces = chunk.split(b"<")
            if len(pieces) == 1:
                run += len(chunk)
            else:
                run = max(run + len(pieces[0]), max(map(len, pieces[1:-1]), default=0))
                if run <= XLSX_MAX_TEXT_BYTES:
                    run = len(pieces[-1])
            if run > XLSX_MAX_TEXT_BYTES:
                raise ReadError(
                    f"A cell in the Excel file holds more than {XLSX_MAX_TEXT_BYTES // 1024**2} MB of text, "
                    "far more than a comment. Check the file, shorten the cell, or split it."
                )


def _load_workbook(source: str | Path | bytes):
    from openpyxl import load_workbook

    _check_xlsx_parts(source)
    try:
        return load_workbook(_open_binary(source), read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ReadError(
            "The Excel file is damaged or incomplete (it may have been cut short while copying or "
            "uploading). Open it in Excel, save it again, and upload it again."
        ) from None
    except Exception as error:  # openpyxl raises many types (KeyError, InvalidFileException...) for bad files
        raise ReadError(
            f"The Excel file could not be opened ({type(error).__name__}). Open it in Excel, save it as "
            ".xlsx or CSV, and upload it again."
        ) from None


def _pick_sheet(workbook, sheet: str | None):
    if sheet is None:
        return workbook.worksheets[0]
    if sheet in workbook.sheetnames:
        return workbook[sheet]
    names = ", ".join(repr(name) for name in workbook.sheetnames)
    raise ReadError(f"There is no sheet called {sheet!r}; the workbook has {names}.")


def excel_value_to_text(value: Any) -> str:
    """Cell values as strings: dates as ISO, whole numbers without '.0', booleans as TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _xlsx_iter(worksheet) -> Iterator[tuple[int, tuple]]:
    """(row number, values) for each row. Read-only openpyxl fills gaps between stored rows with empty rows,
    so counting from 1 gives the row numbers Excel shows."""
    return enumerate(worksheet.iter_rows(values_only=True), start=1)


def _open_xlsx(source: str | Path | bytes, sheet: str | None) -> Table:
    workbook = _load_workbook(source)
    try:
        if not workbook.worksheets:
            raise ReadError("The workbook has no worksheets.")
        worksheet = _pick_sheet(workbook, sheet)
        worksheet.reset_dimensions()  # some writers record wrong dimensions; read what is really there
        leading: list[tuple[int, list]] = []
        try:
            for number, values in _xlsx_iter(worksheet):
                leading.append((number, [excel_value_to_text(value) for value in values]))
                if number >= MAX_LEADING_BLANK_ROWS:
                    break
        except _XLSX_DAMAGE as error:
            raise ReadError(_damaged_xlsx(error)) from None
        found = choose_header_row(leading)
        if found is None:
            raise ReadError(f"The sheet {worksheet.title!r} is empty: no column headings were found.")
        header_number, header_cells = found
        table = Table(
            headers=clean_headers(header_cells),
            format="xlsx",
            sheet=worksheet.title,
            sheets=list(workbook.sheetnames),
            _source=source,
            _header_row=header_number,
        )
    finally:
        workbook.close()
    _tag_field_tool(table)
    return table


def _damaged_xlsx(error: Exception) -> str:
    return (
        "The Excel file is damaged or incomplete and could not be read to the end. Open it in Excel, save it "
        f"again, and upload it again. ({type(error).__name__})"
    )


def _xlsx_rows(table: Table) -> Iterator[Row]:
    workbook = _load_workbook(table._source)
    try:
        worksheet = _pick_sheet(workbook, table.sheet)
        worksheet.reset_dimensions()
        headers = table.headers
        width = len(headers)
        try:
            for number, values in _xlsx_iter(worksheet):
                if number <= table._header_row:
                    continue
                cells = [excel_value_to_text(value) for value in values]
                if len(cells) == width:
                    if any(cells):
                        yield Row(number, dict(zip(headers, cells, strict=True)))
                    continue
                if row := _ragged_row(number, headers, cells):
                    yield row
        except _XLSX_DAMAGE as error:
            raise ReadError(_damaged_xlsx(error)) from None
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------- JSON


def _open_json(source: str | Path | bytes) -> Table:
    from chorus.ingest.fieldtools import records_from_json

    size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    if size > MAX_JSON_BYTES:
        raise ReadError(
            f"The JSON file is {size / 1024**2:,.0f} MB; JSON is read whole, so at most "
            f"{MAX_JSON_BYTES // 1024**2} MB is read. Export the submissions as CSV or XLSX instead."
        )
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        payload = parse_json(raw, "The JSON file")
    except ValueError as error:
        raise ReadError(str(error)) from None
    try:
        source_name, records = records_from_json(payload)
    except ValueError as error:
        raise ReadError(str(error)) from None
    headers: dict[str, None] = {}
    for record in records:
        headers.update(dict.fromkeys(record))
    for index, name in enumerate(headers):
        _check_heading(index, name)
    table = Table(
        headers=list(headers), format="json", encoding="utf-8", source=source_name, _records=records
    )
    _tag_field_tool(table)
    return table


def parse_json(raw: bytes | str, what: str = "The JSON") -> Any:
    """json.loads with its failures as ValueError sentences: damaged JSON, and JSON nested so deep that the
    parser gives up (it would otherwise raise RecursionError). MAX_JSON_DEPTH is checked on the records."""
    try:
        return json.loads(raw)  # json.loads detects UTF-8/16/32 from the bytes
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise ValueError(f"{what} is damaged or incomplete{where}: it could not be read.") from None
    except RecursionError:
        raise ValueError(
            f"{what} is nested far too deep (a submission has at most {MAX_JSON_DEPTH} levels of groups)."
        ) from None


def _json_rows(table: Table) -> Iterator[Row]:
    headers = table.headers
    # JSON has no heading row, so records are numbered 1, 2, 3... as they come.
    for number, record in enumerate(table._records or [], start=1):
        yield Row(number, {header: record.get(header, "") for header in headers})


def _tag_field_tool(table: Table) -> None:
    from chorus.ingest.fieldtools import detect_source, instance_id_column

    table.source = table.source or detect_source(table.headers)
    table.id_column = instance_id_column(table.headers)
