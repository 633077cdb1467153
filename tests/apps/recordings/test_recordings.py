"""A recorded conversation, uploaded as a connector or partner would: transcribed in the background, redacted,
stored as a contribution with its timestamps; its audio deleted or kept encrypted per the programme; erased
with the resident's words; a file that is not a usable recording refused with a clear message.

The speech model is loaded once for the whole run (chorus.transcribe.whisper caches it)."""

from __future__ import annotations

import io
import re
import wave

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from recordings_helpers import form_data

from chorus.apps.accountability.actions.feedback import record_contact
from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.runs import run_coding
from chorus.apps.coding.fulltext import keyword_matches
from chorus.apps.coding.models import Coding, ContributionVector, ModelRun, ReviewState, RunStatus, Sentiment
from chorus.apps.coding.queries import current_codebook
from chorus.apps.engagement.actions import withdraw_consent
from chorus.apps.engagement.models import ActivityKind, Contribution
from chorus.apps.imports.actions import erase_participant
from chorus.apps.imports.models import Participant
from chorus.apps.imports.protection import fernet
from chorus.apps.programmes.actions import change_programme_settings
from chorus.apps.programmes.models import AudioRetention
from chorus.apps.recordings.models import Recording, RecordingStatus, Segment

from support.world import PASSWORD, ward

pytestmark = pytest.mark.django_db
UPLOAD = "/recordings/upload/"
MOBILE = "07700 900321"


def stored_files() -> list[str]:
    if not default_storage.exists("recordings"):
        return []
    return default_storage.listdir("recordings")[1]


def upload(client, programme, audio: bytes, capture, **changes):
    with capture(execute=True):
        return client.post(UPLOAD, form_data(programme, audio, **changes))


def silence_wav(seconds: float = 1.0) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * int(16_000 * seconds))
    return buffer.getvalue()


def test_an_uploaded_recording_becomes_a_redacted_contribution_with_timestamps(
    client, world, conversation_wav, immediate_tasks, django_capture_on_commit_callbacks
):
    client.login(username="connector", password=PASSWORD)

    response = upload(client, world.programme, conversation_wav, django_capture_on_commit_callbacks)

    recording = Recording.objects.get()
    assert response.status_code == 302 and response.url == recording.get_absolute_url()
    assert recording.status == RecordingStatus.DONE and recording.progress == 100
    contribution = recording.contribution
    assert "bus" in contribution.text.lower() and "surgery" in contribution.text.lower()
    assert "[PHONE]" in contribution.text
    assert (contribution.activity.kind, contribution.ward, contribution.postcode_district) == (
        ActivityKind.CONVERSATION,
        ward("Milton"),
        "SS0",
    )
    assert (contribution.consent_quote, contribution.consent_open_data, contribution.language) == (
        True,
        False,
        "en",
    )
    assert contribution.recorded_by == world.connector
    segments = list(recording.segments.all())
    assert len(segments) >= 2
    assert [segment.start for segment in segments] == sorted(segment.start for segment in segments)
    assert all(segment.end > segment.start for segment in segments)
    assert segments[-1].end <= recording.seconds + 0.5
    # The spoken phone number is nowhere: not in the contribution, not in a segment, not in the audit log.
    for text in [contribution.text, *(segment.text for segment in segments)]:
        assert not re.search(r"\d", text), text  # the resident said no other number
    assert "07700" not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    # The programme deletes audio after transcription (the default): nothing is left on storage.
    assert (recording.audio, recording.details, stored_files()) == ("", {}, [])

    page = client.get(recording.get_absolute_url()).content.decode()
    assert "Written down" in page and "The audio has been deleted." in page
    assert "<audio" not in page and 'http-equiv="refresh"' not in page


def test_kept_audio_is_encrypted_plays_back_for_analysts_only_and_erasure_removes_everything(
    client, world, conversation_wav, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    world.programme.audio_retention = AudioRetention.KEEP_ENCRYPTED
    world.programme.save()
    activity = world.by_partner_a.activity  # the partner's own activity: several voices in one
    client.login(username="partner-a", password=PASSWORD)

    upload(
        client, world.programme, conversation_wav, django_capture_on_commit_callbacks, activity=activity.pk
    )

    recording = Recording.objects.get()
    assert recording.contribution.activity == activity and recording.status == RecordingStatus.DONE
    [name] = stored_files()
    with default_storage.open(f"recordings/{name}", "rb") as stored:
        kept = stored.read()
    assert not kept.startswith(b"RIFF") and conversation_wav[44:1044] not in kept
    assert fernet().decrypt(kept) == conversation_wav
    assert "<audio" not in client.get(recording.get_absolute_url()).content.decode()  # partners do not listen
    assert client.get(reverse("recordings:audio", args=[recording.pk])).status_code == 403

    client.login(username="analyst", password=PASSWORD)
    page = client.get(recording.get_absolute_url()).content.decode()
    first = recording.segments.first()
    assert f"#t={first.start:.2f},{first.end:.2f}" in page
    played = client.get(reverse("recordings:audio", args=[recording.pk]))
    assert (played.status_code, played["Content-Type"], played.content) == (
        200,
        "audio/wav",
        conversation_wav,
    )
    part = client.get(reverse("recordings:audio", args=[recording.pk]), headers={"Range": "bytes=100-199"})
    assert (part.status_code, part.content, part["Content-Range"]) == (
        206,
        conversation_wav[100:200],
        f"bytes 100-199/{len(conversation_wav)}",
    )
    assert AuditEvent.objects.filter(action="recording.listened").count() == 1
    # Coded like any other contribution by the programme's next coding run.
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=current_codebook(world.programme))
    assert run_coding(run.pk, by=world.analyst).status == RunStatus.DONE
    contribution_id = recording.contribution_id
    for derived in (ContributionVector, Sentiment, ReviewState):  # embedded, scored, queued for review
        assert derived.objects.filter(contribution_id=contribution_id).exists()

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": []}}
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(recording.contribution, "analysis", by=world.analyst)

    assert not Recording.objects.exists() and not Segment.objects.exists()
    assert not Contribution.objects.filter(pk=contribution_id).exists()
    for derived in (Coding, ContributionVector, Sentiment, ReviewState):
        assert not derived.objects.filter(contribution_id=contribution_id).exists()
    assert not Contribution.objects.filter(activity=activity).exclude(pk=world.by_partner_a.pk).exists()
    assert stored_files() == []


def test_erasing_the_resident_who_was_recorded_removes_audio_transcript_contact_and_all_derived(
    client, world, conversation_wav, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    world.programme.audio_retention = AudioRetention.KEEP_ENCRYPTED
    world.programme.save()
    client.login(username="connector", password=PASSWORD)
    upload(
        client, world.programme, conversation_wav, django_capture_on_commit_callbacks, consent_recontact="yes"
    )
    recording = Recording.objects.get()
    contribution_id = recording.contribution_id
    participant = record_contact(by=world.analyst, contribution=recording.contribution, contact=MOBILE)
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=current_codebook(world.programme))
    assert run_coding(run.pk, by=world.analyst).status == RunStatus.DONE
    assert len(stored_files()) == 1 and Segment.objects.filter(recording=recording).exists()
    assert ContributionVector.objects.filter(contribution_id=contribution_id).exists()

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": []}}
    with django_capture_on_commit_callbacks(execute=True):
        erase_participant(participant, by=world.analyst)

    assert not Recording.objects.exists() and not Segment.objects.exists() and stored_files() == []
    assert not Contribution.objects.filter(pk=contribution_id).exists()
    for derived in (Coding, ContributionVector, Sentiment, ReviewState):
        assert not derived.objects.filter(contribution_id=contribution_id).exists()
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert keyword_matches("surgery", Contribution.objects.filter(programme=world.programme)) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM imports_participant")
        assert "900321" not in repr(cursor.fetchall())


def test_a_silent_recording_fails_with_a_clear_reason_and_its_audio_is_deleted(
    client, world, immediate_tasks, django_capture_on_commit_callbacks
):
    client.login(username="connector", password=PASSWORD)

    upload(client, world.programme, silence_wav(), django_capture_on_commit_callbacks)

    recording = Recording.objects.get()
    assert recording.status == RecordingStatus.FAILED and recording.contribution is None
    assert (recording.audio, recording.details, stored_files()) == ("", {}, [])
    page = client.get(recording.get_absolute_url()).content.decode()
    assert "could not be written down" in page and "silent: no speech was heard" in page


def test_a_waiting_recording_shows_how_far_it_has_got(client, world, conversation_wav):
    client.login(username="connector", password=PASSWORD)

    response = client.post(UPLOAD, form_data(world.programme, conversation_wav))  # never committed: waits

    recording = Recording.objects.get()
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.TRANSCRIBING, progress=40)
    page = client.get(response.url).content.decode()
    assert "Being transcribed: 40% done" in page and 'value="40"' in page and "Check again" in page
    assert client.get(reverse("recordings:progress", args=[recording.pk])).json() == {
        "status": "transcribing",
        "progress": 40,
        "label": "Being transcribed: 40% done",
        "done": False,
    }
    assert (
        f"R{recording.pk}</a>, 20 November 2026: 40% written down"
        in client.get("/recordings/").content.decode()
    )


@pytest.mark.parametrize(
    ("audio", "name", "message"),
    [
        (b"this is a shopping list, not a recording", "conversation.wav", "could not be read as a recording"),
        (b"", "conversation.mp3", "The recording is empty"),
        (b"ID3 some words", "notes.txt", "Upload a recording saved as wav, mp3, m4a or ogg"),
    ],
)
def test_a_file_that_is_not_a_recording_is_refused_with_a_clear_message(client, world, audio, name, message):
    client.login(username="connector", password=PASSWORD)

    response = client.post(UPLOAD, form_data(world.programme, audio, name=name))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Recording.objects.exists() and stored_files() == []


def test_a_recording_over_the_size_limit_is_refused_with_the_limit(client, world, settings):
    settings.CHORUS_RECORDING_MAX_MB = 1
    client.login(username="connector", password=PASSWORD)

    response = client.post(UPLOAD, form_data(world.programme, silence_wav(40)))  # 1.3 MB

    assert response.status_code == 400
    assert "The recording is 1 MB; recordings up to 1 MB can be uploaded" in response.content.decode()
    assert not Recording.objects.exists() and stored_files() == []


def test_without_consent_to_record_nothing_is_kept(client, world, conversation_wav):
    client.login(username="connector", password=PASSWORD)

    response = client.post(UPLOAD, form_data(world.programme, conversation_wav, consent_recording=None))

    assert response.status_code == 400
    assert "Ask the resident if they agree to being recorded" in response.content.decode()
    assert not Recording.objects.exists() and stored_files() == []


def test_the_same_upload_sent_twice_is_kept_once(client, world, conversation_wav):
    client.login(username="connector", password=PASSWORD)

    first = client.post(UPLOAD, form_data(world.programme, conversation_wav))
    again = client.post(UPLOAD, form_data(world.programme, conversation_wav))

    assert first.url == again.url and Recording.objects.count() == 1 and len(stored_files()) == 1


def test_another_partners_activity_cannot_be_chosen(client, world, conversation_wav):
    client.login(username="partner-b", password=PASSWORD)

    response = client.post(
        UPLOAD, form_data(world.programme, conversation_wav, activity=world.by_partner_a.activity.pk)
    )

    assert response.status_code == 400 and not Recording.objects.exists()


def test_the_programme_chooses_to_keep_or_delete_audio(world):
    change_programme_settings(world.programme, {"audio_retention": "keep-encrypted"}, by=world.analyst)
    world.programme.refresh_from_db()
    assert world.programme.audio_retention == AudioRetention.KEEP_ENCRYPTED
    with pytest.raises(Exception, match="delete or keep the audio"):
        change_programme_settings(world.programme, {"audio_retention": "forever"}, by=world.analyst)
