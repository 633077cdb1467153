"""Linguistic strengths ("weak", "very strong", positive or negative) turned into link weights.

The default follows common fuzzy cognitive mapping practice (Stylios & Groumpos; Papageorgiou; the FCMpy
expert-FCM method): each term is a triangular fuzzy number on [0, 1], a single term is worth the centroid
of its triangle, and several people's terms for one link combine by clipping each triangle at the share
of people who chose it, taking the maximum, and reading the centroid. The sign is applied last.

A programme may replace the term set with a plain dict: each value is either a triangle (low, peak, high)
on [0, 1] or a plain number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

from chorus.maps.model import MapError

Triangle = tuple[float, float, float]
StrengthTerms = Mapping[str, Triangle | float]

DEFAULT_STRENGTH_TERMS: dict[str, Triangle] = {
    "very weak": (0.0, 0.0, 0.25),
    "weak": (0.0, 0.25, 0.5),
    "medium": (0.25, 0.5, 0.75),
    "strong": (0.5, 0.75, 1.0),
    "very strong": (0.75, 1.0, 1.0),
}

POSITIVE_WORDS = {"+", "positive", "positively", "increases", "more"}
NEGATIVE_WORDS = {"-", "negative", "negatively", "decreases", "less"}

_GRID = np.linspace(0.0, 1.0, 2001)


def _normalise(term: str) -> str:
    return " ".join(term.strip().lower().replace("_", " ").replace("-", " ").split())


def _lookup(term: str, terms: StrengthTerms) -> Triangle | float:
    wanted = _normalise(term)
    for key, value in terms.items():
        if _normalise(key) == wanted:
            return value
    raise MapError(f"unknown strength {term!r}; expected one of: {', '.join(terms)}")


def _membership(triangle: Triangle) -> np.ndarray:
    low, peak, high = triangle
    rising = np.ones_like(_GRID) if peak == low else (_GRID - low) / (peak - low)
    falling = np.ones_like(_GRID) if high == peak else (high - _GRID) / (high - peak)
    return np.clip(np.minimum(rising, falling), 0.0, 1.0) * ((_GRID >= low) & (_GRID <= high))


def term_value(term: str, terms: StrengthTerms = DEFAULT_STRENGTH_TERMS) -> float:
    """The unsigned strength of one term: a triangle's centroid, or the plain number given."""
    value = _lookup(term, terms)
    if isinstance(value, int | float):
        return float(value)
    return sum(value) / 3.0


def parse_sign(text: str) -> int:
    """+1 or -1 from "+", "-", "positive", "negative", "increases", "decreases" (blank means positive)."""
    word = text.strip().lower()
    if word in POSITIVE_WORDS or word == "":
        return 1
    if word in NEGATIVE_WORDS:
        return -1
    raise MapError(f"unknown sign {text!r}; use + or -")


def split_signed_term(text: str) -> tuple[int, str]:
    """Read "strong", "negative weak", "very strong negative" or "-medium" as (sign, term)."""
    cleaned = text.strip().lower()
    sign = 1
    if cleaned.startswith(("+", "-")):
        sign, cleaned = (1 if cleaned[0] == "+" else -1), cleaned[1:]
    words = cleaned.split()
    kept = []
    for word in words:
        if word in POSITIVE_WORDS - {"+", "more"}:
            continue
        if word in NEGATIVE_WORDS - {"-", "less"}:
            sign = -sign
            continue
        kept.append(word)
    return sign, " ".join(kept)


def strength_to_weight(text: str, sign: int = 1, terms: StrengthTerms = DEFAULT_STRENGTH_TERMS) -> float:
    """A signed weight from a strength that is a number ("0.6") or a term ("very strong negative")."""
    try:
        return sign * float(text)
    except ValueError:
        pass
    term_sign, term = split_signed_term(text)
    return sign * term_sign * term_value(term, terms)


def combine_terms(chosen: Iterable[str], terms: StrengthTerms = DEFAULT_STRENGTH_TERMS) -> float:
    """One unsigned strength from several people's terms for the same link.

    Each term's triangle is clipped at the share of people who chose it, the clipped shapes are combined by
    their maximum, and the centroid of the result is the strength. Terms given as plain numbers are averaged
    in proportion to how often they were chosen instead, since they have no shape to clip.
    """
    counts = Counter(_normalise(term) for term in chosen)
    total = sum(counts.values())
    if total == 0:
        raise MapError("no strengths to combine")
    values = {term: _lookup(term, terms) for term in counts}
    if any(isinstance(value, int | float) for value in values.values()):
        return sum(counts[term] * term_value(term, terms) for term in counts) / total
    combined = np.zeros_like(_GRID)
    for term, count in counts.items():
        combined = np.maximum(combined, np.minimum(_membership(values[term]), count / total))
    if combined.sum() == 0:
        return 0.0
    return float((_GRID * combined).sum() / combined.sum())
