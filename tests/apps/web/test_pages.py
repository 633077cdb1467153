"""Signing in and out, password reset by email, the programme overview, the contributions list."""

import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.urls import reverse

from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.world import PASSWORD, voice, ward


@pytest.mark.django_db
def test_sign_in_and_out(client, world):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b"Sign in to Chorus" in page.content
    response = client.post(reverse("login"), {"username": "connector", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("contributions")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("contributions")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_says_so_and_keeps_the_username(client, world):
    response = client.post(reverse("login"), {"username": "connector", "password": "nope"})
    assert b"Enter a correct username and password" in response.content
    assert b'value="connector"' in response.content


@pytest.mark.django_db
def test_password_reset_by_email(client, world):
    client.post(reverse("password_reset"), {"email": "connector@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done.status_code == 302
    assert client.login(username="connector", password="a-new-long-passphrase")


@pytest.mark.django_db
def test_programme_overview_counts_by_ward(client, world):
    client.login(username="analyst", password=PASSWORD)
    response = client.get(reverse("programme", args=[world.programme.slug]))
    wards = {w.name: (w.n_activities, w.n_contributions) for w in response.context["by_ward"]}
    assert wards["Milton"] == (2, 2)
    assert wards["Kursaal"] == (1, 1)
    assert response.context["totals"]["contributions"] == 3
    assert len(response.context["latest"]) == 3


@pytest.mark.django_db
def test_programme_overview_says_its_core20_column_is_of_the_wards_population(client, world):
    client.login(username="analyst", password=PASSWORD)
    page = client.get(reverse("programme", args=[world.programme.slug])).content.decode()

    assert "Ward population in Core20 areas" in page
    assert "Living in Core20 areas" not in page  # read beside the contributions, it seemed a share of them


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "GP appointment"}, {"Can't get a GP appointment for weeks"}),
        (
            {"ward": "Milton"},
            {"Can't get a GP appointment for weeks", "Since the bus was cut I hardly go out"},
        ),
        ({"kind": "conversation"}, {"Since the bus was cut I hardly go out"}),
        ({"date_from": "2026-10-02"}, set()),
        (
            {"date_to": "2026-10-01"},
            {
                "The damp in our flat makes my chest bad",
                "Can't get a GP appointment for weeks",
                "Since the bus was cut I hardly go out",
            },
        ),
    ],
)
def test_contribution_filters(client, world, query, expected):
    client.login(username="analyst", password=PASSWORD)
    if "ward" in query:
        query = {"ward": ward(query["ward"]).pk}
    response = client.get(reverse("contributions"), query)
    assert {c.text for c in response.context["page"].object_list} == expected


@pytest.mark.django_db
def test_contribution_list_paginates_and_keeps_filters(client, world, settings):
    settings.CHORUS_PAGE_SIZE = 5
    activity = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.SURVEY, title="Survey", date=date(2026, 9, 1)
    )
    for i in range(12):
        create_contribution(activity, voice(f"Survey answer number {i}"))
    client.login(username="analyst", password=PASSWORD)
    first = client.get(reverse("contributions"), {"q": "Survey"})
    assert first.context["page"].paginator.count == 12
    assert "q=Survey&amp;page=2" in first.content.decode()
    third = client.get(reverse("contributions"), {"q": "Survey", "page": 3})
    assert len(third.context["page"].object_list) == 2


@pytest.mark.django_db
def test_reversed_date_range_is_explained(client, world):
    client.login(username="analyst", password=PASSWORD)
    response = client.get(reverse("contributions"), {"date_from": "2026-10-05", "date_to": "2026-10-01"})
    assert "must be the same as or after" in response.content.decode()


@pytest.mark.django_db
def test_admin_lists_every_chorus_model(client, world):
    client.login(username="admin", password=PASSWORD)
    chorus_models = [m for m in apps.get_models() if m.__module__.startswith("chorus.")]
    assert chorus_models
    for model in chorus_models:
        assert admin.site.is_registered(model), model
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
