"""Who may upload recordings, follow them and listen to kept audio: each role, the list of recordings, and
the pages themselves."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from chorus.apps.imports.protection import fernet
from chorus.apps.recordings.models import Recording
from chorus.apps.recordings.rules import visible_recordings

from support.permissions import (
    ANALYSTS,
    CONNECTORS,
    OTHER_PROGRAMME,
    PARTNERS,
    allowed,
    assert_list_agrees,
    everyone,
)
from support.world import PASSWORD

pytestmark = pytest.mark.django_db


def recording(programme, by, activity=None, key="k") -> Recording:
    name = default_storage.save("recordings/test.fernet", ContentFile(fernet().encrypt(b"RIFF....WAVE")))
    return Recording.objects.create(
        programme=programme,
        activity=activity,
        date=date(2026, 11, 20),
        recorded_by=by,
        submission_key=key,
        audio=name,
        audio_format="wav",
        consent_recording=True,
    )


@pytest.fixture
def recordings(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return {
        "connector's": recording(world.programme, world.connector, key="a"),
        "partner a's": recording(
            world.programme, world.partner_a_member, world.by_partner_a.activity, key="b"
        ),
        "other programme's": recording(world.other_programme, world.other_analyst, key="c"),
    }


def test_the_people_who_record_conversations_may_upload_recordings(world):
    people = everyone(world)
    assert allowed(people, "recordings.upload", world.programme) == ANALYSTS | PARTNERS | CONNECTORS
    assert allowed(people, "recordings.upload", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "recordings.list") == ANALYSTS | PARTNERS | CONNECTORS | {"other-analyst"}


def test_a_recording_is_seen_by_analysts_its_uploader_and_its_activitys_partner(world, recordings):
    people = everyone(world)
    assert allowed(people, "recordings.view_recording", recordings["connector's"]) == ANALYSTS | {"connector"}
    assert allowed(people, "recordings.view_recording", recordings["partner a's"]) == ANALYSTS | {"partner-a"}
    assert allowed(people, "recordings.view_recording", recordings["other programme's"]) == OTHER_PROGRAMME


def test_only_analysts_and_administrators_listen_to_kept_audio(world, recordings):
    people = everyone(world)
    assert allowed(people, "recordings.listen", recordings["connector's"]) == ANALYSTS
    assert allowed(people, "recordings.listen", recordings["partner a's"]) == ANALYSTS
    assert allowed(people, "recordings.listen", recordings["other programme's"]) == OTHER_PROGRAMME


def test_the_list_of_recordings_agrees_with_who_may_see_each(world, recordings):
    assert_list_agrees(everyone(world), "recordings.view_recording", recordings.values(), visible_recordings)


@pytest.mark.parametrize(
    ("username", "upload", "page", "audio"),
    [
        ("connector", 200, 200, 403),
        ("other-connector", 200, 404, 404),
        ("partner-b", 200, 404, 404),
        ("decision-maker", 403, 404, 404),
        ("analyst", 200, 200, 200),
        ("other-analyst", 200, 404, 404),
    ],
)
def test_the_pages_answer_each_role(client, world, recordings, username, upload, page, audio):
    client.login(username=username, password=PASSWORD)
    pk = recordings["connector's"].pk

    assert client.get(reverse("recordings:upload")).status_code == upload
    assert client.get(reverse("recordings:recording", args=[pk])).status_code == page
    assert client.get(reverse("recordings:progress", args=[pk])).status_code == page
    assert client.get(reverse("recordings:audio", args=[pk])).status_code == audio


def test_signed_out_people_are_sent_to_sign_in(client, recordings):
    pk = recordings["connector's"].pk
    for url in ("/recordings/", "/recordings/upload/", f"/recordings/{pk}/", f"/recordings/{pk}/audio/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response.url


def test_a_decision_maker_has_no_list_of_recordings(client, world):
    client.login(username="decision-maker", password=PASSWORD)
    assert client.get("/recordings/").status_code == 403
