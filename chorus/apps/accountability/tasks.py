"""Background work for feedback to residents, on the `default` queue (django.tasks; `chorus worker`):
each message handed to its provider with retries, its status read back from Notify, and bulk sends."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone


def _later(the_task, delay: timedelta, *args) -> None:
    """Enqueue `the_task` to run after `delay`, or now on a backend that cannot defer."""
    from django.tasks import default_task_backend

    if default_task_backend.supports_defer:
        the_task.using(run_after=timezone.now() + delay).enqueue(*args)
    else:
        the_task.enqueue(*args)


@task()
def send_delivery(delivery_id: int, base_url: str = "") -> str:
    from .actions.feedback import assessment_link
    from .messaging import send
    from .models import FeedbackDelivery

    delivery = (
        FeedbackDelivery.objects.select_related("feedback", "participant").filter(pk=delivery_id).first()
    )
    if delivery is None:
        return "gone"  # erased, or the feedback was deleted
    outcome = send(
        delivery, assessment_link(delivery.feedback, delivery.participant, base_url), timezone.now()
    )
    if outcome.retry_after is not None:
        _later(send_delivery, outcome.retry_after, delivery_id, base_url)
    if outcome.check_after is not None:
        _later(check_delivery, outcome.check_after, delivery_id)
    return outcome.status


@task()
def check_delivery(delivery_id: int) -> str:
    from .messaging import check
    from .models import FeedbackDelivery

    delivery = FeedbackDelivery.objects.select_related("participant").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    outcome = check(delivery, timezone.now())
    if outcome.check_after is not None:
        _later(check_delivery, outcome.check_after, delivery_id)
    return outcome.status


@task()
def run_bulk_send(bulk_id: int, base_url: str = "") -> str:
    from .actions.feedback import run_bulk

    bulk = run_bulk(bulk_id, base_url=base_url)
    return f"bulk send {bulk_id}: {bulk.done} of {bulk.total}"
