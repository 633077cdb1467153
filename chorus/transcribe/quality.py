"""Word error rate: (words substituted + lost + added) / words said, between speech and its transcript."""

from __future__ import annotations

import re
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^a-z0-9' ]+")


def words(text: str) -> list[str]:
    """Lower case, punctuation and hyphens as spaces, "don't" kept whole: the usual normalisation for WER."""
    return _NOT_WORD.sub(" ", text.lower().replace("’", "'")).split()


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, said in enumerate(reference, start=1):
        current = [i]
        for j, heard in enumerate(hypothesis, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (said != heard)))
        previous = current
    return previous[-1]


def word_error_rate(pairs: Iterable[tuple[str, str]]) -> float:
    """WER over (what was said, what was transcribed) pairs, weighted by the words said."""
    errors = total = 0
    for reference, hypothesis in pairs:
        said = words(reference)
        errors += edit_distance(said, words(hypothesis))
        total += len(said)
    return errors / total if total else 0.0
