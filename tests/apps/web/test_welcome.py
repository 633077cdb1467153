"""A resident who types the site's address finds the public programmes and their public pages, never anyone's
personal data or a private programme; signed-in people still land on their own home."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def welcome() -> str:
    response = Client().get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_visitor_at_root_sees_public_programmes_only(world):
    programme = world.programme
    programme.is_public = True
    programme.summary = "Listening to residents in Southend's most deprived wards."
    programme.contact_email = "private-inbox@example.org"
    programme.save()

    page = welcome()

    assert "What residents told local health and care services, and what changed" in page
    assert programme.name in page
    assert "Listening to residents in Southend&#x27;s most deprived wards." in page
    assert f"Area: {programme.local_authority.name}" in page
    assert f'href="{reverse("publishing:public", args=[programme.slug])}"' in page
    assert f'href="{reverse("accountability:you-said-we-did", args=[programme.slug])}"' in page
    assert f'href="{reverse("login")}"' in page and "Staff and connectors: sign in" in page
    # Only what the public page shows: no private programme, nor a public one's private fields or staff.
    assert world.other_programme.name not in page
    assert reverse("publishing:public", args=[world.other_programme.slug]) not in page
    assert "private-inbox@example.org" not in page
    for user in (world.analyst, world.connector, world.decision_maker):
        assert user.email not in page


def test_private_programme_name_never_appears_at_root(world):
    world.other_programme.name = "Confidential pilot in Shoeburyness"
    world.other_programme.summary = "Not yet announced."
    world.other_programme.save()
    for public in (False, True):
        world.programme.is_public = public
        world.programme.save()
        page = welcome()
        assert "Confidential pilot in Shoeburyness" not in page and "Not yet announced." not in page


def test_welcome_with_no_public_programme_says_so(world):
    page = welcome()

    assert "No programme has shared a public page yet." in page
    assert world.programme.name not in page and world.other_programme.name not in page
    assert f'href="{reverse("login")}"' in page and "Staff and connectors: sign in" in page


def test_signed_in_person_at_root_gets_their_home(world):
    world.programme.is_public = True
    world.programme.save()

    client = Client()
    client.force_login(world.decision_maker)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:story", args=[world.programme.slug])

    client.force_login(world.analyst)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200 and "Your work" in page
    assert "Staff and connectors: sign in" not in page
