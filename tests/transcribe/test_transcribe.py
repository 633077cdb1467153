"""Transcribing recordings of sentences residents might say, spoken by espeak-ng: close to what was said, and
no spoken name or phone number survives."""

from __future__ import annotations

from pathlib import Path

from chorus.transcribe.quality import word_error_rate
from chorus.transcribe.transcript import transcribe
from chorus.transcribe.whisper import MODEL_VERSION

SPEECH = Path(__file__).resolve().parents[1] / "fixtures" / "speech"


def test_transcript_is_close_to_what_was_said(spoken):
    sentences = (SPEECH / "sentences.txt").read_text().splitlines()

    heard = [
        transcribe(spoken(sentence, f"sentence-{number}")).text for number, sentence in enumerate(sentences)
    ]

    assert word_error_rate(zip(sentences, heard, strict=True)) <= 0.15


def test_spoken_name_and_phone_number_never_appear(spoken):
    for number, line in enumerate((SPEECH / "personal.txt").read_text().splitlines()):
        sentence, name, digits = line.split("\t")

        transcript = transcribe(spoken(sentence, f"personal-{number}"))

        for part in name.split():
            assert part.lower() not in transcript.text.lower()
        heard_digits = "".join(character for character in transcript.text if character.isdigit())
        assert all(digits[start : start + 4] not in heard_digits for start in range(len(digits) - 3))
        assert "[PHONE]" in transcript.text


def test_transcript_keeps_timestamps_in_order_and_names_its_model(spoken):
    sentences = (SPEECH / "sentences.txt").read_text().splitlines()[:4]

    transcript = transcribe(spoken(" ".join(sentences), "several"))

    starts = [segment.start for segment in transcript.segments]
    assert starts == sorted(starts) and starts[0] < 1.0
    assert all(segment.end > segment.start for segment in transcript.segments)
    assert transcript.segments[-1].end <= transcript.seconds + 0.5
    assert transcript.model_version == MODEL_VERSION
