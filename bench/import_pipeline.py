"""Import pipeline end to end (parse, validate, redact, store) on SQLite: rows/s and peak memory.

Writes a CSV of short residents' comments (ward, age, sex, consents; 1 row in 50 quarantined), imports it
with `chorus import` in a fresh subprocess against a throwaway SQLite database (Southend's places loaded,
so wards resolve), and reads the child's peak RSS. Target from issue 3: 1,000,000 comments in under
90 minutes with peak memory under 2 GB.

    .venv/bin/python -m bench.import_pipeline --rows 100000 [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

OPENINGS = [
    "The bus to the hospital", "My GP surgery", "The pharmacy on the high street", "The food bank at the hub",
    "The walking group", "Our landlord", "The mental health team", "The dentist", "The youth club",
    "The library health checks", "The community fridge", "The district nurse",
]  # fmt: skip
ENDINGS = [
    "stops too early for me to get to appointments", "never answers the phone before nine",
    "made a real difference to my week", "has a waiting list of over a year", "closed without telling anyone",
    "is the only place I talk to anyone", "explained everything clearly", "costs more than I can afford",
    "is too far to walk with my knees", "helped me when my mum was ill",
]  # fmt: skip
WARDS = ["Kursaal", "Milton", "Victoria", "Westborough", "Shoeburyness", "Southchurch", "Thorpe", "Belfairs"]


def write_csv(path: Path, rows: int, seed: int = 20261122) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            ["Comment ID", "Date", "What matters to you?", "Ward", "Age", "Sex", "Consent to analysis"]
        )
        for number in range(rows):
            age = str(rng.randrange(16, 95)) if number % 50 else "2O"  # 1 in 50 has a typo: quarantined
            writer.writerow(
                [
                    f"B-{number:07d}",
                    f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/2025",
                    f"{rng.choice(OPENINGS)} {rng.choice(ENDINGS)} ({number})",
                    rng.choice(WARDS),
                    age,
                    rng.choice(["Female", "Male", "Prefer not to say"]),
                    "yes",
                ]
            )


SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from chorus.apps.places.actions import load_places
from chorus.apps.places.models import Area
from chorus.apps.programmes.models import Programme
load_places(["E06000033"])
southend = Area.objects.get(code="E06000033")
Programme.objects.get_or_create(slug="bench", defaults={"name": "Bench", "local_authority": southend})
"""


def run(rows: int, workdir: Path) -> dict:
    csv_path = workdir / f"comments_{rows}.csv"
    write_csv(csv_path, rows)
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "chorus.site.settings",
        "DEBUG": "1",
        "MEDIA_ROOT": str(workdir / "media"),
    }
    subprocess.run([PYTHON, "-c", SETUP], check=True, env=env, cwd=REPO)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "chorus.cli", "import", str(csv_path), "--programme", "bench", "--source", "bench"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        raise SystemExit(f"import failed ({result.returncode}): {result.stderr[-2000:]}")
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "peak_mb": max(peak_kib, before) / 1024,
        "summary": result.stdout.strip(),
        "megabytes": csv_path.stat().st_size / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append", help="rows to import (repeatable)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/README.md alone")
    args = parser.parse_args(argv)
    sizes = args.rows or [100_000]
    results = []
    for rows in sizes:
        with tempfile.TemporaryDirectory(prefix="chorus-import-bench-") as folder:
            result = run(rows, Path(folder))
        print(result, flush=True)
        results.append(result)

    load = os.getloadavg()[0]
    lines = [
        "End to end through `chorus import` (read CSV, map, validate, resolve wards, redact with the",
        "shared Presidio/spaCy engine in batches, store in chunks of 500 with the resume point), on SQLite,",
        "one process. Rows are short comments (about 60 characters); 1 row in 50 is quarantined (age `2O`).",
        "Peak memory is the peak RSS of the importing process (interpreter, Django, spaCy model included).",
        "Target (issue 3): 1,000,000 rows in under 90 minutes, peak memory under 2 GB.",
        "",
        "| rows | file MB | minutes | rows/s | peak RSS MB | result | 1,000,000 rows at this rate |",
        "|---:|---:|---:|---:|---:|---|---:|",
    ]
    for result in results:
        projected = 1_000_000 / result["rows_per_s"] / 60
        lines.append(
            f"| {result['rows']:,} | {result['megabytes']:.1f} | {result['seconds'] / 60:.1f} | "
            f"{result['rows_per_s']:.0f} | {result['peak_mb']:.0f} | {result['summary']} | "
            f"{projected:.0f} min |"
        )
    lines += [
        "",
        f"Shared 2-core machine; 1-minute load average {load:.1f} when the run ended (other jobs running),",
        "so rows/s varies from run to run. Where the time goes (cProfile of 3,000 rows): storing through",
        "`engagement.actions.add_contribution` (a lookup and an insert per row, by the ORM) 57% of the",
        "writing time, redaction 24%. A bulk insert path in engagement (one query per chunk) is the next",
        "speed-up; more `db_worker` processes import more files at once, but one file runs in one worker.",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if not args.no_write:
        sys.path.insert(0, str(REPO))
        from bench._readme import write_section

        write_section("import_pipeline", markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
