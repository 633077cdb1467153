"""One coding run shared by 1 worker, then by 2: wall time on PostgreSQL (issue 18, "work that survives and
spreads": two workers code 100,000 contributions in clearly less time than one).

Makes a throwaway PostgreSQL database, stores generated contributions (short residents' comments, no names)
and the community health starter codebook, then for each number of workers: clears what a run leaves
(vectors, codings, sentiment, review order) so every run does the same work, queues a coding run with the
default (fast) model, starts that many `chorus worker --queues coding` processes, and times until the run is
done. The run reads its contributions in chunks (embed, detect the language) that the workers share, fits
the coders once, then codes chunks that the workers share.

    .venv/bin/python -m bench.coding_workers [--contributions 100000] [--chunk 2000] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

OPENINGS = [
    "The bus to the hospital", "My GP surgery", "The pharmacy on the high street", "The food bank at the hub",
    "The walking group", "Our landlord", "The mental health team", "The dentist", "The youth club",
    "The library health checks", "The community fridge", "The district nurse", "The council repairs line",
    "The school nurse", "The carers' group", "The leisure centre",
]  # fmt: skip
ENDINGS = [
    "stops too early for me to get to appointments", "never answers the phone before nine",
    "made a real difference to my week", "has a waiting list of over a year", "closed without telling anyone",
    "is the only place I talk to anyone", "explained everything clearly", "costs more than I can afford",
    "is too far to walk with my knees", "helped me when my mum was ill", "left damp in the flat",
    "made me feel listened to", "keeps cancelling at the last minute", "is full of kids vaping outside",
]  # fmt: skip
EXTRAS = [
    "", "", " I feel so alone since my husband died.", " The heating bills have doubled.",
    " We waited three weeks for a doctor.", " The staff were kind.", " Nobody told us what happens next.",
]  # fmt: skip


def generated_texts(count: int, seed: int = 20261204) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(OPENINGS)} {rng.choice(ENDINGS)}.{rng.choice(EXTRAS)}" for _ in range(count)]


def setup_django(database_url: str, folder: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chorus.site.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-" + "k" * 50,
            "CHORUS_VAR_DIR": str(folder),
            "MEDIA_ROOT": str(folder / "media"),
        }
    )
    os.environ.pop("DEBUG", None)
    import django

    django.setup()


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[tuple[str, Path]]:
    """A throwaway PostgreSQL database and folder with Django set up on them; both gone afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as tmp:
            folder = Path(tmp)
            database_url = f"{POSTGRES}/{name}"
            setup_django(database_url, folder)
            yield database_url, folder
            from django.db import connections

            connections.close_all()
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def worker_environment(database_url: str, folder: Path, **values: str) -> dict[str, str]:
    """What a `chorus worker` started by a benchmark runs with: this checkout, the scratch database."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "PYTHONPATH": str(REPO),
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "DATABASE_URL": database_url,
        "CHORUS_VAR_DIR": str(folder),
        "MEDIA_ROOT": str(folder / "media"),
        **values,
    }


def store_programme(count: int):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from chorus.apps.coding.actions.codebooks import create_starter_codebook
    from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
    from chorus.apps.programmes.models import Programme

    call_command("migrate", "--noinput", verbosity=0)
    analyst = get_user_model().objects.create_user(username="bench", password=uuid.uuid4().hex)
    programme = Programme.objects.create(slug="bench", name="Bench programme")
    activity = Activity.objects.create(
        programme=programme, kind=ActivityKind.LISTENING_EVENT, title="Generated", date=date(2026, 9, 1)
    )
    now = timezone.now()
    Contribution.objects.bulk_create(
        (
            Contribution(
                programme=programme,
                activity=activity,
                text=text,
                consent_analysis=True,
                consent_quote=False,
                consent_open_data=False,
                consent_recontact=False,
                consent_taken_at=now,
                consent_taken_by=analyst,
            )
            for text in generated_texts(count)
        ),
        batch_size=5000,
    )
    create_starter_codebook(programme, "community_health", by=analyst)
    return programme, analyst


def clear_run_results(programme) -> None:
    from chorus.apps.coding.models import Coding, ContributionVector, ReviewState, Sentiment

    for model in (Coding, ContributionVector, ReviewState, Sentiment):
        model.objects.filter(contribution__programme=programme).delete()


def timed_run(programme, analyst, workers: int, environment: dict[str, str], folder: Path) -> dict:
    from chorus.apps.coding.actions.runs import start_coding
    from chorus.apps.coding.models import ModelRun, RunStatus

    clear_run_results(programme)
    run = start_coding(programme, by=analyst)
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "chorus", "worker", "--queues", "coding"],
            env=environment,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=(folder / f"worker-{workers}-{number}.log").open("w"),
        )
        for number in range(workers)
    ]
    phases: dict[str, float] = {}
    try:
        while True:
            current = ModelRun.objects.get(pk=run.pk)
            phases.setdefault(current.phase, time.monotonic() - started)
            if current.status in (RunStatus.DONE, RunStatus.FAILED):
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
    if current.status != RunStatus.DONE:
        raise SystemExit(f"run failed: {current.error}")
    return {
        "workers": workers,
        "wall": wall,
        "coding_from": phases.get("Coding contributions", wall),
        "fit_from": phases.get("Learning from the codebook and coded examples", wall),
        "codings": current.codings.count(),
        "kind": current.get_kind_display(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()

    with scratch_postgres("chorus_bench_workers") as (database_url, folder):
        programme, analyst = store_programme(args.contributions)
        environment = worker_environment(database_url, folder, CHORUS_CODING_CHUNK=str(args.chunk))
        results = []
        for workers in args.workers:
            result = timed_run(programme, analyst, workers, environment, folder)
            print(
                f"{workers} worker(s): {result['wall']:.1f} s "
                f"(fitting from {result['fit_from']:.1f} s, coding from {result['coding_from']:.1f} s), "
                f"{result['codings']} codings",
                flush=True,
            )
            results.append(result)
    if not args.no_readme:
        write_readme(args, results)


def write_readme(args, results: list[dict]) -> None:
    from bench._readme import write_section

    one = next((r for r in results if r["workers"] == 1), results[0])
    rows = "\n".join(
        f"| {r['workers']} | {r['wall']:.0f} | {r['fit_from']:.0f} | {r['coding_from']:.0f} | "
        f"{r['wall'] - r['coding_from']:.0f} | {one['wall'] / r['wall']:.2f}x | {r['codings']:,} |"
        for r in results
    )
    load = os.getloadavg()
    write_section(
        "coding_workers",
        f"""## One coding run, 1 worker or 2 (`bench/coding_workers.py`)

{args.contributions:,} generated contributions on PostgreSQL, the community health starter codebook, the
default (fast) model ({results[0]["kind"]}), chunks of {args.chunk:,}. Wall time from queueing the run to
done, including the workers' start (a few seconds each). Reading (embed, detect language) and coding are
chunks the workers share; fitting the coders is one step in between, on one worker.

| workers | wall s | fitting starts at s | coding starts at s | coding s | speed-up | codings |
|---:|---:|---:|---:|---:|---:|---:|
{rows}

Load average when it ended: {load[0]:.1f} (a 2-core machine shared with others: figures vary with their load).
Both runs write the same codings. Fitting the coders (from "fitting starts" to "coding starts") is one step
on one worker, so it bounds what more workers gain; reading and coding shrink with each worker while cores
are free.
""",
    )


if __name__ == "__main__":
    main()
