"""Bounds on what a file may hold: every oversized or malformed input gets a clear ReadError, quickly and in
bounded memory, and the characters a database cannot store (NUL, lone surrogates) are dropped on read."""

from __future__ import annotations

import io
import json
import random
import time
import zipfile

import openpyxl
import pytest

from chorus.ingest.fieldtools import records_from_json
from chorus.ingest.mapping import guess_mapping, score_heading
from chorus.ingest.readers import MAX_HEADING_CHARS, MAX_JSON_BYTES, MAX_JSON_DEPTH, ReadError, open_table


def _words(length: int, seed: int = 1) -> str:
    """Letters and spaces that match no heading synonym or phrase, so fuzzy matching has to run."""
    rng = random.Random(seed)
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz ") for _ in range(length))


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML passed through change(xml bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, change(content) if name == "xl/worksheets/sheet1.xml" else content)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- headings


def test_fuzzy_heading_matching_is_quick_whatever_the_heading_length():
    heading = _words(20_000)
    started = time.perf_counter()
    score_heading(heading)
    guess_mapping([heading, "Age"])
    assert time.perf_counter() - started < 0.5


def test_a_heading_longer_than_the_limit_is_refused_with_its_column():
    data = f"What matters to you?,{'q' * 600_000}\nBuses,x\n".encode()
    started = time.perf_counter()
    with pytest.raises(ReadError, match=rf"column B.*{MAX_HEADING_CHARS:,} characters"):
        open_table(data, "long.csv")
    assert time.perf_counter() - started < 2


def test_a_long_heading_within_the_limit_still_reads():
    question = "Please tell us in your own words " + _words(MAX_HEADING_CHARS - 60)
    table = open_table(f"{question},Age\nBuses,40\n".encode(), "ok.csv")
    assert table.headers[0] == " ".join(question.split())


# ---------------------------------------------------------------------------------------------- cells


def test_a_csv_cell_beyond_the_hard_ceiling_is_refused_not_held_in_memory():
    huge = "x" * (20 * 1024 * 1024)
    with pytest.raises(ReadError, match="Row 2 has a cell of more than"):
        list(open_table(f'id,text\n1,"{huge}"\n'.encode(), "big.csv").rows())


def test_an_xlsx_with_a_huge_inline_string_is_refused_before_it_is_parsed():
    huge = b"x" * (50 * 1024 * 1024)

    def add_inline_string(xml: bytes) -> bytes:
        cell = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + huge + b"</t></is></c></row>"
        return xml.replace(b"</sheetData>", cell + b"</sheetData>")

    data = _rewrite_sheet(_xlsx([["What matters", "Age"], ["Buses", "40"]]), add_inline_string)
    assert len(data) < 1024 * 1024  # it compresses to almost nothing: the danger is what it expands to
    started = time.perf_counter()
    with pytest.raises(ReadError, match="cell|expand"):
        table = open_table(data, "bomb.xlsx")
        list(table.rows())
    assert time.perf_counter() - started < 5


def test_an_xlsx_whose_parts_expand_far_beyond_the_file_is_refused():
    def pad(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b"</sheetData>" + b" " * (200 * 1024 * 1024))

    data = _rewrite_sheet(_xlsx([["What matters"], ["Buses"]]), pad)
    with pytest.raises(ReadError, match="expand"):
        open_table(data, "padded.xlsx")


@pytest.mark.parametrize("comment_bytes", [0, 1_500_000])  # a long comment pushes it past the first chunk
def test_an_xlsx_with_a_doctype_is_refused(comment_bytes):
    def doctype(xml: bytes) -> bytes:
        comment = b"<!--" + b"c" * comment_bytes + b"-->" if comment_bytes else b""
        return xml.replace(b"<worksheet", comment + b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet', 1)

    data = _rewrite_sheet(_xlsx([["What matters"], ["Buses"]]), doctype)
    with pytest.raises(ReadError, match="DOCTYPE"):
        open_table(data, "doctype.xlsx")


def test_an_ordinary_xlsx_still_reads():
    table = open_table(_xlsx([["What matters", "Age"], ["Buses", "40"]]), "ok.xlsx")
    assert [row.values for row in table.rows()] == [{"What matters": "Buses", "Age": "40"}]


# ---------------------------------------------------------------------------------------------- JSON


def test_a_json_file_too_big_to_read_whole_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.write(b'[{"text": "')
        stream.truncate(MAX_JSON_BYTES + 1)  # sparse: takes no disk space
    with pytest.raises(ReadError, match="read whole"):
        open_table(path)


def test_json_nested_far_too_deep_is_a_read_error_not_a_crash():
    data = b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(ReadError, match="nested"):
        open_table(data, "deep.json")


def test_json_nested_past_the_limit_is_refused_for_files_and_posts():
    record: dict = {"text": "Buses"}
    for _ in range(MAX_JSON_DEPTH + 1):
        record = {"group": record}
    with pytest.raises(ReadError, match=f"more than {MAX_JSON_DEPTH} levels"):
        open_table(json.dumps([record]).encode(), "deep.json")
    with pytest.raises(ValueError, match=f"more than {MAX_JSON_DEPTH} levels"):
        records_from_json([record])


# ---------------------------------------------------------------------------------------------- characters


def test_nul_and_lone_surrogates_are_removed_on_read_from_csv_and_json():
    csv_table = open_table(b"What matters,Age\nBus\x00es,40\n", "nul.csv")
    assert [row.values["What matters"] for row in csv_table.rows()] == ["Buses"]
    payload = b'[{"what_matters": "Bus\\u0000es \\ud800here", "age\\udc00": "40"}]'
    json_table = open_table(payload, "post.json")
    assert json_table.headers == ["what_matters", "age"]
    assert [row.values["what_matters"] for row in json_table.rows()] == ["Buses here"]
    _, records = records_from_json(json.loads(payload))
    assert records == [{"what_matters": "Buses here", "age": "40"}]
    assert json.dumps(records, ensure_ascii=False).encode("utf-8")  # now storable as UTF-8


def test_a_binary_file_is_still_refused():
    with pytest.raises(ReadError, match="binary"):
        open_table(bytes(range(256)) * 64, "garbage.csv")
