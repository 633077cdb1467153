"""Transcription quality, speed and redaction: Whisper tiny.en (faster-whisper, int8, CPU) on what is said.

Run from the repo root: `.venv/bin/python -m bench.transcribe_speech` (needs espeak-ng).
Writes the "transcribe_speech" section of bench/README.md.

espeak-ng speaks each sentence (British English voice, 150 words a minute); Chorus transcribes and redacts it.
The development sentences (tests/fixtures/speech/sentences.txt) chose the settings (greedy decoding vs beam
search); the held-out sentences (bench/data/speech_heldout.txt) were written at the same time and are measured
with the chosen settings only. Speed is the real-time factor (seconds of work per second of audio) on one
thread, model already loaded; "faster than real time" means a factor below 1. The row "temperature fallback"
is faster-whisper's default decoding, which Chorus used before: it samples at random when unsure, so its
figures change from run to run.

Redaction: sentences with a name and a UK phone number said in many ways. The development ones
(tests/fixtures/speech/personal.txt and personal_dev.txt) shaped chorus.transcribe.spoken_numbers and
spoken_names; the held-out ones (bench/data/personal_heldout.txt) were written before that work began and were
first measured once, at its end. A name is left if any part of it is in the transcript (as in the tests: part
of a word counts, "Lan" in "land"); a number is left if any four of its digits in a row are among the
transcript's digits, all put together.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import re  # noqa: E402
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
PERSONAL = [ROOT / "tests" / "fixtures" / "speech" / name for name in ("personal.txt", "personal_dev.txt")]
PERSONAL_HELDOUT = ROOT / "bench" / "data" / "personal_heldout.txt"
CHOSEN_BEAM = 1


def speak_all(sentences: list[str], folder: Path, prefix: str) -> list[Path]:
    paths = []
    for number, sentence in enumerate(sentences):
        path = folder / f"{prefix}-{number}.wav"
        subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(path), sentence], check=True)
        paths.append(path)
    return paths


def measure(
    sentences: list[str], paths: list[Path], beam_size: int, temperature=whisper.TEMPERATURE
) -> tuple[float, float, float]:
    """(WER after redaction, real-time factor of transcription alone, seconds of audio)."""
    heard, work, audio_seconds = [], 0.0, 0.0
    for path in paths:
        audio = read_audio(path)
        started = time.perf_counter()
        segments = whisper.transcribe_audio(audio, threads=1, beam_size=beam_size, temperature=temperature)
        work += time.perf_counter() - started
        audio_seconds += audio.seconds
        heard.append(" ".join(segment.text for segment in redact_segments(segments)))
    return word_error_rate(zip(sentences, heard, strict=True)), work / audio_seconds, audio_seconds


def leaks(lines: list[list[str]], folder: Path, prefix: str) -> dict[str, int]:
    """How many recordings leave a spoken name or 4+ digits of the phone number, and which of the two."""
    paths = speak_all([line[0] for line in lines], folder, prefix)
    counts = {"recordings": len(lines), "leaked": 0, "names": 0, "names_as_words": 0, "numbers": 0}
    for number, ((_, name, digits), path) in enumerate(zip(lines, paths, strict=True)):
        text = "\n".join(s.text for s in redact_segments(whisper.transcribe_audio(read_audio(path))))
        heard_digits = "".join(character for character in text if character.isdigit())
        name_left = [part for part in name.split() if part.lower() in text.lower()]
        as_word = [part for part in name_left if re.search(rf"\b{re.escape(part.lower())}\b", text.lower())]
        digits_left = any(digits[i : i + 4] in heard_digits for i in range(len(digits) - 3))
        counts["names"] += bool(name_left)
        counts["names_as_words"] += bool(as_word)
        counts["numbers"] += digits_left
        counts["leaked"] += bool(name_left) or digits_left
        if name_left or digits_left:
            print(f"{prefix} {number}: name left {name_left}, number left {digits_left}")
    return counts


def leak_row(label: str, counts: dict[str, int]) -> str:
    return (
        f"| {label} | {counts['recordings']} | {counts['leaked']} | {counts['names']} "
        f"({counts['names_as_words']} as a whole word) | {counts['numbers']} |"
    )


def main() -> None:
    dev, heldout = DEV.read_text().splitlines(), HELDOUT.read_text().splitlines()
    personal = [line.split("\t") for path in PERSONAL for line in path.read_text().splitlines()]
    personal_heldout = [line.split("\t") for line in PERSONAL_HELDOUT.read_text().splitlines()]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        dev_paths, heldout_paths = speak_all(dev, folder, "dev"), speak_all(heldout, folder, "heldout")
        whisper.transcribe_audio(read_audio(dev_paths[0]))  # load the model before timing
        rows = []
        for beam, temperature, label in (
            (1, whisper.TEMPERATURE, "0"),
            (1, whisper.FALLBACK_TEMPERATURES, "fallback 0.2-1.0"),
            (5, whisper.TEMPERATURE, "0"),
        ):
            wer, factor, seconds = measure(dev, dev_paths, beam, temperature)
            rows.append(
                f"| development ({len(dev)} sentences, {seconds:.0f} s) | {beam} | {label} | {wer:.3f} "
                f"| {factor:.2f} |"
            )
        wer, factor, seconds = measure(heldout, heldout_paths, CHOSEN_BEAM)
        rows.append(
            f"| **held out** ({len(heldout)} sentences, {seconds:.0f} s) | {CHOSEN_BEAM} | 0 "
            f"| **{wer:.3f}** | {factor:.2f} |"
        )
        leak_rows = [
            leak_row("development", leaks(personal, folder, "personal")),
            leak_row("**held out**", leaks(personal_heldout, folder, "personal-heldout")),
        ]
    markdown = "\n".join(
        [
            f"Model: {whisper.MODEL_NAME}, {whisper.MODEL_VERSION}; one CPU thread; voice-activity filter; "
            "WER after redaction (target ≤ 0.15); real-time factor = seconds of work per second of audio "
            "(below 1 is faster than real time). Chorus decodes greedily at temperature 0 (beam 1).",
            "",
            "| sentences | beam | temperature | word error rate | real-time factor |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "The machine is shared: real-time factors move by about 0.05 from run to run. Temperature 0 "
            "and the fallback do the same work where Whisper is sure of every stretch (these 12 sentences); "
            "where it is not, the fallback decodes again, so temperature 0 is never slower.",
            "",
            "Spoken names and UK phone numbers surviving redaction (recordings):",
            "",
            "| sentences | recordings | any left | name left | number left (4+ digits) |",
            "|---|---|---|---|---|",
            *leak_rows,
        ]
    )
    write_section("transcribe_speech", "## Recorded conversations (chorus transcribe)\n\n" + markdown)
    print(markdown)


if __name__ == "__main__":
    main()
