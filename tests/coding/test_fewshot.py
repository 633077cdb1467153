"""Few coded examples: the trained model blended with the codebook and the batch."""

import random
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score

from chorus.coding import cli
from chorus.coding.classifier import MultiLabelCoder, SingleLabelCoder
from chorus.coding.codebook import load_starter
from chorus.coding.fewshot import (
    SECOND_THEME_RATIO,
    FewShotBatchCoder,
    drawn_theme_by_theme,
    ratio_for,
    themes_per_text,
)
from chorus.coding.zeroshot import ThemeDescription
from chorus.demo.voices import generate_voices

FFT_SAMPLE = (
    Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "data" / "feedback" / "nhs_fft_dev.csv"
)


@pytest.fixture(scope="module")
def fft_sample():
    header, rows = cli.read_csv(FFT_SAMPLE)
    texts = cli.column(header, rows, "FFT answer", FFT_SAMPLE)
    book = load_starter("nhs_patient_experience")
    leaves = book.leaves()
    labels = cli.theme_labels(header, rows, [theme.name for theme in leaves], FFT_SAMPLE).astype(int)
    themes = [
        ThemeDescription(t.id, t.name, t.description, tuple(t.examples), parent=book.get(t.parent_id).name)
        for t in leaves
    ]
    return texts, labels, themes


def few_per_theme(labels: np.ndarray, per_theme: int, rows: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(0)
    chosen: set[int] = set()
    for column in range(labels.shape[1]):
        candidates = [row for row in rng.permutation(rows) if labels[row, column] and row not in chosen]
        chosen.update(candidates[:per_theme])
    return np.array(sorted(chosen))


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    columns = [j for j in range(truth.shape[1]) if truth[:, j].sum() >= 5]
    return f1_score(truth[:, columns], predicted[:, columns], average="macro", zero_division=0)


def test_a_few_examples_with_the_codebook_beat_the_same_examples_alone(fft_sample):
    texts, labels, themes = fft_sample
    halves = np.arange(len(texts)) % 2
    train = few_per_theme(labels, 3, np.flatnonzero(halves == 0))
    scored = np.flatnonzero(halves == 1)
    coded_texts, batch = [texts[i] for i in train], [texts[i] for i in scored]
    trained = MultiLabelCoder.fit(coded_texts, labels[train], [t.theme_id for t in themes])
    coder = FewShotBatchCoder.fit(themes, coded_texts, labels[train], batch, use_e5=False, trained=trained)
    assert coder.codebook is not None and "zero-shot" in coder.model_name
    alone = macro_f1(labels[scored], trained.predict(batch))
    together = macro_f1(labels[scored], coder.predict(batch))
    assert together >= alone + 0.05


def test_with_many_examples_per_theme_the_trained_model_decides_alone():
    themes = [ThemeDescription("a", "Waiting"), ThemeDescription("b", "Staff")]
    texts = [f"We waited {n} hours" for n in range(70)] + [f"Nurse number {n} was kind" for n in range(70)]
    labels = np.array([[1, 0]] * 70 + [[0, 1]] * 70)
    coder = FewShotBatchCoder.fit(themes, texts, labels, ["We waited all day"], use_e5=False)
    assert coder.codebook is None and coder.model_name == coder.trained.model_name
    assert coder.predict(["We waited all day"]).tolist() == [[1, 0]]


def test_single_label_weighs_a_small_category_as_much_as_a_big_one():
    texts = [f"The nurse {n} was kind and caring" for n in range(40)]
    texts += [f"Staff member {n} was lovely" for n in range(40)]
    texts += ["Parking was impossible", "No car parking spaces", "The car park was full"]
    categories = ["staff"] * 80 + ["parking"] * 3
    coder = SingleLabelCoder.fit(texts, categories)
    assert coder.manifest["features"]["class_weight"] == "balanced"
    assert coder.predict(["Could not find a parking space in the car park"]) == ["parking"]


def test_examples_drawn_theme_by_theme_are_told_from_examples_coded_as_they_came():
    by_theme = np.array([[1, 0, 0]] * 12 + [[0, 1, 0]] * 10 + [[0, 0, 1]] * 10)
    as_they_came = np.array([[1, 0, 0]] * 60 + [[0, 1, 0]] * 4 + [[0, 0, 1]] * 3)
    unknown_cells = np.array([[1, np.nan, 0]] * 12 + [[np.nan, 1, 0]] * 10 + [[0, 0, 1]] * 10)
    assert drawn_theme_by_theme(by_theme)
    assert not drawn_theme_by_theme(as_they_came)
    assert drawn_theme_by_theme(unknown_cells)
    assert not drawn_theme_by_theme(np.zeros((5, 3)))


def micro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    columns = [j for j in range(truth.shape[1]) if truth[:, j].sum() >= 5]
    return f1_score(truth[:, columns], predicted[:, columns], average="micro", zero_division=0)


def test_examples_coded_as_they_came_are_decided_by_the_trained_thresholds(fft_sample):
    texts, labels, themes = fft_sample
    halves = np.arange(len(texts)) % 2
    train, scored = np.flatnonzero(halves == 0), np.flatnonzero(halves == 1)
    coded_texts, batch = [texts[i] for i in train], [texts[i] for i in scored]
    coder = FewShotBatchCoder.fit(themes, coded_texts, labels[train], batch, use_e5=False)
    assert coder.codebook is not None and not coder.by_theme and coder.uses_thresholds
    probabilities = coder.predict_proba(batch)
    decided = coder.predict(batch)
    assert np.array_equal(decided, coder.trained.decide(probabilities))
    best_theme_rule = coder.codebook.decide(batch, probabilities)
    assert micro_f1(labels[scored], decided) > micro_f1(labels[scored], best_theme_rule)


def test_examples_drawn_theme_by_theme_count_a_text_with_more_themes_less():
    # Drawn theme by theme, a comment raising two themes was about twice as likely to be drawn.
    labels = np.array([[1, 0, 0]] * 10 + [[1, 1, 0]] * 10 + [[0, 0, 0]] * 5 + [[np.nan, 1, 0]] * 5)
    assert themes_per_text(labels, by_theme=True) == pytest.approx(1 / ((15 / 1 + 10 / 2) / 25))
    assert themes_per_text(labels, by_theme=False) == pytest.approx((15 + 20) / 25)
    assert themes_per_text(labels[:15], by_theme=True) is None  # too few to say


def test_the_ratio_gives_texts_as_many_themes_on_average_as_asked():
    probabilities = np.array([[0.6, 0.3, 0.1], [0.5, 0.45, 0.05], [0.4, 0.35, 0.25]])
    assert ratio_for(probabilities, 1.0) > 0.9  # no second theme comes close enough
    ratio = ratio_for(probabilities, 5 / 3)
    counts = (probabilities >= ratio * probabilities.max(axis=1, keepdims=True)).sum(axis=1)
    assert counts.mean() == pytest.approx(5 / 3)
    assert ratio_for(probabilities, 10) == pytest.approx(0.3)  # never below the zero-shot coder's


def demo_voices_with_answers(seed: int):
    """Demo voices (each with the topics it was written from) and an analyst's answers: two voices a topic,
    as a teach session drawing across themes gives."""
    book = load_starter("community_health")
    themes = [
        ThemeDescription(t.id, t.name, t.description, tuple(t.examples), parent=book.get(t.parent_id).name)
        if t.parent_id
        else ThemeDescription(t.id, t.name, t.description, tuple(t.examples))
        for t in book.themes
    ]
    voices = generate_voices(random.Random(seed), "E06000033", 400)
    truth = np.array([[theme.theme_id in voice.topics for theme in themes] for voice in voices], dtype=int)
    rng = np.random.default_rng(seed)
    answered: list[int] = []
    for column in range(truth.shape[1]):
        answered += [row for row in rng.permutation(np.flatnonzero(truth[:, column])) if row not in answered][
            :2
        ]
    rest = np.setdiff1d(np.arange(len(voices)), answered)
    answered = np.array(sorted(answered))
    return (
        themes,
        [voices[i].text for i in answered],
        truth[answered],
        [voices[i].text for i in rest],
        truth[rest],
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_voices_get_about_as_many_themes_as_residents_spoke_of(seed):
    # With the fixed ratio the demo's voices got 2.7-3.1 themes each where residents spoke of 1.3-1.4, and
    # every theme's share in the board summary was two or three times the residents'.
    themes, answered, answers, batch, spoke_of = demo_voices_with_answers(seed)
    coder = FewShotBatchCoder.fit(themes, answered, answers, batch, use_e5=False)
    assert coder.by_theme and coder.second_theme_ratio > SECOND_THEME_RATIO
    coded = coder.predict(batch)
    assert abs(coded.sum(axis=1).mean() / spoke_of.sum(axis=1).mean() - 1) < 0.25
