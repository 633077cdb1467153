"""Reading residents' voices from files: readers, field-tool shapes, column mapping, row validation.

Plain Python, no Django. The import pipeline (Django side) calls, in order:

    table = open_table(path_or_bytes, filename)        # CSV, XLSX, Kobo/ODK JSON -> Table
    mapping = find_mapping(table.headers, saved) or guess_mapping(table.headers)
    mapping.problems()                                  # sentences to show before importing, if any
    for outcome in validate_rows(table, mapping, lookup=areas):
        CleanRecord -> store it;  Quarantine -> quarantine table, with outcome.messages

ReadError, from open_table or part-way through rows() (a truncated file is only found at its end; call
table.count_rows() first to find it before importing anything), carries a message for the person who
uploaded the file. Exports go through chorus.ingest.safety so no cell runs as a formula.
"""

from chorus.ingest.dates import DateOrders
from chorus.ingest.mapping import Mapping, find_mapping, guess_mapping, shape_signature
from chorus.ingest.readers import ReadError, Row, Table, open_table
from chorus.ingest.validate import (
    CleanRecord,
    MappingError,
    Problem,
    Quarantine,
    date_orders_of,
    validate_row,
    validate_rows,
)

__all__ = [
    "CleanRecord",
    "DateOrders",
    "Mapping",
    "MappingError",
    "Problem",
    "Quarantine",
    "ReadError",
    "Row",
    "Table",
    "date_orders_of",
    "find_mapping",
    "guess_mapping",
    "open_table",
    "shape_signature",
    "validate_row",
    "validate_rows",
]
