from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SPEECH = Path(__file__).resolve().parents[1] / "fixtures" / "speech"


def speak(text: str, path: Path) -> Path:
    """A British English voice (espeak-ng, Debian) reads the text into a wav file."""
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(path), text], check=True)
    return path


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    folder = tmp_path_factory.mktemp("speech")

    def make(text: str, name: str) -> Path:
        return speak(text, folder / f"{name}.wav")

    return make
