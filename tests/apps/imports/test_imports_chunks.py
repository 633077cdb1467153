"""Big imports cut into chunks of CHORUS_IMPORT_CHUNK rows: each chunk counted once, a chunk stopped mid-way
carried on without storing or counting a row twice, the import finished (once) by its last chunk."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from imports_helpers import upload

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports.actions import resume_batch
from chorus.apps.imports.models import BatchStatus, ImportBatch, ImportChunk, QuarantinedRow
from chorus.apps.imports.pipeline import import_lost, plan_batch, run_batch, run_chunk

from support.world import PASSWORD

BAD_AGE_EVERY = 5  # every fifth row has an age that is not a number


def big_file(tmp_path, rows: int):
    lines = ["What matters to you?,Age,Consent to analysis"]
    for number in range(1, rows + 1):
        age = "2O" if number % BAD_AGE_EVERY == 0 else "40"
        lines.append(f"Comment {number} says the clinic is too far away,{age},yes")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Killed(BaseException):
    pass


def test_a_big_import_is_cut_into_chunks_that_together_store_every_row_once(world, tmp_path, settings):
    settings.CHORUS_IMPORT_CHUNK = 4
    batch = upload(world.programme, big_file(tmp_path, 11))
    stored = batch.stored_path
    batch = run_batch(batch.pk, chunk_rows=3)
    assert (batch.status, batch.rows_total, batch.rows_seen) == (BatchStatus.DONE, 11, 11)
    assert (batch.imported, batch.duplicates, batch.quarantined) == (9, 0, 2)
    chunks = list(batch.chunks.order_by("index"))
    assert [(chunk.first_row, chunk.rows, chunk.done) for chunk in chunks] == [
        (0, 4, True),
        (4, 4, True),
        (8, 3, True),
    ]
    assert [(chunk.imported, chunk.quarantined) for chunk in chunks] == [(4, 0), (3, 1), (2, 1)]
    assert Contribution.objects.filter(activity=batch.activity).count() == 9
    rows = QuarantinedRow.objects.filter(batch=batch).order_by("row_number")
    assert [row.row_number for row in rows] == [6, 11]  # data rows 5 and 10, below the header
    assert all("'2O' is not a number" in row.problems[0]["text"] for row in rows)
    assert batch.stored_path == "" and not default_storage.exists(stored)
    assert AuditEvent.objects.filter(action="import.finished", object_id=str(batch.pk)).count() == 1


def test_a_small_import_is_one_chunk(world, tmp_path, settings):
    settings.CHORUS_IMPORT_CHUNK = 5_000
    batch = run_batch(upload(world.programme, big_file(tmp_path, 11)).pk)
    assert batch.status == BatchStatus.DONE
    assert list(batch.chunks.values_list("index", "first_row", "rows")) == [(0, 0, 11)]


def test_a_chunk_stopped_mid_way_is_carried_on_and_counts_nothing_twice(world, tmp_path, settings):
    settings.CHORUS_IMPORT_CHUNK = 6
    batch = upload(world.programme, big_file(tmp_path, 17))

    def stop_inside_the_second_chunk(current: ImportBatch) -> None:
        if ImportChunk.objects.filter(batch=current, index=1, last_row_committed__gt=0).exists():
            raise Killed

    with pytest.raises(Killed):
        run_batch(batch.pk, progress=stop_inside_the_second_chunk, chunk_rows=4)
    batch.refresh_from_db()
    second = batch.chunks.get(index=1)
    assert batch.status == BatchStatus.RUNNING and not second.done
    assert (second.last_row_committed, second.rows_seen) == (11, 4)  # data rows 7-10: one write
    assert (batch.imported, batch.quarantined) == (5 + 3, 1 + 1)

    # Another worker takes the chunk over, then the rest; the second chunk's first write is not redone.
    run_chunk(batch.pk, 1, chunk_rows=4)
    assert batch.chunks.get(index=1).done
    assert run_chunk(batch.pk, 1) is not None  # a chunk done already does nothing
    batch = run_batch(batch.pk)
    assert batch.status == BatchStatus.DONE
    assert (batch.imported, batch.duplicates, batch.quarantined, batch.rows_seen) == (14, 0, 3, 17)
    assert list(batch.chunks.values_list("imported", "duplicates", "quarantined")) == [
        (5, 0, 1),
        (5, 0, 1),
        (4, 0, 1),
    ]
    assert Contribution.objects.filter(text__startswith="Comment ").count() == 14
    assert QuarantinedRow.objects.filter(batch=batch).count() == 3


def test_a_planned_import_keeps_its_chunks_when_planned_again(world, tmp_path, settings):
    settings.CHORUS_IMPORT_CHUNK = 4
    batch = upload(world.programme, big_file(tmp_path, 9))
    plan_batch(batch.pk)
    first = list(ImportChunk.objects.filter(batch=batch).values_list("pk", flat=True))
    plan_batch(batch.pk)  # the planning task run again, after its worker stopped
    assert list(ImportChunk.objects.filter(batch=batch).values_list("pk", flat=True)) == first
    assert len(first) == 3


def test_an_import_whose_worker_was_given_up_says_why_and_what_is_kept(client, world, tmp_path, settings):
    settings.CHORUS_IMPORT_CHUNK = 6
    batch = upload(world.programme, big_file(tmp_path, 17))

    def stop_inside_the_second_chunk(current: ImportBatch) -> None:
        if ImportChunk.objects.filter(batch=current, index=1, last_row_committed__gt=0).exists():
            raise Killed

    with pytest.raises(Killed):
        run_batch(batch.pk, progress=stop_inside_the_second_chunk, chunk_rows=4)
    import_lost(batch.pk, retrying=False, reason="The worker doing this stopped, so it was given up.")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    client.login(username=world.analyst.username, password=PASSWORD)
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "The worker doing this stopped, so it was given up." in page
    assert "The 10 rows read before it stopped are kept; resuming carries on with the rest." in page

    resume_batch(batch, by=world.analyst)
    batch = run_batch(batch.pk)
    assert (batch.status, batch.imported, batch.duplicates, batch.quarantined) == (BatchStatus.DONE, 14, 0, 3)
