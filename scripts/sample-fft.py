"""Writes tests/fixtures/data/feedback/nhs_fft_dev.csv: the rows of the NHS FFT file (MIT, NHS England, via
pxtextmining) that the tests need, so the suite runs on a clone without ../shared.

Run from the repository with the full file beside it (../shared/data/feedback/nhs_fft_dev.csv, or
CHORUS_SHARED_DATA). Rows keep the file's order and bytes; the sample holds:
- the first rows with an answer (the demo loads the first 150, the coding demo test the first 40);
- for each example quoted in the shipped NHS codebook, a row that holds it labelled with its theme;
- a few rows per theme column, so every theme keeps labelled comments;
- a few rows per date writing style and per quarantine reason (empty answers, ambiguous dates),
  checked to validate in the sample exactly as in the full file.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chorus.coding.codebook import load_starter  # noqa: E402
from chorus.ingest.dates import NUMERIC_DATE, numeric_style  # noqa: E402
from chorus.ingest.mapping import guess_mapping  # noqa: E402
from chorus.ingest.readers import open_table  # noqa: E402
from chorus.ingest.validate import CleanRecord, validate_rows  # noqa: E402

SHARED_DATA = Path(os.environ.get("CHORUS_SHARED_DATA", REPO.parent / "shared" / "data"))
SOURCE = SHARED_DATA / "feedback" / "nhs_fft_dev.csv"
TARGET = REPO / "tests" / "fixtures" / "data" / "feedback" / "nhs_fft_dev.csv"
FIRST_ANSWERED = 200
PER_THEME = 3
PER_STYLE = 5
PER_PROBLEM = 2


def outcomes(path: Path) -> dict[str, object]:
    """Comment ID -> its date, or the sorted problem messages that quarantine it."""
    table = open_table(path)
    mapping = guess_mapping(table.headers)
    result: dict[str, object] = {}
    for row, outcome in zip(table.rows(), validate_rows(table, mapping), strict=True):
        key = row.values["Comment ID"]
        if isinstance(outcome, CleanRecord):
            result[key] = outcome.date
        else:
            result[key] = tuple(sorted(problem.message for problem in outcome.problems))
    return result


def reasons(problems: tuple) -> tuple[str, ...]:
    """A quarantine's reasons without the value quoted in them ("could be 10 December or 12 October")."""
    return tuple(sorted({message.split(":")[0].split("' ")[-1] for message in problems}))


def main() -> None:
    raw = SOURCE.read_bytes()
    text = raw.decode("utf-8-sig")
    header_line, _, body = text.partition("\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    # Physical lines of each record, so the sample keeps the file's bytes (answers can span lines).
    reader = csv.reader(io.StringIO(body))
    chunks, start = [], 0
    lines = io.StringIO(body).readlines()
    for _ in reader:
        end = reader.line_num
        chunks.append("".join(lines[start:end]))
        start = end
    assert len(chunks) == len(rows)

    keep: set[int] = set()
    answered = [i for i, row in enumerate(rows) if row["FFT answer"].strip()]
    keep.update(answered[:FIRST_ANSWERED])

    for theme in load_starter("nhs_patient_experience").leaves():
        for example in theme.examples:  # one row quoting it with the theme's label
            keep.add(
                next(
                    i
                    for i, row in enumerate(rows)
                    if row[theme.name].strip() and " ".join(row["FFT answer"].split()) == example
                )
            )

    header = list(rows[0])
    themes = header[header.index("Comment sentiment") + 1 :]
    for theme in themes:
        keep.update([i for i in answered if rows[i][theme].strip()][:PER_THEME])

    full = outcomes(SOURCE)
    by_style: dict[str, list[int]] = defaultdict(list)
    by_problem: dict[tuple, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        match = NUMERIC_DATE.fullmatch(row["Date"].strip())
        if match:
            by_style[numeric_style(match[1], match[3])].append(i)
        outcome = full[row["Comment ID"]]
        if isinstance(outcome, tuple):
            by_problem[reasons(outcome)].append(i)
    for chosen in (*by_style.values(), *by_problem.values()):
        limit = PER_STYLE if chosen in by_style.values() else PER_PROBLEM
        keep.update(chosen[:limit])

    TARGET.parent.mkdir(parents=True, exist_ok=True)
    prefix = raw[: len(raw) - len(raw.lstrip(b"\xef\xbb\xbf"))].decode("utf-8")
    TARGET.write_text(
        prefix + header_line + "\n" + "".join(chunks[i] for i in sorted(keep)), encoding="utf-8", newline=""
    )
    sample = outcomes(TARGET)
    differ = [key for key, outcome in sample.items() if full[key] != outcome]
    if differ:
        raise SystemExit(f"rows that validate differently in the sample: {differ[:10]}")
    print(f"{TARGET.relative_to(REPO)}: {len(keep)} of {len(rows)} rows, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
