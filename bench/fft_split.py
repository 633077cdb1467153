"""The FFT comments, split once and for all into a development part and a held-out test part.

A comment is held out when the first 8 hex digits of the SHA-256 of its `Comment ID`, as a number, leave a
remainder below 30 when divided by 100: about 30% of the rows, the same ones on every machine and in every
run, whatever order the file is in. Development (tuning, cross-validation) reads only `dev`; the held-out
part is scored once, by the benchmarks, after the methods are fixed.

    >>> data = load()
    >>> dev, test = data.part("dev"), data.part("test")
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chorus.coding.cli import column, read_csv, theme_labels

REPO = Path(__file__).resolve().parents[1]
DATA = (
    Path(os.environ.get("CHORUS_SHARED_DATA", REPO.parent / "shared" / "data"))
    / "feedback"
    / "nhs_fft_dev.csv"
)
TEST_PERCENT = 30
# Macro-F1 is averaged over the themes with at least this many examples in the rows scored.
MIN_EXAMPLES = 5
NOT_CODABLE = "Labelling not possible"


def is_held_out(comment_id: str) -> bool:
    digest = hashlib.sha256(comment_id.strip().encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < TEST_PERCENT


@dataclass
class FFT:
    ids: list[str]
    texts: list[str]
    themes: list[str]
    labels: np.ndarray  # (n, k) 0/1 ints
    sentiments: list[str]  # the raw `Comment sentiment` cell, "1".."5" or ""
    held_out: np.ndarray  # bool per row

    def part(self, name: str) -> FFT:
        if name not in ("dev", "test"):
            raise ValueError(name)
        rows = np.flatnonzero(self.held_out if name == "test" else ~self.held_out)
        return FFT(
            [self.ids[i] for i in rows],
            [self.texts[i] for i in rows],
            self.themes,
            self.labels[rows],
            [self.sentiments[i] for i in rows],
            self.held_out[rows],
        )


def load(path: Path = DATA) -> FFT:
    header, rows = read_csv(path)
    themes = header[header.index("Comment sentiment") + 1 :]
    ids = column(header, rows, "Comment ID", path)
    return FFT(
        ids,
        column(header, rows, "FFT answer", path),
        themes,
        theme_labels(header, rows, themes, path).astype(int),
        [cell.strip() for cell in column(header, rows, "Comment sentiment", path)],
        np.array([is_held_out(comment_id) for comment_id in ids], dtype=bool),
    )


def scored_themes(labels: np.ndarray) -> list[int]:
    """Columns with at least MIN_EXAMPLES examples in these rows: the themes macro-F1 averages over."""
    return [j for j in range(labels.shape[1]) if labels[:, j].sum() >= MIN_EXAMPLES]


def f1_scores(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    """(macro-F1 over the themes with >= MIN_EXAMPLES examples, micro-F1 over the same themes)."""
    from sklearn.metrics import f1_score

    columns = scored_themes(truth)
    return (
        float(f1_score(truth[:, columns], predicted[:, columns], average="macro", zero_division=0)),
        float(f1_score(truth[:, columns], predicted[:, columns], average="micro", zero_division=0)),
    )
