"""Each person's home: a board member's board story, a partner's portal, a connector's own conversations
(correctable for a week, then explained), an analyst's work with counts that link to the pages."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability.models import Channel, FeedbackItem, FeedbackKind
from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.corrections import correct_contribution
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution

from support.world import voice

pytestmark = pytest.mark.django_db


def home(user):
    client = Client()
    client.force_login(user)
    return client, client.get(reverse("home"))


def test_board_member_lands_on_the_board_story_and_partner_on_their_portal(world):
    _, response = home(world.decision_maker)
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:story", args=[world.programme.slug])
    _, response = home(world.partner_a_member)
    assert response["Location"] == reverse(
        "delivery:portal", args=[world.programme.slug, world.partner_a.slug]
    )


def test_analyst_home_shows_their_work_with_links(world):
    _, response = home(world.analyst)
    page = response.content.decode()
    assert response.status_code == 200 and "Your work" in page
    assert "contributions to review" in page and "imports waiting or stopped" in page
    assert reverse("publishing:story", args=[world.programme.slug]) in page
    assert reverse("imports:programme", args=[world.programme.slug]) in page


def test_connector_home_lists_only_their_conversations_and_no_analyst_tool(world):
    _, response = home(world.connector)
    page = response.content.decode()
    assert response.status_code == 200 and "Your conversations" in page
    assert "Since the bus was cut" in page and "The damp in our flat" not in page
    assert reverse("correct", args=[world.by_connector.pk]) in page
    for analyst_tool in ("imports:index", "coding:index", "accountability:feedback"):
        assert f'href="{reverse(analyst_tool)}"' not in page


def test_connector_with_more_conversations_than_the_home_shows_is_led_to_the_older_ones(world, monkeypatch):
    from chorus.apps.web import views

    monkeypatch.setattr(views, "CONNECTOR_HOME_ROWS", 1)
    create_contribution(world.by_connector.activity, voice("The lifts are broken again"), by=world.connector)

    _, response = home(world.connector)
    page = response.content.decode()

    assert "These are your 1 most recent" in page
    assert f'href="{reverse("contributions")}"' in page


def test_connector_corrects_own_record_within_the_window_and_is_told_who_to_ask_after(world):
    client, _ = home(world.connector)
    url = reverse("correct", args=[world.by_connector.pk])
    response = client.post(url, {"text": "Since the bus was cut I hardly go out, and I miss church"})
    assert response.status_code == 302
    world.by_connector.refresh_from_db()
    assert world.by_connector.text.endswith("I miss church")
    event = AuditEvent.objects.get(action="engagement.contribution_corrected")
    assert event.actor == world.connector and "church" not in str(event.details)

    with pytest.raises(ActionError, match="Only the person who recorded"):
        correct_contribution(world.by_connector, "Other words", by=world.other_connector)
    other, _ = home(world.other_connector)
    assert other.get(url).status_code == 404

    Contribution.objects.filter(pk=world.by_connector.pk).update(
        recorded_at=timezone.now() - datetime.timedelta(days=8)
    )
    page = client.get(url).content.decode()
    assert "Ask your programme's analyst or lead to change it" in page
    with pytest.raises(ActionError, match="7 days"):
        correct_contribution(Contribution.objects.get(pk=world.by_connector.pk), "Late", by=world.connector)


def test_connector_home_links_the_programme_they_work_in_which_the_menu_does_not_reach(world):
    _, response = home(world.connector)
    page = response.content.decode()

    assert f'href="{world.programme.get_absolute_url()}"' in page
    assert world.programme.name in page


def test_analyst_home_counts_overdue_feedback_apart_from_feedback_due_in_the_next_week(world):
    today = timezone.localdate()
    activity = world.by_connector.activity
    for days in (-3, -1, 0, 7, 8):
        FeedbackItem.objects.create(
            programme=world.programme,
            kind=FeedbackKind.WHAT_WE_HEARD,
            activity=activity,
            channel=Channel.EMAIL,
            title=f"Due in {days} days",
            due_date=today + datetime.timedelta(days=days),
        )
    _, response = home(world.analyst)
    work = response.context["work"][0]

    assert (work["feedback_overdue"], work["feedback_due"]) == (2, 2)
    assert "2 feedback items overdue, 2 more due in the next 7 days" in response.content.decode()


def test_connector_home_lists_conversations_by_the_day_they_talked_latest_first(world):
    earlier = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.CONVERSATION,
        title="Earlier",
        date=world.by_connector.activity.date - datetime.timedelta(days=30),
        recorded_by=world.connector,
    )
    create_contribution(earlier, voice("The lifts are broken again"), by=world.connector)  # saved last
    _, response = home(world.connector)
    shown = [row["contribution"].text for row in response.context["conversations"]]

    assert shown.index("Since the bus was cut I hardly go out") < shown.index("The lifts are broken again")
