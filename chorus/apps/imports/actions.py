"""Write actions for imports and for protecting residents: each validates, changes atomically and records
an audit event with ids and counts only."""

from __future__ import annotations

import hashlib
import hmac
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core import storage
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.engagement.signals import consent_withdrawn, words_erased
from chorus.apps.places.models import Level
from chorus.apps.programmes.models import Programme
from chorus.ingest import Mapping, ReadError, find_mapping, guess_mapping, open_table, shape_signature
from chorus.ingest.fieldtools import kobo_form_id, records_from_json
from chorus.ingest.readers import Table, clean_text
from chorus.ingest.safety import SafeCsvWriter
from chorus.ingest.validate import Problem, Quarantine, validate_row
from chorus.privacy.kanonymity import QuasiIdentifiers, anonymise

from .lookup import AreaTableLookup
from .models import (
    BatchStatus,
    ErasureRecord,
    ImportBatch,
    ImportSource,
    OriginalText,
    Participant,
    QuarantinedRow,
    SavedMapping,
    SourceKind,
)
from .pipeline import (
    UPLOADS,
    ChunkWriter,
    Outcome,
    kept_upload_name,
    shorten_raw,
    stored_file,
    stored_file_exists,
    submission_key,
)
from .protection import decrypt, hash_token, new_token, open_data_rows

MAX_UPLOAD_BYTES = 2 * 1024**3


# ---------------------------------------------------------------------------------------------- sources


@transaction.atomic
def create_source(
    programme: Programme, name: str, kind: str = SourceKind.UPLOAD, *, by
) -> tuple[ImportSource, str | None]:
    """A new source. A field-tool source gets a token, returned here once and stored only as a hash."""
    name = " ".join(name.split())
    if not name:
        raise ActionError("Enter a name for the source.", "name")
    if ImportSource.objects.filter(programme=programme, name__iexact=name).exists():
        raise ActionError(f"This programme already has a source called {name!r}.", "name")
    token = new_token() if kind == SourceKind.FIELD_TOOL else None
    source = ImportSource.objects.create(
        programme=programme,
        name=name,
        kind=kind,
        token_hash=hash_token(token) if token else "",
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit("import.source_created", actor=by, obj=source, programme=programme, kind=kind)
    return source, token


def source_named(programme: Programme, name: str, kind: str, *, by) -> ImportSource:
    source = ImportSource.objects.filter(programme=programme, name__iexact=name).first()
    return source or create_source(programme, name, kind, by=by)[0]


def authenticate_source(source_id: int, authorization: str) -> ImportSource | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "token" or not token.strip():
        return None
    source = ImportSource.objects.select_related("programme").filter(pk=source_id).first()
    if source is None or not source.token_hash:
        return None
    return source if hmac.compare_digest(source.token_hash, hash_token(token.strip())) else None


# ---------------------------------------------------------------------------------------------- mappings


def saved_mappings(programme: Programme, key: str) -> list[dict]:
    return [saved.mapping for saved in SavedMapping.objects.filter(programme=programme, key=key)]


def suggested_mapping(programme: Programme, headers: list[str]) -> tuple[Mapping, bool]:
    """The mapping saved for files of this shape, or a guess; and whether it was saved."""
    found = find_mapping(headers, saved_mappings(programme, shape_signature(headers)))
    return (found, True) if found else (guess_mapping(headers), False)


def save_mapping(programme: Programme, key: str, mapping: Mapping, *, by=None) -> SavedMapping:
    saved, _ = SavedMapping.objects.update_or_create(
        programme=programme,
        key=key,
        defaults={
            "mapping": mapping.to_dict(),
            "saved_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    return saved


def source_mappings(source: ImportSource) -> list[SavedMapping]:
    """The saved mappings this source's imports were read with, newest first."""
    keys = set()
    for mapping in source.batches.filter(mapping__isnull=False).values_list("mapping", flat=True):
        key = (mapping or {}).get("key") or (mapping or {}).get("shape")
        if key:
            keys.add(key)
    return list(SavedMapping.objects.filter(programme=source.programme, key__in=keys).order_by("-saved_at"))


@transaction.atomic
def change_mapping(saved: SavedMapping, mapping: Mapping, *, by) -> SavedMapping:
    """A person corrects a saved (perhaps guessed) mapping; the next file or post of that shape uses it."""
    problems = mapping.problems()
    if problems:
        raise ActionError(" ".join(problems))
    before = Mapping.from_dict(saved.mapping)
    mapping.shape = saved.key if saved.key.startswith("kobo:") else mapping.shape
    mapping.constants = dict(before.constants)  # settings the form does not show are kept
    mapping.value_maps = {target: dict(values) for target, values in before.value_maps.items()}
    saved.mapping = mapping.to_dict()
    saved.saved_by = by if getattr(by, "is_authenticated", False) else None
    saved.save(update_fields=["mapping", "saved_by", "saved_at"])
    audit(
        "import.mapping_corrected",
        actor=by,
        obj=saved,
        programme=saved.programme,
        columns=sorted(mapping.columns),
    )
    return saved


# ---------------------------------------------------------------------------------------------- files


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def start_upload(
    programme: Programme,
    filename: str,
    chunks: Iterable[bytes],
    *,
    by,
    source: ImportSource | None = None,
) -> tuple[ImportBatch, Table]:
    """Keep an uploaded file in storage under imports/ and open it; the batch waits for its mapping.
    Uploads left too long (see expire_uploads) are cleared first. The table's headers are read; its rows can
    be read later only where storage is the local disk (elsewhere, through `batch_table`)."""
    expire_uploads()
    filename = clean_text(Path(filename or "upload").name)[:255] or "upload"
    try:
        stored = storage.save_stream(
            storage.unique_name(UPLOADS, Path(filename).suffix), chunks, max_bytes=MAX_UPLOAD_BYTES
        )
    except storage.TooLarge:
        raise ActionError("The file is larger than 2 GB. Split it into smaller files.", "file") from None
    try:
        with storage.local_copy(stored.name) as path:
            table = open_table(path, filename)
    except ReadError as error:
        storage.delete(stored.name)
        raise ActionError(str(error), "file") from None
    path, sha256 = stored.name, stored.sha256
    source = source or source_named(programme, "Uploads", SourceKind.UPLOAD, by=by)
    batch = ImportBatch.objects.create(
        source=source,
        filename=filename,
        file_sha256=sha256,
        stored_path=str(path),
        sheet=table.sheet or "",
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit("import.uploaded", actor=by, obj=batch, programme=programme)
    return batch, table


# ---------------------------------------------------------------------------------------------- expiry

ERASED_FILE = (
    "The uploaded file was deleted when a participant was erased, since it may hold their words. Upload it "
    "again: rows already imported are skipped."
)


def _delete_kept_upload(stored_path: str) -> bool:
    name = kept_upload_name(stored_path)
    return storage.delete(name) if name else False


@dataclass(frozen=True)
class Expiry:
    batches: int  # drafts and stopped imports deleted
    files: int  # files deleted, theirs and any no import points at


def expire_uploads(*, now: datetime | None = None) -> Expiry:
    """Delete what an upload left behind once CHORUS_UPLOAD_RETENTION_DAYS have passed without progress:
    drafts whose columns were never confirmed and imports that stopped (or were abandoned), with their files
    and quarantined rows, then any file under MEDIA_ROOT/imports/ that no import points at. Finished
    imports keep their summary (their file was deleted when they finished); their contributions stay."""
    days = settings.CHORUS_UPLOAD_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    batches = files = 0
    expired = (
        ImportBatch.objects.filter(updated_at__lt=cutoff)
        .exclude(status=BatchStatus.DONE)
        .select_related("source__programme")
    )
    for batch in expired.iterator():
        files += _delete_kept_upload(batch.stored_path)
        with transaction.atomic():
            audit(
                "import.expired",
                obj=batch,
                programme=batch.source.programme,
                status=batch.status,
                quarantined=batch.quarantined,
                days=days,
            )
            batch.delete()
        batches += 1
    referenced = {
        kept_upload_name(path)
        for path in ImportBatch.objects.exclude(stored_path="").values_list("stored_path", flat=True)
    }
    for name, modified in list(storage.files_under(UPLOADS)):
        if name not in referenced and modified < cutoff:
            files += storage.delete(name)
    return Expiry(batches, files)


def _delete_files_for_erasure(programme: Programme) -> int:
    """An erased participant's words may be in any upload not yet imported: delete those files (a running
    import is left to finish; its rows are erasable like any others)."""
    deleted = 0
    waiting = (
        ImportBatch.objects.filter(source__programme=programme)
        .exclude(stored_path="")
        .exclude(status__in=[BatchStatus.DONE, BatchStatus.RUNNING])
    )
    for batch in waiting:
        if not kept_upload_name(batch.stored_path):
            continue
        deleted += _delete_kept_upload(batch.stored_path)
        ImportBatch.objects.filter(pk=batch.pk).update(
            stored_path="", status=BatchStatus.FAILED, error=ERASED_FILE, finished_at=timezone.now()
        )
    return deleted


@contextmanager
def batch_table(batch: ImportBatch) -> Iterator[Table]:
    """The batch's file as a table, readable for the length of the block."""
    try:
        with stored_file(batch.stored_path) as path:
            yield open_table(path, batch.filename, sheet=batch.sheet or None)
    except (ReadError, OSError) as error:
        raise ActionError(
            str(error) if isinstance(error, ReadError) else "The stored file is gone."
        ) from None


def _enqueue(batch: ImportBatch) -> None:
    from .tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(batch.pk))


@transaction.atomic
def confirm_mapping(batch: ImportBatch, mapping: Mapping, *, by, enqueue: bool = True) -> ImportBatch:
    """Save the mapping for files of this shape and queue the import (enqueue=False: the caller runs it)."""
    if batch.status != BatchStatus.DRAFT:
        raise ActionError("This import has already started.")
    problems = mapping.problems()
    if problems:
        raise ActionError(" ".join(problems))
    programme = batch.source.programme
    save_mapping(programme, mapping.shape, mapping, by=by)
    batch.mapping = mapping.to_dict()
    batch.status = BatchStatus.QUEUED
    batch.save(update_fields=["mapping", "status", "updated_at"])
    audit("import.mapping_confirmed", actor=by, obj=batch, programme=programme)
    if enqueue:
        _enqueue(batch)
    return batch


@transaction.atomic
def resume_batch(batch: ImportBatch, *, by) -> ImportBatch:
    """Queue a stopped import again; rows already committed are skipped."""
    if batch.status == BatchStatus.DONE or not batch.mapping:
        raise ActionError("Only an import that stopped can be resumed.")
    if not stored_file_exists(batch.stored_path):
        raise ActionError("The file is no longer stored. Upload it again: rows already imported are skipped.")
    batch.status = BatchStatus.QUEUED
    batch.error = ""
    if batch.rows_total is not None and batch.last_row_committed == 0:
        batch.rows_total = None  # the file may have been fixed: count it again
    batch.save(update_fields=["status", "error", "rows_total", "updated_at"])
    batch.chunks.filter(done=False).update(queued_at=None)  # queued again by the import's task
    audit("import.resumed", actor=by, obj=batch, programme=batch.source.programme)
    _enqueue(batch)
    return batch


# ---------------------------------------------------------------------------------------------- field tools


def receive_submission(source: ImportSource, payload: Any) -> tuple[str, list[Outcome], ImportBatch | None]:
    """Store what a field tool posted: a KoboToolbox REST post, ODK OData {"value": [...]}, a plain object
    or a list. Returns the overall status ("imported", "duplicate", "quarantined") and each outcome."""
    try:
        tool, records = records_from_json(payload)
    except ValueError as error:
        raise ActionError(str(error)) from None
    programme = source.programme
    batch = ImportBatch.objects.create(
        source=source,
        filename=f"{tool or 'field tool'} post",
        status=BatchStatus.RUNNING,
        rows_total=len(records),
        delete_file_when_done=False,
        started_at=timezone.now(),
    )
    writer = ChunkWriter(batch, AreaTableLookup(programme.local_authority))
    outcomes = []
    used: Mapping | None = None
    used_key = ""
    for number, record in enumerate(records, start=1):
        headers = list(record)
        form_id = kobo_form_id(record)
        key = f"kobo:{form_id}" if form_id else shape_signature(headers)
        saved = saved_mappings(programme, key)
        if form_id:  # a form's posts differ in headings (unanswered questions are left out): match by form
            mapping = Mapping.from_dict(saved[0]).for_headers(headers) if saved else None
        else:
            mapping = find_mapping(headers, saved)
        if mapping is None:
            # Saved even when the guess cannot work (no text column found), so a person can correct it on
            # the source's columns page; the corrected mapping then reads this post again and the next.
            mapping = guess_mapping(headers)
            mapping.shape = key if form_id else mapping.shape
            save_mapping(programme, key, mapping)
        mapping = used = mapping.for_headers(headers)
        used_key = key
        if mapping.problems():
            outcomes.append(Quarantine(number, [Problem("", "", p) for p in mapping.problems()], record))
            continue
        outcomes.append(validate_row(record, mapping, number, lookup=writer.lookup))
    writer.participant_column = used.columns.get("participant_ref") if used else None
    results = writer.write(outcomes)
    # Kept so a quarantined post can be corrected and run again with the mapping it was read with.
    batch.mapping = (used.to_dict() if used else {}) | {"field_tool": tool, "key": used_key}
    batch.status = BatchStatus.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["mapping", "status", "finished_at", "updated_at"])
    audit(
        "import.field_post",
        obj=batch,
        programme=programme,
        imported=batch.imported,
        duplicates=batch.duplicates,
        quarantined=batch.quarantined,
    )
    statuses = {result.status for result in results}
    overall = (
        "imported" if "imported" in statuses else ("duplicate" if "duplicate" in statuses else "quarantined")
    )
    return overall, results, batch


# ---------------------------------------------------------------------------------------------- quarantine


def rerun_quarantined_row(row: QuarantinedRow, values: dict[str, str], *, by) -> Outcome:
    """Validate a corrected row with its batch's mapping; import it if it is now clean."""
    if row.resolved_at:
        raise ActionError("This row has already been imported.")
    if row.erased_at:
        raise ActionError("This row was erased; there is nothing left to run again.")
    batch = row.batch
    if not batch.mapping or "columns" not in batch.mapping:
        raise ActionError("This row came without a column mapping; post it again from the field tool.")
    programme = batch.source.programme
    raw = {key: str(values.get(key, row.raw.get(key, ""))) for key in row.raw}
    # A field-tool post is read again with its form's mapping as it is now (a person may have corrected it).
    corrected = SavedMapping.objects.filter(programme=programme, key=batch.mapping.get("key") or "-").first()
    mapping = Mapping.from_dict(corrected.mapping if corrected else batch.mapping).for_headers(list(raw))
    writer = ChunkWriter(batch, AreaTableLookup(programme.local_authority), by=by)
    outcome = validate_row(raw, mapping, row.row_number, lookup=writer.lookup)
    if isinstance(outcome, Quarantine):
        with transaction.atomic():
            row.raw = shorten_raw(raw)
            row.problems = [
                {"column": p.column, "message": p.message, "text": p.describe(row.row_number)}
                for p in outcome.problems
            ]
            row.save(update_fields=["raw", "problems"])
        return Outcome("quarantined", row.row_number, outcome.messages)
    # Store it without moving the batch's resume point (it is behind us).
    last_row, rows_seen = batch.last_row_committed, batch.rows_seen
    with transaction.atomic():
        result = writer.write([outcome], rows_seen=rows_seen)[0]
        ImportBatch.objects.filter(pk=batch.pk).update(
            last_row_committed=last_row, quarantined=max(0, batch.quarantined - 1)
        )
        contribution = Contribution.objects.filter(
            submission_key=submission_key(programme.pk, outcome)
        ).first()
        row.resolved_at = timezone.now()
        row.contribution = contribution
        row.raw = {}  # the corrected values now live (redacted) in the contribution
        row.save(update_fields=["resolved_at", "contribution", "raw"])
        audit("import.row_corrected", actor=by, obj=batch, programme=programme, row=row.row_number)
    batch.refresh_from_db()
    return result


# ---------------------------------------------------------------------------------------------- protection


def read_original_text(contribution: Contribution, *, by) -> str | None:
    """The original words, decrypted; every reading is written to the audit log."""
    original = OriginalText.objects.filter(contribution=contribution).first()
    if original is None:
        return None
    audit("original_text.viewed", actor=by, obj=contribution, programme=contribution.programme)
    return decrypt(original.ciphertext)


def _erase_rows(rows) -> int:
    """Empty quarantined rows of everything they held; the rows stay so the import's summary adds up."""
    return rows.update(raw={}, problems=[], participant=None, erased_at=timezone.now())


@transaction.atomic
def erase_participant(participant: Participant, *, by) -> ErasureRecord:
    """Erase a participant: their contributions and all derived from them go, their quarantined rows are
    emptied, and that it happened is kept (never what was erased)."""
    contributions = Contribution.objects.filter(participant=participant)
    consent_withdrawn.send(
        sender=Contribution,
        contribution_ids=list(contributions.values_list("pk", flat=True)),
        scope="analysis",
        reason="resident erased",
        by=by,
    )
    count = 0
    for contribution in contributions.iterator():
        contribution.delete()  # one by one, so every app's delete signals and cascades run
        count += 1
    rows_erased = _erase_rows(QuarantinedRow.objects.filter(participant=participant))
    files_deleted = _delete_files_for_erasure(participant.programme)
    erasure = ErasureRecord.objects.create(
        programme=participant.programme,
        pseudonym=participant.pseudonym,
        contributions_removed=count,
        quarantined_rows_erased=rows_erased,
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    participant.delete()
    if count:
        words_erased.send(sender=Contribution, programme=erasure.programme, by=by)
    audit(
        "participant.erased",
        actor=by,
        obj=erasure,
        programme=erasure.programme,
        contributions=count,
        quarantined_rows=rows_erased,
        upload_files_deleted=files_deleted,
    )
    return erasure


@transaction.atomic
def erase_quarantined_row(row: QuarantinedRow, *, by) -> ErasureRecord:
    """Erase what a quarantined row holds (it may name a person, or hold what they said): the row stays,
    empty and marked erased, with its number, so the import's summary still adds up."""
    if row.erased_at:
        raise ActionError("This row has already been erased.")
    if row.resolved_at:
        raise ActionError(
            "This row was corrected and imported; erase the participant or withdraw the contribution instead."
        )
    programme = row.batch.source.programme
    _erase_rows(QuarantinedRow.objects.filter(pk=row.pk))
    row.refresh_from_db()
    erasure = ErasureRecord.objects.create(
        programme=programme,
        pseudonym="",
        contributions_removed=0,
        quarantined_rows_erased=1,
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit("import.row_erased", actor=by, obj=row.batch, programme=programme, row=row.row_number)
    return erasure


OPEN_DATA_COLUMNS = [
    "activity_kind",
    "month",
    "area",
    "postcode_district",
    "imd_decile",
    "age_band",
    "sex",
    "ethnicity",
    "disability",
    "carer",
]


def open_data_csv(programme: Programme, *, by, k: int = 10) -> tuple[str, int]:
    """Record-level open data: only rows with open-data consent, no free text, k-anonymous (k >= 10),
    every cell formula-safe. Returns the CSV text and the number of rows released."""
    contributions = open_data_rows(Contribution.objects.filter(programme=programme)).select_related(
        "activity", "ward", "ward__parent"
    )
    rows = []
    area_parents: dict[str, str] = {}
    for contribution in contributions.iterator(chunk_size=2000):
        ward = contribution.ward
        if ward is not None and ward.level == Level.WARD and ward.parent is not None:
            area_parents[ward.code] = ward.parent.code
        rows.append(
            {
                "activity_kind": contribution.activity.kind,
                "month": contribution.activity.date.strftime("%Y-%m"),
                "area": ward.code if ward is not None else None,
                "postcode_district": contribution.postcode_district or None,
                "imd_decile": contribution.imd_decile,
                "age_band": contribution.age_band or None,
                "sex": contribution.sex or None,
                "ethnicity": contribution.ethnicity or None,
                "disability": contribution.disability or None,
                "carer": contribution.carer or None,
            }
        )
    released, report = anonymise(
        rows,
        QuasiIdentifiers(others=("imd_decile", "disability", "carer")),
        k=k,
        area_parents=area_parents,
    )
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")
    writer.writerow(OPEN_DATA_COLUMNS)
    for row in released:
        writer.writerow(["" if row.get(column) is None else row[column] for column in OPEN_DATA_COLUMNS])
    audit(
        "open_data.exported",
        actor=by,
        programme=programme,
        rows=report.rows_released,
        suppressed=report.rows_suppressed,
        k=report.k_after,
    )
    return buffer.getvalue(), report.rows_released
