"""Transcription quality and speed: Whisper tiny.en (faster-whisper, int8, CPU) on what residents might say.

Run from the repo root: `.venv/bin/python -m bench.transcribe_speech` (needs espeak-ng).
Writes the "transcribe_speech" section of bench/README.md.

espeak-ng speaks each sentence (British English voice, 150 words a minute); Chorus transcribes and redacts it.
The development sentences (tests/fixtures/speech/sentences.txt) chose the settings (greedy decoding vs beam
search); the held-out sentences (bench/data/speech_heldout.txt) were written at the same time and are measured
with the chosen settings only. Speed is the real-time factor (seconds of work per second of audio) on one
thread, model already loaded; "faster than real time" means a factor below 1.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench._readme import write_section  # noqa: E402
from chorus.transcribe import whisper  # noqa: E402
from chorus.transcribe.audio import read_audio  # noqa: E402
from chorus.transcribe.quality import word_error_rate  # noqa: E402
from chorus.transcribe.transcript import redact_segments  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "fixtures" / "speech" / "sentences.txt"
HELDOUT = ROOT / "bench" / "data" / "speech_heldout.txt"
PERSONAL = ROOT / "tests" / "fixtures" / "speech" / "personal.txt"
CHOSEN_BEAM = 1


def speak_all(sentences: list[str], folder: Path, prefix: str) -> list[Path]:
    paths = []
    for number, sentence in enumerate(sentences):
        path = folder / f"{prefix}-{number}.wav"
        subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(path), sentence], check=True)
        paths.append(path)
    return paths


def measure(sentences: list[str], paths: list[Path], beam_size: int) -> tuple[float, float, float]:
    """(WER after redaction, real-time factor of transcription alone, seconds of audio)."""
    heard, work, audio_seconds = [], 0.0, 0.0
    for path in paths:
        audio = read_audio(path)
        started = time.perf_counter()
        segments = whisper.transcribe_audio(audio, threads=1, beam_size=beam_size)
        work += time.perf_counter() - started
        audio_seconds += audio.seconds
        heard.append(" ".join(segment.text for segment in redact_segments(segments)))
    return word_error_rate(zip(sentences, heard, strict=True)), work / audio_seconds, audio_seconds


def leaks(folder: Path) -> tuple[int, int]:
    """(recordings where a spoken name or 4+ digits of the phone number survive, recordings)."""
    lines = [line.split("\t") for line in PERSONAL.read_text().splitlines()]
    paths = speak_all([line[0] for line in lines], folder, "personal")
    leaked = 0
    for (_, name, digits), path in zip(lines, paths, strict=True):
        text = " ".join(s.text for s in redact_segments(whisper.transcribe_audio(read_audio(path))))
        heard_digits = "".join(character for character in text if character.isdigit())
        name_left = any(part.lower() in text.lower() for part in name.split())
        digits_left = any(digits[i : i + 4] in heard_digits for i in range(len(digits) - 3))
        leaked += name_left or digits_left
    return leaked, len(lines)


def main() -> None:
    dev, heldout = DEV.read_text().splitlines(), HELDOUT.read_text().splitlines()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        dev_paths, heldout_paths = speak_all(dev, folder, "dev"), speak_all(heldout, folder, "heldout")
        whisper.transcribe_audio(read_audio(dev_paths[0]))  # load the model before timing
        rows = []
        for beam in (1, 5):
            wer, factor, seconds = measure(dev, dev_paths, beam)
            rows.append(
                f"| development ({len(dev)} sentences, {seconds:.0f} s) | {beam} | {wer:.3f} | {factor:.2f} |"
            )
        wer, factor, seconds = measure(heldout, heldout_paths, CHOSEN_BEAM)
        rows.append(
            f"| **held out** ({len(heldout)} sentences, {seconds:.0f} s) | {CHOSEN_BEAM} "
            f"| **{wer:.3f}** | {factor:.2f} |"
        )
        leaked, recordings = leaks(folder)
    markdown = "\n".join(
        [
            f"Model: {whisper.MODEL_NAME}, {whisper.MODEL_VERSION}; one CPU thread; voice-activity filter; "
            "WER after redaction (target ≤ 0.15); real-time factor = seconds of work per second of audio "
            "(below 1 is faster than real time).",
            "",
            "| sentences | beam | word error rate | real-time factor |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Spoken names and phone numbers surviving redaction: {leaked} of {recordings} recordings.",
        ]
    )
    write_section("transcribe_speech", "## Recorded conversations (chorus transcribe)\n\n" + markdown)
    print(markdown)


if __name__ == "__main__":
    main()
