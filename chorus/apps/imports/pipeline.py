"""The import pipeline: read -> validate -> redact -> store, in chunks committed with the resume point.

Every chunk is stored in one transaction that also moves the batch's last_row_committed, so a killed
import loses at most the chunk it was on, and a resume skips the rows already committed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.engagement.actions import ContributionInput, add_contribution
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.places.models import Area
from chorus.ingest import CleanRecord, Mapping, MappingError, Quarantine, ReadError, open_table, validate_rows

from .lookup import AreaTableLookup
from .models import (
    BatchStatus,
    ContributionParticipant,
    ImportBatch,
    OriginalText,
    Participant,
    QuarantinedRow,
)
from .protection import encrypt, new_pseudonym, ref_hash

log = logging.getLogger("chorus.imports")

CHUNK_ROWS = 500
RAW_CELL_LIMIT = 2_000  # characters of a quarantined cell kept for correcting it
ANSWER_REDACT_CHARS = 20  # free-text answers at least this long are redacted like the main text
_ACTIVITY_KINDS = {choice.value for choice in ActivityKind}
_KIND_FALLBACK = {"interview": ActivityKind.CONVERSATION, "other": ActivityKind.SURVEY}
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


def redact_texts(texts: list[str]) -> list[str]:
    from chorus.privacy.redaction import redact_many  # loads spaCy: only when there is something to redact

    return [result.text for result in redact_many(texts)] if texts else []


class ChunkWriter:
    """Stores validated outcomes for one batch: redaction outside the transaction, writes inside it."""

    def __init__(self, batch: ImportBatch, lookup: AreaTableLookup, by=None) -> None:
        self.batch = batch
        self.programme = batch.source.programme
        self.lookup = lookup
        self.by = by
        self._areas: dict[int, Area] = {}

    def _area(self, pk: int | None) -> Area | None:
        if pk is None:
            return None
        if pk not in self._areas:
            self._areas[pk] = Area.objects.get(pk=pk)
        return self._areas[pk]

    def _activity(self, records: list[CleanRecord]) -> Activity:
        dates = [record.date for record in records if record.date]
        earliest = min(dates) if dates else None
        batch = self.batch
        if batch.activity_id is None:
            kinds = [record.activity_type for record in records if record.activity_type]
            kind = kinds[0] if kinds else ActivityKind.SURVEY
            kind = kind if kind in _ACTIVITY_KINDS else _KIND_FALLBACK.get(kind, ActivityKind.SURVEY)
            batch.activity = Activity.objects.create(
                programme=self.programme,
                kind=kind,
                title=f"Imported: {batch.filename}"[:200],
                date=earliest or timezone.localdate(),
                source=batch.source.name[:120],
                recorded_by=self.by if getattr(self.by, "is_authenticated", False) else None,
            )
        elif earliest and earliest < batch.activity.date:
            Activity.objects.filter(pk=batch.activity_id).update(date=earliest)
            batch.activity.date = earliest
        return batch.activity

    def _input(self, record: CleanRecord, text: str, answers: dict[str, str]) -> ContributionInput:
        place = record.place
        ward_pk = lsoa_pk = None
        if place is not None:
            if place.lsoa_code:
                lsoa_pk = self.lookup.lsoa_ids.get(place.lsoa_code)
            if place.ward_code:
                current = self.lookup.current_ward(place.ward_code)
                ward_pk = self.lookup.ward_ids.get(current) if current else None
        return ContributionInput(
            text=text,
            consent_quote=record.consent_quote == "yes",
            consent_open_data=record.consent_open_data == "yes",
            consent_recontact=record.consent_recontact == "yes",
            ward=self._area(ward_pk),
            lsoa=self._area(lsoa_pk),
            postcode_district=(record.postcode_district or "")[:4],
            answers=answers,
            age_band=record.age_band or "",
            sex=record.sex or "",
            gender_identity_same=record.gender_identity_same or "",
            ethnicity=record.ethnicity or "",
            disability=record.disability or "",
            carer=record.carer or "",
            already_redacted=True,
        )

    def _participant(self, participant_ref: str) -> Participant:
        digest = ref_hash(self.programme.pk, participant_ref)
        participant = Participant.objects.filter(programme=self.programme, ref_hash=digest).first()
        if participant is None:
            while True:
                pseudonym = new_pseudonym()
                if not Participant.objects.filter(pseudonym=pseudonym).exists():
                    break
            participant = Participant.objects.create(
                programme=self.programme, pseudonym=pseudonym, ref_hash=digest
            )
        return participant

    def write(
        self, outcomes: list[CleanRecord | Quarantine], *, rows_seen: int | None = None
    ) -> list[Outcome]:
        """Store one chunk and move the batch's resume point, atomically."""
        if not outcomes:
            return []
        clean = [outcome for outcome in outcomes if isinstance(outcome, CleanRecord)]
        keys = [submission_key(self.programme.pk, record) for record in clean]
        # Records stored before (an earlier file, a resend) or twice in this chunk are duplicates: found
        # with one query, and never redacted again.
        stored = set(
            Contribution.objects.filter(submission_key__in=keys).values_list("submission_key", flat=True)
        )
        fresh: list[int] = []
        for index, key in enumerate(keys):
            if key not in stored:
                stored.add(key)
                fresh.append(index)
        answers: dict[int, dict[str, str]] = {index: _kept_answers(clean[index].answers) for index in fresh}
        # One NLP pass over the texts and the longer free-text answers of the whole chunk.
        to_redact = [clean[index].text for index in fresh]
        answer_slots = [
            (index, key)
            for index in fresh
            for key, value in answers[index].items()
            if len(value) >= ANSWER_REDACT_CHARS and " " in value
        ]
        to_redact += [answers[index][key] for index, key in answer_slots]
        redacted = redact_texts(to_redact)
        texts = dict(zip(fresh, redacted[: len(fresh)], strict=True))
        for (index, key), value in zip(answer_slots, redacted[len(fresh) :], strict=True):
            answers[index][key] = value

        results: list[Outcome] = []
        batch = self.batch
        with transaction.atomic():
            imported = duplicates = quarantined = 0
            activity = self._activity([clean[index] for index in texts]) if texts else None
            clean_index = 0
            for outcome in outcomes:
                if isinstance(outcome, Quarantine):
                    _, created = QuarantinedRow.objects.update_or_create(
                        batch=batch,
                        row_number=outcome.row_number,
                        defaults={"raw": shorten_raw(outcome.raw), "problems": _problems(outcome)},
                    )
                    quarantined += int(created)
                    results.append(Outcome("quarantined", outcome.row_number, outcome.messages))
                    continue
                index = clean_index
                clean_index += 1
                if index not in texts:
                    duplicates += 1
                    results.append(Outcome("duplicate", outcome.row_number, []))
                    continue
                recorded = add_contribution(
                    activity,
                    self._input(outcome, texts[index], answers[index]),
                    by=self.by,
                    submission_key=keys[index],
                )
                if not recorded.created:
                    duplicates += 1
                    results.append(Outcome("duplicate", outcome.row_number, []))
                    continue
                imported += 1
                contribution = recorded.contribution
                if outcome.participant_ref:
                    ContributionParticipant.objects.create(
                        contribution=contribution, participant=self._participant(outcome.participant_ref)
                    )
                if self.programme.keep_original_text and texts[index] != outcome.text:
                    OriginalText.objects.create(contribution=contribution, ciphertext=encrypt(outcome.text))
                results.append(Outcome("imported", outcome.row_number, []))
            ImportBatch.objects.filter(pk=batch.pk).update(
                imported=F("imported") + imported,
                duplicates=F("duplicates") + duplicates,
                quarantined=F("quarantined") + quarantined,
                rows_seen=rows_seen if rows_seen is not None else F("rows_seen") + len(outcomes),
                last_row_committed=outcomes[-1].row_number,
                activity=batch.activity,
                updated_at=timezone.now(),
            )
        batch.refresh_from_db(
            fields=["imported", "duplicates", "quarantined", "rows_seen", "last_row_committed", "updated_at"]
        )
        return results


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED, error=message, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    audit(
        "import.failed", programme=batch.source.programme, obj=batch, rows_committed=batch.last_row_committed
    )
    return batch


def _chunks(items: Iterable, size: int) -> Iterable[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(
    batch_id: int, *, progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS
) -> ImportBatch:
    """Import (or resume importing) a batch whose mapping is confirmed. Never raises for bad input: the batch
    ends done, or failed with a message a person understands."""
    batch = ImportBatch.objects.select_related("source__programme").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch
    if not batch.mapping:
        return _fail(batch, "The columns have not been confirmed yet.")
    resuming = batch.last_row_committed > 0
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, error="", started_at=batch.started_at or timezone.now()
    )
    batch.refresh_from_db()
    programme = batch.source.programme
    audit("import.started", programme=programme, obj=batch, resumed_after_row=batch.last_row_committed)
    try:
        table = open_table(batch.stored_path, batch.filename, sheet=batch.sheet or None)
        if batch.rows_total is None:
            # Reading the whole file first finds a truncated or damaged file before anything is stored,
            # and gives the progress bar its end.
            batch.rows_total = table.count_rows()
            ImportBatch.objects.filter(pk=batch.pk).update(rows_total=batch.rows_total)
        mapping = Mapping.from_dict(batch.mapping).for_headers(table.headers)
        writer = ChunkWriter(batch, AreaTableLookup(programme.local_authority), by=batch.created_by)
        outcomes = validate_rows(table, mapping, lookup=writer.lookup)
        seen = 0
        pending = []
        for outcome in outcomes:
            seen += 1
            if outcome.row_number <= batch.last_row_committed:
                continue  # committed before the import was stopped
            pending.append(outcome)
            if len(pending) >= chunk_rows:
                writer.write(pending, rows_seen=seen)
                pending = []
                if progress:
                    progress(batch)
        writer.write(pending, rows_seen=seen)
    except (ReadError, MappingError) as error:
        return _fail(batch, str(error))
    except OSError as error:
        return _fail(
            batch, f"The stored file could not be read ({error.strerror or error}). Upload it again."
        )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, finished_at=timezone.now(), rows_seen=seen
    )
    batch.refresh_from_db()
    if progress:
        progress(batch)
    if batch.delete_file_when_done and batch.stored_path:
        _delete_stored(batch)
    audit(
        "import.finished",
        programme=programme,
        obj=batch,
        imported=batch.imported,
        duplicates=batch.duplicates,
        quarantined=batch.quarantined,
        resumed=resuming,
    )
    log.info("import finished", extra={"event": "import.finished", "batch_id": batch.pk})
    return batch


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _delete_stored(batch: ImportBatch) -> None:
    path = Path(batch.stored_path)
    if imports_dir() in path.parents:  # never delete a file the command line pointed at
        path.unlink(missing_ok=True)
    ImportBatch.objects.filter(pk=batch.pk).update(stored_path="")
    batch.stored_path = ""
