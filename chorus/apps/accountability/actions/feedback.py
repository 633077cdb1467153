"""Feedback owed to residents: "what we heard" after a gathering, how to reach residents who agreed to
hear back, and sending it, each resident with their own link to say whether they felt listened to."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.core.mail import EmailMessage
from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Activity, Contribution

from .. import deadlines
from ..models import Channel, FeedbackDelivery, FeedbackItem, FeedbackKind, FeedbackRecipient
from ..queries import contributions_owed
from ..sms import SmsProvider, get_sms_provider
from ._checks import require

log = logging.getLogger("chorus.accountability")

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UK_MOBILE = re.compile(r"^(?:\+44|0)7\d{9}$")


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
def create_feedback_recipient(
    *, by, contribution: Contribution, channel: str, contact: str
) -> FeedbackRecipient:
    """Keep how to reach a resident, only if they agreed to be contacted about what happened."""
    if not contribution.consent_recontact:
        raise ActionError("This resident did not agree to be contacted, so no contact details are kept.")
    contact = re.sub(r"[\s()-]", "", contact) if channel == Channel.SMS else contact.strip()
    if channel == Channel.EMAIL and not EMAIL.match(contact):
        raise ActionError("Enter an email address, like name@example.com.", "contact")
    if channel == Channel.SMS and not UK_MOBILE.match(contact):
        raise ActionError("Enter a UK mobile number, like 07700 900123.", "contact")
    if channel not in (Channel.EMAIL, Channel.SMS):
        raise ActionError("Residents are contacted by email or text message only.", "channel")
    recipient = FeedbackRecipient.objects.filter(contribution=contribution, channel=channel).first()
    recipient = recipient or FeedbackRecipient(contribution=contribution, channel=channel)
    recipient.contact = contact
    recipient.save()
    audit(
        "feedback_recipient.saved",
        actor=by,
        obj=recipient,
        programme=contribution.programme,
        contribution_id=contribution.pk,
        channel=channel,
    )
    return recipient


def assessment_link(
    item: FeedbackItem, recipient: FeedbackRecipient | None = None, base_url: str = ""
) -> str:
    """The short link (/h/K7P2Q) that fits a text message, a leaflet and a QR code."""
    from .short_links import short_link_for, short_url

    return short_url(short_link_for(item, recipient), base_url)


@dataclass
class Sent:
    feedback: FeedbackItem
    emails: int
    texts: int


def send_feedback(
    *,
    by,
    item: FeedbackItem,
    message: str,
    now: datetime,
    base_url: str = "",
    sms_provider: SmsProvider | None = None,
) -> Sent:
    """Mark feedback sent; by email or text, send it to each resident who agreed to hear back, with their
    own link to say whether they felt listened to. Sending again reaches only those not yet reached."""
    message = require(message, "Write what residents will be told.", "message")
    emails = texts = 0
    if item.channel in (Channel.EMAIL, Channel.SMS):
        recipients = FeedbackRecipient.objects.filter(
            channel=item.channel,
            contribution__in=contributions_owed(item).filter(consent_recontact=True),
        ).exclude(deliveries__feedback=item)
        sms_provider = sms_provider or (get_sms_provider() if item.channel == Channel.SMS else None)
        for recipient in recipients:
            link = assessment_link(item, recipient, base_url)
            if item.channel == Channel.EMAIL:
                body = f"{message}\n\nDid we listen? Tell us in two questions: {link}\n"
                EmailMessage(subject=item.title, body=body, to=[recipient.contact]).send()
                emails += 1
            else:
                sms_provider.send(recipient.contact, f"{item.title}. {message} Did we listen? {link}")
                texts += 1
            with transaction.atomic():
                FeedbackDelivery.objects.create(feedback=item, recipient=recipient, sent_at=now)
    with transaction.atomic():
        item.message = message
        item.sent_on = item.sent_on or now.date()
        item.sent_by = by if getattr(by, "is_authenticated", False) else item.sent_by
        item.save(update_fields=["message", "sent_on", "sent_by"])
        audit("feedback.sent", actor=by, obj=item, programme=item.programme, emails=emails, texts=texts)
    log.info("feedback sent", extra={"event": "feedback.sent", "feedback_id": item.pk, "emails": emails})
    return Sent(item, emails, texts)
