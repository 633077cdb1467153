"""Zero-shot coding: suggest themes before anyone has coded an example, from the codebook alone.

Each theme is described by its name, description and any example quotes. A text's affinity to a theme is its
highest cosine similarity to any of these, minus the text's average similarity to all themes: static
embeddings give every text some similarity to everything, and what marks a theme is standing out from the
rest. The affinity becomes a confidence through a fixed logistic curve that is 0.5 at the threshold.

These are suggestions for people to accept or reject; the accepted and rejected ones train the real model
(chorus.coding.classifier). Measured on the FFT comments with theme names only, zero-shot is far weaker than
a trained model (see bench/README.md): use it to start a review queue, not to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from chorus.coding import embeddings
from chorus.coding.classifier import Coding, most_uncertain_first

# Affinity (similarity above the text's average over themes) at which a theme is suggested.
DEFAULT_THRESHOLD = 0.15
# Steepness of the affinity -> confidence curve: affinity threshold +/- 0.2 gives confidence ~0.08 / ~0.92.
SLOPE = 12.0


@dataclass(frozen=True)
class ThemeDescription:
    theme_id: str
    name: str
    description: str = ""
    examples: Sequence[str] = field(default_factory=tuple)


class ZeroShotCoder:
    model_name = f"chorus-zero-shot on {embeddings.MODEL_NAME}"
    model_version = embeddings.MODEL_VERSION

    def __init__(
        self,
        themes: Sequence[ThemeDescription | tuple[str, str, str, Sequence[str]]],
        threshold: float = DEFAULT_THRESHOLD,
    ):
        self.descriptions = [
            theme if isinstance(theme, ThemeDescription) else ThemeDescription(*theme) for theme in themes
        ]
        if not self.descriptions:
            raise ValueError("zero-shot coding needs at least one theme")
        self.themes = [theme.theme_id for theme in self.descriptions]
        self.threshold = threshold
        self.thresholds = np.full(len(self.themes), 0.5)
        anchors: list[str] = []
        self._owner: list[int] = []
        for index, theme in enumerate(self.descriptions):
            texts = [f"{theme.name}. {theme.description}".strip(), *theme.examples]
            anchors += [text for text in texts if text.strip(" .")]
            self._owner += [index] * (len(anchors) - len(self._owner))
        self._anchor_vectors = embeddings.embed(anchors)
        self._owner_array = np.asarray(self._owner)

    def affinities(self, texts: Sequence[str]) -> np.ndarray:
        """Shape (n, k): each theme's best similarity, less the text's mean over themes (when k > 1)."""
        similarity = embeddings.embed(texts) @ self._anchor_vectors.T
        best = np.full((len(texts), len(self.themes)), -1.0)
        for index in range(len(self.themes)):
            columns = self._owner_array == index
            if columns.any():
                best[:, index] = similarity[:, columns].max(axis=1)
        if len(self.themes) > 1:
            best -= best.mean(axis=1, keepdims=True)
        return best

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-SLOPE * (self.affinities(texts) - self.threshold)))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return (self.predict_proba(texts) >= 0.5).astype(np.int8)

    def codings(self, texts: Sequence[str], include_all: bool = False) -> list[list[Coding]]:
        result = []
        for row in self.predict_proba(texts):
            codings = [
                Coding(theme, float(p), bool(p >= 0.5), self.model_name, self.model_version)
                for theme, p in zip(self.themes, row, strict=True)
                if include_all or p >= 0.5
            ]
            result.append(sorted(codings, key=lambda coding: -coding.confidence))
        return result

    def most_uncertain_first(self, texts: Sequence[str]) -> np.ndarray:
        return most_uncertain_first(self.predict_proba(texts), self.thresholds)
