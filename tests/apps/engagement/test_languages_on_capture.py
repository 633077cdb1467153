"""The connector's pages in the language they choose: Arabic laid out right to left; each contribution
records the language the resident spoke."""

import uuid

import pytest
from django.urls import reverse

from chorus.apps.engagement.models import Contribution

from support.world import PASSWORD, ward


@pytest.fixture
def connector_client(client, world):
    client.login(username=world.connector.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_the_connector_chooses_arabic_and_the_form_is_in_arabic_right_to_left(connector_client):
    response = connector_client.post(
        reverse("set-language"), {"language": "ar", "next": reverse("record")}, follow=True
    )
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>تسجيل محادثة</h1>" in page
    assert "حفظ المحادثة" in page
    assert '<option value="ar" selected>' in page  # the resident's language starts as the page's


@pytest.mark.django_db
def test_a_connector_who_chose_arabic_reads_the_header_and_menu_in_arabic_too(connector_client):
    response = connector_client.post(
        reverse("set-language"), {"language": "ar", "next": reverse("record")}, follow=True
    )
    page = response.content.decode()
    header = page[page.index('<header class="nhsuk-header"') : page.index("</header>")]

    for arabic in ("تسجيل محادثة", "التسجيلات", "البرامج", "المساهمات", "التحقق بخطوتين", "المزيد"):
        assert arabic in header
    for english in ("Record a conversation", "Recordings", "Programmes", "Two-step verification", ">More"):
        assert english not in header


@pytest.mark.django_db
def test_english_stays_the_default_left_to_right(connector_client):
    page = connector_client.get(reverse("record")).content.decode()
    assert '<html lang="en-GB" dir="ltr">' in page
    assert "<h1>Record a conversation</h1>" in page


@pytest.mark.django_db
def test_a_refusal_comes_back_in_arabic(connector_client, world):
    connector_client.post(reverse("set-language"), {"language": "ar", "next": "/"})
    response = connector_client.post(reverse("record"), {"submission_key": uuid.uuid4().hex, "text": ""})
    page = response.content.decode()
    assert "هناك مشكلة" in page
    assert "أدخل ما أخبرك به الساكن" in page


@pytest.mark.django_db
def test_each_contribution_records_the_language_chosen(connector_client, world):
    key = uuid.uuid4().hex
    connector_client.post(
        reverse("record"),
        {
            "submission_key": key,
            "programme": world.programme.pk,
            "date": "2026-11-20",
            "language": "ar",
            "text": "My mother cannot read the letters from the hospital",
            "ward": ward("Milton").pk,
            "consent_analysis": "yes",
            "consent_quote": "no",
            "consent_open_data": "no",
            "consent_recontact": "no",
        },
    )
    assert Contribution.objects.get(submission_key=key).language == "ar"
