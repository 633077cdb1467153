"""Uploads kept in an S3-compatible bucket, as README "Running in production" sets one up (CHORUS_S3_*),
against a real S3 protocol peer (moto's server mode on 127.0.0.1, support/s3_server.py): the web process
stores the upload as an object, a worker in another process that shares no disk with it imports it from the
bucket, and the object is deleted once imported, on erasure and on expiry. No temporary file is
left behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from imports_helpers import upload

from chorus.apps.core import storage
from chorus.apps.imports import actions
from chorus.apps.imports.models import BatchStatus, ImportBatch, Participant
from chorus.apps.imports.pipeline import UPLOADS, run_batch

from support.processes import chorus_environment, database_url_for_other_processes, run_python
from support.world import PASSWORD

WORDS = "My neighbour Maureen Okafor at 12 Elm Road can't get a GP appointment"


def _file(tmp_path, name: str, rows: list[str]):
    path = tmp_path / name
    path.write_text("Participant,What matters to you?,Consent to analysis\n" + "".join(rows))
    return path


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_upload_through_the_web_is_imported_by_a_worker_that_shares_no_disk(client, world, s3, tmp_path):
    """The web view stores the upload in the bucket; `chorus worker` in a fresh process, whose only link to
    this one is the database and the bucket, imports it and deletes the object."""
    client.login(username="analyst", password=PASSWORD)
    path = _file(tmp_path, "voices.csv", [f"R1,{WORDS},yes\n", "R2,The buses stop at six,yes\n"])
    with path.open("rb") as stream:
        response = client.post(f"/imports/{world.programme.slug}/upload/", {"file": stream})
    page = client.get(response.url)
    client.post(
        response.url, {name: field.initial or "" for name, field in page.context["form"].fields.items()}
    )
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED
    assert s3.names() == [batch.stored_path] and batch.stored_path.startswith(f"{UPLOADS}/")
    assert s3.read(batch.stored_path) == path.read_bytes()
    grants = s3.acl_grants(batch.stored_path)
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # private: its owner alone

    worker_home = tmp_path / "worker"  # the worker's own disk: its var folder, MEDIA_ROOT and TMPDIR
    (worker_home / "tmp").mkdir(parents=True)
    environment = chorus_environment(
        worker_home,
        DATABASE_URL=database_url_for_other_processes(worker_home),
        TMPDIR=str(worker_home / "tmp"),
        **s3.environment,
    )
    script = (
        "from chorus.site.serve import worker\n"
        "assert worker(['--batch', '--queues', 'imports']) == 0\n"
        "from chorus.apps.imports.models import ImportBatch\n"
        "from chorus.apps.engagement.models import Contribution\n"
        f"batch = ImportBatch.objects.get(pk={batch.pk})\n"
        "print('imported', batch.status, batch.imported, repr(batch.stored_path),"
        " Contribution.objects.filter(activity=batch.activity).count())\n"
    )
    result = run_python(script, environment, worker_home)

    assert result.returncode == 0, result.stderr
    assert f"imported {BatchStatus.DONE} 2 '' 2" in result.stdout.splitlines(), result.stdout + result.stderr
    assert s3.names() == []  # deleted from the bucket once imported
    assert not any((worker_home / "tmp").iterdir()) and not (worker_home / "media").exists()
    assert not any(s3.scratch.iterdir())


@pytest.mark.django_db
def test_erasure_deletes_the_objects_of_uploads_still_waiting(world, s3, tmp_path):
    imported = run_batch(upload(world.programme, _file(tmp_path, "c.csv", [f"R1,{WORDS},yes\n"])).pk)
    assert imported.imported == 1 and s3.names() == []
    waiting, _ = actions.start_upload(
        world.programme,
        "d.csv",
        [_file(tmp_path, "d.csv", [f"R1,{WORDS} again,yes\n"]).read_bytes()],
        by=None,
    )
    assert s3.names() == [waiting.stored_path]

    actions.erase_participant(Participant.objects.get(programme=world.programme), by=world.analyst)

    waiting.refresh_from_db()
    assert waiting.stored_path == "" and s3.names() == []
    assert not any(s3.scratch.iterdir())


@pytest.mark.django_db
def test_expiry_deletes_old_objects_and_drafts_but_keeps_an_import_in_progress(world, s3, tmp_path):
    default_storage.save(f"{UPLOADS}/stray.csv", ContentFile(WORDS.encode()))
    draft, _ = actions.start_upload(
        world.programme, "e.csv", [_file(tmp_path, "e.csv", [f"R1,{WORDS},yes\n"]).read_bytes()], by=None
    )
    kept = upload(world.programme, _file(tmp_path, "f.csv", [f"R1,{WORDS},yes\n"]))
    assert s3.names() == sorted([f"{UPLOADS}/stray.csv", draft.stored_path, kept.stored_path])
    later = timezone.now() + timedelta(days=8)
    ImportBatch.objects.filter(pk=kept.pk).update(updated_at=later)  # its import moved on since

    expiry = actions.expire_uploads(now=later)

    assert (expiry.batches, expiry.files) == (1, 2)
    assert s3.names() == [kept.stored_path] and not ImportBatch.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_an_object_is_never_overwritten_and_names_are_kept_exactly(world, s3):
    first = storage.save_stream(f"{UPLOADS}/same.csv", [b"first"], max_bytes=100)
    assert first.name == f"{UPLOADS}/same.csv" and s3.names() == [f"{UPLOADS}/same.csv"]
    with pytest.raises(FileExistsError):
        storage.save_stream(f"{UPLOADS}/same.csv", [b"second"], max_bytes=100)
    assert s3.names() == [f"{UPLOADS}/same.csv"] and s3.read(f"{UPLOADS}/same.csv") == b"first"
    with pytest.raises(storage.TooLarge):
        storage.save_stream(f"{UPLOADS}/big.csv", [b"x" * 60, b"x" * 60], max_bytes=100)
    assert s3.names() == [f"{UPLOADS}/same.csv"] and not any(s3.scratch.iterdir())
