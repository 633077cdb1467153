"""Partners record what residents said at their own activities: several conversations at one activity,
with the same form and consents as a connector's."""

import uuid

import pytest
from django.urls import reverse

from chorus.apps.engagement.models import Activity, Contribution

from support.world import PASSWORD


def said(text: str, **overrides) -> dict:
    data = {
        "submission_key": uuid.uuid4().hex,
        "language": "en",
        "text": text,
        "consent_analysis": "yes",
        "consent_quote": "yes",
        "consent_open_data": "no",
        "consent_recontact": "no",
    }
    data.update(overrides)
    return data


@pytest.fixture
def partner_client(client, world):
    client.login(username=world.partner_a_member.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_a_partner_records_several_conversations_at_one_activity(partner_client, world):
    activity = world.by_partner_a.activity
    activities_before = Activity.objects.count()
    page = partner_client.get(reverse("record-at", args=[activity.pk])).content.decode()
    assert "Record what someone said at Activity" in page
    assert 'name="programme"' not in page and 'name="date"' not in page  # the activity's own
    assert f'<option value="{activity.area_id}" selected>' in page  # where it was held, to change if need be
    first = said("The coffee morning is the only time I talk to anyone all week")
    second = said("I did not know the surgery had a women's health clinic", consent_quote="no")
    for data in (first, second, first):  # the first one sent twice: stored once
        response = partner_client.post(reverse("record-at", args=[activity.pk]), data)
        assert response.status_code == 302
    stored = Contribution.objects.filter(activity=activity).exclude(pk=world.by_partner_a.pk)
    assert sorted(c.submission_key for c in stored) == sorted(
        [first["submission_key"], second["submission_key"]]
    )
    assert all(c.programme == world.programme for c in stored)
    assert all(c.recorded_by == world.partner_a_member for c in stored)
    assert stored.get(submission_key=second["submission_key"]).consent_quote is False
    assert Activity.objects.count() == activities_before  # no new activity per conversation


@pytest.mark.django_db
def test_the_activity_page_offers_the_form_to_the_partner_that_ran_it(partner_client, world):
    activity = world.by_partner_a.activity
    url = reverse("delivery:activity", args=[world.programme.slug, world.partner_a.slug, activity.pk])
    page = partner_client.get(url).content.decode()
    assert f'href="{reverse("record-at", args=[activity.pk])}"' in page
    assert "Record what someone said" in page


@pytest.mark.django_db
def test_a_partner_sends_a_conversation_kept_on_the_phone_to_their_activity(partner_client, world):
    activity = world.by_partner_a.activity
    data = said("The lift has been broken for a month and I cannot get down the stairs")
    response = partner_client.post(
        reverse("record-send-at", args=[activity.pk]), data, content_type="application/json"
    )
    assert (response.status_code, response.json()["status"]) == (201, "saved")
    assert Contribution.objects.get(submission_key=data["submission_key"]).activity == activity


@pytest.mark.django_db
def test_a_consent_missing_keeps_the_form_and_stores_nothing(partner_client, world):
    activity = world.by_partner_a.activity
    data = said("Words without consent", consent_analysis="no")
    response = partner_client.post(reverse("record-at", args=[activity.pk]), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Contribution.objects.filter(submission_key=data["submission_key"]).exists()
