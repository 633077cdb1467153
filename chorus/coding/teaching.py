"""Teaching a coder by answering its questions: which contribution to ask about next, how far the model can
be trusted so far, and confidences that say how often the model is right.

Prequential evaluation (Dawid 1984): every answer first tests the model as it stood, before it was trained
on that answer. The share of answers it agreed with is therefore measured only on answers it had not seen,
and it is the honest figure to show while it learns.

    >>> estimate = agreement_estimate([True, False, True, True])
    >>> estimate.answers, round(estimate.share, 2)
    (4, 0.75)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# The latest answers the "recent" figure is measured on: the model changes as it learns, so the recent share
# says more about the model now than the share over every answer since the first.
RECENT_ANSWERS = 50
# Confidences are calibrated against people's answers once there are this many (model theme, answer) pairs,
# with both outcomes present; below it they stay the model's own.
MIN_CALIBRATION_PAIRS = 20
Z_95 = 1.959964


def agrees(predicted: Collection, chosen: Collection) -> bool:
    """The model agrees with a person when their themes share one, or when neither applied any."""
    predicted, chosen = set(predicted), set(chosen)
    return bool(predicted & chosen) or (not predicted and not chosen)


@dataclass(frozen=True)
class AgreementEstimate:
    answers: int
    agreed: int
    low: float  # 95% Wilson interval of the share
    high: float

    @property
    def share(self) -> float:
        return self.agreed / self.answers if self.answers else 0.0


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    if trials == 0:
        return 0.0, 1.0
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def agreement_estimate(agreed: Sequence[bool]) -> AgreementEstimate:
    """How often the model agreed with the answers it had not seen (in answer order, oldest first)."""
    successes = sum(bool(flag) for flag in agreed)
    low, high = wilson_interval(successes, len(agreed))
    return AgreementEstimate(len(agreed), successes, low, high)


class Calibration:
    """Maps a model's confidence to how often people agreed with a theme it applied with that confidence.

    Fitted on (confidence, the person chose the theme) pairs from prequential answers, by isotonic
    regression, so a higher confidence never maps lower. Made by earlier (weaker) models, the pairs make the
    mapping err on the modest side as the model improves."""

    def __init__(self, confidences: Sequence[float], correct: Sequence[bool]):
        from sklearn.isotonic import IsotonicRegression

        self.pairs = len(confidences)
        self._regression = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            np.asarray(confidences, dtype=float), np.asarray(correct, dtype=float)
        )

    @classmethod
    def from_answers(
        cls, answers: Sequence[tuple[Mapping[str, float], Collection[str]]]
    ) -> Calibration | None:
        """answers: (the model's themes with their confidences, the themes the person chose), per answer.
        None when there are too few pairs, or people always (or never) agreed."""
        confidences, correct = [], []
        for predicted, chosen in answers:
            chosen = {str(theme) for theme in chosen}
            for theme, confidence in predicted.items():
                confidences.append(float(confidence))
                correct.append(str(theme) in chosen)
        if len(confidences) < MIN_CALIBRATION_PAIRS or len(set(correct)) < 2:
            return None
        return cls(confidences, correct)

    def __call__(self, confidences: np.ndarray) -> np.ndarray:
        values = np.asarray(confidences, dtype=float)
        return self._regression.predict(values.ravel()).reshape(values.shape)


def next_questions(
    theme_scores: np.ndarray,
    margins: np.ndarray,
    examples_per_theme: Sequence[int],
    count: int = 1,
    coverage_first: bool = True,
) -> list[int]:
    """Rows to ask a person about next, the most useful first.

    Alternates between coverage and uncertainty. Coverage: the theme with the fewest examples (one with none
    first; among equals, the one some row most looks like), asking about the row that most looks like it.
    Uncertainty: the row whose closest call is nearest its threshold (smallest margin). `theme_scores` is
    (n, k), higher = more like the theme; rows already answered must be left out by the caller."""
    theme_scores = np.asarray(theme_scores, dtype=float)
    margins = np.asarray(margins, dtype=float)
    n, k = theme_scores.shape
    examples = np.asarray(examples_per_theme, dtype=float).copy()
    chosen: list[int] = []
    taken = np.zeros(n, dtype=bool)
    coverage = coverage_first
    while len(chosen) < min(count, n):
        if coverage and k:
            theme = int(np.lexsort((-theme_scores[~taken].max(axis=0), examples))[0])
            scores = np.where(taken, -np.inf, theme_scores[:, theme])
            examples[theme] += 1
        else:
            scores = np.where(taken, -np.inf, -margins)
        row = int(np.argmax(scores))
        taken[row] = True
        chosen.append(row)
        coverage = not coverage
    return chosen
