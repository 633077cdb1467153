"""Background work that survives a worker's death: the one mechanism coding runs, discovery, reports and
transcriptions share.

A `durable_task` is a django.tasks task that, in a `chorus worker`, keeps a Heartbeat row fresh from a thread
while it runs. Every worker sweeps: a task whose heartbeat is older than CHORUS_STALE_AFTER_SECONDS lost its
worker (killed, machine gone), so its queued result is marked failed and the task is queued again for any
worker, up to CHORUS_TASK_ATTEMPTS attempts in all; then it is given up. Either way the task's `on_lost`
says so on the thing it was working on (a run, a report, a recording), so nothing stays "running" for ever.

The work itself must be safe to do again: each task starts over or resumes from what it committed.
Outside `chorus worker` (the demo, in-process tests) a durable task is a plain task.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.tasks import Task, task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string

from .models import Heartbeat, HeartbeatState

log = logging.getLogger(__name__)

LostHandler = Callable[..., None]
_on_lost: dict[str, LostHandler] = {}
_serving = threading.Event()


class WorkerLost(Exception):
    """What the queued result of a task whose worker stopped says (django_tasks_db's exception class)."""


def durable_task(*, queue_name: str, on_lost: LostHandler) -> Callable[[Callable], Task]:
    """A task (like django.tasks.task) with a heartbeat. `on_lost(*args, retrying, reason, **kwargs)` is
    called when the task's worker stopped: `retrying` when it is queued again, else it was given up."""

    def decorate(function: Callable) -> Task:
        @functools.wraps(function)
        def with_heartbeat(context, *args, **kwargs):
            if not _serving.is_set():
                return function(*args, **kwargs)
            with _beating(wrapped, str(context.task_result.id), args, kwargs):
                return function(*args, **kwargs)

        del with_heartbeat.__wrapped__  # django.tasks reads the signature: it must start with `context`
        wrapped = task(queue_name=queue_name, takes_context=True)(with_heartbeat)
        _on_lost[wrapped.module_path] = on_lost
        return wrapped

    return decorate


def _key(task_path: str, args, kwargs) -> str:
    return f"{task_path}:{json.dumps([list(args), kwargs], sort_keys=True, default=str)}"[:255]


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class _beating:
    """Holds the task's Heartbeat row for the block, refreshed from a thread; gone when the block ends."""

    def __init__(self, wrapped: Task, task_result_id: str, args, kwargs) -> None:
        self.key = _key(wrapped.module_path, args, kwargs)
        self.task_result_id = task_result_id
        self.defaults = {
            "task_path": wrapped.module_path,
            "arguments": {"args": list(args), "kwargs": kwargs},
            "task_result_id": task_result_id,
            "worker": _worker_name(),
            "state": HeartbeatState.RUNNING,
            "beat_at": timezone.now(),
        }
        self.stop = threading.Event()

    def __enter__(self) -> None:
        # A task queued again after its worker stopped takes over the row (and its attempt count).
        Heartbeat.objects.update_or_create(key=self.key, defaults=self.defaults)
        self.thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        self.thread.start()

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        Heartbeat.objects.filter(key=self.key, task_result_id=self.task_result_id).delete()

    def _mine(self):
        return Heartbeat.objects.filter(
            key=self.key, task_result_id=self.task_result_id, state=HeartbeatState.RUNNING
        )

    def _beat(self) -> None:
        try:
            while not self.stop.wait(settings.CHORUS_HEARTBEAT_SECONDS):
                try:
                    if not self._mine().update(beat_at=timezone.now()):
                        log.warning("heartbeat of %s taken over by another worker", self.key)
                except Exception:
                    log.exception("heartbeat of %s not recorded", self.key)
                    close_old_connections()
        finally:
            connection.close()


def sweep(now=None) -> int:
    """Queue again (or give up) every durable task whose worker stopped beating. Safe in every worker at once:
    each stale row is taken by one sweep only. Returns how many were found."""
    now = now or timezone.now()
    _adopt_tasks_lost_before_their_first_beat(now)
    stale = Heartbeat.objects.filter(
        state=HeartbeatState.RUNNING,
        beat_at__lt=now - timedelta(seconds=settings.CHORUS_STALE_AFTER_SECONDS),
    )
    found = 0
    for heartbeat in list(stale):
        with transaction.atomic():
            taken = Heartbeat.objects.filter(
                pk=heartbeat.pk, state=HeartbeatState.RUNNING, beat_at=heartbeat.beat_at
            ).update(state=HeartbeatState.WAITING, beat_at=now)
            if taken:
                _recover(heartbeat, now)
                found += 1
    return found


def _adopt_tasks_lost_before_their_first_beat(now) -> None:
    """A worker killed after it took a task but before the task's Heartbeat row was written leaves the queued
    result "running" with no heartbeat. Give such a task the heartbeat it would have had, already stale, so
    the sweep recovers it like any other; if the same work already has a heartbeat (another attempt), the
    orphan is only marked failed."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = now - timedelta(seconds=settings.CHORUS_STALE_AFTER_SECONDS)
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path__in=list(_on_lost), started_at__lt=cutoff
    )
    beating = {str(value) for value in Heartbeat.objects.values_list("task_result_id", flat=True)}
    for orphan in running:
        if str(orphan.id) in beating:
            continue
        args, kwargs = orphan.args_kwargs.get("args", []), orphan.args_kwargs.get("kwargs", {})
        with transaction.atomic():
            _, adopted = Heartbeat.objects.get_or_create(
                key=_key(orphan.task_path, args, kwargs),
                defaults={
                    "task_path": orphan.task_path,
                    "arguments": {"args": list(args), "kwargs": kwargs},
                    "task_result_id": str(orphan.id),
                    "worker": (orphan.worker_ids or [""])[-1][:100],
                    "state": HeartbeatState.RUNNING,
                    "beat_at": orphan.started_at,
                },
            )
            if not adopted:
                DBTaskResult.objects.filter(pk=orphan.pk, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback="WorkerLost: worker stopped before the task began; the work goes on elsewhere",
                )


def _recover(heartbeat: Heartbeat, now) -> None:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    attempts = settings.CHORUS_TASK_ATTEMPTS
    DBTaskResult.objects.filter(pk=heartbeat.task_result_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"WorkerLost: worker {heartbeat.worker} stopped beating (attempt {heartbeat.attempt})",
    )
    wrapped: Task = import_string(heartbeat.task_path)
    on_lost = _on_lost[wrapped.module_path]
    args, kwargs = heartbeat.arguments["args"], heartbeat.arguments["kwargs"]
    retrying = heartbeat.attempt < attempts
    if retrying:
        Heartbeat.objects.filter(pk=heartbeat.pk).update(attempt=heartbeat.attempt + 1)
        reason = (
            f"The worker doing this stopped; it starts again (attempt {heartbeat.attempt + 1} of {attempts})."
        )
        wrapped.enqueue(*args, **kwargs)
    else:
        Heartbeat.objects.filter(pk=heartbeat.pk).delete()
        tries = f"{attempts} attempts" if attempts != 1 else "1 attempt"
        reason = (
            f"The worker doing this stopped, so it was given up after {tries}. Start it again; if it stops "
            "again, tell your administrator."
        )
    log.warning(
        "durable task lost its worker",
        extra={"event": "task.worker_lost", "task": heartbeat.task_path, "retrying": retrying},
    )
    on_lost(*args, retrying=retrying, reason=reason, **kwargs)


def serve() -> threading.Thread:
    """Turn heartbeats on in this process (a `chorus worker`) and sweep for lost tasks from a thread."""
    _serving.set()
    autodiscover_modules("tasks", "discovery_tasks")  # every durable task known, so the sweep sees them all

    def sweeping() -> None:
        every = max(0.5, settings.CHORUS_HEARTBEAT_SECONDS)
        while True:
            try:
                close_old_connections()
                sweep()
            except Exception:
                log.exception("sweep for lost tasks failed")
                connection.close()
            threading.Event().wait(every)

    thread = threading.Thread(target=sweeping, name="sweep", daemon=True)
    thread.start()
    return thread
