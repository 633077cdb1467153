"""English coding from two models at once: the static model with TF-IDF and the multilingual-e5 heads.

The English coder (`chorus.coding.classifier.MultiLabelCoder`: static embedding and hashed n-grams) and the
heads on e5 embeddings (`chorus.coding.crosslingual.MultilingualThemeCoder`) are each a little better on
different comments. Averaging their confidences (STATIC_WEIGHT of the English coder's) and tuning each theme's
threshold, and a common floor for micro-F1, on the averaged out-of-fold confidences of both (the two models'
calibration folds are the same rows) codes English better than either alone. On the development part of the
FFT comments (bench/coding_learning_curve.py; two 70/30 splits): macro-F1 0.511 -> 0.536 and 0.479 -> 0.499,
micro-F1 0.713 -> 0.735 and 0.736 -> 0.747.

e5 embeds about 40 texts a second on one core where the static model embeds thousands, so this is for batch
coding runs that already embed with e5 (chorus.apps.coding, up to settings.CHORUS_CODING_E5_MAX
contributions) and the few-shot coder; `chorus coding apply` keeps the static model alone (>= 500 comments/s).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chorus.coding import multilingual
from chorus.coding.classifier import (
    MultiLabelCoder,
    ThresholdDecisions,
    best_f1_threshold,
    best_micro_f1_floor,
)
from chorus.coding.crosslingual import MultilingualThemeCoder

# Share of the English (static) coder in the averaged confidence; chosen among 0.4-1.0 on the development
# part of the FFT comments only (with all coded examples and with 5, 10 and 30 a theme).
STATIC_WEIGHT = 0.7


def _blended_out_of_fold(english: MultiLabelCoder, heads: MultilingualThemeCoder, weight: float):
    """Per theme, the averaged out-of-fold (confidences, labels), or None where either model has none."""
    pairs = []
    for ours, theirs in zip(english.out_of_fold, heads.out_of_fold, strict=True):
        if ours is None or theirs is None or len(ours[1]) != len(theirs[1]) or (ours[1] != theirs[1]).any():
            pairs.append(None)
        else:
            pairs.append((weight * ours[0] + (1 - weight) * theirs[0], ours[1]))
    return pairs


class BlendedThemeCoder(ThresholdDecisions):
    """The English coder and the e5 heads, confidences averaged, thresholds tuned on the average."""

    def __init__(
        self,
        english: MultiLabelCoder,
        heads: MultilingualThemeCoder,
        thresholds: np.ndarray,
        weight: float = STATIC_WEIGHT,
    ):
        if list(english.themes) != list(heads.themes):
            raise ValueError("the English coder and the e5 heads must code to the same themes, in order")
        self.english = english
        self.heads = heads
        self.themes = list(english.themes)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.weight = weight
        self.manifest = {**english.manifest, "static_weight": weight}
        self.model_name = f"{english.model_name} + {heads.model_name}"
        self.model_version = f"{english.model_version}; {heads.model_version}"

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: np.ndarray,
        themes: Sequence[str],
        english: MultiLabelCoder | None = None,
        vectors: np.ndarray | None = None,
        weight: float = STATIC_WEIGHT,
    ) -> BlendedThemeCoder:
        """Fit both models on the same coded examples (or reuse an English coder just fitted on them, which
        still holds its out-of-fold confidences); `vectors` may carry the texts' e5 embeddings."""
        texts = ["" if text is None else str(text).strip() for text in texts]
        english = english or MultiLabelCoder.fit(texts, labels, themes)
        vectors = multilingual.embed(texts) if vectors is None else vectors
        heads = MultilingualThemeCoder.fit(texts, labels, list(themes), vectors=vectors)
        out_of_fold = _blended_out_of_fold(english, heads, weight)
        # Themes too small to tune keep 0.5, as in either model alone.
        thresholds = np.array([0.5 if pair is None else best_f1_threshold(*pair) for pair in out_of_fold])
        floor = best_micro_f1_floor(thresholds, out_of_fold)
        tuned = np.array([pair is not None for pair in out_of_fold], dtype=bool)
        thresholds[tuned] = np.maximum(thresholds[tuned], floor)
        return cls(english, heads, thresholds, weight)

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Averaged confidence that each theme applies, shape (n, k); `vectors`: the texts' e5 embeddings."""
        texts = ["" if text is None else str(text).strip() for text in texts]
        ours = self.english.predict_proba(texts)
        theirs = self.heads.predict_proba(texts, vectors=vectors)
        return self.weight * ours + (1 - self.weight) * theirs

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        return self.decide(self.predict_proba(texts, vectors))
