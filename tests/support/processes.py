"""Running Chorus in other processes against the test database (which they must be able to reach)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[2]

# The marks of a test whose `chorus worker` processes share its database: only PostgreSQL lets them.
workers_share_postgresql = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="workers in other processes share PostgreSQL"
    ),
]


def database_url_for_other_processes(folder: Path) -> str:
    """DATABASE_URL for a process other than this one: PostgreSQL's test database itself (so the test needs
    `transaction=True` for them to see its rows), or on SQLite a copy of the in-memory test database."""
    if connection.vendor == "sqlite":
        path = folder / "database.sqlite3"
        copy = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def chorus_environment(folder: Path, **values: str) -> dict[str, str]:
    """A production-like environment: nothing of this test process's own but the PATH and this checkout."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "SECRET_KEY": "other-process-" + "k" * 40,
        "CHORUS_VAR_DIR": str(folder),
        "PYTHONPATH": str(REPO),
        **values,
    }


def run_python(script: str, environment: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """`script` in a fresh Python with Django set up from `environment`."""
    prelude = (
        "import django, os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'chorus.site.settings'\ndjango.setup()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + script],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def start_worker(environment: dict[str, str], folder: Path, name: str, queues: str) -> subprocess.Popen:
    """A `chorus worker` taking `queues`, its output in folder/name.log."""
    log = (folder / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "chorus", "worker", "--queues", queues],
        env=environment,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def worker_environment(folder: Path, media: Path, **values: str) -> dict[str, str]:
    """For workers sharing this test's database and stored files, beating often and soon taken as lost."""
    return chorus_environment(
        folder,
        DATABASE_URL=database_url_for_other_processes(folder),
        MEDIA_ROOT=str(media),
        CHORUS_HEARTBEAT_SECONDS="0.5",
        CHORUS_STALE_AFTER_SECONDS="4",
        **values,
    )


def wait_for(condition, seconds: float, what: str):
    """What `condition()` returns once it is truthy; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds}s for {what}")


def worker_pid(heartbeat) -> int:
    """The process id of the worker a chorus.apps.core.models.Heartbeat names ("host:pid")."""
    return int(heartbeat.worker.rsplit(":", 1)[1])


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def use_database_tasks(settings, queue: str) -> None:
    """Background work goes through the database (django_tasks_db), on `queue`, for `chorus worker`
    processes to take."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [queue]}}
