"""Real messages to residents through a local GOV.UK Notify (support/notify_server.py): sent only when Notify
accepted it, delivered or failed from Notify's status, retried when it times out, and never pretended."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from chorus.apps.accountability import checks, messaging
from chorus.apps.accountability.actions.feedback import owe_what_we_heard, record_contact, send_feedback
from chorus.apps.accountability.models import Channel, DeliveryStatus, FeedbackDelivery
from chorus.apps.accountability.tasks import send_delivery
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.privacy.contact import parse_contact

from support.notify_server import EMAIL_TEMPLATE, SMS_TEMPLATE
from support.world import voice

MOBILE = "07400 123456"


@pytest.fixture
def event(world):
    return Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.LISTENING_EVENT,
        title="Listening event at the Kursaal",
        date=date(2026, 11, 11),
    )


def send(world, item, django_capture_on_commit_callbacks, message="We heard you."):
    with django_capture_on_commit_callbacks(execute=True):
        return send_feedback(
            by=world.analyst,
            item=item,
            message=message,
            now=timezone.now(),
            base_url="https://chorus.example",
        )


def texted_resident(world, event) -> None:
    contribution = create_contribution(event, voice("The bus stopped coming.")).contribution
    record_contact(by=world.analyst, contribution=contribution, contact=MOBILE)


def test_a_text_notify_accepts_is_sent_and_then_delivered(
    world, event, notify, django_capture_on_commit_callbacks
):
    texted_resident(world, event)
    item = owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.SMS)
    assert send(world, item, django_capture_on_commit_callbacks).queued == 1

    [sent] = notify.sent
    assert (sent.kind, sent.to, sent.template_id) == ("sms", "+447400123456", SMS_TEMPLATE)
    assert "We heard you." in sent.personalisation["body"]
    assert "https://chorus.example/h/" in sent.personalisation["body"]
    assert notify.refused_tokens == 0  # every request carried a JWT Notify accepts
    delivery = FeedbackDelivery.objects.get()
    assert delivery.notification_id == sent.id and delivery.provider == "notify"
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.sent_at and delivery.finished_at
    assert notify.status_reads == 1


def test_a_text_notify_reports_as_failed_is_failed_and_nobody_is_reached(
    world, event, notify, django_capture_on_commit_callbacks
):
    notify.final_status = "permanent-failure"
    texted_resident(world, event)
    item = owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.SMS)
    send(world, item, django_capture_on_commit_callbacks)
    delivery = FeedbackDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and not delivery.reached
    assert delivery.problem == "Notify: permanent-failure"

    # Sending again tries the failed one again, and it gets through this time.
    notify.final_status = "delivered"
    assert send(world, item, django_capture_on_commit_callbacks).queued == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(notify.sent) == 2


def test_a_message_notify_refuses_fails_at_once_with_notifys_reason(
    world, event, notify, django_capture_on_commit_callbacks
):
    notify.script = ["reject"]
    texted_resident(world, event)
    send(
        world,
        owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.SMS),
        django_capture_on_commit_callbacks,
    )
    delivery = FeedbackDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert delivery.problem == "ValidationError: phone_number Not a UK mobile number"
    assert "447400" not in delivery.problem and notify.sent == []


def test_a_timeout_is_tried_again_and_gives_up_after_the_last_try(
    world, event, notify, django_capture_on_commit_callbacks
):
    notify.script = ["slow", "busy", "accept"]
    texted_resident(world, event)
    send(
        world,
        owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.SMS),
        django_capture_on_commit_callbacks,
    )
    delivery = FeedbackDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3

    other = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.WORKSHOP, title="Workshop", date=date(2026, 11, 12)
    )
    texted_resident(world, other)
    notify.script = ["slow"] * messaging.MAX_ATTEMPTS
    send(
        world,
        owe_what_we_heard(by=world.analyst, activity=other, channel=Channel.SMS),
        django_capture_on_commit_callbacks,
    )
    delivery = FeedbackDelivery.objects.get(feedback__activity=other)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == messaging.MAX_ATTEMPTS
    assert delivery.problem == "Notify did not answer in time." and delivery.sent_at is None
    assert not delivery.reached


def test_a_timeout_leaves_the_resident_unreached_and_a_later_try_queued_in_the_background(
    world, event, notify, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    texted_resident(world, event)
    item = owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.SMS)
    send(world, item, django_capture_on_commit_callbacks)
    delivery = FeedbackDelivery.objects.get()
    [queued] = default_task_backend.results
    assert queued.task.name == "send_delivery" and delivery.status == DeliveryStatus.QUEUED

    notify.script = ["slow"]
    started = timezone.now()
    assert send_delivery.call(delivery.pk, "https://chorus.example") == DeliveryStatus.QUEUED
    delivery.refresh_from_db()
    assert not delivery.reached and delivery.sent_at is None and delivery.attempts == 1
    assert delivery.problem == "Notify did not answer in time."
    retry = default_task_backend.results[-1]
    assert retry.task.name == "send_delivery" and retry.args == [delivery.pk, "https://chorus.example"]
    assert retry.task.run_after >= started + messaging.retry_delay(1)

    # The retry, run by the worker later, gets through; the status read is queued in turn.
    assert send_delivery.call(*retry.args) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    assert delivery.reached and delivery.attempts == 2 and delivery.notification_id
    assert default_task_backend.results[-1].task.name == "check_delivery"


def test_retries_wait_longer_each_time():
    assert [messaging.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_with_no_provider_nothing_is_sent_and_chorus_says_so(
    world, event, client, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_API_KEY = ""
    texted_resident(world, event)
    item = owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.SMS)
    with pytest.raises(ActionError, match="No text message service is set up"):
        send(world, item, django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.sent_on is None and not FeedbackDelivery.objects.exists()

    client.force_login(world.analyst)
    assert "Text messages cannot be sent" in client.get("/feedback/").content.decode()
    item_page = client.get(item.get_absolute_url()).content.decode()
    assert "This cannot be sent yet" in item_page and "Nobody is counted as reached" in item_page
    page = client.post(item.get_absolute_url(), {"message": "We heard you."})
    assert page.status_code == 400 and "Nothing was sent" in page.content.decode()
    assert [w.id for w in checks.check_message_providers(None)] == ["chorus.W_MESSAGES_SMS"]  # email: locmem
    said = io.StringIO()
    call_command("check", deploy=True, fail_level="CRITICAL", stdout=said, stderr=said)
    assert "chorus.W_MESSAGES_SMS" in said.getvalue() and "No text message service" in said.getvalue()


def test_the_deploy_check_is_quiet_when_notify_is_set_up(notify):
    assert checks.check_message_providers(None) == []


def test_email_goes_by_djangos_mail_when_notify_has_no_email_template(
    world, event, notify, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_EMAIL_TEMPLATE_ID = ""
    contribution = create_contribution(event, voice("Damp.")).contribution
    record_contact(by=world.analyst, contribution=contribution, contact="Resident@Example.net")
    send(
        world,
        owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.EMAIL),
        django_capture_on_commit_callbacks,
    )
    [email] = mail.outbox
    assert email.to == ["resident@example.net"] and "/h/" in email.body
    delivery = FeedbackDelivery.objects.get()
    assert (delivery.provider, delivery.status) == ("email", DeliveryStatus.SENT)  # SMTP: no receipts
    assert notify.sent == []


def test_a_resident_who_spoke_twice_is_messaged_once(
    world, event, notify, django_capture_on_commit_callbacks
):
    address = parse_contact("twice@example.net")
    first = create_contribution(event, voice("Buses.", hear_back=address), by=world.connector).contribution
    second = create_contribution(
        event, voice("And the GP.", hear_back=address), by=world.connector
    ).contribution
    assert first.participant_id and first.participant_id == second.participant_id
    someone_else = create_contribution(event, voice("Parks.")).contribution
    record_contact(by=world.analyst, contribution=someone_else, contact="other@example.net")

    item = owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.EMAIL)
    assert send(world, item, django_capture_on_commit_callbacks).queued == 2
    assert sorted(s.to for s in notify.sent) == ["other@example.net", "twice@example.net"]
    assert {s.template_id for s in notify.sent} == {EMAIL_TEMPLATE}
    # Sending again reaches nobody twice.
    assert send(world, item, django_capture_on_commit_callbacks, "Again").queued == 0
    assert len(notify.sent) == 2
