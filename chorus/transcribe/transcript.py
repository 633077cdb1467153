"""A recording's redacted transcript: what was said, with when, and personal data taken out before it is kept.

Speech needs more than the written-text redactor: Whisper writes a spoken phone number as digits broken
across segments ("077009100" then "1013.") or as words ("oh seven seven double oh ..."), so phone numbers and
their pieces are found as well (spoken_numbers.py), and names said after "my name is", "this is" or before
"here" (spoken_names.py), over the whole transcript, not segment by segment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from chorus.privacy.redaction import PLACEHOLDERS, default_redactor
from chorus.transcribe import whisper
from chorus.transcribe.audio import Audio, read_audio
from chorus.transcribe.spoken_names import for_analysis, name_spans, with_first_names
from chorus.transcribe.spoken_numbers import number_spans


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
    analysed = for_analysis(joined)
    found = [(span.kind, span.start, span.end) for span in default_redactor().redact(analysed).spans]
    spans = _merged(with_first_names(joined, found + name_spans(analysed)) + number_spans(joined))
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
