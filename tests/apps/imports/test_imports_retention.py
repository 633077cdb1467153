"""Raw uploads do not stay on disk: drafts and stopped imports expire with their files, erasure reaches the
files still waiting, and a finished import leaves no file behind."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from imports_helpers import import_file

from chorus.apps.audit.models import AuditEvent
from chorus.apps.imports import actions
from chorus.apps.imports.models import BatchStatus, ImportBatch, Participant, QuarantinedRow
from chorus.apps.imports.pipeline import UPLOADS, run_batch, stored_file_exists

WORDS = "My neighbour Maureen Okafor at 12 Elm Road can't get a GP appointment"


def _file(tmp_path, name: str, rows: list[str]):
    path = tmp_path / name
    path.write_text("Participant,What matters to you?,Consent to analysis\n" + "".join(rows))
    return path


def _upload(programme, path):
    batch, _ = actions.start_upload(programme, path.name, [path.read_bytes()], by=None)
    return batch


def _age(batch: ImportBatch, days: float) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - timedelta(days=days))


def test_a_draft_left_longer_than_the_retention_is_deleted_with_its_file(world, tmp_path, settings):
    assert settings.CHORUS_UPLOAD_RETENTION_DAYS == 7
    old = _upload(world.programme, _file(tmp_path, "old.csv", [f"R1,{WORDS},yes\n"]))
    recent = _upload(world.programme, _file(tmp_path, "recent.csv", [f"R2,{WORDS},yes\n"]))
    _age(old, 8)
    _age(recent, 6)
    out = StringIO()
    call_command("expire_uploads", stdout=out)
    assert "Deleted 1 upload(s) older than 7 days" in out.getvalue()
    assert not ImportBatch.objects.filter(pk=old.pk).exists() and not stored_file_exists(old.stored_path)
    assert ImportBatch.objects.filter(pk=recent.pk).exists() and stored_file_exists(recent.stored_path)
    assert AuditEvent.objects.filter(action="import.expired", object_id=str(old.pk)).exists()


def test_the_retention_comes_from_the_setting(world, tmp_path, settings):
    settings.CHORUS_UPLOAD_RETENTION_DAYS = 1
    batch = _upload(world.programme, _file(tmp_path, "a.csv", [f"R1,{WORDS},yes\n"]))
    _age(batch, 2)
    call_command("expire_uploads", stdout=StringIO())
    assert not ImportBatch.objects.filter(pk=batch.pk).exists() and not stored_file_exists(batch.stored_path)


def test_a_stopped_import_expires_with_its_file_and_quarantined_rows(world, tmp_path):
    path = _file(tmp_path, "stops.csv", [f"R1,{WORDS},yes\n", f"R2,{WORDS} too,no\n"])
    batch = _upload(world.programme, path)
    mapping, _ = actions.suggested_mapping(world.programme, _headers(path))
    actions.confirm_mapping(batch, mapping, enqueue=False, by=world.analyst)
    run_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.quarantined == 1 and batch.status == BatchStatus.DONE and not batch.stored_path
    stopped = _upload(world.programme, _file(tmp_path, "stopped.csv", [f"R3,{WORDS},yes\n"]))
    ImportBatch.objects.filter(pk=stopped.pk).update(status=BatchStatus.FAILED, error="stopped")
    _age(stopped, 8)
    _age(batch, 30)
    actions.expire_uploads()
    assert not ImportBatch.objects.filter(pk=stopped.pk).exists()
    assert not stored_file_exists(stopped.stored_path)
    # A finished import keeps its summary and quarantined rows (they can be corrected or erased).
    assert ImportBatch.objects.filter(pk=batch.pk).exists() and QuarantinedRow.objects.filter(batch=batch)


def _headers(path) -> list[str]:
    return path.read_text().splitlines()[0].split(",")


def test_files_no_import_points_at_are_deleted_once_old(world, tmp_path):
    folder = Path(default_storage.path(UPLOADS))
    folder.mkdir(parents=True, exist_ok=True)
    stray, fresh = folder / "stray.csv", folder / "fresh.csv"
    stray.write_text(WORDS)
    fresh.write_text(WORDS)
    eight_days_ago = time.time() - 8 * 86400
    os.utime(stray, (eight_days_ago, eight_days_ago))
    assert actions.expire_uploads().files == 1
    assert not stray.exists() and fresh.exists()


def test_a_new_upload_clears_expired_ones_first(world, tmp_path):
    old = _upload(world.programme, _file(tmp_path, "old.csv", [f"R1,{WORDS},yes\n"]))
    _age(old, 8)
    _upload(world.programme, _file(tmp_path, "new.csv", [f"R2,{WORDS},yes\n"]))
    assert not ImportBatch.objects.filter(pk=old.pk).exists() and not stored_file_exists(old.stored_path)


def test_erasure_reaches_uploaded_files_still_waiting(world, tmp_path):
    imported = import_file(world.programme, _file(tmp_path, "first.csv", [f"R1,{WORDS},yes\n"]))
    assert imported.imported == 1
    waiting = _upload(world.programme, _file(tmp_path, "second.csv", [f"R1,{WORDS} again,yes\n"]))
    other_programme = _upload(world.other_programme, _file(tmp_path, "other.csv", [f"R9,{WORDS},yes\n"]))
    waiting_file = waiting.stored_path
    participant = Participant.objects.get(programme=world.programme)
    actions.erase_participant(participant, by=world.analyst)
    waiting.refresh_from_db()
    assert not stored_file_exists(waiting_file) and waiting.stored_path == ""
    assert waiting.status == BatchStatus.FAILED and "erased" in waiting.error
    assert stored_file_exists(other_programme.stored_path)
    event = AuditEvent.objects.get(action="participant.erased")
    assert event.details["upload_files_deleted"] == 1
    assert WORDS not in str(event.details)


@pytest.mark.parametrize("keep_original_text", [False, True])
def test_a_finished_upload_leaves_no_file_behind(world, tmp_path, keep_original_text):
    world.programme.keep_original_text = keep_original_text
    world.programme.save()
    batch = import_file(world.programme, _file(tmp_path, "done.csv", [f"R1,{WORDS},yes\n"]))
    assert batch.status == BatchStatus.DONE and batch.stored_path == ""
    assert not any(Path(default_storage.path(UPLOADS)).iterdir())


def test_an_upload_kept_before_files_went_through_storage_is_still_imported_and_deleted(world, tmp_path):
    batch = _upload(world.programme, _file(tmp_path, "legacy.csv", [f"R1,{WORDS},yes\n"]))
    legacy_path = Path(default_storage.path(batch.stored_path))  # what stored_path held then: a full path
    ImportBatch.objects.filter(pk=batch.pk).update(stored_path=str(legacy_path))
    batch.refresh_from_db()
    mapping, _ = actions.suggested_mapping(world.programme, _headers(legacy_path))
    actions.confirm_mapping(batch, mapping, by=None, enqueue=False)
    batch = run_batch(batch.pk)
    assert (batch.status, batch.imported, batch.stored_path) == (BatchStatus.DONE, 1, "")
    assert not legacy_path.exists()
