"""Write actions for recorded conversations: receive one, transcribe it (the background task's work), and
forget its audio. Each validates, changes atomically and records an audit event (ids and counts, never words).

The audio is Fernet-encrypted before it reaches storage (default_storage) and never sits anywhere else once
the upload's request ends; it is deleted after transcription unless the programme keeps audio, and always
when the recording fails or its contribution is deleted (consent withdrawn, resident erased).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import ContributionInput, create_contribution, record_conversation
from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.imports.protection import fernet
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import AudioRetention, Programme

from .models import Recording, RecordingStatus, Segment

log = logging.getLogger("chorus.recordings")

# The kinds of file accepted, by name ending; webm and mp4 are what phones' browsers record.
FORMATS = {"wav": "wav", "mp3": "mp3", "m4a": "m4a", "mp4": "m4a", "ogg": "ogg", "oga": "ogg", "webm": "webm"}
FORMATS_IN_WORDS = "wav, mp3, m4a or ogg"
CONTENT_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "webm": "audio/webm",
}
EQUALITY_FIELDS = ("age_band", "sex", "gender_identity_same", "ethnicity", "disability", "carer")
STORAGE_FOLDER = "recordings"
# Progress is written to the database at most this often (per cent), not after every stretch of speech.
PROGRESS_STEP = 5


def max_upload_bytes() -> int:
    return settings.CHORUS_RECORDING_MAX_MB * 1024 * 1024


@dataclass
class RecordingInput:
    """What the person recording says about the conversation: the same as for a typed one, less the words."""

    programme: Programme
    date: date
    consent_recording: bool
    consent_analysis: bool
    consent_quote: bool
    consent_open_data: bool
    consent_recontact: bool
    activity: Activity | None = None
    ward: Area | None = None
    postcode_district: str = ""
    equality: dict[str, str] = field(default_factory=dict)


def _check(data: RecordingInput) -> None:
    if not data.consent_recording:
        raise ActionError(
            "We can only keep a recording if the resident agrees to being recorded. If they do not agree, "
            "write down what they said instead.",
            "consent_recording",
        )
    if not data.consent_analysis:
        raise ActionError(
            "We can only keep what a resident said if they agree to them being used for analysis. "
            "If they do not agree, do not record the conversation.",
            "consent_analysis",
        )
    if data.activity is not None and data.activity.programme_id != data.programme.pk:
        raise ActionError(f"{data.activity} is not an activity of {data.programme}.", "activity")
    if data.ward is not None and data.ward.level != Level.WARD:
        raise ActionError(f"{data.ward} is not a ward.", "ward")


def _audio_format(upload: UploadedFile) -> str:
    ending = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if ending not in FORMATS:
        raise ActionError(
            f"Chorus cannot read this kind of file. Upload a recording saved as {FORMATS_IN_WORDS}.",
            "recording",
        )
    return FORMATS[ending]


def _check_audio(upload: UploadedFile) -> None:
    """Refuse what is too big, empty or not a recording, while the person is still there to hear why."""
    from chorus.transcribe.audio import AudioError, check_readable

    limit = max_upload_bytes()
    if upload.size > limit:
        raise ActionError(
            f"The recording is {upload.size / 1024 / 1024:,.0f} MB; recordings up to "
            f"{settings.CHORUS_RECORDING_MAX_MB:,} MB can be uploaded. Upload it in shorter parts, or "
            "save it as mp3 or m4a, which take less space.",
            "recording",
        )
    source = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload.file
    try:
        check_readable(source, upload.size, "The recording")
    except AudioError as error:
        raise ActionError(str(error), "recording") from error
    finally:
        upload.seek(0)


def _store_encrypted(upload: UploadedFile) -> str:
    ciphertext = fernet().encrypt(b"".join(upload.chunks()))
    return default_storage.save(f"{STORAGE_FOLDER}/{uuid.uuid4().hex}.fernet", ContentFile(ciphertext))


def _delete_audio_later(name: str) -> None:
    """Delete stored audio once the transaction commits (a rolled-back change keeps its file)."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def receive_recording(
    upload: UploadedFile, data: RecordingInput, *, by, submission_key: str
) -> tuple[Recording, bool]:
    """Keep an uploaded recording (encrypted) and queue its transcription. Returns it and whether it is new:
    the same form sent twice (a phone retrying) keeps one recording."""
    existing = Recording.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    _check(data)
    audio_format = _audio_format(upload)
    _check_audio(upload)
    name = _store_encrypted(upload)
    details = {
        "ward": data.ward.pk if data.ward else None,
        "postcode_district": data.postcode_district.strip().upper(),
        "equality": {key: value for key, value in data.equality.items() if key in EQUALITY_FIELDS and value},
        "consent_quote": data.consent_quote,
        "consent_open_data": data.consent_open_data,
        "consent_recontact": data.consent_recontact,
    }
    try:
        with transaction.atomic():
            recording = Recording.objects.create(
                programme=data.programme,
                activity=data.activity,
                date=data.date,
                recorded_by=by if getattr(by, "is_authenticated", False) else None,
                submission_key=submission_key,
                audio=name,
                audio_format=audio_format,
                audio_bytes=upload.size,
                details=details,
                consent_recording=True,
            )
            audit("recording.received", actor=by, obj=recording, programme=data.programme, bytes=upload.size)
            transaction.on_commit(lambda: _enqueue(recording.pk))
    except IntegrityError:  # the same submission raced in from a retry: keep the first
        default_storage.delete(name)
        existing = Recording.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:  # no audio is left on storage that no recording points at
        default_storage.delete(name)
        raise
    log.info("recording received", extra={"event": "recording.received", "recording_id": recording.pk})
    return recording, True


def _enqueue(recording_id: int) -> None:
    from .tasks import transcribe

    transcribe.enqueue(recording_id)


def read_audio(recording: Recording) -> bytes:
    """The recording's audio, decrypted (in memory only)."""
    with default_storage.open(recording.audio, "rb") as stored:
        return fernet().decrypt(stored.read())


def recording_lost(recording_id: int, *, retrying: bool, reason: str, **kwargs) -> None:
    """The worker transcribing the recording stopped (chorus.apps.core.durable): it waits to be transcribed
    again, or has failed with the reason (and its audio is deleted, as for any failure)."""
    active = [RecordingStatus.QUEUED, RecordingStatus.TRANSCRIBING]
    recording = Recording.objects.filter(pk=recording_id, status__in=active).first()
    if recording is None:
        return
    if retrying:
        Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.QUEUED, progress=0)
        audit("recording.worker_lost", obj=recording, programme=recording.programme, retrying=True)
    else:
        _fail(recording, reason, by=None)


def _fail(recording: Recording, problem: str, *, by) -> Recording:
    with transaction.atomic():
        _delete_audio_later(recording.audio)
        recording.status = RecordingStatus.FAILED
        recording.problem = problem
        recording.audio = ""
        recording.details = {}
        recording.finished_at = timezone.now()
        fields = ["status", "problem", "audio", "details", "finished_at"]
        # An update, never an insert: a recording erased meanwhile stays erased.
        if Recording.objects.filter(pk=recording.pk).update(
            **{name: getattr(recording, name) for name in fields}
        ):
            audit("recording.failed", actor=by, obj=recording, programme=recording.programme)
    log.info("recording failed", extra={"event": "recording.failed", "recording_id": recording.pk})
    return recording


def _progress_writer(recording_id: int):
    written = [0]

    def on_progress(share: float) -> None:
        percent = min(99, int(share * 100))
        if percent >= written[0] + PROGRESS_STEP:
            written[0] = percent
            Recording.objects.filter(pk=recording_id).update(progress=percent)

    return on_progress


def _contribution_input(recording: Recording, text: str) -> ContributionInput:
    details = recording.details
    ward = (
        Area.objects.filter(pk=details.get("ward"), level=Level.WARD).first() if details.get("ward") else None
    )
    return ContributionInput(
        text=text,
        consent_quote=bool(details.get("consent_quote")),
        consent_open_data=bool(details.get("consent_open_data")),
        consent_recontact=bool(details.get("consent_recontact")),
        ward=ward,
        postcode_district=details.get("postcode_district", ""),
        already_redacted=True,  # chorus.transcribe redacted it, spoken numbers too
        **{key: value for key, value in details.get("equality", {}).items() if key in EQUALITY_FIELDS},
    )


def _add_contribution(recording: Recording, text: str, *, by) -> Contribution:
    data = _contribution_input(recording, text)
    if recording.activity is None:
        return record_conversation(
            by=by,
            programme=recording.programme,
            data=data,
            submission_key=recording.submission_key,
            when=recording.date,
        ).contribution
    recorded = create_contribution(recording.activity, data, by=by, submission_key=recording.submission_key)
    if recorded.created:
        audit("contribution.recorded", actor=by, obj=recorded.contribution, programme=recording.programme)
    return recorded.contribution


def transcribe_recording(recording_id: int, threads: int = 1) -> Recording | None:
    """Transcribe a queued recording on this machine, redact it and store it as a contribution with its
    timed segments; then delete its audio unless the programme keeps audio. A recording that cannot be
    transcribed is marked failed, with the reason for the person who uploaded it, and its audio deleted."""
    from chorus.transcribe.audio import AudioError, read_audio_bytes
    from chorus.transcribe.transcript import transcribe_decoded
    from chorus.transcribe.whisper import ModelError

    recording = (
        Recording.objects.select_related("programme", "activity", "recorded_by")
        .filter(pk=recording_id)
        .first()
    )
    if recording is None or recording.status in (RecordingStatus.DONE, RecordingStatus.FAILED):
        return recording  # erased meanwhile, or already done
    by = recording.recorded_by
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.TRANSCRIBING, progress=0)
    recording.status = RecordingStatus.TRANSCRIBING
    try:
        audio = read_audio_bytes(read_audio(recording), "The recording")
        transcript = transcribe_decoded(audio, threads=threads, on_progress=_progress_writer(recording.pk))
    except AudioError as error:
        return _fail(recording, f"{error} Check the recording and upload it again.", by=by)
    except ModelError as error:
        return _fail(recording, f"{error} Then upload the recording again.", by=by)
    except Exception:  # never leave it "being transcribed" for ever: say so, then let the task record why
        _fail(recording, "Something went wrong while writing it down. Upload the recording again.", by=by)
        raise
    if not transcript.segments:
        return _fail(
            recording,
            "No speech was recognised in the recording. Check it plays, and that the resident can be heard, "
            "then upload it again.",
            by=by,
        )
    try:
        with transaction.atomic():
            if not Recording.objects.select_for_update().filter(pk=recording.pk).exists():
                return None  # erased while it was being transcribed: nothing is kept
            contribution = _add_contribution(recording, transcript.text, by=by)
            Contribution.objects.filter(pk=contribution.pk, language="").update(language="en")
            Segment.objects.bulk_create(
                Segment(
                    recording=recording, position=position, start=part.start, end=part.end, text=part.text
                )
                for position, part in enumerate(transcript.segments)
            )
            keep = recording.programme.audio_retention == AudioRetention.KEEP_ENCRYPTED
            if not keep:
                _delete_audio_later(recording.audio)
                recording.audio = ""
            recording.contribution = contribution
            if recording.activity_id is None:
                recording.activity = contribution.activity
            recording.status = RecordingStatus.DONE
            recording.progress = 100
            recording.seconds = round(transcript.seconds, 2)
            recording.model_version = transcript.model_version
            recording.details = {}
            recording.finished_at = timezone.now()
            recording.save(force_update=True)
            audit(
                "recording.transcribed",
                actor=by,
                obj=recording,
                programme=recording.programme,
                seconds=recording.seconds,
                segments=len(transcript.segments),
                audio_kept=keep,
            )
    except ActionError as error:  # the conversation's details no longer fit (say, a ward left the programme)
        return _fail(recording, f"{error} Upload the recording again.", by=by)
    log.info("recording transcribed", extra={"event": "recording.transcribed", "recording_id": recording.pk})
    return recording


def forget_audio_of_deleted_recording(sender, instance: Recording, **kwargs) -> None:
    """A deleted recording's audio goes from storage too (post_delete: however the row went)."""
    _delete_audio_later(instance.audio)
