"""Auto-coding trained on human-coded examples, with people in control.

Multi-label: one linear model per theme (one-vs-rest) on the sentence embedding concatenated with TF-IDF
word and character n-grams. The n-grams are hashed (`HashedNgrams`): a saved model keeps bucket numbers and
weights, never the n-grams themselves, so erasing a resident's words leaves none of them in a model file.
Each theme's scores are calibrated (Platt scaling on out-of-fold scores) into a confidence, and each theme
gets its own decision threshold, tuned for F1 on those same out-of-fold predictions. Thresholds tuned theme
by theme run low on rare themes (a rare theme's F1 gains from every extra hit), which costs precision over
all codings; so a common floor under them is tuned too, for micro-F1 over all themes on the same out-of-fold
confidences (on the FFT comments it lifts micro-F1 from 0.71 to 0.73-0.74 while macro-F1 stays put:
bench/README.md).

Where the multilingual-e5 embedding is at hand (coding runs that embed with it anyway), it joins the features
(`E5_FEATURES`): on the FFT comments one model over all of them codes English better than the static model
alone or than averaging it with e5 heads (bench/README.md, coding_learning_curve).

Single-label: one multinomial logistic regression; the confidence is its probability.

Labels are a matrix with one column per theme: 1 applies, 0 does not, NaN unknown. Unknown cells are left
out of that theme's training, which is what lets reviews of single codings (`add_reviews`) become training
examples without claiming anything about the other themes.

Every prediction (`Coding`) carries the name and version of the model that made it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import joblib
import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from scipy.optimize import minimize
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from chorus.coding import embeddings, multilingual

MANIFEST = "manifest.json"
VECTORIZERS = "vectorizers.joblib"
WEIGHTS = "weights.npz"
FORMAT_VERSION = 1

CALIBRATION_FOLDS = 3
# A theme needs this many positive (and negative) examples before its confidence is calibrated and its
# threshold tuned; below it the confidence is the sigmoid of the raw score and the threshold 0.5.
MIN_EXAMPLES_TO_TUNE = 5
# Threads that train themes side by side (the machines this runs on have 2 cores).
N_JOBS = 2
# A human review is a deliberate correction: it counts as this many ordinary examples.
REVIEW_WEIGHT = 3.0


@dataclass(frozen=True)
class Coding:
    """One machine-made coding of one text: which theme, how sure, and what made it."""

    theme: str
    confidence: float
    applies: bool
    model_name: str
    model_version: str


@dataclass(frozen=True)
class Review:
    """A person's decision on a suggested coding: accepted (the theme applies) or rejected (it does not)."""

    text: str
    theme: str
    accepted: bool


@dataclass(frozen=True)
class FeatureSettings:
    """How texts become features and which linear model learns from them (defaults measured in bench/)."""

    use_embedding: bool = True
    use_tfidf: bool = True
    use_lexicon: bool = False  # VADER's sentiment scores: lexical polarity that static embeddings blur
    embedding_weight: float = 1.0
    regularisation_c: float = 0.1
    linear_model: str = "svm"  # LinearSVC, or "logistic"; both get Platt-calibrated confidences
    # Weight of the multilingual-e5 sentence embedding among the features; 0: not used (e5 embeds about 40
    # texts a second, the static model thousands).
    e5_weight: float = 0.0
    # Single-label only: "balanced" weighs each category by the inverse of its frequency, so a small
    # category counts as much as a big one (macro-F1 on 1,000 FFT comments: +0.10, bench/README.md).
    class_weight: str | None = None


# Hash buckets for n-grams: with about 10^5 n-grams kept, 2^20 buckets make collisions rare.
HASH_BUCKETS = 2**20


class HashedNgrams:
    """TF-IDF over hashed n-grams, pruned like TfidfVectorizer's min_df and max_features.

    A TfidfVectorizer stores its vocabulary (and every pruned n-gram in stop_words_): thousands of the
    training texts' words. This keeps only which hash buckets it uses and their idf: what it saves holds no
    text at all, so a model need not be searched when a resident's words are erased.
    """

    def __init__(self, analyzer: str, ngram_range: tuple[int, int], min_df: int, max_features: int):
        self.hasher = HashingVectorizer(
            analyzer=analyzer,
            ngram_range=ngram_range,
            n_features=HASH_BUCKETS,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )
        self.min_df = min_df
        self.max_features = max_features
        self.buckets = np.zeros(0, dtype=np.int32)
        self.tfidf = TfidfTransformer(sublinear_tf=True)

    def fit(self, texts: Sequence[str]) -> HashedNgrams:
        counts = self.hasher.transform(texts).tocsc()
        document_frequency = np.diff(counts.indptr)
        buckets = np.flatnonzero(document_frequency >= self.min_df)
        if len(buckets) == 0:
            raise ValueError("no n-gram is frequent enough")
        if len(buckets) > self.max_features:
            # The most frequent n-grams over the corpus, as TfidfVectorizer keeps (ties: lower bucket).
            totals = np.asarray(counts[:, buckets].sum(axis=0)).ravel()
            buckets = np.sort(buckets[np.argsort(-totals, kind="stable")[: self.max_features]])
        self.buckets = buckets.astype(np.int32)
        self.tfidf.fit(counts[:, self.buckets])
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = self.hasher.transform(texts)
        if getattr(self, "_column_of", None) is None:  # bucket -> column, built once (not saved)
            self._column_of = np.full(HASH_BUCKETS, -1, dtype=np.int32)
            self._column_of[self.buckets] = np.arange(len(self.buckets), dtype=np.int32)
        columns = self._column_of[counts.indices]
        kept = columns >= 0
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        counts = sparse.csr_matrix(
            (counts.data[kept], (rows[kept], columns[kept])), shape=(counts.shape[0], len(self.buckets))
        )
        return self.tfidf.transform(counts).astype(np.float32)

    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "_column_of"}


def _fit_or_none(ngrams: HashedNgrams, texts: Sequence[str]) -> HashedNgrams | None:
    """The fitted n-grams, or None when the texts have no n-gram frequent enough (e.g. all empty)."""
    try:
        return ngrams.fit(texts)
    except ValueError:
        return None


class TextFeatures:
    """Embedding + TF-IDF word and character n-grams, as one sparse matrix."""

    def __init__(self, settings: FeatureSettings, word: HashedNgrams | None, char: HashedNgrams | None):
        self.settings = settings
        self.word = word
        self.char = char

    @classmethod
    def fit(cls, texts: Sequence[str], settings: FeatureSettings) -> TextFeatures:
        word = char = None
        if settings.use_tfidf:
            # Rare n-grams are noise in a big training set but all there is in a handful of examples.
            rare = 1 if len(texts) < 200 else 2
            word = _fit_or_none(HashedNgrams("word", (1, 2), min_df=rare, max_features=30000), texts)
            char = _fit_or_none(HashedNgrams("char_wb", (2, 5), min_df=rare + 1, max_features=40000), texts)
        return cls(settings, word, char)

    def transform(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> sparse.csr_matrix:
        """`vectors`: the texts' multilingual-e5 embeddings when already made (used if e5_weight > 0)."""
        blocks = []
        if self.settings.use_embedding:
            blocks.append(
                sparse.csr_matrix(embeddings.embed(texts) * np.float32(self.settings.embedding_weight))
            )
        if self.settings.e5_weight:
            vectors = multilingual.embed(texts) if vectors is None else np.asarray(vectors, dtype=np.float32)
            blocks.append(sparse.csr_matrix(vectors * np.float32(self.settings.e5_weight)))
        blocks += [
            vectorizer.transform(texts) for vectorizer in (self.word, self.char) if vectorizer is not None
        ]
        if self.settings.use_lexicon:
            blocks.append(sparse.csr_matrix(lexicon_scores(texts)))
        return sparse.hstack(blocks, format="csr", dtype=np.float32)


@cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon_scores(texts: Sequence[str]) -> np.ndarray:
    """VADER's negative, neutral, positive and compound scores per text, shape (n, 4)."""
    analyser = _vader()
    keys = ("neg", "neu", "pos", "compound")
    return np.array(
        [[analyser.polarity_scores(text)[key] for key in keys] for text in texts], dtype=np.float32
    )


# The English coder with the multilingual-e5 embedding among its features, at three times the static
# embedding's weight: chosen among 1, 2, 3 and 4 (and the strength C among 0.05, 0.1, 0.2) on three seeded
# 70/30 splits of the development part of the FFT comments, with all coded examples: micro-F1 0.738 -> 0.747
# against averaging the static coder with e5 heads (bench/coding_learning_curve.py).
E5_FEATURES = FeatureSettings(e5_weight=3.0)

# Single-label coding needs probabilities over categories: multinomial logistic regression.
SINGLE_LABEL_SETTINGS = FeatureSettings(
    linear_model="logistic", regularisation_c=4.0, class_weight="balanced"
)


def _clean(texts: Iterable[str | None]) -> list[str]:
    return ["" if text is None else str(text).strip() for text in texts]


def _platt(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a * score + b) to out-of-fold scores: Platt scaling, with Platt's smoothed targets
    ((N+ + 1) / (N+ + 2) and 1 / (N- + 2)) so that a few separable examples do not give certainties."""
    positives, negatives = weights[labels == 1].sum(), weights[labels == 0].sum()
    targets = np.where(labels == 1, (positives + 1) / (positives + 2), 1 / (negatives + 2))

    def loss_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        p = sigmoid(params[0] * scores + params[1])
        p = np.clip(p, 1e-12, 1 - 1e-12)
        loss = -np.sum(weights * (targets * np.log(p) + (1 - targets) * np.log(1 - p)))
        residual = weights * (p - targets)
        return loss, np.array([np.sum(residual * scores), np.sum(residual)])

    result = minimize(loss_and_gradient, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(result.x[0]), float(result.x[1])


def best_f1_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The threshold maximising F1, from a coarse grid so that a handful of examples cannot make it spiky."""
    best_threshold, best_f1 = 0.5, -1.0
    positives = labels.sum()
    for threshold in THRESHOLD_GRID:
        predicted = probabilities >= threshold
        true_positives = np.sum(predicted & (labels == 1))
        f1 = 2 * true_positives / max(predicted.sum() + positives, 1)
        if f1 > best_f1 + 1e-9:
            best_threshold, best_f1 = float(threshold), f1
    return best_threshold


THRESHOLD_GRID = np.arange(0.05, 0.951, 0.025)


def best_micro_f1_floor(thresholds: np.ndarray, out_of_fold: Sequence[tuple[np.ndarray, np.ndarray] | None]):
    """The floor under the per-theme thresholds that maximises micro-F1 over the themes' out-of-fold
    confidences ((probabilities, labels) per theme, None for themes too small to tune); 0 = no floor."""
    tuned = [(column, pair) for column, pair in enumerate(out_of_fold) if pair is not None]
    if not tuned:
        return 0.0
    best_floor, best_f1 = 0.0, -1.0
    for floor in [0.0, *THRESHOLD_GRID]:
        true_positives = predicted = actual = 0
        for column, (probabilities, labels) in tuned:
            decided = probabilities >= max(thresholds[column], floor)
            true_positives += int(np.sum(decided & (labels == 1)))
            predicted += int(decided.sum())
            actual += int(labels.sum())
        f1 = 2 * true_positives / max(predicted + actual, 1)
        if f1 > best_f1 + 1e-9:
            best_floor, best_f1 = float(floor), f1
    return best_floor


def _binary_estimator(settings: FeatureSettings, seed: int):
    """liblinear's dual solver shuffles rows with a C-level generator that the threads training themes side
    by side share, so two fits on the same examples differed; the primal solver draws nothing (the same
    F1 on the FFT development splits, a fit about 10% slower). The seed is for the logistic model's."""
    if settings.linear_model == "svm":
        # liblinear's default 1,000 iterations left a theme unconverged now and then with the e5 features.
        return LinearSVC(C=settings.regularisation_c, class_weight="balanced", dual=False, max_iter=5000)
    return LogisticRegression(
        C=settings.regularisation_c,
        class_weight="balanced",
        solver="liblinear",
        max_iter=1000,
        random_state=seed,
    )


def sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -30, 30)))


def most_uncertain_first(probabilities: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Row indices, the row whose confidence comes nearest a threshold (the closest call) first."""
    if len(probabilities) == 0:
        return np.zeros(0, dtype=int)
    margins = np.abs(probabilities - thresholds[None, :]).min(axis=1)
    return np.argsort(margins, kind="stable")


def add_reviews(
    texts: Sequence[str],
    labels: np.ndarray,
    themes: Sequence[str],
    reviews: Iterable[Review],
    weights: np.ndarray | None = None,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Turn reviews into training examples: accepted = 1, rejected = 0 for that text and theme.

    A review of a text already in the training set overrides its cell; a review of a new text adds a row
    whose other themes are unknown. Returns (texts, labels, weights); reviewed cells weigh REVIEW_WEIGHT.
    """
    texts = list(_clean(texts))
    labels = np.array(labels, dtype=np.float64, copy=True)
    weights = np.ones_like(labels) if weights is None else np.array(weights, dtype=np.float64, copy=True)
    column = {theme: index for index, theme in enumerate(themes)}
    row_of = {text: index for index, text in enumerate(texts)}
    new_rows: list[np.ndarray] = []
    new_weights: list[np.ndarray] = []
    for review in reviews:
        if review.theme not in column:
            raise ValueError(f"review names theme {review.theme!r}, which the model does not have")
        text = _clean([review.text])[0]
        if text not in row_of:
            row_of[text] = len(texts)
            texts.append(text)
            new_rows.append(np.full(len(themes), np.nan))
            new_weights.append(np.ones(len(themes)))
        row = row_of[text]
        if row < len(labels):
            labels[row, column[review.theme]] = 1.0 if review.accepted else 0.0
            weights[row, column[review.theme]] = REVIEW_WEIGHT
        else:
            new_rows[row - len(labels)][column[review.theme]] = 1.0 if review.accepted else 0.0
            new_weights[row - len(labels)][column[review.theme]] = REVIEW_WEIGHT
    if new_rows:
        labels = np.vstack([labels, *new_rows]) if len(labels) else np.vstack(new_rows)
        weights = np.vstack([weights, *new_weights]) if len(weights) else np.vstack(new_weights)
    return texts, labels, weights


def _fit_theme(
    matrix: sparse.csr_matrix, labels: np.ndarray, weights: np.ndarray, settings: FeatureSettings, seed: int
) -> tuple[np.ndarray | None, float, tuple[float, float], float, tuple[np.ndarray, np.ndarray] | None]:
    """One theme's (coef, intercept, Platt a and b, threshold, out-of-fold (confidences, labels) or None),
    trained on the rows where it is known."""
    rows = np.flatnonzero(~np.isnan(labels))
    y = labels[rows].astype(int)
    w = weights[rows]
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if positives == 0 or negatives == 0:
        # Never (or always) seen applied: a constant confidence of ~0 (or ~1).
        return None, 10.0 if positives else -10.0, (1.0, 0.0), 0.5, None
    estimator = _binary_estimator(settings, seed)
    platt, threshold, calibrated = (1.0, 0.0), 0.5, None
    if min(positives, negatives) >= MIN_EXAMPLES_TO_TUNE:
        out_of_fold = np.zeros(len(rows))
        folds = StratifiedKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=seed)
        for train, test in folds.split(rows, y):
            estimator.fit(matrix[rows[train]], y[train], sample_weight=w[train])
            out_of_fold[test] = estimator.decision_function(matrix[rows[test]])
        platt = _platt(out_of_fold, y, w)
        calibrated = (sigmoid(platt[0] * out_of_fold + platt[1]), y)
        threshold = best_f1_threshold(*calibrated)
    estimator.fit(matrix[rows], y, sample_weight=w)
    return estimator.coef_[0], float(estimator.intercept_[0]), platt, threshold, calibrated


class _LinearModel:
    """Shared machinery: features, linear scores, identity, save/load of plain arrays."""

    kind = ""

    def __init__(
        self,
        features: TextFeatures,
        themes: list[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        manifest: dict,
    ):
        self.features = features
        self.themes = themes
        self.coef = coef.astype(np.float32)
        self.intercept = intercept.astype(np.float32)
        self.manifest = manifest

    @property
    def model_name(self) -> str:
        with_e5 = f" and {multilingual.MODEL_NAME}" if self.manifest.get("e5_version") else ""
        return f"chorus-coder-{self.kind} on {self.manifest['embedding_model']}{with_e5}"

    @property
    def model_version(self) -> str:
        with_e5 = f", {self.manifest['e5_version']}" if self.manifest.get("e5_version") else ""
        return f"{self.manifest['trained_at']} ({self.manifest['embedding_version']}{with_e5})"

    def _scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        matrix = self.features.transform(_clean(texts), vectors)
        return np.asarray(matrix @ self.coef.T) + self.intercept[None, :]

    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        joblib.dump({"word": self.features.word, "char": self.features.char}, directory / VECTORIZERS)
        np.savez_compressed(
            directory / WEIGHTS, coef=self.coef, intercept=self.intercept, **self._extra_arrays()
        )
        (directory / MANIFEST).write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False) + "\n")

    def _extra_arrays(self) -> dict[str, np.ndarray]:
        return {}


def _new_manifest(kind: str, themes: list[str], settings: FeatureSettings, training_size: int) -> dict:
    manifest = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "embedding_model": embeddings.MODEL_NAME,
        "embedding_version": embeddings.MODEL_VERSION,
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "training_size": training_size,
        "themes": themes,
        "features": settings.__dict__,
    }
    if settings.e5_weight:
        manifest["e5_version"] = multilingual.model_version()
    return manifest


class ThresholdDecisions:
    """Multi-label decisions from confidences and per-theme thresholds, shared by the coders that have
    `themes`, `thresholds`, `manifest`, `model_name`, `model_version` and `predict_proba`."""

    def decide(self, probabilities: np.ndarray) -> np.ndarray:
        """Confidences to 0/1. If every training text had a theme, a text with none over its threshold gets
        the theme that comes closest (highest confidence relative to its threshold)."""
        decided = (probabilities >= self.thresholds[None, :]).astype(np.int8)
        if self.manifest.get("at_least_one") and len(self.themes):
            undecided = np.flatnonzero(decided.sum(axis=1) == 0)
            closest = (probabilities[undecided] / self.thresholds[None, :]).argmax(axis=1)
            decided[undecided, closest] = 1
        return decided

    def codings(self, texts: Sequence[str], include_all: bool = False) -> list[list[Coding]]:
        """Per text, the themes that apply (or every theme if include_all), most confident first."""
        probabilities = self.predict_proba(texts)
        result = []
        for row, decided in zip(probabilities, self.decide(probabilities), strict=True):
            codings = [
                Coding(theme, float(p), bool(applies), self.model_name, self.model_version)
                for theme, p, applies in zip(self.themes, row, decided, strict=True)
                if include_all or applies
            ]
            result.append(sorted(codings, key=lambda coding: -coding.confidence))
        return result


class MultiLabelCoder(ThresholdDecisions, _LinearModel):
    """Several themes may apply to one text; each has a calibrated confidence and its own threshold."""

    kind = "multi-label"

    def __init__(
        self, features, themes, coef, intercept, manifest, platt: np.ndarray, thresholds: np.ndarray
    ):
        super().__init__(features, themes, coef, intercept, manifest)
        self.platt = platt.astype(np.float64)  # shape (k, 2): a, b of sigmoid(a * score + b)
        self.thresholds = thresholds.astype(np.float64)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: np.ndarray,
        themes: Sequence[str],
        weights: np.ndarray | None = None,
        settings: FeatureSettings | None = None,
        seed: int = 0,
        vectors: np.ndarray | None = None,
    ) -> MultiLabelCoder:
        """`vectors`: the texts' multilingual-e5 embeddings, if already made and the settings use them."""
        settings = settings or FeatureSettings()
        texts = _clean(texts)
        themes = list(themes)
        labels = np.asarray(labels, dtype=np.float64)
        if labels.shape != (len(texts), len(themes)):
            raise ValueError(f"labels have shape {labels.shape}, expected {(len(texts), len(themes))}")
        weights = np.ones_like(labels) if weights is None else np.asarray(weights, dtype=np.float64)
        features = TextFeatures.fit(texts, settings)
        matrix = features.transform(texts, vectors)
        coef = np.zeros((len(themes), matrix.shape[1]), dtype=np.float32)
        intercept = np.zeros(len(themes), dtype=np.float32)
        platt = np.tile([1.0, 0.0], (len(themes), 1))
        thresholds = np.full(len(themes), 0.5)
        # liblinear releases the GIL, so themes train side by side in threads without copying the matrix.
        fitted = Parallel(n_jobs=N_JOBS, prefer="threads")(
            delayed(_fit_theme)(matrix, labels[:, column], weights[:, column], settings, seed)
            for column in range(len(themes))
        )
        for column, (theme_coef, theme_intercept, theme_platt, threshold, _) in enumerate(fitted):
            if theme_coef is not None:
                coef[column] = theme_coef
            intercept[column], platt[column], thresholds[column] = theme_intercept, theme_platt, threshold
        out_of_fold = [result[4] for result in fitted]
        floor = best_micro_f1_floor(thresholds, out_of_fold)
        tuned = np.array([pair is not None for pair in out_of_fold], dtype=bool)
        thresholds[tuned] = np.maximum(thresholds[tuned], floor)
        manifest = _new_manifest(cls.kind, themes, settings, len(texts))
        manifest["threshold_floor"] = round(floor, 4)
        manifest["thresholds"] = dict(zip(themes, thresholds.round(4).tolist(), strict=True))
        fully_known = ~np.isnan(labels).any(axis=1)
        manifest["at_least_one"] = bool(fully_known.any() and (labels[fully_known].sum(axis=1) > 0).all())
        manifest["positive_examples"] = dict(
            zip(themes, np.nansum(labels, axis=0).astype(int).tolist(), strict=True)
        )
        return cls(features, themes, coef, intercept, manifest, platt, thresholds)

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Calibrated confidence that each theme applies, shape (n, k); `vectors` as in fit."""
        scores = self._scores(texts, vectors)
        return sigmoid(scores * self.platt[None, :, 0] + self.platt[None, :, 1])

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """0/1 per text and theme, shape (n, k)."""
        return self.decide(self.predict_proba(texts, vectors))

    def most_uncertain_first(self, texts: Sequence[str]) -> np.ndarray:
        """Indices of texts, the one the model is least sure about first: ask a reviewer in this order."""
        return most_uncertain_first(self.predict_proba(texts), self.thresholds)

    def _extra_arrays(self) -> dict[str, np.ndarray]:
        return {"platt": self.platt, "thresholds": self.thresholds}


class SingleLabelCoder(_LinearModel):
    """Exactly one category per text: multinomial logistic regression."""

    kind = "single-label"

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        categories: Sequence[str],
        settings: FeatureSettings | None = None,
        weights: Sequence[float] | None = None,
    ) -> SingleLabelCoder:
        settings = settings or SINGLE_LABEL_SETTINGS
        texts = _clean(texts)
        categories = [str(category) for category in categories]
        classes = sorted(set(categories))
        if len(classes) < 2:
            raise ValueError("single-label coding needs at least two different categories")
        features = TextFeatures.fit(texts, settings)
        estimator = LogisticRegression(
            C=settings.regularisation_c, class_weight=settings.class_weight, max_iter=2000
        )
        estimator.fit(features.transform(texts), categories, sample_weight=weights)
        coef, intercept = estimator.coef_, estimator.intercept_
        if len(classes) == 2:  # sklearn keeps one row for two classes; store both so softmax is uniform
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        return cls(
            features,
            list(estimator.classes_),
            coef,
            intercept,
            _new_manifest(cls.kind, list(estimator.classes_), settings, len(texts)),
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = self._scores(texts)
        scores -= scores.max(axis=1, keepdims=True)
        exponentials = np.exp(scores)
        return exponentials / exponentials.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.themes[index] for index in self.predict_proba(texts).argmax(axis=1)]

    def codings(self, texts: Sequence[str]) -> list[Coding]:
        probabilities = self.predict_proba(texts)
        return [
            Coding(
                self.themes[int(row.argmax())], float(row.max()), True, self.model_name, self.model_version
            )
            for row in probabilities
        ]

    def most_uncertain_first(self, texts: Sequence[str]) -> np.ndarray:
        """Smallest gap between the two likeliest categories first."""
        probabilities = np.sort(self.predict_proba(texts), axis=1)
        if len(probabilities) == 0:
            return np.zeros(0, dtype=int)
        return np.argsort(probabilities[:, -1] - probabilities[:, -2], kind="stable")


def load(directory: str | Path) -> MultiLabelCoder | SingleLabelCoder:
    """Load a coder saved with `.save(directory)`."""
    directory = Path(directory)
    if not (directory / MANIFEST).is_file():
        raise FileNotFoundError(f"no coding model in {directory} (missing {MANIFEST})")
    manifest = json.loads((directory / MANIFEST).read_text())
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"model in {directory} has format {manifest.get('format_version')}, need {FORMAT_VERSION}"
        )
    if manifest["embedding_version"] != embeddings.MODEL_VERSION:
        raise ValueError(
            f"model in {directory} was trained on embeddings {manifest['embedding_version']}, "
            f"this installation has {embeddings.MODEL_VERSION}: fit it again"
        )
    if manifest.get("e5_version") and manifest["e5_version"] != multilingual.model_version():
        raise ValueError(
            f"model in {directory} was trained on {manifest['e5_version']}, "
            f"this installation has {multilingual.model_version()}: fit it again"
        )
    vectorizers = joblib.load(directory / VECTORIZERS)
    features = TextFeatures(FeatureSettings(**manifest["features"]), vectorizers["word"], vectorizers["char"])
    with np.load(directory / WEIGHTS) as arrays:
        coef, intercept = arrays["coef"], arrays["intercept"]
        if manifest["kind"] == MultiLabelCoder.kind:
            return MultiLabelCoder(
                features, manifest["themes"], coef, intercept, manifest, arrays["platt"], arrays["thresholds"]
            )
    return SingleLabelCoder(features, manifest["themes"], coef, intercept, manifest)
