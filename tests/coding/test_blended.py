"""The English coder and the e5 heads together (chorus.coding.blended)."""

import numpy as np
import pytest

from chorus.coding.blended import STATIC_WEIGHT, BlendedThemeCoder
from chorus.coding.classifier import MultiLabelCoder
from chorus.coding.crosslingual import MultilingualThemeCoder
from chorus.coding.fewshot import FewShotBatchCoder
from chorus.coding.zeroshot import ThemeDescription

from support.theme_examples import ENGLISH_EXAMPLES

EXAMPLES = {theme: ENGLISH_EXAMPLES[theme] for theme in ("waiting", "staff", "parking")}
THEMES = list(EXAMPLES)
UNSEEN = {
    "waiting": "We sat in the waiting room for five hours before anyone saw us.",
    "staff": "The nurse who looked after my father was gentle and kind.",
    "parking": "There were no free spaces in the hospital car park.",
}


def training_set():
    texts = [text for examples in EXAMPLES.values() for text in examples]
    labels = np.array(
        [[1 if other == theme else 0 for other in THEMES] for theme in EXAMPLES for _ in EXAMPLES[theme]]
    )
    return texts, labels


@pytest.fixture(scope="module")
def blend():
    texts, labels = training_set()
    return BlendedThemeCoder.fit(texts, labels, THEMES)


def test_unseen_comments_get_their_theme_and_confidences_average_the_two_models(blend):
    texts = list(UNSEEN.values())
    assert blend.predict(texts).argmax(axis=1).tolist() == [0, 1, 2]
    expected = STATIC_WEIGHT * blend.english.predict_proba(texts) + (
        1 - STATIC_WEIGHT
    ) * blend.heads.predict_proba(texts)
    np.testing.assert_allclose(blend.predict_proba(texts), expected, rtol=1e-6)
    assert "multilingual-e5-small" in blend.model_name and "chorus-coder-multi-label" in blend.model_name


def test_thresholds_are_tuned_on_the_averaged_folds_of_both_models(blend):
    # Every theme here has enough examples to tune: no threshold is left at the untuned 0.5, and the
    # thresholds are the blend's own, not either model's.
    assert all(pair is not None for pair in blend.english.out_of_fold)
    assert all(pair is not None for pair in blend.heads.out_of_fold)
    assert not np.allclose(blend.thresholds, 0.5)
    assert blend.manifest["static_weight"] == STATIC_WEIGHT


def test_an_english_coder_without_its_folds_leaves_thresholds_untuned():
    texts, labels = training_set()
    english = MultiLabelCoder.fit(texts, labels, THEMES)
    english.out_of_fold = [None] * len(THEMES)  # as a coder loaded from disk has
    blend = BlendedThemeCoder.fit(texts, labels, THEMES, english=english)
    np.testing.assert_allclose(blend.thresholds, 0.5)


def test_models_of_different_themes_cannot_be_blended(blend):
    texts, labels = training_set()
    other = MultilingualThemeCoder.fit(texts, labels[:, ::-1], THEMES[::-1], vectors=np.eye(len(texts), 8))
    with pytest.raises(ValueError, match="same themes"):
        BlendedThemeCoder(blend.english, other, blend.thresholds)


def test_few_shot_coding_blends_the_e5_heads_in_only_when_e5_is_used():
    texts, labels = training_set()
    themes = [ThemeDescription(theme, theme.title()) for theme in THEMES]
    batch = list(UNSEEN.values())
    with_e5 = FewShotBatchCoder.fit(themes, texts, labels, batch, use_e5=True)
    without = FewShotBatchCoder.fit(themes, texts, labels, batch, use_e5=False)
    assert isinstance(with_e5.trained, BlendedThemeCoder)
    assert isinstance(without.trained, MultiLabelCoder)
    assert with_e5.predict(batch).argmax(axis=1).tolist() == [0, 1, 2]
