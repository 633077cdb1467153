import csv
import io
from pathlib import Path

import pytest

from chorus.ingest.readers import open_table
from chorus.ingest.safety import SafeCsvWriter, SafeDictWriter, neutralise_formula

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://evil.example/","Click")', '\'=HYPERLINK("http://evil.example/","Click")'),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("  =1+2", "'  =1+2"),
        ("plain words", "plain words"),
        ("a = b", "a = b"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-1e-05", "-1e-05"),
        ("+1E+2", "+1E+2"),
        ("-0.5", "-0.5"),
        ("-2e", "'-2e"),
        ("-1e5+2", "'-1e5+2"),
        ("-inf", "'-inf"),
        ("-nan", "'-nan"),
        ("-1_0", "'-1_0"),
        ("-\u0663", "'-\u0663"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_formula_triggers_get_an_apostrophe(value, expected):
    assert neutralise_formula(value) == expected


def test_safe_csv_writer_neutralises_every_cell():
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows([["=cmd", "ok"], ["fine", "@x"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'=cmd", "ok"], ["fine", "'@x"]]


def test_safe_dict_writer_neutralises_values_and_headers():
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=["=head", "text"])
    writer.writeheader()
    writer.writerow({"=head": "1", "text": "+evil"})
    writer.writerows([{"=head": "2", "text": "-evil"}])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'=head", "text"],
        ["1", "'+evil"],
        ["2", "'-evil"],
    ]


def test_formula_cells_from_an_upload_are_neutralised_on_export():
    rows = [row.values["Comment"] for row in open_table(FIXTURES / "formula_cells.csv").rows()]
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows([[text] for text in rows])
    exported = [cells[0] for cells in csv.reader(io.StringIO(buffer.getvalue()))]
    assert all(text.startswith("'") for text in exported)
    assert [text[1:] for text in exported] == rows
