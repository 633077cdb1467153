"""`chorus backup` and `chorus restore`: the database and stored files come back exactly, on SQLite and
PostgreSQL, natively and portably; restore never overwrites a database holding data unless forced."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from chorus.apps.accounts.models import User
from chorus.apps.engagement.models import Contribution
from chorus.site.backup import BackupError, restore_backup, stored_files, write_backup

pytestmark = pytest.mark.django_db(transaction=True)
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def evidence(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's files only
    default_storage.save("uploads/survey.csv", ContentFile(b"ward,comment\nMilton,No GP\n"))
    default_storage.save("models/programme-1/coder.bin", ContentFile(bytes(range(256)) * 40))


def state() -> dict:
    return {
        "contributions": list(Contribution.objects.order_by("pk").values_list("pk", "text", "programme_id")),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "files": {name: default_storage.open(name).read() for name in stored_files()},
    }


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_restore_with_force_brings_back_the_database_and_files_as_backed_up(
    evidence, world, tmp_path, portable
):
    before = state()
    archive = tmp_path / "chorus.tar.gz"

    summary = write_backup(archive, portable=portable)
    Contribution.objects.filter(pk=world.by_connector.pk).update(text="changed after the backup")
    User.objects.create_user(username="joined-after-the-backup")
    default_storage.delete("uploads/survey.csv")
    default_storage.save("uploads/after-the-backup.csv", ContentFile(b"stray"))
    restore_backup(archive, force=True)

    assert state() == before
    assert summary.files == 2
    native = "sqlite" if connection.vendor == "sqlite" else "pg_dump"
    assert summary.database_kind == ("dumpdata" if portable else native)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds residents' words


def test_restore_refuses_a_database_holding_data_and_changes_nothing(evidence, world, tmp_path):
    archive = tmp_path / "chorus.tar.gz"
    write_backup(archive)
    User.objects.create_user(username="joined-after-the-backup")

    with pytest.raises(BackupError, match="already holds data.*Nothing was changed.*--force"):
        restore_backup(archive)

    assert User.objects.filter(username="joined-after-the-backup").exists()


def archive_with(tmp_path: Path, manifest: dict) -> Path:
    path = tmp_path / "made-up.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        data = json.dumps(manifest).encode()
        entry = tarfile.TarInfo("manifest.json")
        entry.size = len(data)
        archive.addfile(entry, io.BytesIO(data))
    return path


def test_restore_refuses_a_backup_from_a_newer_chorus(tmp_path):
    manifest = {
        "format": "chorus-backup",
        "version": 1,
        "database": {"vendor": connection.vendor, "kind": "dumpdata", "file": "database.jsonl"},
        "migrations": [["engagement", "0001_initial"], ["engagement", "9999_from_the_future"]],
    }
    with pytest.raises(BackupError, match=r"newer Chorus.*engagement\.9999_from_the_future"):
        restore_backup(archive_with(tmp_path, manifest))


def test_restore_refuses_a_file_that_is_not_a_chorus_backup(tmp_path):
    with pytest.raises(BackupError, match="not a Chorus backup"):
        restore_backup(archive_with(tmp_path, {"format": "something else"}))
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(BackupError, match="not a Chorus backup"):
        restore_backup(tmp_path / "notes.txt")


# ---- the command line, into an empty database --------------------------------------------------------------


def chorus(arguments: list[str], database_url: str, media: Path, cwd: Path) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(cwd),
        "SECRET_KEY": "backup-test-" + "k" * 40,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "CHORUS_VAR_DIR": str(cwd),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "chorus", *arguments],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def source_and_empty_database(tmp_path):
    """The test database as `chorus backup` reaches it, and a database nothing has touched."""
    if connection.vendor == "sqlite":
        source = tmp_path / "source.sqlite3"
        copy = sqlite3.connect(source)
        connection.ensure_connection()
        connection.connection.backup(copy)  # the in-memory test database, as a file another process can open
        copy.close()
        yield f"sqlite:///{source}", f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    empty = f"chorus_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{empty}"')
    yield f"{server}/{settings['NAME']}", f"{server}/{empty}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')


def contribution_texts(database_url: str) -> list[str]:
    query = "SELECT text FROM engagement_contribution ORDER BY id"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as database:
            return [row[0] for row in database.execute(query)]
    import psycopg

    with psycopg.connect(database_url) as database:
        return [row[0] for row in database.execute(query)]


def test_chorus_restore_fills_an_empty_database_and_then_refuses_to_overwrite_it(
    evidence, tmp_path, source_and_empty_database
):
    source, empty = source_and_empty_database
    texts = list(Contribution.objects.order_by("pk").values_list("text", flat=True))
    media, restored_media = Path(default_storage.location), tmp_path / "restored-media"

    backed_up = chorus(["backup", "--output", "chorus.tar.gz"], source, media, tmp_path)
    assert backed_up.returncode == 0, backed_up.stderr
    assert "and 2 stored files to" in backed_up.stdout

    restored = chorus(["restore", "chorus.tar.gz"], empty, restored_media, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert contribution_texts(empty) == texts
    assert (restored_media / "uploads" / "survey.csv").read_bytes() == b"ward,comment\nMilton,No GP\n"

    again = chorus(["restore", "chorus.tar.gz"], empty, restored_media, tmp_path)
    assert again.returncode == 1
    assert "already holds data" in again.stderr and "Traceback" not in again.stderr
