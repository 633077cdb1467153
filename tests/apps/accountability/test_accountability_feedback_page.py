"""Feedback owed at scale: grouped by due date and activity, overdue first, filtered, planned and sent in bulk
as background work with a progress page; contact details shown only to those who send feedback."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability.actions.feedback import owe_what_we_heard, record_contact
from chorus.apps.accountability.models import (
    BulkSend,
    Channel,
    DeliveryStatus,
    FeedbackDelivery,
    FeedbackItem,
)
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.world import voice

TODAY = timezone.localdate()


def gathering(world, title: str, days_ago: int, programme=None) -> Activity:
    return Activity.objects.create(
        programme=programme or world.programme,
        kind=ActivityKind.LISTENING_EVENT,
        title=title,
        date=TODAY - timedelta(days=days_ago),
    )


@pytest.fixture
def owed(world):
    """Three items: long overdue by text, overdue by newsletter, and one not yet due by email."""
    long_ago = owe_what_we_heard(
        by=world.analyst, activity=gathering(world, "Old hall", 60), channel=Channel.SMS
    )
    recent = owe_what_we_heard(
        by=world.analyst, activity=gathering(world, "Library", 20), channel=Channel.NEWSLETTER
    )
    upcoming = owe_what_we_heard(
        by=world.analyst, activity=gathering(world, "Pier", 0), channel=Channel.EMAIL
    )
    return long_ago, recent, upcoming


def page(client, **query):
    response = client.get(reverse("accountability:feedback"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_overdue_comes_first_grouped_by_due_date_and_activity(client, world, owed):
    long_ago, recent, upcoming = owed
    client.force_login(world.analyst)
    html = page(client)
    assert html.index("Old hall") < html.index("Library") < html.index("Pier")
    assert f"Due {long_ago.due_date:%a} {long_ago.due_date.day} {long_ago.due_date:%b %Y}" in html
    assert html.count('name="items"') == 3


def test_filters_by_channel_status_and_activity(client, world, owed):
    client.force_login(world.analyst)
    only_texts = page(client, channel=Channel.SMS)
    assert "What we heard: Old hall" in only_texts and "What we heard: Library" not in only_texts
    overdue = page(client, status="overdue")
    assert "What we heard: Library" in overdue and "What we heard: Pier" not in overdue
    by_name = page(client, activity="pier")
    assert "What we heard: Pier" in by_name and "What we heard: Old hall" not in by_name
    assert "No feedback matches these filters" in page(client, activity="nowhere at all")


def test_activities_with_nothing_planned_are_planned_together(client, world):
    halls = [gathering(world, f"Hall {n}", 30 + n) for n in range(3)]
    client.force_login(world.analyst)
    html = page(client)
    assert (
        html.count('name="activities"') >= 3 and html.count("<select") <= 3
    )  # one channel choice, not one each
    response = client.post(
        reverse("accountability:feedback-plan-many"),
        {"activities": [halls[0].pk, halls[1].pk], "channel": Channel.NEWSLETTER},
    )
    assert response.status_code == 302
    assert set(FeedbackItem.objects.filter(activity__in=halls).values_list("activity__title", flat=True)) == {
        "Hall 0",
        "Hall 1",
    }


def test_a_bulk_send_runs_in_the_background_and_shows_its_progress(
    client, world, owed, notify, django_capture_on_commit_callbacks
):
    long_ago, recent, upcoming = owed
    resident = create_contribution(long_ago.activity, voice("Buses.")).contribution
    record_contact(by=world.analyst, contribution=resident, contact="07400 123456")
    client.force_login(world.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accountability:feedback-send-many"),
            {"items": [long_ago.pk, recent.pk], "message": "Here is what we heard."},
        )
    bulk = BulkSend.objects.get()
    assert response.status_code == 302 and response["Location"] == bulk.get_absolute_url()
    bulk.refresh_from_db()
    assert (bulk.status, bulk.done, bulk.total, bulk.refused) == ("finished", 2, 2, [])
    long_ago.refresh_from_db()
    upcoming.refresh_from_db()
    assert long_ago.sent_on == TODAY and long_ago.message == "Here is what we heard."
    assert upcoming.sent_on is None  # not selected
    assert FeedbackDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert [s.to for s in notify.sent] == ["+447400123456"]

    progress = re.sub(r"<[^>]+>", "", client.get(bulk.get_absolute_url()).content.decode())
    assert "2 of 2 feedback items done (100%)" in progress and "1 delivered" in progress
    assert client.get(bulk.get_absolute_url(), {"format": "json"}).json() == {
        "done": 2,
        "total": 2,
        "percent": 100,
        "status": "Finished",
        "finished": True,
    }
    client.force_login(world.other_analyst)
    assert client.get(bulk.get_absolute_url()).status_code == 404  # someone else's


def test_a_bulk_send_needs_a_message_for_feedback_without_one(client, world, owed):
    client.force_login(world.analyst)
    response = client.post(reverse("accountability:feedback-send-many"), {"items": [owed[0].pk]}, follow=True)
    assert "some of the feedback you selected has no message yet" in response.content.decode()
    assert not BulkSend.objects.exists()


def test_all_matching_the_filters_are_sent_together(
    client, world, owed, notify, django_capture_on_commit_callbacks
):
    client.force_login(world.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accountability:feedback-send-many"),
            {"all_matching": "yes", "status": "overdue", "message": "What we heard."},
        )
    assert set(FeedbackItem.objects.exclude(sent_on=None).values_list("pk", flat=True)) == {
        owed[0].pk,
        owed[1].pk,
    }


@pytest.mark.parametrize("username", ["partner-a", "connector", "decision-maker"])
def test_only_those_who_send_feedback_send_or_plan_it(client, world, owed, username):
    client.force_login(next(u for u in world.users if u.username == username))
    assert 'name="items"' not in page(client)
    assert (
        client.post(
            reverse("accountability:feedback-send-many"), {"items": [owed[0].pk], "message": "m"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("accountability:feedback-plan-many"), {"activities": [], "channel": "event"}
        ).status_code
        == 403
    )
    assert not BulkSend.objects.exists()


def test_an_analyst_cannot_bulk_send_another_programmes_feedback(client, world, owed):
    client.force_login(world.other_analyst)
    response = client.post(
        reverse("accountability:feedback-send-many"), {"items": [owed[0].pk], "message": "m"}, follow=True
    )
    assert "Select the feedback to send" in response.content.decode()
    assert not BulkSend.objects.exists()


def test_contact_details_are_shown_only_to_those_who_send_feedback(client, world, owed):
    long_ago = owed[0]
    resident = create_contribution(long_ago.activity, voice("Buses.")).contribution
    record_contact(by=world.analyst, contribution=resident, contact="07400 123456")
    client.force_login(world.analyst)
    assert "+447400123456" in client.get(long_ago.get_absolute_url()).content.decode()
    for username in ("partner-a", "connector", "decision-maker"):
        client.force_login(next(u for u in world.users if u.username == username))
        html = client.get(long_ago.get_absolute_url()).content.decode()
        assert "123456" not in html, username
