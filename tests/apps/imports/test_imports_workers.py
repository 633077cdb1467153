"""A big import spread over real `chorus worker` processes on PostgreSQL: chunks any worker takes, a worker
killed with SIGKILL mid-chunk, and every row still stored exactly once, each quarantined row once."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult
from imports_helpers import upload

from chorus.apps.core.models import Heartbeat
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports.models import BatchStatus, ImportBatch, ImportChunk, QuarantinedRow

from support.processes import (
    start_worker,
    stop_workers,
    use_database_tasks,
    wait_for,
    worker_environment,
    worker_pid,
    workers_share_postgresql,
)

pytestmark = workers_share_postgresql

ROWS = 8_000
CHUNK = 1_000  # each chunk stored in two writes of 500 rows: a worker can be killed between them
BAD_AGE_EVERY = 40


@pytest.fixture
def database_tasks(settings):
    use_database_tasks(settings, "imports")


def big_file(tmp_path: Path) -> Path:
    lines = ["Comment ID,What matters to you?,Age,Consent to analysis"]
    for number in range(1, ROWS + 1):
        age = "2O" if number % BAD_AGE_EVERY == 0 else str(20 + number % 60)
        lines.append(f"C{number},Comment {number} says the bus to the clinic is too rare,{age},yes")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_workers_share_a_big_import_and_one_killed_mid_chunk_stores_nothing_twice(
    world, database_tasks, tmp_path, settings
):
    settings.CHORUS_IMPORT_CHUNK = CHUNK
    environment = worker_environment(tmp_path, Path(settings.MEDIA_ROOT), CHORUS_IMPORT_CHUNK=str(CHUNK))
    batch = upload(world.programme, big_file(tmp_path), by=world.analyst)  # queues the import's task
    stored = batch.stored_path
    workers = [start_worker(environment, tmp_path, name, "imports") for name in ("first", "second")]
    try:
        # Kill -9 whichever worker is half way through a chunk, once some chunks are done.
        def half_way_through_a_chunk() -> Heartbeat | None:
            if ImportChunk.objects.filter(batch=batch, done=True).count() < 2:
                return None
            for heartbeat in Heartbeat.objects.filter(task_path__endswith="import_chunk", state="running"):
                index = heartbeat.arguments["args"][1]
                if ImportChunk.objects.filter(
                    batch=batch, index=index, done=False, last_row_committed__gt=0
                ).exists():
                    return heartbeat
            return None

        busy = wait_for(half_way_through_a_chunk, 600, "a worker half way through a chunk")
        killed = worker_pid(busy)
        assert killed in [worker.pid for worker in workers]
        os.kill(killed, signal.SIGKILL)
        survivor = next(worker for worker in workers if worker.pid != killed)

        def finished() -> bool:
            assert survivor.poll() is None, [(tmp_path / f"{n}.log").read_text() for n in ("first", "second")]
            return ImportBatch.objects.filter(
                pk=batch.pk, status__in=[BatchStatus.DONE, BatchStatus.FAILED]
            ).exists()

        wait_for(finished, 600, "the import to finish")
    finally:
        stop_workers(workers)

    batch.refresh_from_db()
    bad = ROWS // BAD_AGE_EVERY
    assert batch.status == BatchStatus.DONE, batch.error
    assert (batch.rows_total, batch.rows_seen) == (ROWS, ROWS)
    assert (batch.imported, batch.duplicates, batch.quarantined) == (ROWS - bad, 0, bad)
    chunks = ImportChunk.objects.filter(batch=batch)
    assert chunks.count() == ROWS // CHUNK and not chunks.filter(done=False).exists()
    assert sum(chunk.imported for chunk in chunks) == ROWS - bad
    assert sum(chunk.rows_seen for chunk in chunks) == ROWS
    # Every clean row stored once, every bad row quarantined once with its reason.
    stored_rows = Contribution.objects.filter(activity=batch.activity)
    assert stored_rows.count() == ROWS - bad
    assert stored_rows.values("text").distinct().count() == ROWS - bad
    quarantined = QuarantinedRow.objects.filter(batch=batch)
    expected = [number + 1 for number in range(BAD_AGE_EVERY, ROWS + 1, BAD_AGE_EVERY)]
    assert sorted(quarantined.values_list("row_number", flat=True)) == expected
    assert all("'2O' is not a number" in row.problems[0]["text"] for row in quarantined)
    # The chunk the killed worker was on was taken up by the other: its task failed as lost, another ran.
    lost = DBTaskResult.objects.filter(exception_class_path="chorus.apps.core.durable.WorkerLost")
    assert lost.count() == 1
    assert lost.get().args_kwargs["args"] == busy.arguments["args"]
    assert not Heartbeat.objects.exists()
    # Finished once: the upload deleted through storage.
    assert batch.stored_path == "" and not default_storage.exists(stored)
