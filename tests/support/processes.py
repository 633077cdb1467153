"""Running Chorus in other processes against the test database (which they must be able to reach)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parents[2]


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
