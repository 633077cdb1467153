"""Measure e5's per-language offsets on the project's translations and write language_offsets.npz.

The offsets come from the 60 development comments of tests/fixtures/data/fft_translations.csv (every language
in it); the 40 comments of fft_translations_heldout.csv are never used. Run again when the embedding model
changes (the file records the model version it was measured on and is ignored under another):

    .venv/bin/python -m chorus.coding.build_language_offsets
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from chorus.coding import multilingual
from chorus.coding.crosslingual import OFFSETS_FILE, LanguageOffsets

TRANSLATIONS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "data" / "fft_translations.csv"


def read_pairs(path: Path = TRANSLATIONS) -> tuple[list[str], dict[str, list[str]]]:
    """English originals and, per language, their translations in the same order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    text = {(row["comment_id"], row["language"]): row["text"] for row in rows}
    ids = list(dict.fromkeys(row["comment_id"] for row in rows))
    codes = sorted({row["language"] for row in rows} - {"en"})
    return [text[(i, "en")] for i in ids], {code: [text[(i, code)] for i in ids] for code in codes}


def build(path: Path = TRANSLATIONS, vectors: np.ndarray | None = None) -> LanguageOffsets:
    """Offsets from the translations file; `vectors` may carry the e5 embeddings of its rows (file order)."""
    english, translated = read_pairs(path)
    if vectors is None:
        return LanguageOffsets.fit(
            multilingual.embed(english),
            {code: multilingual.embed(texts) for code, texts in translated.items()},
        )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row_of = {(row["comment_id"], row["language"]): k for k, row in enumerate(rows)}
    ids = list(dict.fromkeys(row["comment_id"] for row in rows))
    return LanguageOffsets.fit(
        vectors[[row_of[(i, "en")] for i in ids]],
        {code: vectors[[row_of[(i, code)] for i in ids]] for code in translated},
    )


if __name__ == "__main__":
    offsets = build()
    offsets.save(OFFSETS_FILE)
    print(f"{OFFSETS_FILE}: {', '.join(sorted(offsets.offsets))} from {offsets.pairs} translated comments")
