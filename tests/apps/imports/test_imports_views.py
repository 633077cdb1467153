"""Pages and the field-tool endpoint, as analysts, other roles and field tools use them."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from imports_helpers import import_file

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports import actions
from chorus.apps.imports.models import BatchStatus, ImportBatch, SourceKind
from chorus.apps.imports.pipeline import run_batch

from support.world import PASSWORD


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_upload_confirm_columns_and_see_the_summary(client, world, fixtures):
    signed_in(client, world.analyst)
    with (fixtures / "community_semicolon.csv").open("rb") as stream:
        response = client.post(reverse("imports:upload", args=[world.programme.slug]), {"file": stream})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:columns", args=[batch.pk])

    page = client.get(response.url)
    assert page.status_code == 200
    assert b"Check the columns" in page.content and b"Chorus has guessed" in page.content
    form = page.context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    data["map_ward"] = ""  # a correction: do not use the ward column
    response = client.post(reverse("imports:columns", args=[batch.pk]), data)
    assert response.url == reverse("imports:batch", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED and "ward" not in batch.mapping["columns"]

    page = client.get(response.url)
    assert b'http-equiv="refresh"' in page.content  # waiting: the page refreshes itself
    run_batch(batch.pk)
    page = client.get(response.url)
    assert b'http-equiv="refresh"' not in page.content
    assert page.context["batch"].imported == 3
    progress = client.get(reverse("imports:progress", args=[batch.pk])).json()
    assert progress | {} == progress and (progress["status"], progress["percent"]) == ("done", 100)
    assert all(c.ward is None for c in Contribution.objects.filter(activity=batch.activity))


def test_columns_without_text_are_refused_with_an_error_summary(client, world, fixtures):
    signed_in(client, world.analyst)
    batch, _ = actions.start_upload(
        world.programme, "c.csv", [(fixtures / "community_utf8.csv").read_bytes()], by=world.analyst
    )
    page = client.get(reverse("imports:columns", args=[batch.pk]))
    data = {name: field.initial or "" for name, field in page.context["form"].fields.items()}
    data["map_text"] = ""
    page = client.post(reverse("imports:columns", args=[batch.pk]), data)
    assert page.status_code == 200
    assert (
        b"There is a problem" in page.content
        and b"Choose the column that holds what residents said" in page.content
    )


@pytest.mark.parametrize("name", ["garbage.bin", "empty.csv", "truncated.csv"])
def test_malformed_uploads_show_a_message_not_a_crash(client, world, fixtures, name):
    signed_in(client, world.analyst)
    with (fixtures / name).open("rb") as stream:
        page = client.post(reverse("imports:upload", args=[world.programme.slug]), {"file": stream})
    assert page.status_code == 200
    assert b"There is a problem" in page.content
    assert not ImportBatch.objects.exists()


def test_only_analysts_and_administrators_reach_imports(client, world):
    url = reverse("imports:programme", args=[world.programme.slug])
    for user in (world.connector, world.partner_a_member, world.decision_maker, world.other_analyst):
        signed_in(client, user)
        assert client.get(url).status_code == 404
    for user in (world.analyst, world.admin):
        signed_in(client, user)
        assert client.get(url).status_code == 200


def test_quarantined_row_page_corrects_and_reruns(client, world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("What matters to you?,Age,Consent to analysis\nNo dentist takes new patients,2O,yes\n")
    batch = import_file(world.programme, path)
    row = batch.quarantined_rows.get()
    signed_in(client, world.analyst)
    page = client.get(reverse("imports:batch", args=[batch.pk]))
    assert "is not a number" in page.content.decode()
    url = reverse("imports:row", args=[row.pk])
    page = client.post(url, {"col_0": "No dentist takes new patients", "col_1": "200", "col_2": "yes"})
    assert page.status_code == 200 and b"not a plausible age" in page.content
    response = client.post(url, {"col_0": "No dentist takes new patients", "col_1": "52", "col_2": "yes"})
    assert response.status_code == 302
    assert Contribution.objects.get(text="No dentist takes new patients").age_band == "45-54"


# ---------------------------------------------------------------------------------------------- endpoint


@pytest.fixture
def kobo(world):
    source, token = actions.create_source(
        world.programme, "Kobo survey", SourceKind.FIELD_TOOL, by=world.analyst
    )
    return source, token


def post(client, source, token, body, **headers):
    return client.post(
        reverse("imports:field", args=[source.pk]),
        data=body if isinstance(body, (bytes, str)) else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"} | headers,
    )


def test_the_same_submission_posted_twice_is_stored_once(client, world, fixtures, kobo):
    source, token = kobo
    assert token not in source.token_hash
    body = json.loads((fixtures / "kobo_rest_submission.json").read_text())
    first = post(client, source, token, body)
    assert (first.status_code, first.json()["status"]) == (201, "imported")
    again = post(client, source, token, body)
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    stored = Contribution.objects.filter(programme=world.programme, activity__source="Kobo survey")
    assert stored.count() == 1
    contribution = stored.get()
    assert (
        contribution.age_band == "65-74" and contribution.consent_quote and not contribution.consent_recontact
    )
    assert "location" not in contribution.answers and "_submitted_by" not in contribution.answers


def test_odk_odata_posts_and_quarantined_posts(client, world, fixtures, kobo):
    source, token = kobo
    response = post(client, source, token, (fixtures / "odk_odata.json").read_text())
    assert (response.status_code, response.json()["imported"]) == (201, 2)
    refused = post(
        client, source, token, {"what_matters": "The walk-in centre is closing", "consent_analysis": "no"}
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["status"] == "quarantined" and "did not consent" in body["problems"][0]


@pytest.mark.parametrize(
    ("body", "authorization", "status"),
    [
        ({"text": "hello"}, "Token wrong", 401),
        ({"text": "hello"}, "", 401),
        ("{not json", None, 400),
        ([], None, 400),
        ({}, None, 400),
    ],
)
def test_endpoint_refuses_bad_requests_clearly(client, kobo, body, authorization, status):
    source, token = kobo
    headers = {} if authorization is None else {"Authorization": authorization}
    response = post(client, source, token, body, **headers)
    assert response.status_code == status
    assert response.json()["message"]


def test_endpoint_refuses_oversized_posts(client, kobo):
    source, token = kobo
    response = post(client, source, token, json.dumps({"text": "x" * (6 * 1024 * 1024)}))
    assert response.status_code == 413


# ---------------------------------------------------------------------------------------------- protection


def test_original_text_page_is_for_analysts_and_audited(client, world, tmp_path):
    world.programme.keep_original_text = True
    world.programme.save()
    path = tmp_path / "o.csv"
    path.write_text("What matters to you?,Consent to analysis\nEmail me at jo@example.org please,yes\n")
    batch = import_file(world.programme, path)
    contribution = Contribution.objects.get(activity=batch.activity)
    url = reverse("imports:original", args=[contribution.pk])
    for user in (world.partner_a_member, world.connector, world.other_analyst, world.decision_maker):
        signed_in(client, user)
        assert client.post(url).status_code == 404
    assert not AuditEvent.objects.filter(action="original_text.viewed").exists()
    signed_in(client, world.analyst)
    assert client.get(url).status_code == 405  # never on a plain link
    page = client.post(url)
    assert b"jo@example.org" in page.content and page["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="original_text.viewed", actor=world.analyst).count() == 1


def test_erasure_page(client, world, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "Participant,What matters to you?,Consent to analysis\n"
        "A1,The steps to the station are dangerous,yes\n"
    )
    import_file(world.programme, path)
    signed_in(client, world.analyst)
    listing = client.get(reverse("imports:participants", args=[world.programme.slug]))
    participant = listing.context["participants"][0]
    url = reverse("imports:erase", args=[world.programme.slug, participant.pseudonym])
    page = client.post(url, {})
    assert b"Confirm that you want to erase" in page.content
    client.post(url, {"confirm": "on"})
    assert not Contribution.objects.filter(text__contains="steps to the station").exists()
    listing = client.get(reverse("imports:participants", args=[world.programme.slug]))
    assert participant.pseudonym in listing.content.decode()  # in the erasure log, without content


def test_consent_helpers_and_open_data_export(client, world, tmp_path):
    from chorus.apps.imports.protection import open_data_rows, quotable, recontactable

    lines = [
        "What matters to you?,Age,Sex,Ward,Consent to analysis,Consent to publish,Consent to quote,"
        "Consent to contact"
    ]
    for number in range(24):
        open_data = "yes" if number < 22 else "no"
        lines.append(
            f'=HYPERLINK("x") comment {number},{30 + number % 5},Female,Kursaal,yes,{open_data},no,no'
        )
    lines.append("Lone voice,90,Male,Milton,yes,yes,yes,yes")
    path = tmp_path / "open.csv"
    path.write_text("\n".join(lines) + "\n")
    batch = import_file(world.programme, path)
    assert batch.imported == 25
    imported = Contribution.objects.filter(activity=batch.activity)
    assert quotable(imported).count() == recontactable(imported).count() == 1
    assert open_data_rows(imported).count() == 23

    signed_in(client, world.analyst)
    response = client.get(reverse("imports:open_data", args=[world.programme.slug]))
    text = response.content.decode("utf-8-sig")
    rows = text.strip().splitlines()
    assert rows[0].startswith("activity_kind,month,area")
    assert len(rows) - 1 == 22  # the open-data rows; the lone 90-year-old is suppressed (k >= 10)
    assert "comment" not in text and "HYPERLINK" not in text  # no free text ever
    assert AuditEvent.objects.filter(action="open_data.exported").exists()
