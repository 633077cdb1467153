"""The import pipeline end to end: formats, duplicates, quarantine, resume, location, protection."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from imports_helpers import import_file, upload

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports import actions
from chorus.apps.imports.models import (
    BatchStatus,
    ErasureRecord,
    ImportBatch,
    OriginalText,
    Participant,
    QuarantinedRow,
    SavedMapping,
)
from chorus.apps.imports.pipeline import run_batch
from chorus.apps.places.models import Area, Level

COMMUNITY = [
    ("community_utf8.csv", 4),
    ("community_utf8_bom.csv", 2),
    ("community_cp1252.csv", 3),
    ("community_utf16.txt", 3),
    ("community_semicolon.csv", 3),
    ("community_tab.tsv", 2),
    ("community.xlsx", 3),
    ("kobo_export.csv", 2),
    ("kobo_export_labels.xlsx", 1),
    ("kobo_api_results.json", 2),
    ("odk_odata.json", 2),
]


@pytest.mark.parametrize(("name", "rows"), COMMUNITY)
def test_every_format_and_encoding_imports(world, fixtures, name, rows):
    batch = import_file(world.programme, fixtures / name, by=world.analyst)
    assert (batch.status, batch.error) == (BatchStatus.DONE, "")
    assert (batch.imported, batch.duplicates, batch.quarantined) == (rows, 0, 0)
    assert batch.rows_total == batch.rows_seen == rows
    stored = Contribution.objects.filter(activity=batch.activity)
    assert stored.count() == rows
    assert all(contribution.text.strip() for contribution in stored)
    assert batch.activity.source == "Uploads"
    assert batch.stored_path == ""  # the uploaded file is deleted after a successful import


def test_accented_and_currency_text_survives_cp1252(world, fixtures):
    batch = import_file(world.programme, fixtures / "community_cp1252.csv")
    texts = " ".join(Contribution.objects.filter(activity=batch.activity).values_list("text", flat=True))
    assert "£" in texts and "\ufffd" not in texts


def test_the_same_file_again_adds_nothing(world, fixtures):
    first = import_file(world.programme, fixtures / "community_utf8.csv")
    before = Contribution.objects.count()
    again = import_file(world.programme, fixtures / "community_utf8.csv")
    assert (again.imported, again.duplicates, again.quarantined) == (0, 4, 0)
    assert Contribution.objects.count() == before
    assert first.imported == 4


def test_field_tool_records_are_matched_by_instance_id_across_formats(world, fixtures):
    import_file(world.programme, fixtures / "kobo_api_results.json")
    before = Contribution.objects.count()
    again = import_file(world.programme, fixtures / "kobo_export.csv")  # the same two submissions as a CSV
    assert (again.imported, again.duplicates) == (0, 2)
    assert Contribution.objects.count() == before


def test_duplicate_rows_within_one_file_are_stored_once(world, tmp_path):
    path = tmp_path / "twice.csv"
    row = "What matters to you?,Consent to analysis\nThe lift in our block is broken again,yes\n"
    path.write_text(row + "The lift in our block is broken again,yes\n", encoding="utf-8")
    batch = import_file(world.programme, path)
    assert (batch.imported, batch.duplicates) == (1, 1)


BAD_ROWS = (
    "Date,What matters to you?,Ward,Age,Consent to analysis,Consent to quote\n"
    "01/03/2024,The surgery phone line is always engaged,Kursaal,45,yes,yes\n"
    "31/02/2024,Buses stop at six so I cannot get to work,Milton,2O,yes,no\n"
    "02/03/2024,,Milton,30,yes,no\n"
    "03/03/2024,I would like a walking group near me,Victoria,70,no,no\n"
)


def test_bad_rows_are_quarantined_with_reasons_and_can_be_corrected(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_ROWS, encoding="utf-8")
    batch = import_file(world.programme, path, by=world.analyst)
    assert (batch.imported, batch.duplicates, batch.quarantined) == (1, 0, 3)
    rows = {row.row_number: row for row in batch.quarantined_rows.all()}
    assert sorted(rows) == [3, 4, 5]
    messages = [problem["text"] for problem in rows[3].problems]
    assert any("row 3, column 'Age'" in message and "'2O' is not a number" in message for message in messages)
    assert any("column 'Date'" in message for message in messages)
    assert "nothing a resident said" in rows[4].problems[0]["message"]
    assert "did not consent" in rows[5].problems[0]["message"]

    still_wrong = actions.rerun_quarantined_row(rows[3], {"Age": "20"}, by=world.analyst)
    assert still_wrong.status == "quarantined"
    assert [problem["column"] for problem in QuarantinedRow.objects.get(pk=rows[3].pk).problems] == ["Date"]

    fixed = actions.rerun_quarantined_row(
        QuarantinedRow.objects.get(pk=rows[3].pk), {"Date": "28/02/2024"}, by=world.analyst
    )
    assert fixed.status == "imported"
    batch.refresh_from_db()
    assert (batch.imported, batch.quarantined) == (2, 2)
    row = QuarantinedRow.objects.get(pk=rows[3].pk)
    assert row.resolved_at is not None and row.contribution.ward.name == "Milton"
    assert row.contribution.age_band == "16-24"
    with pytest.raises(actions.ActionError):
        actions.rerun_quarantined_row(row, {"Age": "20"}, by=world.analyst)


def test_a_killed_import_leaves_whole_chunks_and_resumes(world, tmp_path):
    path = tmp_path / "many.csv"
    lines = ["What matters to you?,Consent to analysis"]
    lines += [f"Comment number {number} about the clinic,yes" for number in range(1, 12)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = upload(world.programme, path)

    class Killed(BaseException):
        pass

    def kill_after_second_chunk(current: ImportBatch) -> None:
        if current.last_row_committed >= 5:
            raise Killed

    with pytest.raises(Killed):
        run_batch(batch.pk, progress=kill_after_second_chunk, chunk_rows=2)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING
    assert (batch.last_row_committed, batch.imported) == (5, 4)  # rows 2-5: two whole chunks
    assert Contribution.objects.filter(text__startswith="Comment number").count() == 4

    batch = run_batch(batch.pk, chunk_rows=2)
    assert batch.status == BatchStatus.DONE
    assert (batch.imported, batch.duplicates, batch.quarantined) == (11, 0, 0)
    assert Contribution.objects.filter(text__startswith="Comment number").count() == 11


def test_truncation_found_late_fails_the_batch_before_storing_and_can_resume_once_fixed(world, tmp_path):
    path = tmp_path / "long.csv"
    rows = [f"Row {number} says the clinic is too far away,yes" for number in range(2, 42)]
    body = "What matters to you?,Consent to analysis\n" + "\n".join(rows) + "\n"
    path.write_text(body + '"The nurse said she would call back\nbut nobody ev', encoding="utf-8")
    before = Contribution.objects.count()
    batch = import_file(world.programme, path)
    assert batch.status == BatchStatus.FAILED
    assert "truncated" in batch.error
    assert Contribution.objects.count() == before
    assert batch.stored_path  # kept so the import can be resumed once the file is fixed

    Path(default_storage.path(batch.stored_path)).write_text(body, encoding="utf-8")
    actions.resume_batch(batch, by=world.analyst)
    batch = run_batch(batch.pk)
    assert (batch.status, batch.imported) == (BatchStatus.DONE, 40)


@pytest.mark.parametrize("name", ["garbage.bin", "empty.csv", "truncated.csv", "truncated.xlsx"])
def test_unreadable_uploads_give_a_clear_message(world, fixtures, name):
    try:
        batch = import_file(world.programme, fixtures / name)
    except actions.ActionError as error:
        assert str(error).endswith(".") and len(str(error)) > 15
    else:
        assert batch.status == BatchStatus.FAILED and batch.error


def test_mapping_is_saved_and_reused_for_the_same_shape(world, fixtures):
    batch, table = actions.start_upload(
        world.programme, "a.csv", [(fixtures / "community_utf8.csv").read_bytes()], by=world.analyst
    )
    guessed, saved = actions.suggested_mapping(world.programme, table.headers)
    assert not saved
    guessed.columns.pop("postcode", None)
    actions.confirm_mapping(batch, guessed, by=world.analyst)
    assert SavedMapping.objects.filter(programme=world.programme, key=guessed.shape).exists()
    reused, saved = actions.suggested_mapping(world.programme, list(reversed(table.headers)))
    assert saved and "postcode" not in reused.columns and reused.columns["text"] == guessed.columns["text"]


def test_location_resolves_ward_names_and_lsoa_codes(world, tmp_path):
    lsoa = Area.objects.filter(level=Level.LSOA, parent__parent__code="E06000033", imd_decile=1).first()
    path = tmp_path / "places.csv"
    path.write_text(
        "What matters to you?,Ward,LSOA,Consent to analysis\n"
        "Our park has no lights,kursaal ward,,yes\n"
        f"The bins are never emptied,,{lsoa.code},yes\n",
        encoding="utf-8",
    )
    batch = import_file(world.programme, path)
    by_text = {c.text: c for c in Contribution.objects.filter(activity=batch.activity)}
    assert by_text["Our park has no lights"].ward.name == "Kursaal"
    placed = by_text["The bins are never emptied"]
    assert (placed.lsoa, placed.ward, placed.imd_decile, placed.core20) == (lsoa, lsoa.parent, 1, True)


def test_original_text_is_kept_encrypted_only_when_the_programme_says_so(world, tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(
        "What matters to you?,Consent to analysis\n"
        "My name is Sarah Jones and my number is 07700 900123,yes\n",
        encoding="utf-8",
    )
    import_file(world.programme, path)
    assert not OriginalText.objects.exists()

    world.programme.keep_original_text = True
    world.programme.save()
    path.write_text(
        "What matters to you?,Consent to analysis\nCall me on 07700 900456 about the clinic,yes\n",
        encoding="utf-8",
    )
    batch = import_file(world.programme, path)
    contribution = Contribution.objects.get(activity=batch.activity)
    assert "07700 900456" not in contribution.text
    original = OriginalText.objects.get(contribution=contribution)
    assert b"07700" not in bytes(original.ciphertext)
    assert actions.read_original_text(contribution, by=world.analyst) == (
        "Call me on 07700 900456 about the clinic"
    )
    event = AuditEvent.objects.get(action="original_text.viewed")
    assert (event.actor, event.object_id) == (world.analyst, str(contribution.pk))


def test_participants_are_pseudonymous_and_erasure_removes_everything(world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "Participant ID,What matters to you?,Consent to analysis\n"
        "R-0042,The pharmacy closes at lunchtime,yes\n"
        "R-0042,I wait weeks for a blood test,yes\n"
        "R-0077,The youth club has closed,yes\n",
        encoding="utf-8",
    )
    batch = import_file(world.programme, path)
    assert batch.imported == 3
    people = Participant.objects.filter(programme=world.programme)
    assert people.count() == 2
    assert all(p.pseudonym.startswith("P-") and "0042" not in p.ref_hash for p in people)
    erased = Participant.objects.get(contributions__text="The pharmacy closes at lunchtime")

    record = actions.erase_participant(erased, by=world.analyst)
    assert record.contributions_removed == 2
    assert not Contribution.objects.filter(
        text__in=["The pharmacy closes at lunchtime", "I wait weeks for a blood test"]
    ).exists()
    assert Contribution.objects.filter(text="The youth club has closed").exists()
    assert not Participant.objects.filter(pk=erased.pk).exists()
    assert ErasureRecord.objects.get().pseudonym == erased.pseudonym
    event = AuditEvent.objects.get(action="participant.erased")
    assert "pharmacy" not in str(event.details)
