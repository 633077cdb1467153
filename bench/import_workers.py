"""One big import shared by 1 worker, then by 2: wall time on PostgreSQL (issue 18 item 4, "big imports are
split into chunk tasks that several workers share").

Makes a throwaway PostgreSQL database and a CSV of generated residents' comments (1 row in 50 with an age
that is not a number, so quarantined), then for each number of workers: uploads the file as the upload page
does (each run's comments differ, so every run stores every row), starts that many `chorus worker --queues
imports` processes, and times until the import is done. The import is planned as chunks of --chunk rows
that the workers share.

    .venv/bin/python -m bench.import_workers [--rows 10000] [--chunk 1000] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.coding_workers import generated_texts, scratch_postgres, worker_environment

BAD_AGE_EVERY = 50


def write_csv(path: Path, rows: int, run: int) -> None:
    lines = ["What matters to you?,Age,Consent to analysis"]
    for number, text in enumerate(generated_texts(rows, seed=run), start=1):
        age = "2O" if number % BAD_AGE_EVERY == 0 else str(18 + number % 70)
        lines.append(f'"Visit {run}-{number}: {text}",{age},yes')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def prepare():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from chorus.apps.programmes.models import Programme

    call_command("migrate", "--noinput", verbosity=0)
    analyst = get_user_model().objects.create_user(username="bench", password=uuid.uuid4().hex)
    programme = Programme.objects.create(slug="bench", name="Bench programme")
    return programme, analyst


def timed_import(programme, analyst, rows: int, workers: int, environment: dict[str, str], folder: Path):
    from chorus.apps.imports.actions import confirm_mapping, start_upload, suggested_mapping
    from chorus.apps.imports.models import BatchStatus, ImportBatch

    path = folder / f"import-{workers}.csv"
    write_csv(path, rows, run=workers)
    batch, table = start_upload(programme, path.name, [path.read_bytes()], by=analyst)
    mapping, _ = suggested_mapping(programme, table.headers)
    confirm_mapping(batch, mapping, by=analyst)  # queues the import's task
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "chorus", "worker", "--queues", "imports"],
            env=environment,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=(folder / f"worker-{workers}-{number}.log").open("w"),
        )
        for number in range(workers)
    ]
    try:
        while True:
            current = ImportBatch.objects.get(pk=batch.pk)
            if current.status in (BatchStatus.DONE, BatchStatus.FAILED):
                break
            if any(process.poll() is not None for process in processes):
                raise SystemExit(f"a worker stopped: see {folder}")
            time.sleep(0.2)
        wall = time.monotonic() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    if current.status != BatchStatus.DONE:
        raise SystemExit(f"import failed: {current.error}")
    return {
        "workers": workers,
        "wall": wall,
        "chunks": current.chunks.count(),
        "summary": current.summary,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=1_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()

    with scratch_postgres("chorus_bench_imports") as (database_url, folder):
        os.environ["CHORUS_IMPORT_CHUNK"] = str(args.chunk)
        programme, analyst = prepare()
        environment = worker_environment(database_url, folder, CHORUS_IMPORT_CHUNK=str(args.chunk))
        results = []
        for workers in args.workers:
            result = timed_import(programme, analyst, args.rows, workers, environment, folder)
            print(
                f"{workers} worker(s): {result['wall']:.1f} s, {result['chunks']} chunks, "
                f"{result['summary']}, load {result['load']:.1f}",
                flush=True,
            )
            results.append(result)
    if not args.no_readme:
        write_readme(args, results)


def write_readme(args, results: list[dict]) -> None:
    from bench._readme import write_section

    one = next((r for r in results if r["workers"] == 1), results[0])
    rows = "\n".join(
        f"| {r['workers']} | {r['wall']:.0f} | {args.rows / r['wall']:.0f} | "
        f"{one['wall'] / r['wall']:.2f}x | {r['chunks']} | {r['summary']} | {r['load']:.1f} |"
        for r in results
    )
    write_section(
        "import_workers",
        f"""## One big import, 1 worker or 2 (`bench/import_workers.py`)

A CSV of {args.rows:,} generated comments (1 row in {BAD_AGE_EVERY} quarantined: an age of `2O`) imported on
PostgreSQL through `chorus worker --queues imports`, in chunks of {args.chunk:,} rows that the workers share
(`CHORUS_IMPORT_CHUNK`). Wall time from queueing the import to done, including the workers' start (a few
seconds each: Django and the spaCy model). Each run imports different comments, so each stores every row.

| workers | wall s | rows/s | speed-up | chunks | result | load average at the end |
|---:|---:|---:|---:|---:|---|---:|
{rows}

A 2-core machine shared with others: with the cores busy, a second worker gains little; redaction (spaCy
through Presidio) is most of each chunk's time, and runs in each worker on its own.
""",
    )


if __name__ == "__main__":
    main()
