"""Conversations sent from a phone's outbox (JSON): stored once, refused with a reason a phone can act on,
and the files that make the form an installable web app that opens with no signal."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from chorus.apps.accounts.models import Membership, Role
from chorus.apps.engagement.models import Contribution

from support.world import PASSWORD, ward


def conversation(world, **overrides) -> dict:
    data = {
        "submission_key": uuid.uuid4().hex,
        "programme": str(world.programme.pk),
        "date": "2026-11-20",
        "language": "en",
        "text": "The bus to the hospital only runs twice a day",
        "ward": str(ward("Kursaal").pk),
        "consent_analysis": "yes",
        "consent_quote": "no",
        "consent_open_data": "no",
        "consent_recontact": "no",
    }
    data.update(overrides)
    return data


@pytest.fixture
def phone(world) -> Client:
    """A connector's phone: CSRF checks on, as in the browser, so the token has to be fetched first."""
    client = Client(enforce_csrf_checks=True)
    client.login(username=world.connector.username, password=PASSWORD)
    return client


def send(client: Client, data: dict, url: str | None = None):
    token = client.get(reverse("record-token")).json()["csrfToken"]
    return client.post(
        url or reverse("record-send"),
        json.dumps(data),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.django_db
def test_a_conversation_sent_twice_is_stored_once(phone, world):
    data = conversation(world)
    first, again = send(phone, data), send(phone, data)
    assert (first.status_code, first.json()["status"]) == (201, "saved")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert first.json()["contribution"] == again.json()["contribution"]
    stored = Contribution.objects.get(submission_key=data["submission_key"])
    assert (stored.recorded_by, stored.ward.name, stored.language) == (world.connector, "Kursaal", "en")


@pytest.mark.django_db
def test_a_post_without_a_fresh_token_is_refused_and_nothing_is_stored(phone, world):
    data = conversation(world)
    response = phone.post(reverse("record-send"), json.dumps(data), content_type="application/json")
    assert response.status_code == 403
    assert not Contribution.objects.filter(submission_key=data["submission_key"]).exists()


@pytest.mark.django_db
def test_a_programme_the_connector_has_left_is_refused_with_its_field_and_code(phone, world):
    left = Membership.objects.create(
        user=world.connector, role=Role.CONNECTOR, programme=world.other_programme
    )
    data = conversation(world, programme=str(world.other_programme.pk))
    left.delete()
    response = send(phone, data)
    answer = response.json()
    assert response.status_code == 422
    assert (answer["status"], answer["field"], answer["code"]) == ("refused", "programme", "invalid_choice")
    assert "no longer record conversations in this programme" in answer["message"]
    assert not Contribution.objects.filter(submission_key=data["submission_key"]).exists()


@pytest.mark.django_db
def test_refusals_name_the_missing_consent_and_the_empty_text(phone, world):
    no_consent = send(phone, conversation(world, consent_analysis="no")).json()
    assert (no_consent["field"], no_consent["status"]) == ("consent_analysis", "refused")
    no_words = send(phone, conversation(world, text="  ")).json()
    assert (no_words["field"], no_words["code"]) == ("text", "required")


@pytest.mark.django_db
def test_a_signed_out_phone_is_told_to_sign_in_and_keeps_what_it_has(world):
    response = Client().post(reverse("record-send"), "{}", content_type="application/json")
    assert (response.status_code, response.json()["status"]) == (401, "signed-out")
    assert Client().get(reverse("record-token")).status_code == 401


@pytest.mark.django_db
def test_a_body_that_is_not_a_json_object_of_texts_is_refused(phone, world):
    for body in ("not json", "[1, 2]", '{"text": 3}'):
        token = phone.get(reverse("record-token")).json()["csrfToken"]
        response = phone.post(
            reverse("record-send"), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
        )
        assert (response.status_code, response.json()["code"]) == (400, "bad_request"), body


@pytest.mark.django_db
def test_the_language_is_detected_when_the_connector_is_not_sure(phone, world):
    data = conversation(world, language="", text="Nie mogę dostać się do lekarza rodzinnego od tygodni")
    send(phone, data)
    assert Contribution.objects.get(submission_key=data["submission_key"]).language == "pl"


def test_the_service_worker_is_served_as_javascript_allowed_the_whole_site(client):
    response = client.get(reverse("record-service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert '"/static/engagement/offline.mjs"' in body and '"/static/chorus/chorus.css"' in body
    assert 'const OFFLINE_URL = "/offline/";' in body and 'const RECORD_URL = "/record/";' in body


def test_the_manifest_makes_the_form_installable(client):
    response = client.get(reverse("record-manifest"))
    manifest = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/record/",
        "/record/",
        "standalone",
    )
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


@pytest.mark.django_db
def test_the_form_page_links_the_manifest_and_loads_no_inline_script(phone, world):
    page = phone.get(reverse("record")).content.decode()
    assert f'<link rel="manifest" href="{reverse("record-manifest")}">' in page
    assert 'data-worker-url="/record/service-worker.js" data-worker-scope="/"' in page
    assert "<script>" not in page and '<script type="module">' not in page


@pytest.mark.django_db
def test_the_offline_page_is_the_same_for_everyone_and_names_no_one(phone, world):
    signed_in = phone.get(reverse("offline"))
    signed_out = Client().get(reverse("offline"))
    assert signed_in.status_code == signed_out.status_code == 200
    assert signed_in.content == signed_out.content
    page = signed_in.content.decode()
    assert "No internet connection" in page and f'href="{reverse("record")}"' in page
    assert world.connector.username not in page and "Sign out" not in page
    assert "csrfmiddlewaretoken" not in page
    assert "<script>" not in page and "register-worker.js" not in page


@pytest.mark.django_db
def test_only_people_who_record_conversations_get_the_offline_worker(world):
    def pages_register_worker(user) -> bool:
        client = Client()
        client.force_login(user)
        response = client.get(reverse("home"), follow=True)
        assert response.status_code == 200
        return "register-worker.js" in response.content.decode()

    assert pages_register_worker(world.connector)
    assert not pages_register_worker(world.decision_maker)
    assert "register-worker.js" not in Client().get(reverse("offline")).content.decode()
