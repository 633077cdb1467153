"""Sending feedback to residents through a real provider, and finding out what happened to it.

Text messages go through GOV.UK Notify; emails through Notify when it has an email template, else through
Django's mail settings (SMTP). With neither, Chorus says a channel cannot be sent and never records a resident
as reached. A delivery is "sent" only once the provider accepted it; "delivered" or "failed" comes from
Notify's status (polled, see tasks.py). SMTP gives no delivery receipts, so an email sent that way stays
"sent". Settings, from the environment: NOTIFY_API_KEY, NOTIFY_SMS_TEMPLATE_ID, NOTIFY_EMAIL_TEMPLATE_ID,
NOTIFY_BASE_URL, NOTIFY_TIMEOUT; EMAIL_BACKEND and friends for SMTP.

A Notify template for Chorus has two placeholders: ((subject)) (emails) and ((body)).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage

from chorus.messaging import notify

from .models import Channel, DeliveryStatus, FeedbackDelivery

log = logging.getLogger("chorus.accountability")

MAX_ATTEMPTS = 5
MAX_STATUS_CHECKS = 24
NOT_SENDING_BACKENDS = ("console", "dummy", "filebased")


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, 8 minutes… between tries: a busy or unreachable provider gets time to recover."""
    return timedelta(minutes=2 ** max(attempt - 1, 0))


def status_check_delay(checks: int) -> timedelta:
    return timedelta(minutes=1 if checks < 5 else 15)


def notify_client() -> notify.NotifyClient | None:
    key = getattr(settings, "NOTIFY_API_KEY", "")
    if not key:
        return None
    return notify.NotifyClient(
        key,
        base_url=getattr(settings, "NOTIFY_BASE_URL", "") or notify.DEFAULT_BASE_URL,
        timeout=float(getattr(settings, "NOTIFY_TIMEOUT", 10)),
    )


def _django_mail_sends() -> bool:
    backend = type(mail.mailers["default"]).__module__.rsplit(".", 1)[-1]
    return backend not in NOT_SENDING_BACKENDS


def provider_for(channel: str) -> str:
    """'notify', 'email' (Django's mail) or '' when nothing is set up to send this channel."""
    has_notify = bool(getattr(settings, "NOTIFY_API_KEY", ""))
    if channel == Channel.SMS:
        return "notify" if has_notify and getattr(settings, "NOTIFY_SMS_TEMPLATE_ID", "") else ""
    if channel == Channel.EMAIL:
        if has_notify and getattr(settings, "NOTIFY_EMAIL_TEMPLATE_ID", ""):
            return "notify"
        return "email" if _django_mail_sends() else ""
    return ""


MISSING = {
    Channel.SMS: "No text message service is set up (GOV.UK Notify: NOTIFY_API_KEY and "
    "NOTIFY_SMS_TEMPLATE_ID), so no text messages can be sent to residents.",
    Channel.EMAIL: "No email service is set up (GOV.UK Notify with NOTIFY_EMAIL_TEMPLATE_ID, or "
    "EMAIL_BACKEND for SMTP), so no emails can be sent to residents.",
}


def missing_providers() -> list[str]:
    """What cannot be sent, in a few words each ("Emails", "Text messages"), for the feedback page."""
    names = {Channel.EMAIL: "Emails", Channel.SMS: "Text messages"}
    return [names[channel] for channel in (Channel.EMAIL, Channel.SMS) if not provider_for(channel)]


@dataclass(frozen=True)
class Outcome:
    """What one try did: `retry_after` when it is worth trying again later."""

    status: str
    retry_after: timedelta | None = None
    check_after: timedelta | None = None


def message_text(delivery: FeedbackDelivery, link: str) -> tuple[str, str]:
    """(subject, body) for this resident: the team's message and their own "did we listen?" link."""
    item = delivery.feedback
    if delivery.channel == Channel.SMS:
        return item.title, f"{item.title}. {item.message} Did we listen? {link}"
    return item.title, f"{item.message}\n\nDid we listen? Tell us in two questions: {link}\n"


def send(delivery: FeedbackDelivery, link: str, now: datetime) -> Outcome:
    """Try once to hand the message to the provider, and record what happened on `delivery`."""
    if delivery.status != DeliveryStatus.QUEUED:
        return Outcome(delivery.status)
    provider = provider_for(delivery.channel)
    delivery.attempts += 1
    delivery.provider = provider
    outcome: Outcome
    if not provider or not delivery.participant.has_contact:
        delivery.problem = (
            MISSING.get(delivery.channel, "")
            if not provider
            else "The resident's contact details were removed."
        )
        outcome = _finish(delivery, DeliveryStatus.FAILED, now)
    else:
        subject, body = message_text(delivery, link)
        outcome = _send_via(provider, delivery, subject, body, now)
    delivery.save()
    log.info(
        "feedback delivery tried",
        extra={"event": "feedback.delivery", "delivery_id": delivery.pk, "status": delivery.status},
    )
    return outcome


def _finish(delivery: FeedbackDelivery, status: str, now: datetime) -> Outcome:
    delivery.status = status
    delivery.finished_at = now
    return Outcome(status)


def _send_via(provider: str, delivery: FeedbackDelivery, subject: str, body: str, now: datetime) -> Outcome:
    contact = delivery.participant.contact
    reference = f"chorus-feedback-{delivery.feedback_id}-{delivery.pk}"
    try:
        if provider == "notify":
            client = notify_client()
            if delivery.channel == Channel.SMS:
                accepted = client.send_sms(
                    contact, settings.NOTIFY_SMS_TEMPLATE_ID, {"subject": subject, "body": body}, reference
                )
            else:
                accepted = client.send_email(
                    contact, settings.NOTIFY_EMAIL_TEMPLATE_ID, {"subject": subject, "body": body}, reference
                )
            delivery.notification_id = accepted.notification_id
        else:
            if EmailMessage(subject=subject, body=body, to=[contact]).send() != 1:
                raise notify.NotifyUnavailable("The mail server did not accept the email.")
    except notify.NotifyError as error:
        delivery.problem = str(error)
        return _finish(delivery, DeliveryStatus.FAILED, now)
    except (notify.NotifyUnavailable, OSError) as error:
        delivery.problem = (
            str(error)[:300] if isinstance(error, notify.NotifyUnavailable) else type(error).__name__
        )
        if delivery.attempts >= MAX_ATTEMPTS:
            return _finish(delivery, DeliveryStatus.FAILED, now)
        return Outcome(DeliveryStatus.QUEUED, retry_after=retry_delay(delivery.attempts))
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.problem = ""
    if provider == "notify":
        return Outcome(DeliveryStatus.SENT, check_after=status_check_delay(0))
    return Outcome(DeliveryStatus.SENT)


def check(delivery: FeedbackDelivery, now: datetime) -> Outcome:
    """Ask Notify what happened to a message it accepted: delivered, failed, or still on its way."""
    if (
        delivery.status != DeliveryStatus.SENT
        or delivery.provider != "notify"
        or not delivery.notification_id
    ):
        return Outcome(delivery.status)
    if not getattr(settings, "NOTIFY_API_KEY", ""):
        return Outcome(delivery.status)
    delivery.status_checks += 1
    try:
        status = notify_client().status(delivery.notification_id)
    except (notify.NotifyError, notify.NotifyUnavailable) as error:
        status, delivery.problem = "", str(error)[:300]
    if status in notify.DELIVERED:
        outcome = _finish(delivery, DeliveryStatus.DELIVERED, now)
    elif status in notify.FAILED:
        delivery.problem = f"Notify: {status}"
        outcome = _finish(delivery, DeliveryStatus.FAILED, now)
    elif delivery.status_checks >= MAX_STATUS_CHECKS:
        outcome = Outcome(DeliveryStatus.SENT)  # accepted, but Notify never said more: it stays "sent"
    else:
        outcome = Outcome(DeliveryStatus.SENT, check_after=status_check_delay(delivery.status_checks))
    delivery.save()
    return outcome
