"""Coding runs spread over real `chorus worker` processes on PostgreSQL: chunks any worker takes, a worker
killed with SIGKILL mid-run, and every contribution still coded exactly once."""

from __future__ import annotations

import math
import os
import random
import signal
from datetime import date
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.discovery import start_discovery
from chorus.apps.coding.actions.runs import start_coding
from chorus.apps.coding.models import ChunkStage, Coding, ModelRun, ModelRunChunk, RunKind, RunStatus
from chorus.apps.core.models import Heartbeat
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution

from support.processes import start_worker as start_any_worker
from support.processes import (
    stop_workers,
    use_database_tasks,
    wait_for,
    worker_environment,
    worker_pid,
    workers_share_postgresql,
)

pytestmark = workers_share_postgresql

PHRASES = [
    "the landlord won't fix the leak in the kitchen",
    "I can never get through to the surgery on the phone",
    "waited three weeks for a doctor's appointment",
    "the bus to the hospital only runs once an hour",
    "my energy bills have doubled and we sit in the cold",
    "nobody to talk to since my husband died",
    "kids are vaping outside the school gates",
    "the damp in our flat makes my chest bad",
    "the pharmacy ran out of my prescription again",
    "the nurse at the clinic was kind and listened",
]


def generated_contributions(programme, count: int, *, by, seed: int = 0) -> None:
    """`count` contributions of two or three phrases each, stored in bulk (no redaction: no names in them)."""
    rng = random.Random(seed)
    activity = Activity.objects.create(
        programme=programme, kind=ActivityKind.LISTENING_EVENT, title="Generated", date=date(2026, 9, 1)
    )
    now = timezone.now()
    Contribution.objects.bulk_create(
        (
            Contribution(
                programme=programme,
                activity=activity,
                text=". ".join(rng.sample(PHRASES, rng.randint(2, 3))).capitalize() + ".",
                consent_analysis=True,
                consent_quote=False,
                consent_open_data=False,
                consent_recontact=False,
                consent_taken_at=now,
                consent_taken_by=by,
            )
            for _ in range(count)
        ),
        batch_size=2000,
    )


def start_worker(environment, folder, name):
    return start_any_worker(environment, folder, name, "coding")


@pytest.fixture
def database_tasks(settings):
    use_database_tasks(settings, "coding")


def test_two_workers_share_a_run_and_one_killed_mid_chunk_codes_nothing_twice(
    world, database_tasks, tmp_path, settings
):
    generated_contributions(world.programme, 6_000, by=world.analyst)
    contributions = Contribution.objects.filter(programme=world.programme).count()
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    environment = worker_environment(tmp_path, Path(settings.MEDIA_ROOT), CHORUS_CODING_CHUNK="500")
    run = start_coding(world.programme, codebook=codebook, by=world.analyst)
    workers = [start_worker(environment, tmp_path, name) for name in ("first", "second")]
    try:
        # Kill -9 whichever worker is coding a chunk, once some chunks are coded.
        def coding_a_chunk() -> Heartbeat | None:
            coded = ModelRunChunk.objects.filter(run=run, stage=ChunkStage.CODE, done=True).count()
            busy = Heartbeat.objects.filter(
                task_path__endswith="coding_step", arguments__args__1="code", state="running"
            ).first()
            return busy if coded >= 2 and busy else None

        busy = wait_for(coding_a_chunk, 600, "a worker coding a chunk")
        killed = worker_pid(busy)
        assert killed in [worker.pid for worker in workers]
        os.kill(killed, signal.SIGKILL)
        survivor = next(worker for worker in workers if worker.pid != killed)

        def finished() -> bool:
            assert survivor.poll() is None, (tmp_path / "first.log").read_text()
            return ModelRun.objects.filter(pk=run.pk, status__in=[RunStatus.DONE, RunStatus.FAILED]).exists()

        wait_for(finished, 600, "the run to finish")
    finally:
        stop_workers(workers)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert (run.progress_done, run.progress_total, run.percent) == (contributions, contributions, 100)
    assert not ModelRunChunk.objects.filter(run=run, done=False).exists()
    assert ModelRunChunk.objects.filter(run=run, stage=ChunkStage.CODE).count() == math.ceil(
        contributions / 500
    )
    # The chunk the killed worker was coding was taken up by the other: its task failed as lost, another ran.
    lost = DBTaskResult.objects.filter(exception_class_path="chorus.apps.core.durable.WorkerLost")
    assert lost.count() == 1
    assert lost.get().args_kwargs["args"] == busy.arguments["args"]
    assert not Heartbeat.objects.exists()
    # Every contribution coded, and no contribution coded twice under a theme by this run.
    codings = Coding.objects.filter(run=run)
    assert codings.values("contribution").distinct().count() == contributions
    twice = codings.values("contribution", "theme").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    # The killed worker's pid holds nothing: the coders' file went with the run.
    assert not (Path(settings.MEDIA_ROOT) / "runs" / str(run.pk)).joinpath("coders.pickle").exists()


def test_a_run_whose_worker_keeps_dying_fails_with_the_reason_and_can_be_started_again(
    world, database_tasks, tmp_path, settings
):
    generated_contributions(world.programme, 3_000, by=world.analyst, seed=1)
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    environment = worker_environment(
        tmp_path, Path(settings.MEDIA_ROOT), CHORUS_CODING_CHUNK="1000", CHORUS_TASK_ATTEMPTS="1"
    )
    run = start_coding(world.programme, codebook=codebook, by=world.analyst)
    first = start_worker(environment, tmp_path, "first")
    try:
        busy = wait_for(lambda: Heartbeat.objects.filter(state="running").first(), 300, "a task running")
        os.kill(worker_pid(busy), signal.SIGKILL)
        first.wait(timeout=30)
        assert ModelRun.objects.get(pk=run.pk).is_active  # nobody knows yet
        second = start_worker(environment, tmp_path, "second")
        try:
            wait_for(
                lambda: ModelRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).exists(),
                120,
                "the run to be given up",
            )
        finally:
            stop_workers([second])
    finally:
        stop_workers([first])
    run.refresh_from_db()
    assert "worker" in run.error and "given up" in run.error and "Start it again" in run.error
    assert run.finished_at is not None
    assert not Heartbeat.objects.exists()


def test_a_discovery_run_whose_worker_is_killed_is_finished_by_another(
    world, database_tasks, tmp_path, settings
):
    generated_contributions(world.programme, 1_500, by=world.analyst, seed=2)
    environment = worker_environment(tmp_path, Path(settings.MEDIA_ROOT))
    run = start_discovery(world.programme, by=world.analyst)
    first = start_worker(environment, tmp_path, "first")
    try:
        busy = wait_for(lambda: Heartbeat.objects.filter(state="running").first(), 120, "discovery running")
        os.kill(worker_pid(busy), signal.SIGKILL)
        first.wait(timeout=30)
        assert ModelRun.objects.get(pk=run.pk).is_active
        second = start_worker(environment, tmp_path, "second")
        try:
            wait_for(
                lambda: ModelRun.objects.filter(
                    pk=run.pk, status__in=[RunStatus.DONE, RunStatus.FAILED]
                ).exists(),
                300,
                "discovery to finish",
            )
        finally:
            stop_workers([second])
    finally:
        stop_workers([first])
    run.refresh_from_db()
    assert (run.status, run.kind, run.error) == (RunStatus.DONE, RunKind.DISCOVERY, "")
    lost = DBTaskResult.objects.get(exception_class_path="chorus.apps.core.durable.WorkerLost")
    assert lost.args_kwargs["args"] == [run.pk] and lost.task_path.endswith("discover_themes")
    assert not Heartbeat.objects.exists()
