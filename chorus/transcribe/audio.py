"""Reading a recording into the 16 kHz mono samples Whisper listens to, refusing what cannot be used."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"There is no recording at {path}.")
    return _decoded(str(path), path.stat().st_size, path.name)


def read_audio_bytes(data: bytes, name: str = "The recording") -> Audio:
    """The same as read_audio for a recording held in memory (one decrypted from storage)."""
    return _decoded(io.BytesIO(data), len(data), name)


def check_readable(source: str | Path | BinaryIO, size: int, name: str = "The recording") -> None:
    """Refuse, quickly and before anything is kept, a recording that is empty, too big or not audio at all:
    PyAV opens it and decodes its first sound. Silence and length are checked when it is transcribed."""
    import av

    _check_size(size, name)
    try:
        with av.open(str(source) if isinstance(source, Path) else source, mode="r") as container:
            if not container.streams.audio:
                raise AudioError(f"{name} holds no sound. Chorus reads {FORMATS} files.")
            for _frame in container.decode(audio=0):
                return
    except AudioError:
        raise
    except Exception as error:  # PyAV raises many kinds (InvalidDataError, ValueError, IndexError...)
        raise AudioError(
            f"{name} could not be read as a recording ({type(error).__name__}). Chorus reads {FORMATS} files."
        ) from error
    raise AudioError(f"{name} holds no sound.")


def _check_size(size: int, name: str) -> None:
    if size == 0:
        raise AudioError(f"{name} is empty: it holds no recording.")
    if size > MAX_FILE_BYTES:
        raise AudioError(
            f"{name} is {size / 1024 / 1024:.0f} MB; recordings over "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB are refused. Split it into shorter parts."
        )


def _decoded(source: str | BinaryIO, size: int, name: str) -> Audio:
    from faster_whisper.audio import decode_audio

    _check_size(size, name)
    try:
        samples = decode_audio(source, sampling_rate=SAMPLE_RATE)
    except Exception as error:  # PyAV raises many kinds (InvalidDataError, ValueError, IndexError...)
        raise AudioError(
            f"{name} could not be read as a recording ({type(error).__name__}). Chorus reads {FORMATS} files."
        ) from error
    seconds = len(samples) / SAMPLE_RATE
    if len(samples) == 0:
        raise AudioError(f"{name} holds no sound.")
    if seconds > MAX_SECONDS:
        raise AudioError(
            f"{name} lasts {seconds / 3600:.1f} hours; recordings over {MAX_SECONDS // 3600} hours are "
            "refused. Split it into shorter parts."
        )
    if float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) < SILENCE_RMS:
        raise AudioError(f"{name} is silent: no speech was heard.")
    return Audio(samples=samples, seconds=seconds)
