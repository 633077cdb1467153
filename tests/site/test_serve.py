"""`chorus serve` and `chorus worker` start as README's "Running in production" says: DEBUG off, PostgreSQL,
behind a TLS proxy; the server answers 40 requests at once without an error."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

POSTGRES = "postgres://postgres@127.0.0.1:5432"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def production_environment(tmp_path_factory):
    """A fresh PostgreSQL database, migrated, and static files collected, as an operator prepares them."""
    name = f"chorus_serve_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    folder = tmp_path_factory.mktemp("production")
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": f"{POSTGRES}/{name}",
        "ALLOWED_HOSTS": "chorus.example.org",
        "BEHIND_PROXY": "1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "CHORUS_NODE_MODULES": os.environ.get("CHORUS_NODE_MODULES", str(ROOT / "node_modules")),
        "CHORUS_BUILT_STATIC": os.environ.get("CHORUS_BUILT_STATIC", str(ROOT / "var" / "build" / "static")),
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*chorus(), "manage", *command], env=environment, check=True, cwd=folder, timeout=600)
    yield environment
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def chorus() -> list[str]:
    return [sys.executable, "-m", "chorus"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 60) -> tuple[int, str]:
    request = urllib.request.Request(
        url, headers={"Host": "chorus.example.org", "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
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


def test_serve_answers_40_concurrent_requests_without_an_error(production_environment, tmp_path):
    port = free_port()
    environment = {**production_environment, "CHORUS_BIND": f"127.0.0.1:{port}", "CHORUS_WEB_WORKERS": "2"}
    server = subprocess.Popen(
        [*chorus(), "serve"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server)
        with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
            answers = list(pool.map(lambda _: fetch(f"{base}/accounts/sign-in/"), range(40)))
        status, page = fetch(f"{base}/static/nhsuk-chorus.min.css")
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=60)

    assert [code for code, _ in answers] == [200] * 40
    assert all("Sign in" in body for _, body in answers)
    assert status == 200 and ".nhsuk-header" in page
    assert "Traceback" not in errors


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
