"""Helpers shared by the imports tests: run an import of a file the way the upload page does."""

from __future__ import annotations

from pathlib import Path

from chorus.apps.imports.actions import confirm_mapping, start_upload, suggested_mapping
from chorus.apps.imports.models import ImportBatch
from chorus.apps.imports.pipeline import run_batch


def upload(programme, path: Path, by=None, data: bytes | None = None, name: str | None = None) -> ImportBatch:
    batch, table = start_upload(
        programme, name or path.name, [data if data is not None else path.read_bytes()], by=by
    )
    mapping, _ = suggested_mapping(programme, table.headers)
    confirm_mapping(batch, mapping, by=by)
    return batch


def import_file(programme, path: Path, by=None, **kwargs) -> ImportBatch:
    batch = upload(programme, path, by=by, **kwargs)
    return run_batch(batch.pk)
