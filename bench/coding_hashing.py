"""Does hashing the n-grams (so a saved model holds no training text) cost coding quality?

The same MultiLabelCoder trained and scored on the same folds of the NHS FFT comments, twice in one run:
with the n-grams hashed (`HashedNgrams`, what Chorus ships) and with a TfidfVectorizer vocabulary (what it
did before: it kept thousands of the training texts' words and n-grams in the saved model). A short run:
the first FOLDS_RUN of coding_fft's 5 folds, scored like its "all rows" view.

    .venv/bin/python -m bench.coding_hashing
"""

from __future__ import annotations

import os
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold

from bench._readme import write_section
from bench.coding_fft import FOLDS, MIN_EXAMPLES, SEED, f1s, load_fft
from chorus.coding import classifier

FOLDS_RUN = 2


def vocabulary_ngrams(analyzer: str, ngram_range: tuple[int, int], min_df: int, max_features: int):
    """The features as they were: a TfidfVectorizer with the same n-grams, pruning and weighting."""
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        min_df=min_df,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )


def run(texts, labels, themes, folds) -> tuple[np.ndarray, np.ndarray, float]:
    rows = np.concatenate([test for _, test in folds])
    predictions = np.zeros_like(labels)
    started = time.perf_counter()
    for train, test in folds:
        model = classifier.MultiLabelCoder.fit([texts[i] for i in train], labels[train], themes)
        predictions[test] = model.predict([texts[i] for i in test])
    return rows, predictions, time.perf_counter() - started


def main() -> None:
    texts, themes, labels, _ = load_fft()
    folds = list(KFold(FOLDS, shuffle=True, random_state=SEED).split(texts))[:FOLDS_RUN]
    load_at_start = os.getloadavg()[0]
    results = {}
    hashed = classifier.HashedNgrams
    for name, ngrams in (("vocabulary (before)", vocabulary_ngrams), ("hashed (now)", hashed)):
        classifier.HashedNgrams = ngrams
        try:
            results[name] = run(texts, labels, themes, folds)
        finally:
            classifier.HashedNgrams = hashed
    lines = [
        "### Hashed n-grams against a stored vocabulary (coding_hashing)",
        "",
        f"`nhs_fft_dev.csv`, {len(texts)} comments; the first {FOLDS_RUN} of coding_fft's {FOLDS} folds",
        f"(KFold, shuffle, seed {SEED}), both feature kinds trained and scored on the same folds in this",
        "run;",
        f"F1 over the themes with at least {MIN_EXAMPLES} examples in the rows scored.",
        "",
        "| n-gram features | rows scored | themes | macro-F1 | micro-F1 | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for name, (rows, predictions, seconds) in results.items():
        columns = [j for j in range(len(themes)) if labels[rows, j].sum() >= MIN_EXAMPLES]
        macro, micro, _ = f1s(labels[rows], predictions[rows], columns)
        lines.append(f"| {name} | {len(rows)} | {len(columns)} | {macro:.3f} | {micro:.3f} | {seconds:.0f} |")
    lines += [
        "",
        f"Shared 2-core machine: 1-minute load average {load_at_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end.",
    ]
    write_section("coding_hashing", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
