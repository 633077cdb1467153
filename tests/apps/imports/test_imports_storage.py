"""Uploads go through Django's storage API, so a worker reads what the web process stored wherever storage
is. Django's in-memory storage stands in for a bucket here: it has no local path, like S3, so any code that
still reached for a file on disk would fail. Nothing stays in the temporary folder after a worker has read
an upload, and erasure and expiry delete the stored object."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from imports_helpers import upload

from chorus.apps.core import storage
from chorus.apps.imports import actions
from chorus.apps.imports.models import BatchStatus, ImportBatch, Participant
from chorus.apps.imports.pipeline import UPLOADS, run_batch, stored_file_exists

WORDS = "My neighbour Maureen Okafor at 12 Elm Road can't get a GP appointment"


@pytest.fixture(autouse=True)
def not_on_disk(settings, monkeypatch, tmp_path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def _file(tmp_path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("Participant,What matters to you?,Consent to analysis\n" + "".join(rows))
    return path


def test_an_upload_is_stored_by_name_and_the_worker_imports_it_then_deletes_it(
    world, tmp_path, not_on_disk, settings
):
    assert not storage.is_local()
    batch = upload(world.programme, _file(tmp_path, "a.csv", [f"R1,{WORDS},yes\n", "R2,Buses,yes\n"]))
    assert batch.stored_path.startswith(f"{UPLOADS}/") and default_storage.exists(batch.stored_path)
    assert not (Path(settings.MEDIA_ROOT) / batch.stored_path).exists()  # not on this machine's disk

    done = run_batch(batch.pk)
    assert (done.status, done.imported) == (BatchStatus.DONE, 2)
    assert done.stored_path == "" and not default_storage.exists(batch.stored_path)
    assert not any(not_on_disk.iterdir())  # the worker's private copy is gone


def test_a_stopped_import_resumes_from_storage(world, tmp_path):
    batch = upload(world.programme, _file(tmp_path, "b.csv", [f"R1,{WORDS},yes\n"]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED)
    batch.refresh_from_db()
    assert actions.resume_batch(batch, by=world.analyst).status == BatchStatus.QUEUED
    default_storage.delete(batch.stored_path)
    batch.status = BatchStatus.FAILED
    with pytest.raises(actions.ActionError, match="no longer stored"):
        actions.resume_batch(batch, by=world.analyst)


def test_erasure_deletes_the_stored_uploads_still_waiting(world, tmp_path):
    imported = run_batch(upload(world.programme, _file(tmp_path, "c.csv", [f"R1,{WORDS},yes\n"])).pk)
    assert imported.imported == 1
    waiting, _ = actions.start_upload(
        world.programme,
        "d.csv",
        [_file(tmp_path, "d.csv", [f"R1,{WORDS} again,yes\n"]).read_bytes()],
        by=None,
    )
    name = waiting.stored_path
    assert default_storage.exists(name)
    actions.erase_participant(Participant.objects.get(programme=world.programme), by=world.analyst)
    waiting.refresh_from_db()
    assert waiting.stored_path == "" and not default_storage.exists(name) and not stored_file_exists(name)


def test_expiry_deletes_old_stored_files_no_import_points_at(world, tmp_path):
    default_storage.save(f"{UPLOADS}/stray.csv", ContentFile(WORDS.encode()))
    kept, _ = actions.start_upload(
        world.programme, "e.csv", [_file(tmp_path, "e.csv", [f"R1,{WORDS},yes\n"]).read_bytes()], by=None
    )
    later = timezone.now() + timedelta(days=8)
    ImportBatch.objects.filter(pk=kept.pk).update(updated_at=later)  # its import moved on since
    expiry = actions.expire_uploads(now=later)
    assert (expiry.batches, expiry.files) == (0, 1)
    assert not default_storage.exists(f"{UPLOADS}/stray.csv") and default_storage.exists(kept.stored_path)
