"""Reading a recording into the 16 kHz mono samples Whisper listens to, refusing what cannot be used."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
# Bigger files are refused before decoding: about six hours of mp3, far longer than any conversation.
MAX_FILE_BYTES = 500 * 1024 * 1024
MAX_SECONDS = 3 * 60 * 60
# Below this loudness (root mean square of samples in -1..1) a recording holds no speech to transcribe.
SILENCE_RMS = 0.002
FORMATS = "wav, mp3, m4a, ogg, webm or flac"


class AudioError(ValueError):
    """A recording that cannot be transcribed, with a message for the person who gave it."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32 mono at SAMPLE_RATE
    seconds: float


def read_audio(path: str | Path) -> Audio:
    """Decode a recording (PyAV reads it); refuse missing, huge, unreadable, empty or silent ones."""
    from faster_whisper.audio import decode_audio

    path = Path(path)
    if not path.is_file():
        raise AudioError(f"There is no recording at {path}.")
    size = path.stat().st_size
    if size == 0:
        raise AudioError(f"{path.name} is empty: it holds no recording.")
    if size > MAX_FILE_BYTES:
        raise AudioError(
            f"{path.name} is {size / 1024 / 1024:.0f} MB; recordings over "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB are refused. Split it into shorter parts."
        )
    try:
        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as error:  # PyAV raises many kinds (InvalidDataError, ValueError, IndexError...)
        raise AudioError(
            f"{path.name} could not be read as a recording ({type(error).__name__}). "
            f"Chorus reads {FORMATS} files."
        ) from error
    seconds = len(samples) / SAMPLE_RATE
    if len(samples) == 0:
        raise AudioError(f"{path.name} holds no sound.")
    if seconds > MAX_SECONDS:
        raise AudioError(
            f"{path.name} lasts {seconds / 3600:.1f} hours; recordings over {MAX_SECONDS // 3600} hours are "
            "refused. Split it into shorter parts."
        )
    if float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) < SILENCE_RMS:
        raise AudioError(f"{path.name} is silent: no speech was heard.")
    return Audio(samples=samples, seconds=seconds)
