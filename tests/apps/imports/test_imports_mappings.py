"""Correcting a source's saved (guessed) column mapping in the browser, for field-tool posts and files."""

from __future__ import annotations

import pytest
from django.urls import reverse
from imports_helpers import import_file

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports import actions
from chorus.apps.imports.models import QuarantinedRow, SavedMapping, SourceKind

from support.world import PASSWORD


def kobo_post(uuid: str, story: str) -> dict:
    """A KoboToolbox REST post whose story question has a name no guess recognises."""
    return {
        "_xform_id_string": "aQ7cK2mF9tHb",
        "_uuid": uuid,
        "meta/instanceID": f"uuid:{uuid}",
        "group_consent/consent_analysis": "yes",
        "group_main/q7": story,
        "group_about_you/age_band": "45_54",
    }


@pytest.fixture
def kobo(world):
    source, token = actions.create_source(
        world.programme, "Kobo survey", SourceKind.FIELD_TOOL, by=world.analyst
    )
    return source, token


def post(client, source, token, body):
    return client.post(
        reverse("imports:field", args=[source.pk]),
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )


def test_a_guessed_field_tool_mapping_is_corrected_and_reads_the_quarantined_post_again(client, world, kobo):
    source, token = kobo
    first = post(client, source, token, kobo_post("0001", "The minor injuries unit is too far away"))
    assert first.status_code == 422 and "what residents said" in first.json()["problems"][0]

    client.login(username=world.analyst.username, password=PASSWORD)
    listing = client.get(reverse("imports:source_mappings", args=[source.pk]))
    assert "KoboToolbox form aQ7cK2mF9tHb" in listing.content.decode()
    saved = SavedMapping.objects.get(programme=world.programme, key="kobo:aQ7cK2mF9tHb")
    url = reverse("imports:edit_mapping", args=[source.pk, saved.pk])
    assert 'value="group_main/q7"' in client.get(url).content.decode()

    # Still no text column: the error is shown and the form keeps what was chosen.
    wrong = client.post(url, {"map_age_band": "group_about_you/age_band", "date_order": "dmy"})
    body = wrong.content.decode()
    assert wrong.status_code == 200 and "Choose the column that holds what residents said" in body
    assert '<option value="dmy" selected>' in body
    assert '<option value="group_about_you/age_band" selected>' in body

    right = client.post(
        url,
        {
            "map_text": "group_main/q7",
            "map_consent_analysis": "group_consent/consent_analysis",
            "map_age_band": "group_about_you/age_band",
            "date_order": "auto",
        },
    )
    assert right.status_code == 302
    saved.refresh_from_db()
    assert saved.mapping["columns"]["text"] == "group_main/q7" and saved.saved_by == world.analyst
    assert AuditEvent.objects.filter(action="import.mapping_corrected").exists()

    row = QuarantinedRow.objects.get(batch__source=source)
    assert actions.rerun_quarantined_row(row, {}, by=world.analyst).status == "imported"
    assert Contribution.objects.get(text="The minor injuries unit is too far away").age_band == "45-54"

    second = post(client, source, token, kobo_post("0002", "The bus to the hospital is always late"))
    assert (second.status_code, second.json()["status"]) == (201, "imported")


def test_a_files_mapping_is_listed_under_its_source_and_other_programmes_cannot_see_it(
    client, world, fixtures
):
    batch = import_file(world.programme, fixtures / "community_utf8.csv", by=world.analyst)
    client.login(username=world.analyst.username, password=PASSWORD)
    programme_page = client.get(reverse("imports:programme", args=[world.programme.slug])).content.decode()
    columns_url = reverse("imports:source_mappings", args=[batch.source.pk])
    assert columns_url in programme_page
    saved = SavedMapping.objects.get(programme=world.programme, key=batch.mapping["shape"])
    assert (
        reverse("imports:edit_mapping", args=[batch.source.pk, saved.pk])
        in client.get(columns_url).content.decode()
    )

    client.logout()
    client.login(username=world.other_analyst.username, password=PASSWORD)
    assert client.get(columns_url).status_code == 404
    edit = reverse("imports:edit_mapping", args=[batch.source.pk, saved.pk])
    assert client.post(edit, {"map_text": "Comment", "date_order": "auto"}).status_code == 404
