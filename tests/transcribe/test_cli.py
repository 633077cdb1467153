"""`chorus transcribe FILE`: the redacted transcript on stdout; a bad recording: a message, exit status 2."""

from __future__ import annotations

import re
import subprocess
import sys
import wave
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # run first (tests/conftest.py)

SPEECH = Path(__file__).resolve().parents[1] / "fixtures" / "speech"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chorus", "transcribe", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )


def silent_wav(path: Path, seconds: float = 2.0) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * int(16_000 * seconds))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "missing.wav", "There is no recording at"),
        (lambda folder: (folder / "empty.m4a").write_bytes(b"") and None or folder / "empty.m4a", "is empty"),
        (
            lambda folder: (folder / "notes.mp3").write_text("not audio") and folder / "notes.mp3",
            "could not be read",
        ),
        (lambda folder: silent_wav(folder / "quiet.wav"), "is silent"),
    ],
    ids=["missing", "empty", "not-audio", "silent"],
)
def test_bad_recording_gets_a_clear_message_and_exit_status_2(tmp_path, make, message):
    result = run(str(make(tmp_path)))

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_prints_the_redacted_transcript_with_timestamps(spoken):
    sentence, name, _ = (SPEECH / "personal.txt").read_text().splitlines()[0].split("\t")

    result = run("--timestamps", str(spoken(sentence, "personal-cli")))

    assert result.returncode == 0, result.stderr
    assert re.match(r"^\[00:00\.0 - \d\d:\d\d\.\d\] \S", result.stdout)
    assert "[NAME]" in result.stdout and "[PHONE]" in result.stdout
    assert name.split()[0] not in result.stdout
