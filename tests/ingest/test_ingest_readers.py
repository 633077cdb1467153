import random
import zipfile
from pathlib import Path

import pytest

from chorus.ingest.mapping import guess_mapping
from chorus.ingest.readers import (
    CELL_LIMIT,
    ReadError,
    clean_headers,
    column_letter,
    excel_value_to_text,
    open_table,
)
from chorus.ingest.validate import MappingError, validate_rows

FIXTURES = Path(__file__).with_name("fixtures")
COMMUNITY_HEADERS = [
    "Comment ID",
    "Date",
    "What matters to you?",
    "Ward",
    "Age",
    "Sex",
    "Consent to analysis",
]


def read_all(source, filename=None, **options):
    table = open_table(source, filename, **options)
    return table, list(table.rows())


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("community_utf8.csv", "utf-8", ","),
        ("community_utf8_bom.csv", "utf-8-sig", ","),
        ("community_cp1252.csv", "cp1252", ","),
        ("community_utf16.txt", "utf-16", "\t"),
        ("community_semicolon.csv", "utf-8", ";"),
        ("community_tab.tsv", "utf-8", "\t"),
        ("kobo_export.csv", "utf-8", ";"),
        ("odk_submissions.csv", "utf-8", ","),
    ],
)
def test_csv_encoding_and_delimiter_are_sniffed(name, encoding, delimiter):
    table, rows = read_all(FIXTURES / name)
    assert (table.format, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert rows and all(len(row.values) == len(table.headers) for row in rows)


def test_cp1252_and_utf16_files_decode_pound_signs_and_curly_quotes():
    for name in ("community_cp1252.csv", "community_utf16.txt"):
        table, rows = read_all(FIXTURES / name)
        assert table.headers == COMMUNITY_HEADERS
        assert (
            rows[0]
            .values["What matters to you?"]
            .startswith("The £2 bus fare cap means I can get to my ‘health MOT’")
        )
        assert "Café" in rows[1].values["What matters to you?"]


def test_bom_is_not_part_of_the_first_heading():
    table = open_table(FIXTURES / "community_utf8_bom.csv")
    assert table.headers[0] == "Comment ID"


def test_row_numbers_count_the_header_as_row_one():
    _, rows = read_all(FIXTURES / "community_utf8.csv")
    assert [row.number for row in rows] == [2, 3, 4, 5]


def test_quoted_cells_keep_their_delimiters_and_newlines():
    data = b'id,text\n1,"one, two; three\nand a second line"\n2,plain\n'
    _, rows = read_all(data, "upload.csv")
    assert rows[0].values["text"] == "one, two; three\nand a second line"
    assert [row.number for row in rows] == [2, 3]


def test_bytes_and_path_give_the_same_rows():
    path = FIXTURES / "community_semicolon.csv"
    _, from_path = read_all(path)
    _, from_bytes = read_all(path.read_bytes(), path.name)
    assert [row.values for row in from_path] == [row.values for row in from_bytes]


def test_rows_can_be_read_twice():
    table = open_table(FIXTURES / "community_utf8.csv")
    assert [row.values for row in table.rows()] == [row.values for row in table.rows()]


def test_blank_rows_are_skipped_but_still_counted():
    _, rows = read_all(b"id,text\n1,a\n,\n\n2,b\n", "x.csv")
    assert [(row.number, row.values["text"]) for row in rows] == [(2, "a"), (5, "b")]


def test_excel_sep_hint_line_sets_the_delimiter_and_is_not_a_row():
    table, rows = read_all(b"sep=;\nid;text\n1;hello, world\n", "x.csv")
    assert table.delimiter == ";" and table.headers == ["id", "text"]
    assert rows[0].number == 2 and rows[0].values["text"] == "hello, world"


def test_short_rows_are_padded_and_long_rows_flagged():
    _, rows = read_all(b"id,text,ward\n1,a\n2,b,Milton,extra value\n3,c,Leigh,,\n", "x.csv")
    assert rows[0].values == {"id": "1", "text": "a", "ward": ""} and rows[0].problems == []
    assert "4 cells but there are 3 column headings" in rows[1].problems[0]
    assert rows[2].problems == []  # trailing empty cells, as Excel writes them, are not a problem


def test_duplicate_and_blank_headings_are_made_unique():
    assert clean_headers(["Comment", "comment", "", " Ward  name ", None, ""]) == [
        "Comment",
        "comment (2)",
        "Column C",
        "Ward name",
    ]
    assert column_letter(0) == "A" and column_letter(27) == "AB"


def test_cp1252_bytes_after_the_first_sample_are_still_detected():
    body = b"id,text\n" + b"1,plain ascii comment\n" * 5000 + b"2,caf\xe9 \x93quoted\x94\n"
    table, rows = read_all(body, "late.csv")
    assert len(body) > 64 * 1024
    assert table.encoding == "cp1252"
    assert rows[-1].values["text"] == "café “quoted”"


def test_utf16_without_bom_is_detected():
    data = "id\ttext\n1\tYes – it helped\n".encode("utf-16-le")
    table, rows = read_all(data, "export.txt")
    assert table.encoding == "utf-16-le" and rows[0].values["text"] == "Yes – it helped"


def test_xlsx_values_are_strings_with_iso_dates():
    table, rows = read_all(FIXTURES / "community.xlsx")
    assert table.format == "xlsx" and table.sheet == "Responses" and table.sheets == ["Responses", "Notes"]
    assert rows[0].values["Date"] == "2024-03-05" and rows[0].values["Age"] == "37"
    assert rows[1].values["Age"] == "44" and rows[1].values["Consent"] == "TRUE"
    assert rows[1].values["Comment"] == "=SUM(1,2) is what I typed"
    assert rows[2].values["Date"] == "2024-03-07T14:30:00"


def test_xlsx_row_numbers_match_excel_across_a_blank_row():
    _, rows = read_all(FIXTURES / "community.xlsx")
    assert [row.number for row in rows] == [2, 3, 5]


def test_xlsx_named_sheet_is_read_and_a_missing_one_is_explained():
    table, rows = read_all(FIXTURES / "community.xlsx", sheet="Notes")
    assert table.headers == ["Field", "Meaning"] and len(rows) == 1
    with pytest.raises(ReadError, match="no sheet called 'Answers'; the workbook has 'Responses', 'Notes'"):
        open_table(FIXTURES / "community.xlsx", sheet="Answers")


def test_excel_values_convert_to_text():
    assert excel_value_to_text(3.0) == "3" and excel_value_to_text(0.25) == "0.25"
    assert excel_value_to_text(None) == "" and excel_value_to_text(False) == "FALSE"


# ---------------------------------------------------------------------------------------------- malformed


def test_empty_file_is_a_read_error():
    with pytest.raises(ReadError, match="empty"):
        open_table(FIXTURES / "empty.csv")
    with pytest.raises(ReadError, match="empty"):
        open_table(b"\xef\xbb\xbf\r\n\r\n", "blank.csv")


def test_binary_garbage_is_a_read_error():
    with pytest.raises(ReadError, match="binary data"):
        open_table(FIXTURES / "garbage.bin", "responses.csv")


def test_binary_garbage_without_nul_bytes_is_a_read_error():
    garbage = bytes(range(1, 32)) * 50 + bytes(range(128, 256)) * 10
    with pytest.raises(ReadError, match="binary data"):
        open_table(garbage, "responses.csv")


def test_other_file_types_are_named():
    with pytest.raises(ReadError, match="PDF"):
        open_table(b"%PDF-1.7\n...", "survey.csv")
    with pytest.raises(ReadError, match=r"old-style Excel \(.xls\)"):
        open_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "survey.xls")
    with pytest.raises(ReadError, match="not an Excel workbook"):
        open_table(b"id,text\n1,a\n", "survey.xlsx")


def test_truncated_xlsx_is_a_read_error():
    with pytest.raises(ReadError, match="damaged or incomplete"):
        open_table(FIXTURES / "truncated.xlsx")


def test_zip_that_is_not_a_workbook_is_a_read_error(tmp_path):
    path = tmp_path / "upload.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(ReadError, match="could not be opened"):
        open_table(path)


def test_truncated_csv_is_a_read_error():
    with pytest.raises(
        ReadError, match="ends inside a quoted cell that starts on row 3: it may be truncated"
    ):
        open_table(FIXTURES / "truncated.csv")


def test_long_truncated_csv_raises_after_the_complete_rows():
    complete = b"".join(b'%d,"Comment %d",Leigh\r\n' % (number, number) for number in range(2, 102))
    table = open_table(b"id,text,ward\r\n" + complete + b'102,"The nurse said she would', "cut.csv")
    rows = table.rows()
    assert [next(rows).number for _ in range(100)][-1] == 101
    with pytest.raises(ReadError, match="starts on row 102"):
        next(rows)
    with pytest.raises(ReadError, match="truncated"):
        table.count_rows()


def test_misplaced_quote_is_a_row_problem_and_reading_continues():
    _, rows = read_all(FIXTURES / "misquoted.csv")
    assert rows[0].number == 2 and "could not be read" in rows[0].problems[0]
    assert rows[1].number == 3 and rows[1].values["Comment"] == "The next row is fine"


def test_wrong_delimiter_given_is_explained():
    with pytest.raises(ReadError, match=r"wrong delimiter\? Try semicolon-separated"):
        open_table(FIXTURES / "community_semicolon.csv", delimiter=",")


def test_ten_megabyte_cell_is_read_whole_for_validation_to_flag():
    huge = "x" * (10 * 1024 * 1024)
    data = f'id,text\n1,"{huge}"\n2,short\n'.encode()
    _, rows = read_all(data, "big.csv")
    assert len(rows[0].values["text"]) == len(huge) > CELL_LIMIT
    assert rows[1].values["text"] == "short"


def test_missing_file_and_folder_are_read_errors(tmp_path):
    with pytest.raises(ReadError, match="no file"):
        open_table(tmp_path / "nope.csv")
    with pytest.raises(ReadError, match="folder"):
        open_table(tmp_path)


def test_heading_row_of_nothing_is_a_read_error():
    with pytest.raises(ReadError, match="No column headings"):
        open_table(b",,,\n" * 30, "x.csv")


def test_count_rows_counts_data_rows():
    assert open_table(FIXTURES / "community_utf8.csv").count_rows() == 4


def test_damaged_json_is_a_read_error():
    with pytest.raises(ReadError, match="JSON file is damaged or incomplete"):
        open_table(b'{"value": [{"__id": "uuid:1"', "odata.json")
    with pytest.raises(ReadError, match="empty list"):
        open_table(b"[]", "kobo.json")


def test_semicolon_file_with_ragged_rows_still_splits_on_semicolons():
    data = b"id;text;ward\n1;a\n2;b;Leigh;x;y\n3\n"
    table = open_table(data, "ragged.csv")
    assert table.delimiter == ";" and table.headers == ["id", "text", "ward"]


def test_unknown_encoding_given_is_a_read_error():
    with pytest.raises(ReadError, match="not a text encoding"):
        open_table(b"id,text\n1,a\n", "x.csv", encoding="klingon-8")


def test_wrong_encoding_given_is_a_read_error_not_a_crash():
    with pytest.raises(ReadError, match="The file is not utf-8 text"):
        open_table("id,text\n1,café\n".encode("cp1252"), "x.csv", encoding="utf-8")
    late = b"id,text\n" + b"1,plain\n" * 20000 + "2,café\n".encode("cp1252")
    table = open_table(late, "x.csv", encoding="utf-8")
    with pytest.raises(ReadError, match=r"Around row \d+ the file stops being valid text"):
        list(table.rows())


def test_xlsx_with_corrupted_sheet_data_is_a_read_error():
    data = bytearray((FIXTURES / "community.xlsx").read_bytes())
    with zipfile.ZipFile(FIXTURES / "community.xlsx") as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 20, start + info.compress_size - 20):
        data[offset] ^= 0x5A
    with pytest.raises(ReadError, match="damaged"):
        table = open_table(bytes(data), "community.xlsx")
        list(table.rows())


def test_title_line_above_the_headings_is_skipped():
    data = b"Community survey 2024,,,\n,,,\nid,text,ward,age\n1,hello,Leigh,40\n"
    table, rows = read_all(data, "report.csv")
    assert table.headers == ["id", "text", "ward", "age"]
    assert rows[0].number == 4 and rows[0].values["text"] == "hello"


def test_damaged_copies_of_the_fixtures_give_read_errors_never_crashes():
    rng = random.Random(20240305)
    files = sorted(path for path in FIXTURES.iterdir() if path.suffix != ".md" and path.stat().st_size)
    outcomes = {"read": 0, "refused": 0}
    for _ in range(80):
        path = rng.choice(files)
        data = bytearray(path.read_bytes())
        cut = rng.randrange(len(data))
        damage = rng.choice(["truncate", "flip", "insert"])
        if damage == "truncate":
            data = data[:cut]
        elif damage == "flip":
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            data[cut:cut] = rng.choice([b'"', b"\x00", b";", b"\r", b"\xff\xfe", b"=", b'""\n"'])
        try:
            table = open_table(bytes(data), path.name)
            list(validate_rows(table, guess_mapping(table.headers)))
            outcomes["read"] += 1
        except (ReadError, MappingError):
            outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"]
