"""Malformed and oversized input to the imports: a clear message (exit 2 on the command line, 400/413 from
the field-tool endpoint), never a 500, a traceback or an import left running."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from imports_helpers import upload

from chorus.apps.engagement.models import Contribution
from chorus.apps.imports import actions
from chorus.apps.imports.cli import main
from chorus.apps.imports.models import BatchStatus, ImportBatch, SourceKind
from chorus.apps.imports.pipeline import run_batch
from chorus.ingest.readers import MAX_HEADING_CHARS

from support.world import PASSWORD


@pytest.fixture
def kobo(world):
    return actions.create_source(world.programme, "Kobo survey", SourceKind.FIELD_TOOL, by=world.analyst)


def post(client, source, token, body: bytes | str, **headers):
    return client.post(
        reverse("imports:field", args=[source.pk]),
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Token {token}"} | headers,
    )


# ---------------------------------------------------------------------------------------------- endpoint


def test_endpoint_answers_400_to_a_content_length_that_is_not_a_number(client, kobo):
    source, token = kobo
    response = post(client, source, token, json.dumps({"text": "hello"}), **{"Content-Length": "abc"})
    assert response.status_code == 400 and "Content-Length" in response.json()["message"]


def test_endpoint_answers_400_to_deeply_nested_json(client, kobo):
    source, token = kobo
    response = post(client, source, token, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400 and "nested" in response.json()["message"]
    nested = {"text": "Buses"}
    for _ in range(40):
        nested = {"group": nested}
    response = post(client, source, token, json.dumps(nested))
    assert response.status_code == 400 and "nested" in response.json()["message"]
    assert not Contribution.objects.filter(activity__source="Kobo survey").exists()


def test_endpoint_stores_text_with_nul_and_lone_surrogates_removed(client, world, kobo):
    source, token = kobo
    body = (
        '{"what_matters": "The bus\\u0000 stop \\ud800moved", "consent_analysis": "yes", "age\\udfff": "44"}'
    )
    response = post(client, source, token, body)
    assert response.status_code == 201, response.content
    stored = Contribution.objects.get(activity__source="Kobo survey")
    assert stored.text == "The bus stop moved" and stored.age_band == "35-44"


# ---------------------------------------------------------------------------------------------- upload page


def test_upload_with_an_overlong_heading_is_refused_at_once(client, world):
    client.login(username=world.analyst.username, password=PASSWORD)
    data = f"What matters to you?,{'q' * 600_000}\nBuses,x\n".encode()
    page = client.post(
        reverse("imports:upload", args=[world.programme.slug]),
        {"file": io.BytesIO(data)} | {},
        format="multipart",
    )
    assert page.status_code == 200 and f"at most {MAX_HEADING_CHARS:,} characters".encode() in page.content
    assert not ImportBatch.objects.exists()


# ---------------------------------------------------------------------------------------------- command line


def _deep_json(path):
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def _long_heading(path):
    path.write_text(f"What matters to you?,{'q' * 600_000}\nBuses,x\n")
    return path


def _doctype_xlsx(path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["What matters"])
    workbook.active.append(["Buses"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "a">]><worksheet', 1)
            target.writestr(name, content)
    return path


def _huge_cell_late(path):
    rows = "".join(f"Comment {number},{number}\n" for number in range(40))
    path.write_text(f'What matters,Age\n{rows}"{"x" * (20 * 1024 * 1024)}",40\n')
    return path


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (_huge_cell_late, "huge.csv", "has a cell of more than"),
        (_deep_json, "deep.json", "nested"),
        (_long_heading, "long.csv", "heading of column B"),
        (_doctype_xlsx, "doctype.xlsx", "DOCTYPE"),
    ],
)
def test_command_line_refuses_malformed_files_with_exit_2_and_no_traceback(
    world, tmp_path, capsys, make, name, message
):
    path = make(tmp_path / name)
    assert main([str(path), "--programme", world.programme.slug]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not ImportBatch.objects.filter(status=BatchStatus.RUNNING).exists()


def test_command_line_imports_text_with_nul_and_lone_surrogates_removed(world, tmp_path, capsys):
    path = tmp_path / "post.json"
    path.write_text(
        '[{"what_matters": "Clinic\\u0000 hours \\udc00cut", "consent_analysis": "yes"},'
        ' {"what_matters": "No\\u0000 dentist", "consent_analysis": "yes"}]'
    )
    assert main([str(path), "--programme", world.programme.slug]) == 0
    assert capsys.readouterr().out == "imported 2, duplicates 0, quarantined 0\n"
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.DONE and batch.error == ""
    texts = set(Contribution.objects.filter(activity=batch.activity).values_list("text", flat=True))
    assert texts == {"Clinic hours cut", "No dentist"}


def test_an_unexpected_error_stops_the_import_with_a_message_instead_of_leaving_it_running(world, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("What matters to you?,Consent to analysis\nThe clinic moved,yes\n")
    batch = upload(world.programme, path)
    # A stored mapping damaged outside Chorus (an admin edit, a bad restore): reading it fails unexpectedly.
    ImportBatch.objects.filter(pk=batch.pk).update(mapping=batch.mapping | {"confidence": {"text": "high"}})
    batch = run_batch(batch.pk)
    assert batch.status == BatchStatus.FAILED and "unexpected error (ValueError)" in batch.error
    assert batch.finished_at is not None


def test_an_upload_named_with_a_nul_character_is_stored_with_it_removed(world):
    batch, _ = actions.start_upload(
        world.programme, "resp\x00onses.csv", [b"What matters\nBuses\n"], by=world.analyst
    )
    batch.refresh_from_db()
    assert batch.filename == "responses.csv"
