"""Sentiment of a contribution: positive, neutral, negative or mixed.

A multinomial logistic regression on the sentence embedding, TF-IDF n-grams and VADER's lexicon scores
(static embeddings blur "awful" and "amazing"; the lexicon does not). The default model in
chorus/coding/model/sentiment/ was trained on the NHS Friends and Family Test comments (MIT, (c) NHS England;
see the NOTICE there); `SentimentModel.fit` trains one on your own labels.

"Mixed" is a verdict, not only a class: a text is mixed when one of its sentences is clearly positive and
another clearly negative ("Staff were lovely. The wait was far too long."), or when the whole text is strongly
both. If the training labels themselves include "mixed", the model also learns it as a class.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from chorus.coding.classifier import Coding, FeatureSettings, SingleLabelCoder, load

POSITIVE, NEUTRAL, NEGATIVE, MIXED = "positive", "neutral", "negative", "mixed"
SENTIMENTS = (POSITIVE, NEUTRAL, NEGATIVE, MIXED)
DEFAULT_MODEL_DIR = Path(__file__).with_name("model") / "sentiment"

# A sentence this sure of one side counts as clearly positive or negative.
CLEAR_SENTENCE = 0.6
# A whole text at least this likely positive AND negative is mixed.
BOTH_SIDES = 0.3
# Sentence boundaries, and "but"/"however", which in feedback nearly always turns from one side to the other.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?:but|however|although|though)\s+", re.IGNORECASE)

# Embedding + TF-IDF n-grams: best of the variants measured in bench/coding_fft.py.
DEFAULT_SETTINGS = FeatureSettings(
    use_tfidf=True, use_lexicon=True, linear_model="logistic", regularisation_c=4.0
)

# Friends and Family Test sentiment scale: 1 very positive ... 5 very negative.
_FFT_SCALE = {"1": POSITIVE, "2": POSITIVE, "3": NEUTRAL, "4": NEGATIVE, "5": NEGATIVE}


def parse_label(value: str | None) -> str | None:
    """A sentiment label from a spreadsheet cell: a word, or the FFT 1-5 scale. Blank is None."""
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return None
    if text in SENTIMENTS:
        return text
    if text.endswith(".0"):
        text = text[:-2]
    if text in _FFT_SCALE:
        return _FFT_SCALE[text]
    raise ValueError(f"sentiment {value!r} is not one of {', '.join(SENTIMENTS)} or 1-5 (1 very positive)")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_SPLIT.split(text or "") if part and part.strip()]


class SentimentModel:
    def __init__(self, coder: SingleLabelCoder):
        self.coder = coder

    @classmethod
    def fit(
        cls, texts: Sequence[str], labels: Sequence[str | None], settings: FeatureSettings | None = None
    ) -> SentimentModel:
        """Train on labels positive/neutral/negative/mixed (or FFT 1-5); blank labels are skipped."""
        parsed = [parse_label(label) for label in labels]
        kept = [(text, label) for text, label in zip(texts, parsed, strict=True) if label is not None]
        if len({label for _, label in kept}) < 2:
            raise ValueError("sentiment needs examples of at least two different sentiments")
        coder = SingleLabelCoder.fit(
            [t for t, _ in kept], [label for _, label in kept], settings=settings or DEFAULT_SETTINGS
        )
        return cls(coder)

    @classmethod
    def load(cls, directory: str | Path) -> SentimentModel:
        coder = load(directory)
        if not isinstance(coder, SingleLabelCoder):
            raise ValueError(f"{directory} holds a multi-label model, not a sentiment model")
        return cls(coder)

    def save(self, directory: str | Path) -> None:
        self.coder.save(directory)

    @property
    def model_name(self) -> str:
        return f"chorus-sentiment on {self.coder.manifest['embedding_model']}"

    @property
    def model_version(self) -> str:
        return self.coder.model_version

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [coding.theme for coding in self.codings(texts)]

    def codings(self, texts: Sequence[str]) -> list[Coding]:
        """One sentiment per text, with its confidence and the model that decided it."""
        texts = ["" if text is None else str(text) for text in texts]
        classes = self.coder.themes
        whole = self.coder.predict_proba(texts)
        parts = [sentences(text) for text in texts]
        split_rows = [row for row, part in enumerate(parts) if len(part) > 1]
        flat = [sentence for row in split_rows for sentence in parts[row]]
        per_sentence = self.coder.predict_proba(flat) if flat else np.zeros((0, len(classes)))
        clear_positive = np.zeros(len(texts), dtype=bool)
        clear_negative = np.zeros(len(texts), dtype=bool)
        start = 0
        for row in split_rows:
            block = per_sentence[start : start + len(parts[row])]
            start += len(parts[row])
            if POSITIVE in classes and NEGATIVE in classes:
                clear_positive[row] = block[:, classes.index(POSITIVE)].max() >= CLEAR_SENTENCE
                clear_negative[row] = block[:, classes.index(NEGATIVE)].max() >= CLEAR_SENTENCE
        result = []
        for row, probabilities in enumerate(whole):
            label, confidence = classes[int(probabilities.argmax())], float(probabilities.max())
            if POSITIVE in classes and NEGATIVE in classes and label != MIXED:
                positive = probabilities[classes.index(POSITIVE)]
                negative = probabilities[classes.index(NEGATIVE)]
                if (clear_positive[row] and clear_negative[row]) or min(positive, negative) >= BOTH_SIDES:
                    label, confidence = MIXED, float(positive + negative)
            result.append(Coding(label, confidence, True, self.model_name, self.model_version))
        return result


@cache
def default_model() -> SentimentModel:
    """The shipped model trained on NHS Friends and Family Test comments."""
    return SentimentModel.load(DEFAULT_MODEL_DIR)


def sentiment(texts: Sequence[str]) -> list[str]:
    """positive, neutral, negative or mixed for each text, from the shipped model."""
    return default_model().predict(texts)
