"""`chorus import FILE --programme SLUG [--source NAME] [--mapping MAPPING.json]`.

Runs the same import as the web app, in the foreground, with a progress line on stderr. Ends by printing
one line on stdout: `imported N, duplicates N, quarantined N`. Running it again on the same file resumes a
stopped import, or finds every row a duplicate. Exit 0 when done, 1 when the import stopped part-way, 2 for
anything that stops it starting (unknown programme, unreadable file, a mapping that cannot work, a file past
the bounds on what a file may hold, found before any row is stored).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chorus import", description="Import a file of contributions.")
    parser.add_argument("file", type=Path, help="CSV, XLSX or JSON (KoboToolbox, ODK Central)")
    parser.add_argument("--programme", required=True, help="programme slug, e.g. southend-connectors")
    parser.add_argument("--source", default="Command line", help="source name (default: Command line)")
    parser.add_argument("--mapping", type=Path, help="a column mapping as JSON (chorus check --mapping-out)")
    parser.add_argument("--sheet", help="worksheet name (XLSX; default the first)")
    return parser


def _fail(message: str) -> int:
    print(f"chorus import: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.site.settings")
    import django

    django.setup()
    return run(
        args.file, programme=args.programme, source=args.source, mapping=args.mapping, sheet=args.sheet
    )


def run(
    path: Path,
    *,
    programme: str,
    source: str = "Command line",
    mapping: Path | None = None,
    sheet: str | None = None,
) -> int:
    from chorus.apps.imports.actions import file_sha256, save_mapping, source_named, suggested_mapping
    from chorus.apps.imports.models import BatchStatus, ImportBatch, SourceKind
    from chorus.apps.imports.pipeline import run_batch
    from chorus.apps.programmes.models import Programme
    from chorus.ingest import Mapping, ReadError, open_table

    found = Programme.objects.filter(slug=programme).first()
    if found is None:
        known = ", ".join(Programme.objects.values_list("slug", flat=True)[:20]) or "none yet"
        return _fail(f"there is no programme {programme!r} (known: {known})")
    path = path.resolve()
    try:
        table = open_table(path, path.name, sheet=sheet)
    except ReadError as error:
        return _fail(f"{path.name}: {error}")
    if mapping is not None:
        try:
            chosen = Mapping.from_dict(json.loads(mapping.read_text(encoding="utf-8"))).for_headers(
                table.headers
            )
        except (OSError, ValueError, TypeError, AttributeError, RecursionError) as error:
            return _fail(f"cannot read the mapping {mapping}: {error}")
    else:
        chosen, _ = suggested_mapping(found, table.headers)
    if problems := chosen.problems():
        return _fail(" ".join(problems) + " Give a mapping with --mapping.")
    import_source = source_named(found, source, SourceKind.CLI, by=None)  # the command line has no user
    save_mapping(found, chosen.shape, chosen)
    sha256 = file_sha256(path)
    batch = (
        ImportBatch.objects.filter(source=import_source, file_sha256=sha256)
        .exclude(status=BatchStatus.DONE)
        .order_by("-created_at")
        .first()
    )
    if batch is None:
        batch = ImportBatch.objects.create(
            source=import_source,
            filename=path.name,
            file_sha256=sha256,
            stored_path=str(path),
            delete_file_when_done=False,
            sheet=table.sheet or "",
            mapping=chosen.to_dict(),
            status=BatchStatus.QUEUED,
        )
    else:
        print(
            f"resuming import {batch.pk}: each part goes on after the last row it stored "
            f"({batch.imported} stored so far)",
            file=sys.stderr,
        )
        batch.mapping, batch.stored_path = chosen.to_dict(), str(path)
        batch.save(update_fields=["mapping", "stored_path"])

    started = time.monotonic()
    interactive = sys.stderr.isatty()
    last_shown = [0.0]

    def progress(current) -> None:
        now = time.monotonic()
        if current.status == BatchStatus.RUNNING and now - last_shown[0] < (1 if interactive else 10):
            return
        last_shown[0] = now
        elapsed = max(now - started, 1e-6)
        total = f"/{current.rows_total}" if current.rows_total else ""
        line = (
            f"rows {current.rows_seen}{total}  {current.rows_seen / elapsed:,.0f} rows/s  {current.summary}"
        )
        print(
            ("\r" if interactive else "") + line, end="" if interactive else "\n", file=sys.stderr, flush=True
        )

    batch = run_batch(batch.pk, progress=progress)
    if interactive:
        print(file=sys.stderr)
    if batch.status == BatchStatus.FAILED:
        print(f"chorus import: stopped: {batch.error}", file=sys.stderr)
    print(batch.summary)
    if batch.status == BatchStatus.FAILED and batch.last_row_committed == 0:
        return 2  # found while reading the whole file first: nothing was stored, the import never started
    return 0 if batch.status == BatchStatus.DONE else 1
