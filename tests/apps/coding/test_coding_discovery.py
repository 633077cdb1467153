"""Themes from the data in the app: a discovery run proposes themes from a programme's contributions; the
analyst edits, merges and promotes them, then codes every contribution against the codebook."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.coding.actions.discovery import (
    edit_discovered,
    merge_discovered,
    promote_discovered,
    run_discovery,
    start_discovery,
)
from chorus.apps.coding.models import DiscoveredTheme, RunStatus
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import ContributionInput, create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.world import PASSWORD

pytestmark = pytest.mark.django_db

PHARMACY = [
    "The pharmacy in town closed and now I travel miles for my prescription",
    "Since the pharmacy in town closed my prescription is always late",
    "Pharmacy in town shut down, prescription queues everywhere",
    "No pharmacy in town any more, prescription collection is hard",
    "We lost the pharmacy in town and the prescription service with it",
    "The pharmacy in town closing means prescription delays for my mum",
]
BUSES = [
    "The bus to the hospital only runs once an hour",
    "No bus to the hospital on Sundays so I miss appointments",
    "The bus to the hospital is always late and full",
    "Bus fares to the hospital went up again",
    "I wait ages for the bus to the hospital in the rain",
    "The hospital bus route was cut last year",
]
SETTINGS = {"min_size": 3, "min_support": 0.0, "bootstraps": 2}


@pytest.fixture
def voices(world):
    activity = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.FOCUS_GROUP,
        title="Listening event",
        date=date(2026, 10, 1),
    )
    stored = [
        create_contribution(
            activity,
            ContributionInput(
                text=text,
                consent_quote=index % 2 == 0,
                consent_open_data=False,
                consent_recontact=False,
                already_redacted=True,
            ),
            by=world.analyst,
        ).contribution
        for index, text in enumerate(PHARMACY + BUSES)
    ]
    world.voices = stored
    return world


def discover(world, **settings):
    run = start_discovery(world.programme, by=world.analyst, enqueue=False)
    return run_discovery(run.pk, by=world.analyst, **(SETTINGS | settings))


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_discovery_proposes_named_themes_with_consented_verbatim_quotes(voices):
    run = discover(voices)
    assert run.status == RunStatus.DONE
    groups = list(DiscoveredTheme.objects.filter(run=run).order_by("number"))
    assert len(groups) >= 2
    consented = {c.pk: c.text for c in voices.voices if c.consent_quote}
    for group in groups:
        assert "," not in group.name and group.description
        assert group.quote_ids and set(group.quote_ids) <= set(consented)
        assert set(group.quote_ids) <= set(group.member_ids)
        assert 0 <= group.stability <= 1
    assert run.metrics["contributions"] == voices.programme.contributions.count()
    assert 0 <= run.metrics["unassigned_share"] <= 1


def test_running_discovery_twice_proposes_the_same_themes(voices):
    first = discover(voices)
    before = [(g.name, sorted(g.member_ids), g.stability) for g in first.discovered_themes.order_by("number")]
    second = discover(voices)
    after = [(g.name, sorted(g.member_ids), g.stability) for g in second.discovered_themes.order_by("number")]
    assert before == after
    assert DiscoveredTheme.objects.filter(run=first).count() == 0  # open proposals were replaced


def test_the_analyst_edits_merges_and_promotes_then_codes_everything(
    client, voices, django_capture_on_commit_callbacks
):
    discover(voices)
    first, second = DiscoveredTheme.objects.filter(programme=voices.programme).order_by("number")[:2]
    edit_discovered(first, by=voices.analyst, name="  Closed pharmacies  in town ", description="Pharmacies.")
    first.refresh_from_db()
    assert first.name == "Closed pharmacies in town" and first.edited_by == voices.analyst
    with pytest.raises(ActionError):
        edit_discovered(first, by=voices.analyst, name="  ")
    size = first.size + second.size
    merged = merge_discovered(second, first, by=voices.analyst)
    second.refresh_from_db()
    assert merged.size == size and second.merged_into == first
    with pytest.raises(ActionError):
        promote_discovered(second, by=voices.analyst)
    theme = promote_discovered(first, by=voices.analyst)
    consented = {c.text for c in voices.voices if c.consent_quote}
    assert theme.name == "Closed pharmacies in town" and theme.description == "Pharmacies."
    assert theme.examples and set(theme.examples) <= consented
    signed_in(client, voices.analyst)
    page = client.get(reverse("coding:discovery", args=[voices.programme.slug])).content.decode()
    assert "Closed pharmacies in town" in page and "Code this programme" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("coding:start", args=[voices.programme.slug]))
    assert response.status_code == 302 and len(callbacks) == 1


def test_the_page_shows_quotes_only_from_residents_who_agreed(client, voices):
    discover(voices)
    signed_in(client, voices.analyst)
    page = client.get(reverse("coding:discovery", args=[voices.programme.slug]))
    html = page.content.decode()
    assert page.status_code == 200 and "In no theme" in html
    for contribution in voices.voices:
        if not contribution.consent_quote:
            assert contribution.text not in html
    assert any(c.text in html for c in voices.voices if c.consent_quote)


def test_pages_through_the_views(client, voices, django_capture_on_commit_callbacks):
    signed_in(client, voices.analyst)
    slug = voices.programme.slug
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("coding:find_themes", args=[slug]))
    assert response.status_code == 302 and len(callbacks) == 1
    run = voices.programme.model_runs.first()
    run_discovery(run.pk, by=voices.analyst, **SETTINGS)
    first, second = DiscoveredTheme.objects.filter(programme=voices.programme).order_by("number")[:2]
    edit = reverse("coding:discovered_edit", args=[slug, first.pk])
    assert client.post(edit, {"name": "", "description": ""}).status_code == 400
    assert client.post(edit, {"name": "Buses", "description": "Buses."}).status_code == 302
    response = client.post(reverse("coding:discovered_merge", args=[slug, second.pk]), {"into": first.pk})
    assert response.status_code == 302
    assert client.post(reverse("coding:discovered_promote", args=[slug, first.pk])).status_code == 302
    assert voices.programme.codebooks.first().themes.filter(name="Buses").exists()


@pytest.mark.parametrize(
    "username, status",
    [("analyst", 200), ("admin", 200), ("other-analyst", 403), ("partner-a", 403), ("connector", 403)],
)
def test_only_the_programmes_analysts_reach_discovery(client, voices, username, status):
    discover(voices)
    group = DiscoveredTheme.objects.filter(programme=voices.programme).first()
    user = next(user for user in voices.users if user.username == username)
    signed_in(client, user)
    slug = voices.programme.slug
    assert client.get(reverse("coding:discovery", args=[slug])).status_code == status
    assert client.get(reverse("coding:discovered_edit", args=[slug, group.pk])).status_code == status
    promoted = client.post(reverse("coding:discovered_promote", args=[slug, group.pk]))
    assert promoted.status_code == (302 if status == 200 else 403)
