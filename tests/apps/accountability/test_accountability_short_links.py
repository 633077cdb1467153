"""Short "have your say" links: a code that fits a leaflet, a text message and a QR code, typed however a
resident types it, expiring like the signed links, and printed for staff with a QR code."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability import tokens
from chorus.apps.accountability.actions.feedback import (
    assessment_link,
    owe_what_we_heard,
    record_contact,
    send_feedback,
)
from chorus.apps.accountability.models import Assessment, AssessmentSource, Channel, ShortLink

from support.world import PASSWORD

NOW = timezone.make_aware(datetime(2026, 11, 24, 9, 0))


@pytest.fixture
def sent(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    world.programme.is_public = True
    world.programme.save()
    contribution = world.by_connector
    contribution.consent_recontact = True
    contribution.save()
    record_contact(by=world.analyst, contribution=contribution, contact="resident@example.org")
    item = owe_what_we_heard(by=world.analyst, activity=contribution.activity, channel=Channel.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        send_feedback(by=world.analyst, item=item, message="Here is what we heard.", now=NOW)
    return item


def sent_to(item):
    return ShortLink.objects.exclude(participant=None).get(feedback=item).participant


def test_residents_own_links_are_short_and_answer_as_that_resident(sent):
    body = mail.outbox[-1].body
    link = body.split("Did we listen? Tell us in two questions: ")[1].strip()
    path = urlsplit(link).path
    code = path.removeprefix("/h/")
    assert path.startswith("/h/") and len(code) == tokens.OWN_CODE_LENGTH
    assert set(code) <= set(tokens.CODE_ALPHABET)
    assert len(link) <= 40  # fits a text message beside the words
    client = Client()
    assert "Did we listen?" in client.get(path).content.decode()
    response = client.post(path, {"listened": "yes", "difference": "1", "comment": ""})
    assert response.status_code == 302
    answer = Assessment.objects.get(feedback=sent)
    assert answer.source == AssessmentSource.LINK and answer.contribution.participant == sent_to(sent)


def test_the_open_code_is_five_unambiguous_characters_typed_however_a_resident_types_it(sent):
    link = assessment_link(sent, None, "https://chorus.example")
    code = urlsplit(link).path.removeprefix("/h/")
    assert len(code) == tokens.OPEN_CODE_LENGTH and not set(code) & set("01ILOUV")
    assert assessment_link(sent, None, "https://chorus.example") == link  # the same link every time
    typed = " ".join(code.lower())  # "k 7 p 2 q"
    response = Client().get(reverse("accountability:short-code"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/h/{code}"
    assert Client().get(f"/h/{code}").status_code == 200


def test_a_wrong_or_old_code_says_how_long_links_last(sent, settings):
    settings.CHORUS_ASSESSMENT_LINK_DAYS = 30
    response = Client().get("/h/ZZZZZ")
    page = response.content.decode()
    assert response.status_code == 404 and "works for 30 days after we send it" in page
    link = ShortLink.objects.get(pk=ShortLink.objects.create(code="K7P2Q", feedback=sent).pk)
    ShortLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(days=31))
    response = Client().get("/h/K7P2Q")
    assert response.status_code == 404 and "This link has expired." in response.content.decode()
    response = Client().get(reverse("accountability:short-code"), {"code": "K0O1"})
    assert response.status_code == 404 and "never 0, 1, I, L, O, U or V" in response.content.decode()


def test_staff_print_the_open_link_with_a_qr_code(sent, world):
    url = reverse("accountability:feedback-leaflet", args=[sent.pk])
    client = Client()
    assert client.get(url).status_code == 302  # sign in first
    client.login(username="connector", password=PASSWORD)
    page = client.get(url).content.decode()
    code = ShortLink.objects.get(feedback=sent, participant=None).code
    assert code in page and f"/h/{code}" in page and "<svg" in page and "QR code for" in page
    download = client.get(url + "?download=svg")
    assert download["Content-Type"] == "image/svg+xml" and download.content.startswith(b"<?xml")
    client.force_login(world.other_analyst)
    assert client.get(url).status_code == 404


def test_short_codes_read_back_as_they_were_made():
    assert tokens.clean_code(" k7p-2q ") == "K7P2Q"
    assert tokens.clean_code("K7P2") == ""  # too short
    assert tokens.clean_code("K7P2O") == ""  # O is never used
    assert tokens.formatted_code("K7P2QX9M") == "K7P2 QX9M"
    codes = {tokens.new_code(tokens.OPEN_CODE_LENGTH) for _ in range(200)}
    assert len(codes) > 190 and all(tokens.clean_code(code) == code for code in codes)
