"""Background work on the `coding` queue (django.tasks; `chorus worker --queues coding`).

Each task acts for the person who queued it: a run's `started_by`, or the user id it was queued with (None
when that account has gone since). Runs are durable (chorus.apps.core.durable): a step whose worker stops is
queued again, or the run fails with the reason; a coding run is spread as steps any worker takes."""

from __future__ import annotations

from django.tasks import task

from chorus.apps.core.durable import durable_task


def _queued_by(run_id: int):
    from .models import ModelRun

    run = ModelRun.objects.select_related("started_by").filter(pk=run_id).first()
    return run.started_by if run is not None else None


def _run_lost(run_id: int, *args, retrying: bool, reason: str, **kwargs) -> None:
    from .actions.runs import run_lost

    run_lost(run_id, *args, retrying=retrying, reason=reason, **kwargs)


@durable_task(queue_name="coding", on_lost=_run_lost)
def code_programme(run_id: int) -> str:
    """Plan the run and queue its steps (coding_step), which any worker takes."""
    from .actions.runs import run_coding

    run = run_coding(run_id, by=_queued_by(run_id), spread=True)
    return f"run {run.pk}: {run.status}, {run.chunks.count()} chunks"


@durable_task(queue_name="coding", on_lost=_run_lost)
def coding_step(run_id: int, step: str, index: int = 0) -> str:
    """One step of a coding run: read or code a chunk of contributions, or fit the coders."""
    from .actions.runs import do_step
    from .actions.teaching import learn_from_answers, unlearnt_answers

    run = do_step(run_id, step, index)
    if run is None:
        return f"run {run_id} is gone"
    # Someone teaching Chorus answered while it learnt: learn again, with those answers.
    if getattr(run, "finished_here", False) and unlearnt_answers(run):
        if learn_from_answers(run.codebook, by=_queued_by(run_id)):
            return f"run {run.pk}: {run.status}; learning again from newer answers"
    return f"run {run.pk} {step} {index}: {run.status}"


@durable_task(queue_name="coding", on_lost=_run_lost)
def find_emerging(run_id: int) -> str:
    from .actions.emerging import run_emerging

    run = run_emerging(run_id, by=_queued_by(run_id))
    return f"run {run.pk}: {run.status}"


@task(queue_name="coding")
def retrain_after_erasure(programme_id: int, user_id: int | None = None) -> str:
    from django.contrib.auth import get_user_model

    from chorus.apps.programmes.models import Programme

    from .actions.erasure import retrain_after_erasure as retrain

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return f"programme {programme_id} is gone"
    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = retrain(programme, by=by)
    return (
        f"programme {programme_id}: models dropped; {'run ' + str(run.pk) if run else 'nothing to retrain'}"
    )
