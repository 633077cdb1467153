"""`chorus serve` and `chorus worker` start as README's "Running in production" says: DEBUG off, PostgreSQL,
behind a TLS proxy; the server answers 40 requests at once without an error."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.slow  # run first (tests/conftest.py)

POSTGRES = "postgres://postgres@127.0.0.1:5432"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def production_environment(tmp_path_factory):
    """README's production environment: DEBUG unset, a fresh migrated PostgreSQL database, static files
    collected into a temporary STATIC_ROOT, behind a TLS proxy."""
    name = f"chorus_serve_{uuid.uuid4().hex[:8]}"
    folder = tmp_path_factory.mktemp("production")
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),  # this checkout's code, whatever the environment has installed
        "HOME": str(folder),
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": f"{POSTGRES}/{name}",
        "ALLOWED_HOSTS": "chorus.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://chorus.example.org",
        "BEHIND_PROXY": "1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "CHORUS_NODE_MODULES": os.environ.get("CHORUS_NODE_MODULES", str(ROOT / "node_modules")),
        "CHORUS_BUILT_STATIC": os.environ.get("CHORUS_BUILT_STATIC", str(ROOT / "var" / "build" / "static")),
    }
    create_migrated_database(name, environment)
    shutil.copytree(collected_static(environment), folder / "static")
    yield environment
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _digest(paths: list[Path], *, contents: bool) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        stat = path.stat()
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if contents else f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def create_migrated_database(name: str, environment: dict[str, str]) -> None:
    """`chorus manage migrate` runs once per set of migrations and installed packages, into a template
    database (schema and migrations' rows only: no one's data); each run copies it, which takes a second
    where migrating takes minutes on a busy machine. `chorus_serve_template_*` databases are only this cache:
    drop them whenever you like."""
    key = _digest([*ROOT.glob("chorus/apps/*/migrations/*.py"), ROOT / "requirements.lock"], contents=True)
    template = f"chorus_serve_template_{key}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(hashtext('chorus_serve_template'))")
        try:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
            if not found:
                building = f"{template}_build"
                connection.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{building}"')
                subprocess.run(
                    [*chorus(), "manage", "migrate", "--noinput", "-v0"],
                    env={**environment, "DATABASE_URL": f"{POSTGRES}/{building}"},
                    check=True,
                    cwd=environment["HOME"],
                    timeout=900,
                )
                connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            connection.execute("SELECT pg_advisory_unlock(hashtext('chorus_serve_template'))")


def collected_static(environment: dict[str, str]) -> Path:
    """`chorus manage collectstatic` (hashed, compressed files) run once per set of source files; each run
    copies the result into its own STATIC_ROOT."""
    node_modules = Path(environment["CHORUS_NODE_MODULES"])
    sources = [
        *ROOT.glob("chorus/**/static/**/*"),
        *Path(environment["CHORUS_BUILT_STATIC"]).rglob("*"),
        *(node_modules / "nhsuk-frontend" / "dist" / "nhsuk").rglob("*"),
        *(node_modules / "leaflet" / "dist").rglob("*"),
        *(node_modules / "cytoscape" / "dist").rglob("*"),
        ROOT / "requirements.lock",
        ROOT / "chorus" / "site" / "settings.py",  # which vendor files are served
    ]
    cache = (
        Path(tempfile.gettempdir())
        / f"chorus-test-static-{_digest([p for p in sources if p.is_file()], contents=False)}"
    )
    if not (cache / "staticfiles.json").exists():
        building = cache.with_name(f"{cache.name}.{os.getpid()}")
        subprocess.run(
            [*chorus(), "manage", "collectstatic", "--noinput", "-v0"],
            env={**environment, "STATIC_ROOT": str(building)},
            check=True,
            cwd=environment["HOME"],
            timeout=900,
        )
        try:
            building.rename(cache)
        except OSError:  # another run finished first: theirs is the same
            shutil.rmtree(building)
    return cache


def chorus() -> list[str]:
    return [sys.executable, "-m", "chorus"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer to check, not a page to follow


OPENER = urllib.request.build_opener(KeepRedirects)


def fetch(url: str, timeout: float = 60) -> tuple[int, str]:
    request = urllib.request.Request(
        url, headers={"Host": "chorus.example.org", "X-Forwarded-Proto": "https"}
    )
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until_healthy(base: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read() if server.stderr else "server stopped"
        try:
            if fetch(f"{base}/health/", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("chorus serve did not become healthy")


def start(command: str, environment: dict[str, str], folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*chorus(), command],
        env=environment,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    return process.returncode, errors


def enqueue_a_task(environment: dict[str, str], folder: Path) -> str:
    """Queue real background work as the app does (a status check for a message that no longer exists)."""
    code = "from chorus.apps.accountability.tasks import check_delivery; print(check_delivery.enqueue(0).id)"
    queued = subprocess.run(
        [*chorus(), "manage", "shell", "-c", code],
        env=environment,
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return queued.stdout.strip().splitlines()[-1]


def task_outcome(database_url: str, task_id: str, seconds: float = 60) -> tuple[str, object]:
    deadline = time.monotonic() + seconds
    with psycopg.connect(database_url, autocommit=True) as connection:
        while True:
            status, value = connection.execute(
                "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = %s",
                [task_id],
            ).fetchone()
            if status not in ("READY", "RUNNING") or time.monotonic() > deadline:
                return status, value
            time.sleep(0.3)


PAGES = {"/health/": 200, "/accounts/sign-in/": 200, "/": 200}  # "/" welcomes a visitor (public programmes)


def test_serve_and_worker_start_and_answer_40_concurrent_requests_without_an_error(
    production_environment, tmp_path
):
    port = free_port()
    environment = {**production_environment, "CHORUS_BIND": f"127.0.0.1:{port}", "CHORUS_WEB_WORKERS": "2"}
    server = start("serve", environment, tmp_path)
    worker = start("worker", production_environment, tmp_path)
    base = f"http://127.0.0.1:{port}"
    paths = [list(PAGES)[i % len(PAGES)] for i in range(40)]
    try:
        task_id = enqueue_a_task(production_environment, tmp_path)
        wait_until_healthy(base, server)
        with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
            answers = list(pool.map(lambda path: fetch(f"{base}{path}"), paths))
        status, page = fetch(f"{base}/static/nhsuk-chorus.min.css")
        missing = fetch(f"{base}/no-such-page/")
        outcome = task_outcome(production_environment["DATABASE_URL"], task_id)
    finally:
        server_exit, server_errors = stop(server)
        worker_exit, worker_errors = stop(worker)

    assert [code for code, _ in answers] == [PAGES[path] for path in paths]
    assert all(
        '"status": "ok"' in body for path, (_, body) in zip(paths, answers, strict=True) if path == "/health/"
    )
    assert all(
        "Sign in" in body
        for path, (_, body) in zip(paths, answers, strict=True)
        if path.startswith("/accounts")
    )
    assert status == 200 and ".nhsuk-header" in page
    # DEBUG is off: a missing page is the service's own 404, not Django's technical one.
    assert missing[0] == 404 and "URLconf" not in missing[1] and "DEBUG" not in missing[1]
    assert outcome == ("SUCCESSFUL", "gone")  # the worker took the task and ran it
    assert "Traceback" not in server_errors and "Traceback" not in worker_errors
    assert (server_exit, worker_exit) == (0, 0)


def test_health_says_unavailable_when_the_database_is_unreachable(production_environment, tmp_path):
    port = free_port()
    environment = {
        **production_environment,
        "CHORUS_BIND": f"127.0.0.1:{port}",
        "CHORUS_WEB_WORKERS": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
    }
    server = subprocess.Popen(
        [*chorus(), "serve"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline:
            try:
                answer = fetch(f"http://127.0.0.1:{port}/health/", timeout=5)
            except OSError:
                time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    assert answer is not None
    assert answer[0] == 503
    assert '"database": "unreachable"' in answer[1]


def test_serve_without_collected_static_files_says_what_to_run(production_environment, tmp_path):
    environment = {**production_environment, "STATIC_ROOT": str(tmp_path / "empty")}

    result = subprocess.run(
        [*chorus(), "serve"], env=environment, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 2
    assert "chorus manage collectstatic" in result.stderr


def test_worker_does_the_waiting_work_and_stops_with_batch(production_environment, tmp_path):
    result = subprocess.run(
        [*chorus(), "worker", "--batch"],
        env=production_environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
