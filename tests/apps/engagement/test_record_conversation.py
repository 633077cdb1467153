"""The connector's phone form: double submit stores one entry; errors keep everything typed."""

import uuid

import pytest
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.models import Activity, Contribution

from support.world import PASSWORD, ward


def filled_form(world, **overrides):
    data = {
        "submission_key": uuid.uuid4().hex,
        "programme": world.programme.pk,
        "date": "2026-11-20",
        "text": "My son's asthma is worse since we moved into the flat with the mould",
        "ward": ward("Victoria").pk,
        "postcode_district": "ss2",
        "age_band": "35-44",
        "sex": "female",
        "ethnicity": "white-british",
        "carer": "yes",
        "consent_analysis": "yes",
        "consent_quote": "yes",
        "consent_open_data": "no",
        "consent_recontact": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def connector_client(client, world):
    client.login(username=world.connector.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_connector_records_a_conversation(connector_client, world):
    before = Contribution.objects.count()
    response = connector_client.post(reverse("record"), filled_form(world))
    assert response.status_code == 302
    assert Contribution.objects.count() == before + 1
    stored = Contribution.objects.latest("id")
    assert stored.recorded_by == world.connector
    assert stored.ward.name == "Victoria"
    assert stored.postcode_district == "SS2"
    assert (stored.consent_quote, stored.consent_open_data, stored.consent_recontact) == (True, False, True)
    assert stored.activity.kind == "conversation"
    assert AuditEvent.objects.filter(action="contribution.recorded", object_id=str(stored.pk)).exists()


@pytest.mark.django_db
def test_double_submit_stores_one_contribution(connector_client, world):
    form = filled_form(world)
    first = connector_client.post(reverse("record"), form)
    second = connector_client.post(reverse("record"), form, follow=True)
    assert first.status_code == 302
    assert Contribution.objects.filter(submission_key=form["submission_key"]).count() == 1
    assert Activity.objects.filter(contributions__submission_key=form["submission_key"]).count() == 1
    assert (
        Activity.objects.filter(kind="conversation", recorded_by=world.connector).count() == 2
    )  # fixture + this
    assert "already saved" in second.content.decode()


@pytest.mark.django_db
def test_missing_consent_answer_is_a_clear_error_and_nothing_typed_is_lost(connector_client, world):
    form = filled_form(world, consent_open_data=None)
    response = connector_client.post(reverse("record"), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select yes or no: do they agree to anonymous open data?" in page
    assert form["text"].replace("'", "&#x27;") in page
    assert form["submission_key"] in page
    assert 'value="35-44" selected' in page
    assert 'value="female" checked' in page
    assert Contribution.objects.filter(submission_key=form["submission_key"]).count() == 0


@pytest.mark.django_db
def test_resident_who_declines_analysis_is_not_recorded(connector_client, world):
    response = connector_client.post(reverse("record"), filled_form(world, consent_analysis="no"))
    assert response.status_code == 400
    assert "only keep what a resident said if they agree" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "  ", "Enter what the resident told you"),
        ("postcode_district", "SS2 6AB", "first part of the postcode only"),
        ("date", "2099-01-01", "today or in the past"),
        ("date", "31/02/2026", "Enter the date you talked"),
    ],
)
def test_bad_answers_get_clear_messages(connector_client, world, field, value, message):
    response = connector_client.post(reverse("record"), filled_form(world, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_decision_maker_cannot_record(client, world):
    client.login(username=world.decision_maker.username, password=PASSWORD)
    assert client.get(reverse("record")).status_code == 403


@pytest.mark.django_db
def test_form_offers_a_fresh_submission_key_each_time(connector_client):
    first = connector_client.get(reverse("record")).context["form"].initial["submission_key"]
    second = connector_client.get(reverse("record")).context["form"].initial["submission_key"]
    assert first != second


@pytest.mark.django_db
def test_personal_data_is_redacted_before_it_is_stored(connector_client, world):
    said = "Ring my daughter Priya Sharma on 07700 900123, we live at 14 Elm Road, the GP in Milton is great"
    connector_client.post(reverse("record"), filled_form(world, text=said))
    stored = Contribution.objects.latest("id").text
    assert "07700" not in stored and "Priya" not in stored and "14 Elm Road" not in stored
    assert "[PHONE]" in stored
    assert "GP" in stored and "Milton" in stored
