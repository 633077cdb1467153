"""`chorus backup` and `chorus restore FILE`: the database and the stored files in one archive.

    chorus backup                                   # writes chorus-backup-<UTC time>.tar.gz here
    chorus backup --output /backups/chorus.tar.gz
    chorus restore /backups/chorus.tar.gz           # into an empty database only
    chorus restore --force /backups/chorus.tar.gz   # replaces what the database and file storage hold

The archive (tar, gzip, readable by its owner only) holds manifest.json, the database, and media/<name> for
every file in Django's default storage (uploads, trained models, evidence). The database part is:

- SQLite: a copy made with SQLite's online backup API, consistent while the site keeps writing;
- PostgreSQL: `pg_dump --format=custom`, one consistent snapshot, when pg_dump is on PATH;
- otherwise, or with --portable: Django's dumpdata as JSON lines, streamed from one snapshot, with foreign
  keys to content types and users by natural key, so it loads into any database (SQLite to PostgreSQL too).

Restore puts the database back as it was at the backup, then runs `migrate`, so a backup made by an older
Chorus is brought up to this one. It refuses a backup from a newer Chorus and, without --force, a database
that already holds data. Exit codes: 0 done, 1 refused or failed (the message says why), 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ARCHIVE_FORMAT = "chorus-backup"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"sqlite": "database.sqlite3", "pg_dump": "database.pgdump", "dumpdata": "database.jsonl"}
# Rows Django writes itself on every migrate: a database holding only these is empty.
MIGRATE_FILLS = {"django_migrations", "django_content_type", "auth_permission"}
# Left out of a portable backup: migrate recreates content types and permissions (with their own ids, which
# is why foreign keys to them go by natural key), and signed-in sessions are not worth restoring.
PORTABLE_EXCLUDES = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    database_kind: str
    database_bytes: int
    files: int
    archive: Path


def _sqlite_tables_to_skip() -> tuple[str, ...]:
    from chorus.apps.coding.fulltext import SQLITE_TABLE

    return (SQLITE_TABLE,)  # the full-text index and its shadow tables, which hold rows even when empty


# ---- the database ----


def database_kind(*, portable: bool) -> str:
    """How this database is backed up: natively where we can, else (or when asked) portably."""
    from django.db import connection

    if portable:
        return "dumpdata"
    if connection.vendor == "sqlite":
        return "sqlite"
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        return "pg_dump"
    return "dumpdata"


def tables_with_rows() -> list[str]:
    """The tables holding data other than what `migrate` writes by itself."""
    from django.db import connection

    skipped = _sqlite_tables_to_skip() if connection.vendor == "sqlite" else ()
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in MIGRATE_FILLS or table.startswith(skipped):
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                found.append(table)
    return found


def _postgres_environment() -> dict[str, str]:
    """libpq's own variables for pg_dump and pg_restore, so the password never appears in a process list."""
    from django.db import connection

    database = connection.settings_dict
    values = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
    }
    options = database.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            values[variable] = str(options[option])
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run_postgres_tool(command: list[str]) -> None:
    tool = command[0]
    if not shutil.which(tool):
        raise BackupError(f"{tool} is not on PATH: install PostgreSQL's client programs (postgresql-client).")
    result = subprocess.run(command, env=_postgres_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or f'exit code {result.returncode}'}")


def _dump_sqlite(target: Path) -> None:
    from django.db import connection

    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _dump_postgres(target: Path) -> None:
    _run_postgres_tool(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])


def _dump_portable(target: Path) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":  # every table read from the same snapshot
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command(
            "dumpdata",
            format="jsonl",
            output=str(target),
            exclude=PORTABLE_EXCLUDES,
            use_natural_foreign_keys=True,
            verbosity=0,
        )


def _drop_all_tables() -> None:
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables:
        with connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")


def _load_sqlite(source: Path, manifest: dict) -> None:
    from django.db import connection

    connection.ensure_connection()
    copy = sqlite3.connect(source)
    try:
        copy.backup(connection.connection)  # replaces every page, so the schema comes back with the rows
    finally:
        copy.close()


def _load_postgres(source: Path, manifest: dict) -> None:
    # Tables a migrate left here (empty, or --force) go first, so the dump's own schema goes in whole.
    _drop_all_tables()
    _run_postgres_tool(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={_postgres_environment()['PGDATABASE']}",
            str(source),
        ]
    )


def _load_portable(source: Path, manifest: dict) -> None:
    from django.core.management import call_command

    if tables_with_rows():
        call_command("flush", interactive=False, verbosity=0)
    _migrate_to({(app, name) for app, name in manifest["migrations"]})
    call_command("loaddata", str(source), verbosity=0)


def _migrate_to(applied: set[tuple[str, str]]) -> None:
    """The schema as the backup's Chorus had it, so its rows fit (restore migrates forward afterwards)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    targets = []
    for app in sorted(executor.loader.migrated_apps):
        in_app = {node for node in applied if node[0] == app}
        if not in_app:
            targets.append((app, None))
            continue
        latest = [node for node in in_app if not (graph.node_map[node].children & in_app)]
        targets.append(max(latest))
    executor.migrate(targets, plan=executor.migration_plan(targets))


DUMPERS = {"sqlite": _dump_sqlite, "pg_dump": _dump_postgres, "dumpdata": _dump_portable}
LOADERS = {"sqlite": _load_sqlite, "pg_dump": _load_postgres, "dumpdata": _load_portable}


# ---- stored files ----


def stored_files(folder: str = "") -> Iterator[str]:
    """Every file in default storage (local or S3-compatible), by its storage name."""
    from django.core.files.storage import default_storage

    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from stored_files(f"{folder}/{name}" if folder else name)


# ---- backup ----


def default_archive_name() -> Path:
    return Path(f"chorus-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    entry = tarfile.TarInfo(name)
    entry.size = len(data)
    entry.mtime = int(datetime.now(UTC).timestamp())
    entry.mode = 0o600
    archive.addfile(entry, io.BytesIO(data))


def write_backup(destination: Path, *, portable: bool = False) -> Summary:
    """The database, then every stored file, into one archive at `destination` (written whole or not at all).

    The database is one snapshot; files are copied after it, so a file added meanwhile may come along
    (harmless: nothing refers to it) and one deleted meanwhile is left out."""
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    kind = database_kind(portable=portable)
    destination = destination.resolve()
    if not destination.parent.is_dir():
        raise BackupError(f"There is no folder {destination.parent} to write the backup into.")
    partial = destination.with_name(destination.name + ".partial")
    files = 0
    with tempfile.TemporaryDirectory(prefix="chorus-backup-") as staging:
        migrations = sorted(MigrationRecorder(connection).applied_migrations())
        database_file = Path(staging) / DATABASE_FILES[kind]
        DUMPERS[kind](database_file)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "kind": kind, "file": DATABASE_FILES[kind]},
            "migrations": [list(node) for node in migrations],
        }
        try:
            handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
                archive.add(database_file, arcname=DATABASE_FILES[kind])
                for name in stored_files():
                    try:
                        size = default_storage.size(name)
                        stored = default_storage.open(name, "rb")
                    except FileNotFoundError:
                        continue  # deleted since it was listed
                    with stored:
                        entry = tarfile.TarInfo(MEDIA_PREFIX + name)
                        entry.size = size
                        entry.mode = 0o600
                        archive.addfile(entry, stored)
                    files += 1
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)
        database_bytes = database_file.stat().st_size
    return Summary(kind, database_bytes, files, destination)


# ---- restore ----


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError("This is not a Chorus backup (it has no Chorus manifest.json).")
    if manifest.get("version") != ARCHIVE_VERSION:
        raise BackupError(
            f"This backup is in format version {manifest.get('version')}; this Chorus reads version "
            f"{ARCHIVE_VERSION}."
        )
    return manifest


def _engine(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def _check_restorable_here(manifest: dict) -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(tuple(node) for node in manifest["migrations"] if tuple(node) not in known)
    if unknown:
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"This backup was made by a newer Chorus (migrations this version does not have: {shown}). "
            "Restore it with that version or a later one."
        )
    kind = manifest["database"]["kind"]
    vendors = {"sqlite": "sqlite", "pg_dump": "postgresql"}
    if kind in vendors and vendors[kind] != connection.vendor:
        raise BackupError(
            f"This is a backup of {_engine(manifest['database']['vendor'])} and DATABASE_URL is "
            f"{_engine(connection.vendor)}. "
            "To move between databases, make a portable backup (chorus backup --portable) and restore that."
        )


def restore_backup(archive_path: Path, *, force: bool = False) -> Summary:
    """Put the database and stored files back as the backup holds them, then migrate to this version.

    Without `force` it refuses a database holding data; with it, the database is replaced and stored files
    the backup does not have are deleted, so what is left is exactly the backup."""
    from django.core.files import File
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.db import connection

    try:
        archive = tarfile.open(archive_path, "r:*")
    except FileNotFoundError:
        raise BackupError(f"There is no file {archive_path}.") from None
    except tarfile.TarError:
        raise BackupError(f"{archive_path} is not a Chorus backup (not a tar archive).") from None
    with archive:
        manifest = read_manifest(archive)
        _check_restorable_here(manifest)
        holding = tables_with_rows()
        if holding and not force:
            raise BackupError(
                f"The database already holds data ({len(holding)} tables with rows, such as "
                f"{', '.join(holding[:3])}). Nothing was changed. Restore into an empty database, or run "
                "again with --force to replace everything in it with the backup."
            )
        kind = manifest["database"]["kind"]
        database_member = archive.extractfile(manifest["database"]["file"])
        if database_member is None:
            raise BackupError("This backup has no database in it.")
        with tempfile.TemporaryDirectory(prefix="chorus-restore-") as staging:
            database_file = Path(staging) / DATABASE_FILES[kind]
            with database_member, open(database_file, "wb") as copy:
                shutil.copyfileobj(database_member, copy)
            database_bytes = database_file.stat().st_size
            LOADERS[kind](database_file, manifest)
        connection.close()  # a fresh connection sees the restored schema from the start

        members = [m for m in archive.getmembers() if m.isfile() and m.name.startswith(MEDIA_PREFIX)]
        wanted = {member.name.removeprefix(MEDIA_PREFIX) for member in members}
        if force:
            for name in list(stored_files()):
                if name not in wanted:
                    default_storage.delete(name)
        for member in members:
            name = member.name.removeprefix(MEDIA_PREFIX)
            default_storage.delete(name)  # storage would otherwise save alongside under a new name
            source = archive.extractfile(member)
            with source:
                default_storage.save(name, File(source, name=name))
    call_command("migrate", interactive=False, verbosity=0)
    return Summary(kind, database_bytes, len(members), Path(archive_path))


# ---- the command line ----


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


DESCRIPTIONS = {
    "sqlite": "SQLite online backup",
    "pg_dump": "pg_dump",
    "dumpdata": "portable JSON lines",
}


def _setup_django(program: str) -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.site.settings")
    import django

    try:
        django.setup()
    except Exception as error:  # ImproperlyConfigured and friends: say what to set, not a traceback
        print(f"{program}: {error}", file=sys.stderr)
        return False
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="chorus backup",
        description="Back up the database and stored files into one archive (chorus restore reads it).",
    )
    parser.add_argument("--output", type=Path, help="archive to write (default chorus-backup-<time>.tar.gz)")
    parser.add_argument(
        "--portable", action="store_true", help="Django's dumpdata, loadable into any database engine"
    )
    args = parser.parse_args(argv)
    if not _setup_django("chorus backup"):
        return 2
    try:
        summary = write_backup(args.output or default_archive_name(), portable=args.portable)
    except BackupError as error:
        print(f"chorus backup: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # the database or the disk: say what, without a traceback to scroll through
        print(f"chorus backup: failed, no archive written: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(
        f"Backed up the database ({DESCRIPTIONS[summary.database_kind]}, "
        f"{_megabytes(summary.database_bytes)}) "
        f"and {summary.files:,} stored files to {summary.archive} "
        f"({_megabytes(summary.archive.stat().st_size)}).\n"
        "It holds residents' words: keep it encrypted and only as long as your retention policy says."
    )
    return 0


def restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="chorus restore",
        description="Restore a `chorus backup` archive into the database and file storage, then migrate.",
    )
    parser.add_argument("archive", type=Path, help="the archive chorus backup wrote")
    parser.add_argument(
        "--force", action="store_true", help="replace a database that already holds data (and its files)"
    )
    args = parser.parse_args(argv)
    if not _setup_django("chorus restore"):
        return 2
    try:
        summary = restore_backup(args.archive, force=args.force)
    except BackupError as error:
        print(f"chorus restore: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # e.g. a migration that cannot run backwards to the backup's schema
        print(f"chorus restore: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(
        f"Restored the database ({DESCRIPTIONS[summary.database_kind]}) and {summary.files:,} stored files "
        f"from {summary.archive}, and migrated it to this version of Chorus."
    )
    return 0
