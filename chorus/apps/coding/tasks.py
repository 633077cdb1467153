"""Background work on the `coding` queue (django.tasks; `manage.py db_worker --queue-name coding`).

Each task acts for the person who queued it: a run's `started_by`, or the user id it was queued with (None
when that account has gone since)."""

from __future__ import annotations

from django.tasks import task


def _queued_by(run_id: int):
    from .models import ModelRun

    run = ModelRun.objects.select_related("started_by").filter(pk=run_id).first()
    return run.started_by if run is not None else None


@task(queue_name="coding")
def code_programme(run_id: int) -> str:
    from .actions.runs import run_coding
    from .actions.teaching import learn_from_answers, unlearnt_answers

    by = _queued_by(run_id)
    run = run_coding(run_id, by=by)
    # Someone teaching Chorus answered while it learnt: learn again, with those answers.
    if run.status == "done" and unlearnt_answers(run) and learn_from_answers(run.codebook, by=by):
        return f"run {run.pk}: {run.status}; learning again from newer answers"
    return f"run {run.pk}: {run.status}"


@task(queue_name="coding")
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
