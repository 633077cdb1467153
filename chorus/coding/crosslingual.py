"""Coding contributions in any language with a model fitted on English coded examples.

`MultilingualThemeCoder` learns one logistic regression per theme on multilingual-e5 embeddings
(`chorus.coding.multilingual`) of English coded examples. e5 puts a comment and its translation close
together, so the same heads code a Polish or Arabic comment to the themes of its English original. Each
theme's decision threshold is tuned for F1 on out-of-fold confidences, with a common floor tuned for
micro-F1, as the English coder does; a text with no theme over its threshold gets the theme that comes
closest when every training text had one.

`LanguageRoutingCoder` puts it beside the English coder (`chorus.coding.classifier.MultiLabelCoder`): each
text's language is detected (`chorus.coding.languages`); English (and undetermined) texts go to the English
coder, which is faster and better on English, the rest to the multilingual heads. Every coding says which
model made it.

A saved model holds weights, thresholds and theme names only: no training text and no embedding of one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from chorus.coding import classifier, languages, multilingual
from chorus.coding.classifier import (
    Coding,
    MultiLabelCoder,
    best_f1_threshold,
    best_micro_f1_floor,
    sigmoid,
)

MANIFEST = "manifest.json"
WEIGHTS = "weights.npz"
FORMAT_VERSION = 1
KIND = "multilingual-multi-label"
ROUTING_MANIFEST = "routing.json"
ENGLISH_DIRECTORY = "english"
MULTILINGUAL_DIRECTORY = "multilingual"

FOLDS = 3
# The thresholds are tuned on the English examples; on text in another language e5's confidences run lower
# (the same comment sits a little further from the English examples), so thresholds are scaled by this there.
# Chosen on the development translations: it brings the themes per translated comment (1.96) near the English
# coder's on the originals (1.75; unscaled 1.44) and the share agreeing with the original from 76% to 79%,
# for micro-F1 against the originals' human codes of 0.52 instead of 0.54 (bench/README.md).
OTHER_LANGUAGE_THRESHOLD_SCALE = 0.8
MIN_EXAMPLES_TO_TUNE = 5


@dataclass(frozen=True)
class HeadSettings:
    """The logistic regressions' strength (C) and class weighting; defaults measured in bench/."""

    regularisation_c: float = 16.0  # chosen among 1, 4 and 16 on the development translations
    balanced: bool = True


def _estimator(settings: HeadSettings) -> LogisticRegression:
    return LogisticRegression(
        C=settings.regularisation_c,
        class_weight="balanced" if settings.balanced else None,
        solver="liblinear",
        max_iter=1000,
    )


def _fit_head(vectors: np.ndarray, labels: np.ndarray, settings: HeadSettings, seed: int):
    """(coef, intercept, threshold, out-of-fold (probabilities, labels) or None) for one theme."""
    rows = np.flatnonzero(~np.isnan(labels))
    y = labels[rows].astype(int)
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if positives == 0 or negatives == 0:
        return np.zeros(vectors.shape[1]), 10.0 if positives else -10.0, 0.5, None
    estimator = _estimator(settings)
    threshold, calibrated = 0.5, None
    if min(positives, negatives) >= MIN_EXAMPLES_TO_TUNE:
        out_of_fold = np.zeros(len(rows))
        for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(rows, y):
            estimator.fit(vectors[rows[train]], y[train])
            out_of_fold[test] = estimator.predict_proba(vectors[rows[test]])[:, 1]
        calibrated = (out_of_fold, y)
        threshold = best_f1_threshold(out_of_fold, y)
    estimator.fit(vectors[rows], y)
    return estimator.coef_[0], float(estimator.intercept_[0]), threshold, calibrated


class MultilingualThemeCoder:
    """Several themes may apply to one text, in any language e5 knows; fitted on (English) coded examples."""

    kind = KIND

    def __init__(
        self,
        themes: list[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        thresholds: np.ndarray,
        manifest: dict,
    ):
        self.themes = list(themes)
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.manifest = manifest

    @property
    def model_name(self) -> str:
        return f"chorus-coder-{self.kind} on {multilingual.MODEL_NAME}"

    @property
    def model_version(self) -> str:
        return f"{self.manifest['trained_at']} ({self.manifest['embedding_version']})"

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: np.ndarray,
        themes: Sequence[str],
        settings: HeadSettings | None = None,
        seed: int = 0,
        vectors: np.ndarray | None = None,
    ) -> MultilingualThemeCoder:
        """Fit on coded examples; `vectors` may carry their embeddings already made (multilingual.embed)."""
        settings = settings or HeadSettings()
        themes = list(themes)
        labels = np.asarray(labels, dtype=np.float64)
        if labels.shape != (len(texts), len(themes)):
            raise ValueError(f"labels have shape {labels.shape}, expected {(len(texts), len(themes))}")
        vectors = multilingual.embed(texts) if vectors is None else np.asarray(vectors, dtype=np.float32)
        coef = np.zeros((len(themes), vectors.shape[1]), dtype=np.float32)
        intercept = np.zeros(len(themes), dtype=np.float32)
        thresholds = np.full(len(themes), 0.5)
        out_of_fold = []
        for column in range(len(themes)):
            theme_coef, theme_intercept, threshold, calibrated = _fit_head(
                vectors, labels[:, column], settings, seed
            )
            coef[column], intercept[column], thresholds[column] = theme_coef, theme_intercept, threshold
            out_of_fold.append(calibrated)
        floor = best_micro_f1_floor(thresholds, out_of_fold)
        tuned = np.array([pair is not None for pair in out_of_fold], dtype=bool)
        thresholds[tuned] = np.maximum(thresholds[tuned], floor)
        fully_known = ~np.isnan(labels).any(axis=1)
        manifest = {
            "format_version": FORMAT_VERSION,
            "kind": cls.kind,
            "embedding_model": multilingual.MODEL_NAME,
            "embedding_version": multilingual.model_version(),
            "embedding_purpose": multilingual.Purpose.FEATURES.value,
            "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "training_size": len(texts),
            "themes": themes,
            "settings": settings.__dict__,
            "threshold_floor": round(floor, 4),
            "at_least_one": bool(fully_known.any() and (labels[fully_known].sum(axis=1) > 0).all()),
            "other_language_threshold_scale": OTHER_LANGUAGE_THRESHOLD_SCALE,
        }
        return cls(themes, coef, intercept, thresholds, manifest)

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Confidence that each theme applies, shape (n, k)."""
        vectors = multilingual.embed(texts) if vectors is None else np.asarray(vectors, dtype=np.float32)
        return sigmoid(vectors @ self.coef.T + self.intercept[None, :])

    def thresholds_for(self, training_language: bool) -> np.ndarray:
        """The thresholds as tuned (text in the training examples' language) or scaled for other languages."""
        scale = 1.0 if training_language else self.manifest.get("other_language_threshold_scale", 1.0)
        return self.thresholds * scale

    def decide(self, probabilities: np.ndarray, training_language: bool = False) -> np.ndarray:
        """Confidences to 0/1 (for text in another language than the training examples' unless told)."""
        thresholds = self.thresholds_for(training_language)
        decided = (probabilities >= thresholds[None, :]).astype(np.int8)
        if self.manifest.get("at_least_one") and len(self.themes):
            undecided = np.flatnonzero(decided.sum(axis=1) == 0)
            closest = (probabilities[undecided] / thresholds[None, :]).argmax(axis=1)
            decided[undecided, closest] = 1
        return decided

    def predict(
        self, texts: Sequence[str], vectors: np.ndarray | None = None, training_language: bool = False
    ) -> np.ndarray:
        """0/1 per text and theme, shape (n, k)."""
        return self.decide(self.predict_proba(texts, vectors), training_language)

    def codings(self, texts: Sequence[str], include_all: bool = False) -> list[list[Coding]]:
        probabilities = self.predict_proba(texts)
        return _codings(
            self.themes,
            probabilities,
            self.decide(probabilities),
            self.model_name,
            self.model_version,
            include_all,
        )

    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            directory / WEIGHTS, coef=self.coef, intercept=self.intercept, thresholds=self.thresholds
        )
        (directory / MANIFEST).write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, directory: str | Path) -> MultilingualThemeCoder:
        directory = Path(directory)
        if not (directory / MANIFEST).is_file():
            raise FileNotFoundError(f"no multilingual coding model in {directory} (missing {MANIFEST})")
        manifest = json.loads((directory / MANIFEST).read_text())
        if manifest.get("kind") != KIND or manifest.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"{directory} holds a {manifest.get('kind')} model of format {manifest.get('format_version')}"
            )
        if manifest["embedding_version"] != multilingual.model_version():
            raise ValueError(
                f"model in {directory} was trained on embeddings {manifest['embedding_version']}, "
                f"this installation has {multilingual.model_version()}: fit it again"
            )
        with np.load(directory / WEIGHTS) as arrays:
            return cls(
                manifest["themes"], arrays["coef"], arrays["intercept"], arrays["thresholds"], manifest
            )


def _codings(themes, probabilities, decided, model_name, model_version, include_all) -> list[list[Coding]]:
    result = []
    for row, row_decided in zip(probabilities, decided, strict=True):
        codings = [
            Coding(theme, float(p), bool(applies), model_name, model_version)
            for theme, p, applies in zip(themes, row, row_decided, strict=True)
            if include_all or applies
        ]
        result.append(sorted(codings, key=lambda coding: -coding.confidence))
    return result


class LanguageRoutingCoder:
    """English texts to the English coder, texts in other languages to the multilingual heads.

    `candidates` are the programme's languages (English is always one); None lets detection consider every
    language it knows. Texts whose language cannot be determined go to the English coder.
    """

    def __init__(
        self,
        english: MultiLabelCoder,
        other: MultilingualThemeCoder,
        candidates: Iterable[str] | None = None,
    ):
        if list(english.themes) != list(other.themes):
            raise ValueError(
                "the English and multilingual coders must code to the same themes, in the same order"
            )
        self.english = english
        self.other = other
        self.themes = list(english.themes)
        self.candidates = None if candidates is None else languages.programme_candidates(candidates)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: np.ndarray,
        themes: Sequence[str],
        candidates: Iterable[str] | None = None,
        english: MultiLabelCoder | None = None,
        vectors: np.ndarray | None = None,
    ) -> LanguageRoutingCoder:
        """Fit both coders on the same coded examples (or reuse a fitted English coder)."""
        english = english or MultiLabelCoder.fit(texts, labels, themes)
        return cls(english, MultilingualThemeCoder.fit(texts, labels, themes, vectors=vectors), candidates)

    def languages_of(self, texts: Sequence[str]) -> list[str]:
        return [detection.code for detection in languages.detect_many(texts, self.candidates)]

    def routes(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> np.ndarray:
        """True where a text goes to the multilingual heads: its language (detected, unless `language_codes`
        gives each text's code, e.g. as stored with the contribution) is neither English nor undetermined."""
        codes = self.languages_of(texts) if language_codes is None else list(language_codes)
        if len(codes) != len(texts):
            raise ValueError(f"{len(codes)} language codes for {len(texts)} texts")
        return np.array(
            [code not in (languages.ENGLISH, languages.UNDETERMINED) for code in codes], dtype=bool
        )

    def predict_proba(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> np.ndarray:
        return self._route(texts, language_codes)[0]

    def predict(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> np.ndarray:
        return self._route(texts, language_codes)[1]

    def _route(
        self, texts: Sequence[str], language_codes: Sequence[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        texts = list(texts)
        other = self.routes(texts, language_codes)
        probabilities = np.zeros((len(texts), len(self.themes)))
        decided = np.zeros((len(texts), len(self.themes)), dtype=np.int8)
        for mask, coder in ((~other, self.english), (other, self.other)):
            rows = np.flatnonzero(mask)
            if len(rows):
                probabilities[rows] = coder.predict_proba([texts[i] for i in rows])
                decided[rows] = coder.decide(probabilities[rows])
        return probabilities, decided, other

    def codings(
        self, texts: Sequence[str], include_all: bool = False, language_codes: Sequence[str] | None = None
    ) -> list[list[Coding]]:
        """Per text, the themes that apply (or every theme), most confident first, each saying which model
        made it."""
        probabilities, decided, other = self._route(texts, language_codes)
        result = []
        for i in range(len(probabilities)):
            coder = self.other if other[i] else self.english
            result += _codings(
                self.themes,
                probabilities[i : i + 1],
                decided[i : i + 1],
                coder.model_name,
                coder.model_version,
                include_all,
            )
        return result

    def save(self, directory: str | Path) -> None:
        """The English coder in english/ (as classifier.load reads it), the heads in multilingual/."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.english.save(directory / ENGLISH_DIRECTORY)
        self.other.save(directory / MULTILINGUAL_DIRECTORY)
        routing = {
            "format_version": FORMAT_VERSION,
            "candidates": self.candidates,
            "detector": languages.DETECTOR_NAME,
        }
        (directory / ROUTING_MANIFEST).write_text(json.dumps(routing, indent=2) + "\n")

    @classmethod
    def load(cls, directory: str | Path) -> LanguageRoutingCoder:
        directory = Path(directory)
        if not (directory / ROUTING_MANIFEST).is_file():
            raise FileNotFoundError(f"no language-routing coder in {directory} (missing {ROUTING_MANIFEST})")
        routing = json.loads((directory / ROUTING_MANIFEST).read_text())
        english = classifier.load(directory / ENGLISH_DIRECTORY)
        if not isinstance(english, MultiLabelCoder):
            raise ValueError(f"{directory / ENGLISH_DIRECTORY} holds a single-label model, need multi-label")
        return cls(
            english, MultilingualThemeCoder.load(directory / MULTILINGUAL_DIRECTORY), routing["candidates"]
        )
