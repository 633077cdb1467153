"""A connector between two conversations, on a phone: uploads a recording, sees it wait, and once the
background worker (`db_worker`, in-process here) has transcribed it, the page shows the redacted transcript
without being reloaded by hand."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from chorus.apps.programmes.models import AudioRetention
from chorus.apps.recordings.models import Recording, RecordingStatus

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "recordings", "coding", "imports", "reports"],
        }
    }


def test_connector_uploads_a_recording_on_a_phone_and_reads_its_transcript(
    live_server, world, phone, conversation_wav, tmp_path
):
    path = tmp_path / "conversation.wav"
    path.write_bytes(conversation_wav)
    world.programme.audio_retention = AudioRetention.KEEP_ENCRYPTED
    world.programme.save()
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/recordings/upload/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path="test-results/recordings-upload.png", full_page=True)
    assert axe_violations(phone) == []

    phone.get_by_role("button", name="Upload recording").click()  # nothing filled in: told what is missing
    summary = phone.locator(".nhsuk-error-summary")
    summary.get_by_role("link", name="Ask the resident if they agree to being recorded").wait_for()
    summary.get_by_role("link", name="Choose the recording to upload").wait_for()
    phone.screenshot(path="test-results/recordings-upload-errors.png", full_page=True)
    assert axe_violations(phone) == []

    phone.get_by_label("The resident agrees to this conversation being recorded").check()
    phone.get_by_label("The recording", exact=True).set_input_files(str(path))
    phone.get_by_label("Which ward do they live in?").select_option(label="Milton")
    for question in ("used to understand", "quoted without their name"):
        phone.get_by_role("group", name=question).get_by_label("Yes").check()
    for question in ("anonymous open data", "hear what happened"):
        phone.get_by_role("group", name=question).get_by_label("No").check()
    phone.get_by_role("button", name="Upload recording").click()

    phone.get_by_text("Waiting to be transcribed").wait_for()
    phone.screenshot(path="test-results/recordings-waiting.png", full_page=True)
    assert axe_violations(phone) == []

    call_command("db_worker", "--batch", "--queue-name", "recordings", "--no-startup-delay", "--no-reload")
    assert Recording.objects.get().status == RecordingStatus.DONE
    phone.get_by_role("heading", name="What was said").wait_for()  # the page saw it was done by itself
    content = phone.content()
    assert "[PHONE]" in content and "07700" not in content
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path="test-results/recordings-done.png", full_page=True)
    assert axe_violations(phone) == []
    assert phone.locator("audio").count() == 0  # connectors do not play recordings back

    # An analyst plays a stretch of it back: the kept audio, from where it was said.
    phone.context.clear_cookies()
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    recording = Recording.objects.get()
    phone.goto(f"{live_server.url}{recording.get_absolute_url()}")
    second = recording.segments.all()[1]
    player = phone.locator("audio").nth(1)
    player.evaluate("audio => audio.play()")
    phone.wait_for_function(
        "start => document.querySelectorAll('audio')[1].currentTime > start + 0.5", arg=second.start
    )
    assert player.evaluate("audio => audio.currentTime") <= second.end + 0.5
    assert axe_violations(phone) == []
    phone.screenshot(path="test-results/recordings-analyst.png", full_page=True)


def test_a_connector_records_in_the_browser_and_the_recording_is_uploaded(live_server, world, phone):
    """Chromium's fake microphone (tests/support/browser.py) plays a tone: enough to record and upload."""
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/recordings/upload/")
    phone.get_by_label("The resident agrees to this conversation being recorded").check()

    phone.get_by_role("button", name="Start recording").click()
    phone.get_by_role("button", name="Stop recording").wait_for()
    phone.wait_for_timeout(1500)
    phone.get_by_role("button", name="Stop recording").click()
    phone.get_by_text("Check the questions below, then upload it.").wait_for()
    assert phone.get_by_role("button", name="Record again").is_visible()

    for question in ("used to understand", "quoted without their name", "anonymous open data"):
        phone.get_by_role("group", name=question).get_by_label("Yes").check()
    phone.get_by_role("group", name="hear what happened").get_by_label("No").check()
    phone.get_by_role("button", name="Upload recording").click()
    phone.get_by_text("Waiting to be transcribed").wait_for()
    recording = Recording.objects.get()
    assert recording.audio_format == "webm" and recording.audio_bytes > 1000
