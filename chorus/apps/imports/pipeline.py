"""The import pipeline: read -> validate -> redact -> store.

An import is planned as chunks of settings.CHORUS_IMPORT_CHUNK rows (ImportChunk); each is a task any worker
takes (imports.tasks.import_chunk), or all are done in turn in one process (run_batch). A chunk is stored a
few hundred rows at a time, each write in one transaction that also moves the chunk's own resume point and
counts, so a killed worker loses at most the write it was on, and whoever takes the chunk over skips the
rows already committed and counts nothing twice. The chunk that finds itself the last one done finishes
the import, under the batch's row lock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core import storage
from chorus.apps.engagement.actions import ChunkResult, ChunkRow, ContributionInput, create_contributions
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.places.models import Area
from chorus.ingest import CleanRecord, Mapping, MappingError, Quarantine, ReadError, open_table, validate_rows
from chorus.ingest.validate import Problem

from .lookup import AreaTableLookup
from .models import (
    BatchStatus,
    ImportBatch,
    ImportChunk,
    OriginalText,
    Participant,
    QuarantinedRow,
)
from .protection import encrypt, new_pseudonym, ref_hash

log = logging.getLogger("chorus.imports")

CHUNK_ROWS = 500
RAW_CELL_LIMIT = 2_000  # characters of a quarantined cell kept for correcting it
_ACTIVITY_KINDS = {choice.value for choice in ActivityKind}
# Field-tool metadata that is not an answer (and may locate or name someone): never kept in answers.
_METADATA_PREFIXES = ("_", "meta/", "formhub/", "__system", "__")
_METADATA_NAMES = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
}
_GEOPOINT = re.compile(r"-?\d{1,3}\.\d+ -?\d{1,3}\.\d+( -?[\d.]+){0,2}")

Progress = Callable[[ImportBatch], None]
_RECORD_VALUES = [
    field.name
    for field in dataclasses.fields(CleanRecord)
    if field.name not in ("row_number", "place", "answers", "external_id")
]


@dataclass
class Outcome:
    status: str  # "imported", "duplicate" or "quarantined"
    row_number: int
    problems: list[str]


def submission_key(programme_id: int, record: CleanRecord) -> str:
    """The field tool's instance id when there is one, else the row's own values: the same record again
    (in this file or another) gets the same key, so it is stored once."""
    if record.external_id:
        basis = f"{programme_id}|id|{record.external_id}"
    else:
        values = {
            name: str(getattr(record, name)) for name in _RECORD_VALUES if getattr(record, name) is not None
        }
        values["answers"] = {key.lower().strip(): value.strip() for key, value in record.answers.items()}
        basis = f"{programme_id}|row|{json.dumps(values, sort_keys=True, ensure_ascii=False)}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _kept_answers(answers: dict[str, str]) -> dict[str, str]:
    return {
        key: value
        for key, value in answers.items()
        if not key.startswith(_METADATA_PREFIXES)
        and key.lower() not in _METADATA_NAMES
        and not _GEOPOINT.fullmatch(value.strip())
    }


def shorten_raw(raw: dict[str, str]) -> dict[str, str]:
    return {
        key[:RAW_CELL_LIMIT]: (value if len(value) <= RAW_CELL_LIMIT else value[:RAW_CELL_LIMIT] + "…")
        for key, value in raw.items()
    }


def _problems(quarantine: Quarantine) -> list[dict[str, str]]:
    return [
        {
            "column": problem.column,
            "message": problem.message,
            "text": problem.describe(quarantine.row_number),
        }
        for problem in quarantine.problems
    ]


class ChunkTaken(Exception):
    """Another worker committed these rows of the chunk first (this one was taken as lost, but was not)."""


class ChunkWriter:
    """Stores validated outcomes for one batch, a chunk at a time, through engagement's bulk path.

    Per chunk: the activity and the participants are made first (each in a small transaction of its own;
    a resume finds and reuses them), then engagement.actions.create_contributions checks, deduplicates,
    redacts and inserts the clean rows, and in its transaction this writer quarantines the bad rows and
    moves the batch's counters and resume point. A chunk is stored whole or not at all.
    """

    def __init__(
        self,
        batch: ImportBatch,
        lookup: AreaTableLookup,
        by=None,
        *,
        participant_column: str | None = None,
        chunk: ImportChunk | None = None,
    ) -> None:
        self.batch = batch
        self.chunk = chunk
        self.programme = batch.source.programme
        self.lookup = lookup
        self.by = by
        self.participant_column = participant_column or _mapped_column(batch.mapping, "participant_ref")
        self._areas: dict[int, Area] = {}

    def _area(self, pk: int | None) -> Area | None:
        if pk is None:
            return None
        if pk not in self._areas:
            self._areas[pk] = Area.objects.select_related("parent").get(pk=pk)
        return self._areas[pk]

    def _activity(self, records: list[CleanRecord], keys: list[str]) -> Activity | None:
        """The batch's activity; when it has none yet, a new one that create_contributions saves in the
        chunk's transaction if a record is stored in it (so racing posts of one record leave no empty
        activity)."""
        batch = self.batch
        if batch.activity_id is None:  # another chunk of the import may have made it
            batch.refresh_from_db(fields=["activity"])
        if batch.activity_id is not None:
            return batch.activity
        stored = Contribution.objects.filter(submission_key__in=keys).count()
        if stored >= len(set(keys)):
            return None  # every record is already stored: no empty activity
        kinds = [record.activity_type for record in records if record.activity_type]
        kind = kinds[0] if kinds and kinds[0] in _ACTIVITY_KINDS else ActivityKind.SURVEY
        dates = [record.date for record in records if record.date]
        return Activity(
            programme=self.programme,
            kind=kind,
            title=f"Imported: {batch.filename}"[:200],
            date=min(dates) if dates else timezone.localdate(),
            source=batch.source.name[:120],
            recorded_by=self.by if getattr(self.by, "is_authenticated", False) else None,
        )

    def _join_activity(self, activity: Activity) -> None:
        """Make the activity this write made the batch's; or, when another chunk of the import made one
        meanwhile (chunks run at once on several workers), move this write's rows into that one instead."""
        batch = self.batch
        current = (
            ImportBatch.objects.select_for_update()
            .filter(pk=batch.pk)
            .values_list("activity", flat=True)
            .get()
        )
        if current is None:
            ImportBatch.objects.filter(pk=batch.pk).update(activity=activity)
            batch.activity = activity
            return
        Contribution.objects.filter(activity=activity).update(activity_id=current)
        Activity.objects.filter(pk=activity.pk).delete()
        activity.pk = None
        batch.activity = Activity.objects.get(pk=current)

    def _participants(self, refs: set[str]) -> dict[str, Participant]:
        """The pseudonymous participant for each reference, made when new (one query to find them)."""
        if not refs:
            return {}
        digests = {ref: ref_hash(self.programme.pk, ref) for ref in refs}
        for _ in range(5):  # a clash of random pseudonyms, or another worker making the same person
            found = {
                participant.ref_hash: participant
                for participant in Participant.objects.filter(
                    programme=self.programme, ref_hash__in=set(digests.values())
                )
            }
            missing = {digest for digest in digests.values() if digest not in found}
            if not missing:
                return {ref: found[digest] for ref, digest in digests.items()}
            Participant.objects.bulk_create(
                [
                    Participant(programme=self.programme, pseudonym=new_pseudonym(), ref_hash=digest)
                    for digest in sorted(missing)
                ],
                ignore_conflicts=True,
            )
        raise RuntimeError("Could not give every participant a pseudonym.")  # 32**6 pseudonyms: not expected

    def _input(self, record: CleanRecord, participant: Participant | None) -> ContributionInput:
        place = record.place
        ward_pk = lsoa_pk = None
        if place is not None:
            if place.lsoa_code:
                lsoa_pk = self.lookup.lsoa_ids.get(place.lsoa_code)
            if place.ward_code:
                current = self.lookup.current_ward(place.ward_code)
                ward_pk = self.lookup.ward_ids.get(current) if current else None
        return ContributionInput(
            text=record.text,
            consent_quote=record.consent_quote == "yes",
            consent_open_data=record.consent_open_data == "yes",
            consent_recontact=record.consent_recontact == "yes",
            consent_analysis=record.consent_analysis in (None, "yes"),
            ward=self._area(ward_pk),
            lsoa=self._area(lsoa_pk),
            postcode_district=(record.postcode_district or "")[:4],
            answers=_kept_answers(record.answers),
            age_band=record.age_band or "",
            sex=record.sex or "",
            gender_identity_same=record.gender_identity_same or "",
            ethnicity=record.ethnicity or "",
            disability=record.disability or "",
            carer=record.carer or "",
            participant=participant,
        )

    def _quarantine_ref(self, quarantine: Quarantine) -> str:
        if not self.participant_column:
            return ""
        return " ".join(str(quarantine.raw.get(self.participant_column) or "").split())

    def write(
        self, outcomes: list[CleanRecord | Quarantine], *, rows_seen: int | None = None
    ) -> list[Outcome]:
        """Store one chunk and move the batch's resume point, atomically."""
        if not outcomes:
            return []
        batch = self.batch
        clean = [outcome for outcome in outcomes if isinstance(outcome, CleanRecord)]
        quarantines = [outcome for outcome in outcomes if isinstance(outcome, Quarantine)]
        keys = [submission_key(self.programme.pk, record) for record in clean]
        activity = self._activity(clean, keys) if clean else None
        refs = {record.participant_ref for record in clean if record.participant_ref}
        refs |= {ref for ref in map(self._quarantine_ref, quarantines) if ref}
        participants = self._participants(refs)
        chunk = [
            ChunkRow(self._input(record, participants.get(record.participant_ref or "")), key)
            for record, key in zip(clean, keys, strict=True)
        ]
        by_row: dict[int, Outcome] = {}

        def bookkeeping(results: list[ChunkResult]) -> None:
            if self.chunk is not None:
                locked = ImportChunk.objects.select_for_update().get(pk=self.chunk.pk)
                if locked.last_row_committed >= outcomes[0].row_number:
                    raise ChunkTaken  # rolls back this write: the rows are stored and counted already
            imported = duplicates = quarantined = 0
            rows_to_quarantine = [
                (
                    quarantine.row_number,
                    shorten_raw(quarantine.raw),
                    _problems(quarantine),
                    quarantine.messages,
                )
                for quarantine in quarantines
            ]
            refs_by_row = {
                quarantine.row_number: self._quarantine_ref(quarantine) for quarantine in quarantines
            }
            originals = []
            imported_dates = []
            for record, result in zip(clean, results, strict=True):
                if result.status == "refused":
                    problem = Problem("", "", result.problem)
                    rows_to_quarantine.append(
                        (
                            record.row_number,
                            shorten_raw(self._raw_of(record)),
                            _problems(Quarantine(record.row_number, [problem])),
                            [problem.describe(record.row_number)],
                        )
                    )
                    refs_by_row[record.row_number] = record.participant_ref or ""
                elif result.status == "duplicate":
                    duplicates += 1
                    by_row[record.row_number] = Outcome("duplicate", record.row_number, [])
                else:
                    imported += 1
                    by_row[record.row_number] = Outcome("imported", record.row_number, [])
                    if record.date:
                        imported_dates.append(record.date)
                    contribution = result.contribution
                    if self.programme.keep_original_text and contribution.text != record.text.strip():
                        originals.append(
                            OriginalText(contribution=contribution, ciphertext=encrypt(record.text))
                        )
            for row_number, raw, problems, messages in rows_to_quarantine:
                ref = refs_by_row.get(row_number)
                _, created = QuarantinedRow.objects.update_or_create(
                    batch=batch,
                    row_number=row_number,
                    defaults={
                        "raw": raw,
                        "problems": problems,
                        "participant": participants.get(ref) if ref else None,
                    },
                )
                quarantined += int(created)
                by_row[row_number] = Outcome("quarantined", row_number, messages)
            OriginalText.objects.bulk_create(originals)
            if activity is not None and activity.pk is not None and activity.pk != batch.activity_id:
                self._join_activity(activity)
            if imported_dates and batch.activity is not None and min(imported_dates) < batch.activity.date:
                earliest = min(imported_dates)  # chunks on other workers may move it too: only ever earlier
                Activity.objects.filter(pk=batch.activity_id, date__gt=earliest).update(date=earliest)
                batch.activity.date = min(imported_dates)
            counts = {
                "imported": F("imported") + imported,
                "duplicates": F("duplicates") + duplicates,
                "quarantined": F("quarantined") + quarantined,
            }
            if self.chunk is not None:
                ImportChunk.objects.filter(pk=self.chunk.pk).update(
                    **counts,
                    rows_seen=F("rows_seen") + len(outcomes),
                    last_row_committed=outcomes[-1].row_number,
                )
                self.chunk.last_row_committed = outcomes[-1].row_number
            ImportBatch.objects.filter(pk=batch.pk).update(
                **counts,
                rows_seen=rows_seen if rows_seen is not None else F("rows_seen") + len(outcomes),
                last_row_committed=Greatest(F("last_row_committed"), outcomes[-1].row_number),
                updated_at=timezone.now(),
            )

        if activity is not None:
            create_contributions(activity, chunk, by=self.by, in_transaction=bookkeeping)
            if activity.pk is not None and batch.activity_id is None:
                batch.activity = activity
        else:  # nothing new to store: every clean record is a duplicate
            with transaction.atomic():
                bookkeeping([ChunkResult("duplicate") for _ in clean])
        batch.refresh_from_db(
            fields=["imported", "duplicates", "quarantined", "rows_seen", "last_row_committed", "updated_at"]
        )
        return [by_row[outcome.row_number] for outcome in outcomes]

    def _raw_of(self, record: CleanRecord) -> dict[str, str]:
        """A clean record as a row of its file again (for a row refused after validation)."""
        mapping = Mapping.from_dict(self.batch.mapping) if self.batch.mapping else Mapping()
        raw = {
            header: str(getattr(record, target))
            for target, header in mapping.columns.items()
            if getattr(record, target, None) is not None
        }
        raw.setdefault(mapping.columns.get("text", "text"), record.text)
        return raw | dict(record.answers)


def _mapped_column(mapping: dict | None, target: str) -> str | None:
    return (mapping or {}).get("columns", {}).get(target)


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED, error=message, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    audit(
        "import.failed", programme=batch.source.programme, obj=batch, rows_committed=batch.last_row_committed
    )
    return batch


def run_batch(
    batch_id: int, *, progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS, spread: bool = False
) -> ImportBatch:
    """Import (or resume importing) a batch whose mapping is confirmed. Never raises for bad input: the batch
    ends done, or failed with a message a person understands.

    Plans the batch's chunks, then does them here in turn; with `spread`, a batch of more than one chunk has
    its chunks queued for any worker instead (and this returns with the batch running)."""
    batch = plan_batch(batch_id)
    if batch.status != BatchStatus.RUNNING:
        return batch
    indexes = list(batch.chunks.filter(done=False).values_list("index", flat=True))
    if spread and batch.chunks.count() > 1:
        from .tasks import import_chunk

        with transaction.atomic():
            waiting = ImportChunk.objects.filter(batch=batch, done=False, queued_at__isnull=True)
            for index in waiting.values_list("index", flat=True):
                import_chunk.enqueue(batch.pk, index)  # same transaction: queued if and only if marked
            waiting.update(queued_at=timezone.now())
        return batch
    for index in indexes:
        run_chunk(batch.pk, index, progress=progress, chunk_rows=chunk_rows)
    batch.refresh_from_db()
    return batch


def plan_batch(batch_id: int) -> ImportBatch:
    """Mark the batch running and cut it into chunks (once: a resumed batch keeps its chunks, unless its
    file is to be counted again because nothing of it was stored). Reading the whole file first finds a
    truncated or damaged file before anything is stored, and gives the progress bar its end."""
    batch = ImportBatch.objects.select_related("source__programme").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    if not batch.mapping:
        return _fail(batch, "The columns have not been confirmed yet.")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, error="", started_at=batch.started_at or timezone.now()
    )
    batch.refresh_from_db()
    audit(
        "import.started",
        programme=batch.source.programme,
        obj=batch,
        resumed_after_row=batch.last_row_committed,
    )
    if batch.rows_total is not None and batch.chunks.exists():
        return batch
    try:
        with stored_file(batch.stored_path) as path:
            total = open_table(path, batch.filename, sheet=batch.sheet or None).count_rows()
    except ReadError as error:
        return _fail(batch, str(error))
    except OSError as error:
        return _fail(batch, _unreadable(error))
    size = max(1, settings.CHORUS_IMPORT_CHUNK)
    starts = list(range(0, total, size)) or [0]
    with transaction.atomic():
        batch.chunks.all().delete()
        ImportChunk.objects.bulk_create(
            ImportChunk(batch=batch, index=index, first_row=start, rows=min(size, total - start))
            for index, start in enumerate(starts)
        )
        # An import stopped before chunks existed carries on after the row it had committed.
        ImportChunk.objects.filter(batch=batch, index=0).update(last_row_committed=batch.last_row_committed)
        ImportBatch.objects.filter(pk=batch.pk).update(rows_total=total)
    batch.rows_total = total
    return batch


def _unreadable(error: OSError) -> str:
    return f"The stored file could not be read ({error.strerror or error}). Upload it again."


def run_chunk(
    batch_id: int, index: int, *, progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS
) -> ImportBatch | None:
    """Import one chunk of a running batch (the import_chunk task), resuming after the rows it committed;
    the last chunk done finishes the batch. A chunk of a batch that stopped, or done already, does nothing."""
    batch = ImportBatch.objects.select_related("source__programme").filter(pk=batch_id).first()
    chunk = ImportChunk.objects.filter(batch_id=batch_id, index=index).first()
    if batch is None or chunk is None or batch.status != BatchStatus.RUNNING or chunk.done:
        return batch
    programme = batch.source.programme
    try:
        with stored_file(batch.stored_path) as path:
            table = open_table(path, batch.filename, sheet=batch.sheet or None)
            mapping = Mapping.from_dict(batch.mapping).for_headers(table.headers)
            writer = ChunkWriter(
                batch, AreaTableLookup(programme.local_authority), by=batch.created_by, chunk=chunk
            )
            outcomes = validate_rows(
                table, mapping, lookup=writer.lookup, start=chunk.first_row, stop=chunk.first_row + chunk.rows
            )
            pending: list[CleanRecord | Quarantine] = []
            for outcome in outcomes:
                if outcome.row_number <= chunk.last_row_committed:
                    continue  # committed before the chunk's worker was stopped
                pending.append(outcome)
                if len(pending) >= chunk_rows:
                    if not _write(writer, pending, progress):
                        return batch
                    pending = []
            if pending and not _write(writer, pending, progress):
                return batch
    except (ReadError, MappingError) as error:
        return _fail(batch, str(error))
    except OSError as error:
        return _fail(batch, _unreadable(error))
    except Exception as error:  # never leave an import running with no word of why it stopped
        # The type only: an exception's text may quote what a resident wrote.
        log.error("import %s stopped: %s", batch.pk, type(error).__name__, extra={"event": "import.crashed"})
        return _fail(
            batch,
            f"The import stopped at an unexpected error ({type(error).__name__}). Rows stored so far are "
            "kept; tell your administrator, or resume it to try again.",
        )
    if _chunk_done(batch, chunk):
        batch.refresh_from_db()
        if progress:
            progress(batch)
        _finished(batch)
    return batch


def _write(writer: ChunkWriter, pending: list, progress: Progress | None) -> bool:
    """Store the rows; False when the import stopped meanwhile or another worker stored them first."""
    if ImportBatch.objects.filter(pk=writer.batch.pk).values_list("status", flat=True).first() != (
        BatchStatus.RUNNING
    ):
        return False
    try:
        writer.write(pending)
    except ChunkTaken:
        return False
    if progress:
        progress(writer.batch)
    return True


def _chunk_done(batch: ImportBatch, chunk: ImportChunk) -> bool:
    """Mark the chunk done; True when it was the last, so this call finished the batch. The batch's row lock
    orders chunks finishing together: only one of them finishes it."""
    with transaction.atomic():
        # The chunk's row first, then the batch's: the order a write takes them in (no deadlock).
        if not ImportChunk.objects.select_for_update().filter(pk=chunk.pk, done=False).exists():
            return False  # another worker did this chunk
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.RUNNING:
            return False
        ImportChunk.objects.filter(pk=chunk.pk).update(done=True)
        if ImportChunk.objects.filter(batch=batch, done=False).exists():
            return False
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE,
            finished_at=timezone.now(),
            rows_seen=locked.rows_total if locked.rows_total is not None else locked.rows_seen,
        )
        return True


def _finished(batch: ImportBatch) -> None:
    """What follows the batch's finishing (once, by the chunk that finished it): its file goes."""
    if batch.delete_file_when_done and batch.stored_path:
        _delete_stored(batch)
    audit(
        "import.finished",
        programme=batch.source.programme,
        obj=batch,
        imported=batch.imported,
        duplicates=batch.duplicates,
        quarantined=batch.quarantined,
        chunks=batch.chunks.count(),
    )
    log.info("import finished", extra={"event": "import.finished", "batch_id": batch.pk})


UPLOADS = "imports"  # the folder in storage that uploads wait in until they are imported


def kept_upload_name(stored_path: str) -> str | None:
    """The storage name of an upload Chorus keeps, or None for a file the command line pointed at. Uploads
    stored before files went through storage hold an absolute path under MEDIA_ROOT/imports/."""
    if not stored_path:
        return None
    path = Path(stored_path)
    if not path.is_absolute():
        return stored_path if path.parts[:1] == (UPLOADS,) and ".." not in path.parts else None
    legacy = Path(settings.MEDIA_ROOT).resolve() / UPLOADS
    if legacy in path.resolve().parents:
        return f"{UPLOADS}/{path.name}"
    return None


@contextmanager
def stored_file(stored_path: str) -> Iterator[Path]:
    """A local path to a batch's file: a kept upload (from storage) or the command line's own file."""
    name = kept_upload_name(stored_path)
    if name is None:
        yield Path(stored_path)
    else:
        with storage.local_copy(name) as path:
            yield path


def stored_file_exists(stored_path: str) -> bool:
    name = kept_upload_name(stored_path)
    return storage.exists(name) if name else bool(stored_path) and Path(stored_path).is_file()


def _delete_stored(batch: ImportBatch) -> None:
    name = kept_upload_name(batch.stored_path)
    if name:  # never delete a file the command line pointed at
        storage.delete(name)
    ImportBatch.objects.filter(pk=batch.pk).update(stored_path="")
    batch.stored_path = ""


def import_lost(batch_id: int, *, retrying: bool, reason: str) -> None:
    """A worker importing (part of) this batch stopped (chorus.apps.core.durable): queued again, the part
    carries on from what it committed; given up, the import stops with the reason (and can be resumed)."""
    batch = ImportBatch.objects.select_related("source__programme").filter(pk=batch_id).first()
    if batch is None or batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return
    if not retrying:
        _fail(batch, reason)
    audit("import.worker_lost", obj=batch, programme=batch.source.programme, retrying=retrying)
