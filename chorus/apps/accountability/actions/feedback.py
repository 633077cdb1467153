"""Feedback owed to residents: "what we heard" after a gathering, how to reach residents who asked to hear
back, and sending it — each resident once, with their own link to say whether they felt listened to — by a
real provider in the background (see ../messaging.py and ../tasks.py), one item or many at once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.imports.contacts import keep_contact
from chorus.apps.imports.models import Participant
from chorus.privacy.contact import NotAContact, parse_contact

from .. import deadlines, messaging
from ..models import (
    BulkSend,
    BulkSendStatus,
    Channel,
    DeliveryStatus,
    FeedbackDelivery,
    FeedbackItem,
    FeedbackKind,
)
from ..queries import contributions_owed
from ._checks import require

log = logging.getLogger("chorus.accountability")

BULK_LIMIT = 1000


@transaction.atomic
def owe_what_we_heard(*, by, activity: Activity, channel: str, title: str = "") -> FeedbackItem:
    """Residents are owed "what we heard" within the programme's feedback days of the activity."""
    if channel not in Channel.values:
        raise ActionError("Choose how residents will hear back.", "channel")
    existing = FeedbackItem.objects.filter(activity=activity, kind=FeedbackKind.WHAT_WE_HEARD).first()
    if existing is not None:
        return existing
    programme = activity.programme
    item = FeedbackItem.objects.create(
        programme=programme,
        kind=FeedbackKind.WHAT_WE_HEARD,
        activity=activity,
        channel=channel,
        title=title.strip() or f"What we heard: {activity.title}",
        due_date=deadlines.feedback_due(activity.date, programme.feedback_days),
    )
    audit("feedback.owed", actor=by, obj=item, programme=programme, activity_id=activity.pk)
    return item


@transaction.atomic
def plan_feedback(*, by, activities: Iterable[Activity], channel: str) -> list[FeedbackItem]:
    """Plan "what we heard" for several activities at once, all by the same channel."""
    activities = list(activities)
    if not activities:
        raise ActionError("Select at least one activity.", "activities")
    for activity in activities:
        if not by.has_perm("accountability.manage", activity.programme):
            raise ActionError(f"You do not plan feedback for {activity.programme}.", "activities")
    return [owe_what_we_heard(by=by, activity=activity, channel=channel) for activity in activities]


def record_contact(*, by, contribution: Contribution, contact: str) -> Participant:
    """Keep how the resident who made `contribution` wants to hear back (an email address or a mobile
    number), encrypted on their participant, only if they agreed to be contacted."""
    try:
        parsed = parse_contact(contact)
    except NotAContact as error:
        raise ActionError(str(error), "contact") from error
    return keep_contact(contribution, parsed, by=by)


def recipients(item: FeedbackItem) -> QuerySet[Participant]:
    """Residents to send this item to: reachable by its channel, with at least one contribution it is about
    on which they agreed to be contacted. One row per participant, however often they spoke."""
    owed = contributions_owed(item).filter(consent_recontact=True)
    return Participant.objects.filter(
        contact_channel=item.channel, contributions__in=owed.values("pk")
    ).distinct()


def assessment_link(item: FeedbackItem, participant: Participant | None = None, base_url: str = "") -> str:
    """The short link (/h/K7P2Q) that fits a text message, a leaflet and a QR code: the open one, or the
    resident's own when `participant` is given."""
    from .short_links import short_link_for, short_url

    return short_url(short_link_for(item, participant), base_url)


@dataclass
class Sent:
    feedback: FeedbackItem
    queued: int  # messages handed to background work; see delivery_counts for what became of them


def send_feedback(*, by, item: FeedbackItem, message: str, now: datetime, base_url: str = "") -> Sent:
    """Record the message and mark the item sent; by email or text, queue one message for each resident who
    asked to hear back and has not been reached yet (a failed message is tried again). The background task
    hands each to the provider; nobody counts as reached until the provider accepted it. Refused when there
    are residents to reach and no provider is set up for the channel."""
    message = require(message, "Write what residents will be told.", "message")
    queued: list[int] = []
    with transaction.atomic():
        if item.channel in (Channel.EMAIL, Channel.SMS):
            reached_or_waiting = FeedbackDelivery.objects.filter(feedback=item).exclude(
                status=DeliveryStatus.FAILED
            )
            waiting = recipients(item).exclude(pk__in=reached_or_waiting.values("participant"))
            participants = _one_per_contact(waiting)
            if participants and not messaging.provider_for(item.channel):
                raise ActionError(messaging.MISSING[item.channel] + " Nothing was sent.")
            for participant in participants:
                delivery, created = FeedbackDelivery.objects.get_or_create(
                    feedback=item,
                    participant=participant,
                    defaults={"channel": item.channel, "queued_at": now},
                )
                if not created:  # failed before: try again from the start
                    FeedbackDelivery.objects.filter(pk=delivery.pk).update(
                        status=DeliveryStatus.QUEUED, attempts=0, problem="", finished_at=None, queued_at=now
                    )
                queued.append(delivery.pk)
        item.message = message
        item.sent_on = item.sent_on or now.date()
        item.sent_by = by if getattr(by, "is_authenticated", False) else item.sent_by
        item.save(update_fields=["message", "sent_on", "sent_by"])
        audit("feedback.sent", actor=by, obj=item, programme=item.programme, queued=len(queued))
        transaction.on_commit(lambda: _enqueue_deliveries(queued, base_url))
    log.info("feedback sent", extra={"event": "feedback.sent", "feedback_id": item.pk, "queued": len(queued)})
    return Sent(item, len(queued))


def _one_per_contact(participants: QuerySet[Participant]) -> list[Participant]:
    """Two participants reachable at the same address (met through an import and a typed conversation)
    get one message."""
    seen: set[str] = set()
    chosen = []
    for participant in participants.order_by("pk"):
        key = participant.contact_hash or f"participant:{participant.pk}"
        if key not in seen:
            seen.add(key)
            chosen.append(participant)
    return chosen


def _enqueue_deliveries(delivery_ids: list[int], base_url: str) -> None:
    from ..tasks import send_delivery

    for delivery_id in delivery_ids:
        send_delivery.enqueue(delivery_id, base_url)


def delivery_counts(items: Iterable[int]) -> dict[int, dict[str, int]]:
    """For each feedback item id: how many messages are waiting, sent, delivered and failed."""
    rows = (
        FeedbackDelivery.objects.filter(feedback__in=list(items))
        .values("feedback")
        .annotate(
            queued=Count("pk", filter=Q(status=DeliveryStatus.QUEUED)),
            sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
            delivered=Count("pk", filter=Q(status=DeliveryStatus.DELIVERED)),
            failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
            unknown=Count("pk", filter=Q(status=DeliveryStatus.UNKNOWN)),
        )
    )
    return {row.pop("feedback"): row for row in rows}


# Many at once


def start_bulk_send(*, by, items: Iterable[FeedbackItem], message: str = "", base_url: str = "") -> BulkSend:
    """Send several feedback items as one piece of background work; its page shows the progress. Each item
    is sent with its own message, or `message` when it has none."""
    items = list(items)
    if not items:
        raise ActionError("Select the feedback to send.", "items")
    if len(items) > BULK_LIMIT:
        raise ActionError(f"Send at most {BULK_LIMIT:,} at once.", "items")
    for item in items:
        if not by.has_perm("accountability.manage", item.programme):
            raise ActionError(f"You do not send feedback for {item.programme}.", "items")
    if not message.strip() and any(not item.message.strip() for item in items):
        raise ActionError(
            "Write what residents will be told: some of the feedback you selected has no message yet.",
            "message",
        )
    with transaction.atomic():
        bulk = BulkSend.objects.create(
            by=by, item_ids=[item.pk for item in items], message=message.strip(), total=len(items)
        )
        audit("feedback.bulk_send_started", actor=by, obj=bulk, items=len(items))
        transaction.on_commit(lambda: _enqueue_bulk(bulk.pk, base_url))
    return bulk


def _enqueue_bulk(bulk_id: int, base_url: str) -> None:
    from ..tasks import run_bulk_send

    run_bulk_send.enqueue(bulk_id, base_url)


def run_bulk(bulk_id: int, *, base_url: str = "") -> BulkSend:
    """The background half of a bulk send: each item in turn, the progress saved after each."""
    bulk = BulkSend.objects.select_related("by").get(pk=bulk_id)
    if bulk.status == BulkSendStatus.FINISHED:
        return bulk
    BulkSend.objects.filter(pk=bulk.pk).update(status=BulkSendStatus.RUNNING)
    items = FeedbackItem.objects.select_related("programme").in_bulk(bulk.item_ids)
    done_ids = {entry[0] for entry in bulk.refused}
    for position, item_id in enumerate(bulk.item_ids):
        if position < bulk.done or item_id in done_ids:
            continue  # a resumed run: done before the worker stopped
        item = items.get(item_id)
        try:
            if item is None:
                raise ActionError("This feedback was deleted.")
            if bulk.by is None or not bulk.by.has_perm("accountability.manage", item.programme):
                raise ActionError("You no longer send feedback for this programme.")
            send_feedback(
                by=bulk.by,
                item=item,
                message=item.message or bulk.message,
                now=timezone.now(),
                base_url=base_url,
            )
        except ActionError as error:
            bulk.refused.append([item_id, error.message])
        bulk.done = position + 1
        BulkSend.objects.filter(pk=bulk.pk).update(done=bulk.done, refused=bulk.refused)
    bulk.status, bulk.finished_at = BulkSendStatus.FINISHED, timezone.now()
    bulk.save(update_fields=["status", "finished_at", "done", "refused"])
    audit("feedback.bulk_send_finished", actor=bulk.by, obj=bulk, sent=bulk.done - len(bulk.refused))
    return bulk
