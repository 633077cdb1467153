"""A recording's redacted transcript: what was said, with when, and personal data taken out before it is kept.

Speech needs more than the written-text redactor: Whisper writes a spoken phone number as digits broken
across segments ("077009100" then "1013.") or as words ("oh seven seven double oh ..."), so every run of six
or more digits, written or spoken, is redacted as well, over the whole transcript, not segment by segment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from chorus.privacy.redaction import NHS_NUMBER, PHONE, PLACEHOLDERS, default_redactor
from chorus.transcribe import whisper
from chorus.transcribe.audio import Audio, read_audio

_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
# Words Whisper leaves inside a spoken number: "double oh", "one one and two three".
_NUMBER_FILLERS = {"and", "double", "triple", "treble"}
# A token made of digits and the letters Whisper mistakes for them ("I1-1-100", "0.7", "(020)"), not money.
_DIGIT_TOKEN = re.compile(r"^[(+]?[\dIOlo][\dIOlo\-.,()/]*$")
_TOKEN = re.compile(r"\S+")
# The end of a number run into the next word ("900 1 and 23-end it time" for "900123 any time").
_DIGITS_INTO_WORD = re.compile(r"^(\d+)-[A-Za-z]+$")
MIN_NUMBER_DIGITS = 6


@dataclass(frozen=True)
class TranscriptSegment:
    start: float
    end: float
    text: str  # redacted


@dataclass(frozen=True)
class Transcript:
    segments: tuple[TranscriptSegment, ...]
    seconds: float
    model_name: str = whisper.MODEL_NAME
    model_version: str = whisper.MODEL_VERSION

    @property
    def text(self) -> str:
        return "\n".join(segment.text for segment in self.segments)


def _number_spans(text: str) -> list[tuple[str, int, int]]:
    """Runs of number-like words holding six or more digits, written or spoken, however Whisper split them."""
    spans: list[tuple[str, int, int]] = []
    run: list[re.Match] = []
    digits = ""

    def close_run() -> None:
        while run and not _digits_in(run[-1].group()):
            run.pop()  # a run ends on a digit, not on "and"
        if len(digits) >= MIN_NUMBER_DIGITS and run:
            kind = NHS_NUMBER if len(digits) == 10 and not digits.startswith("0") else PHONE
            end = run[-1].start() + len(run[-1].group().rstrip(".,;:!?"))
            spans.append((kind, run[0].start(), end))

    for token in _TOKEN.finditer(text):
        word = token.group().strip(".,;:!?").lower()
        found = _digits_in(token.group())
        if found:
            run.append(token)
            digits += found
        elif run and word in _NUMBER_FILLERS:
            run.append(token)
        else:
            close_run()
            run, digits = [], ""
        if token.group()[-1:] in ".!?" and not token.group()[:-1].replace(",", "").isdigit():
            close_run()  # a full stop after words ends the number; "07700." may go on in the next segment
            run, digits = [], ""
    close_run()
    return spans


def _digits_in(token: str) -> str:
    """The digits a token says: "07700" → "07700", "seven" → "7", "I1-1" → "11"; "" for a word."""
    word = token.strip(".,;:!?")
    if word.lower() in _SPOKEN_DIGITS:
        return _SPOKEN_DIGITS[word.lower()]
    if _DIGIT_TOKEN.match(word) and any(character.isdigit() for character in word):
        return "".join(character for character in word if character.isdigit())
    run_into_word = _DIGITS_INTO_WORD.match(word)
    return run_into_word.group(1) if run_into_word else ""


def _merged(spans: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    merged: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(spans, key=lambda span: (span[1], -span[2])):
        if merged and start < merged[-1][2]:
            previous = merged[-1]
            merged[-1] = (previous[0], previous[1], max(previous[2], end))
        else:
            merged.append((kind, start, end))
    return merged


def redact_segments(segments: list[whisper.Segment]) -> tuple[TranscriptSegment, ...]:
    """Redact the transcript as one text, then cut it back into its timed segments."""
    starts, position = [], 0
    for segment in segments:
        starts.append(position)
        position += len(segment.text) + 1
    joined = " ".join(segment.text for segment in segments)
    found = [(span.kind, span.start, span.end) for span in default_redactor().redact(joined).spans]
    spans = _merged(found + _number_spans(joined))
    redacted = []
    for segment, offset in zip(segments, starts, strict=True):
        end_of_segment = offset + len(segment.text)
        pieces, cursor = [], offset
        for kind, start, end in spans:
            if end <= offset or start >= end_of_segment:
                continue
            pieces.append(joined[cursor : max(start, offset)])
            # A span that began in an earlier segment is already marked there; here its words just go.
            if start >= offset:
                pieces.append(PLACEHOLDERS[kind])
            cursor = min(end, end_of_segment)
        pieces.append(joined[cursor:end_of_segment])
        text = re.sub(r"\s{2,}", " ", "".join(pieces)).strip()
        if cursor > offset and not pieces[0]:  # the segment opened with the end of a number: drop its stop
            text = text.lstrip(" .,;:")
        if re.search(r"\w", text):  # a stretch left with only punctuation ("." after a number) is dropped
            redacted.append(TranscriptSegment(segment.start, segment.end, text))
    return tuple(redacted)


def transcribe(path: str | Path, threads: int = 1) -> Transcript:
    """Read, transcribe and redact one recording. Raises AudioError for a recording that cannot be used."""
    return transcribe_decoded(read_audio(path), threads=threads)


def transcribe_decoded(
    audio: Audio, threads: int = 1, on_progress: Callable[[float], None] | None = None
) -> Transcript:
    """Transcribe and redact a recording already decoded (read_audio, read_audio_bytes)."""
    segments = whisper.transcribe_audio(audio, threads=threads, on_progress=on_progress)
    return Transcript(segments=redact_segments(segments), seconds=audio.seconds)
