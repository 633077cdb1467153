"""Each contribution's language: detected as it is stored (one at a time or in an import chunk), filled in
for older rows, shown on lists and pages, filtered on, and marked by an analyst for a human translation."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.actions.runs import embed_missing
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import (
    ChunkRow,
    create_contribution,
    create_contributions,
    fill_languages,
    request_translation,
)
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution

from support.world import PASSWORD, voice

pytestmark = pytest.mark.django_db

POLISH = "Od miesiąca próbuję umówić wizytę u lekarza rodzinnego, zawsze brak terminów."
SPANISH = "Nadie en la farmacia me supo explicar qué papeles necesito para el médico."
ARABIC = "انتظرت طويلاً في قسم الطوارئ ولم يكن هناك مترجم."


@pytest.fixture
def survey(world) -> Activity:
    return Activity.objects.create(
        programme=world.programme, kind=ActivityKind.SURVEY, title="Survey", date=date(2026, 9, 1)
    )


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_one_contribution_is_stored_with_its_language(world, survey):
    stored = create_contribution(survey, voice(POLISH), by=world.analyst).contribution
    stored.refresh_from_db()
    assert stored.language == "pl" and stored.language_name == "Polish"
    assert stored.text == POLISH  # the words kept as said
    assert world.by_partner_a.language == "en"


def test_an_imported_chunk_is_stored_with_each_rows_language(world, survey):
    rows = [ChunkRow(voice(text)) for text in (SPANISH, ARABIC, "ok", "The bus to the hospital was cut")]
    results = create_contributions(survey, rows, by=world.analyst)
    assert [r.contribution.language for r in results] == ["es", "ar", "", "en"]


def test_the_backfill_fills_blank_languages_only(world, survey):
    stored = create_contribution(survey, voice(SPANISH), by=world.analyst).contribution
    Contribution.objects.filter(programme=world.programme).update(language="")
    Contribution.objects.filter(pk=world.by_connector.pk).update(language="xx")  # left alone: not blank
    filled = fill_languages(world.programme, by=world.analyst)
    assert filled == world.programme.contributions.count() - 1
    assert Contribution.objects.get(pk=stored.pk).language == "es"
    assert Contribution.objects.get(pk=world.by_connector.pk).language == "xx"
    assert Contribution.objects.get(pk=world.in_other_programme.pk).language == "en"
    assert fill_languages(world.programme, by=world.analyst) == 0


def test_an_analyst_marks_a_contribution_for_translation_and_clears_it(world):
    contribution = world.by_partner_a
    request_translation(contribution, by=world.analyst)
    contribution.refresh_from_db()
    assert contribution.translation_requested
    assert AuditEvent.objects.filter(
        action="contribution.translation_requested", actor=world.analyst
    ).exists()
    with pytest.raises(ActionError):
        request_translation(contribution, by=world.analyst)
    request_translation(contribution, by=world.analyst, requested=False)
    contribution.refresh_from_db()
    assert not contribution.translation_requested


def test_pages_show_the_language_and_list_those_awaiting_translation(client, world, survey):
    polish = create_contribution(survey, voice(POLISH), by=world.analyst).contribution
    signed_in(client, world.analyst)
    page = client.get(reverse("contribution", args=[polish.pk])).content.decode()
    assert "Polish: the words above are kept as the resident said them" in page
    assert 'lang="pl"' in page and "Ask for a human translation" in page
    client.post(reverse("request-translation", args=[polish.pk]), {"requested": "on"})
    page = client.get(reverse("contribution", args=[polish.pk])).content.decode()
    assert "Awaiting a human translation" in page and "No longer needs a translation" in page
    listed = client.get(reverse("contributions")).content.decode()
    assert "Polish, in the resident's own words" in listed
    waiting = client.get(reverse("contributions"), {"awaiting_translation": "on"}).content.decode()
    assert "1 contribution" in waiting and "wizytę" in waiting
    english = client.get(reverse("contributions"), {"language": "en"}).content.decode()
    assert "wizytę" not in english and "damp in our flat" in english
    coding_page = client.get(reverse("coding:contribution", args=[polish.pk])).content.decode()
    assert "Language: Polish, kept as the resident said it" in coding_page


def test_the_coding_search_filters_by_language(client, world, survey):
    create_contribution(survey, voice(SPANISH), by=world.analyst)
    create_contribution(
        survey, voice("The pharmacy could not explain which papers the doctor needs"), by=None
    )
    embed_missing(world.programme)
    signed_in(client, world.analyst)
    url = reverse("coding:search")
    spanish = client.get(url, {"q": "farmacia médico", "language": "es"}).content.decode()
    assert "Nadie en la farmacia" in spanish and "Spanish, as said" in spanish
    assert "could not explain" not in spanish
    english = client.get(url, {"q": "farmacia médico pharmacy", "language": "en"}).content.decode()
    assert "Nadie en la farmacia" not in english
