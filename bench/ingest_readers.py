"""How fast, and in how much memory, a file of residents' voices is read, mapped and validated.

Generates CSVs of short comments (100k and 1M rows) and an XLSX (20k rows) in a temporary folder, then
measures each pipeline in its own subprocess so that peak memory (ru_maxrss) belongs to that run alone:

- baseline: csv.DictReader over the same file (parsing only, no sniffing, no validation)
- read: open_table + rows() (encoding and delimiter sniffing, row numbers, ragged-row checks)
- read+map+validate: open_table + guess_mapping + validate_rows (the whole Django-free import path,
  including the pass over the date column that learns the file's day/month order)

Run from the repo root: `.venv/bin/python -m bench.ingest_readers` (add --quick for 100k only).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HEADERS = [
    "Comment ID",
    "Date",
    "What matters to you?",
    "Ward",
    "Postcode",
    "Age",
    "Sex",
    "Ethnicity",
    "Consent",
]
OPENINGS = [
    "The bus to the hospital",
    "My GP surgery",
    "The pharmacy on the high street",
    "Waiting for physio",
    "The community café",
    "Getting a dentist",
    "Mental health support for my son",
    "The walk-in centre",
]
ENDINGS = [
    "stopped running after 6pm.",
    "only answers the phone at 8am.",
    "has closed, so I take two buses.",
    "took nine months.",
    "is the only place I talk to anyone.",
    "is impossible on the NHS round here.",
    "came too late.",
    "was kind and quick.",
]
WARDS = ["Kursaal", "Milton", "Victoria", "Shoeburyness", "Leigh", "Chalkwell", "Westborough", "Thorpe"]
POSTCODES = ["SS1 2AB", "ss11aa", "SS2 5HG", "SS3", "SS0 8EJ", "SS9 1AA", ""]
SEXES = ["F", "Female", "M", "male", "Woman", "Prefer not to say", ""]
ETHNICITIES = [
    "White British",
    "Indian",
    "Any other White background",
    "Black African",
    "Pakistani",
    "Arab",
    "",
]


def write_csv(path: Path, rows: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADERS)
        for index in range(rows):
            writer.writerow(
                [
                    f"C-{index:07d}",
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
                    f"{rng.choice(OPENINGS)} {rng.choice(ENDINGS)}",
                    rng.choice(WARDS),
                    rng.choice(POSTCODES),
                    str(rng.randint(16, 95)) if index % 50 else "2O",  # 2% typos to quarantine
                    rng.choice(SEXES),
                    rng.choice(ETHNICITIES),
                    "Yes" if index % 100 else "No",
                ]
            )


def write_xlsx(path: Path, rows: int, seed: int = 3) -> None:
    """Written with XlsxWriter, which lays files out as Excel does (shared strings, a dimension record)."""
    import xlsxwriter

    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Responses")
    sheet.write_row(0, 0, HEADERS)
    for index in range(rows):
        sheet.write_row(
            index + 1,
            0,
            [
                f"C-{index:07d}",
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"{rng.choice(OPENINGS)} {rng.choice(ENDINGS)}",
                rng.choice(WARDS),
                rng.choice(POSTCODES),
                rng.randint(16, 95),
                rng.choice(SEXES),
                rng.choice(ETHNICITIES),
                "Yes",
            ],
        )
    workbook.close()


# ---------------------------------------------------------------------------------------------- worker


def run_pipeline(path: Path, mode: str) -> dict[str, int]:
    from chorus.ingest import CleanRecord, guess_mapping, open_table, validate_rows

    counts = {"rows": 0, "clean": 0, "quarantined": 0}
    if mode == "baseline":
        with path.open(newline="", encoding="utf-8") as stream:
            for _ in csv.DictReader(stream):
                counts["rows"] += 1
        return counts
    table = open_table(path)
    if mode == "read":
        for _ in table.rows():
            counts["rows"] += 1
        return counts
    for outcome in validate_rows(table, guess_mapping(table.headers)):
        counts["rows"] += 1
        counts["clean" if isinstance(outcome, CleanRecord) else "quarantined"] += 1
    return counts


def worker(path: Path, mode: str, trace: bool) -> None:
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    counts = run_pipeline(path, mode)
    seconds = time.perf_counter() - started
    result = dict(
        counts, seconds=seconds, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    if trace:
        result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    print(json.dumps(result))


def measure(path: Path, mode: str, trace: bool = False) -> dict:
    command = [sys.executable, "-m", "bench.ingest_readers", "--worker", str(path), mode]
    if trace:
        command.append("--trace")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------- report


def _count(number: int) -> str:
    return f"{number:,}" if number else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k rows only, no 1M run")
    parser.add_argument("--worker", nargs=2, metavar=("PATH", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(Path(args.worker[0]), args.worker[1], args.trace)
        return 0

    sizes = [100_000] if args.quick else [100_000, 1_000_000]
    lines = [
        "Reading, mapping and validating a CSV of short comments (9 columns; 2% bad ages, 1% no consent).",
        "baseline = csv.DictReader over the same file (parsing only); read = open_table(...).rows()",
        "(sniffing, row numbers, ragged-row checks); read+map+validate adds guess_mapping and validate_rows,",
        "including a first pass over the date column to learn the file's day/month order. XLSX is read with",
        "openpyxl (read-only), written by XlsxWriter as Excel lays files out. Each run is its own process;",
        "peak RSS includes the interpreter and imports. Shared 2-core machine (load 4-5 from other work):",
        "timings are noisy.",
        "",
        "| file | pipeline | rows | seconds | rows/s | peak RSS MB | clean | quarantined |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"comments_{size}.csv"
            write_csv(path, size)
            megabytes = path.stat().st_size / 1024 / 1024
            for mode in ("baseline", "read", "read+map+validate"):
                result = measure(path, "full" if mode == "read+map+validate" else mode)
                rate = result["rows"] / result["seconds"]
                lines.append(
                    f"| CSV {size:,} rows ({megabytes:.0f} MB) | {mode} | {result['rows']:,} | "
                    f"{result['seconds']:.2f} | {rate:,.0f} | {result['peak_rss_mb']:.0f} | "
                    f"{_count(result['clean'])} | {_count(result['quarantined'])} |"
                )
                print(lines[-1], flush=True)
        xlsx = Path(folder) / "comments_20000.xlsx"
        write_xlsx(xlsx, 20_000)
        for mode in ("read", "read+map+validate"):
            result = measure(xlsx, "full" if mode == "read+map+validate" else mode)
            lines.append(
                f"| XLSX 20,000 rows | {mode} | {result['rows']:,} | {result['seconds']:.2f} | "
                f"{result['rows'] / result['seconds']:,.0f} | {result['peak_rss_mb']:.0f} | "
                f"{_count(result['clean'])} | {_count(result['quarantined'])} |"
            )
            print(lines[-1], flush=True)
        traced = measure(Path(folder) / "comments_100000.csv", "full", trace=True)
        lines += [
            "",
            "Python heap peak (tracemalloc) for read+map+validate of 100,000 rows: "
            f"{traced['traced_peak_mb']:.1f} MB — rows stream through, nothing accumulates per row.",
        ]
        print(lines[-1])

    from bench._readme import write_section

    write_section("ingest_readers", "\n".join(["## Ingest: readers and validation", "", *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
