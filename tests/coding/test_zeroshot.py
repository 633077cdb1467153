import numpy as np
import pytest

from chorus.coding import embeddings
from chorus.coding.zeroshot import ThemeDescription, ZeroShotCoder

CODEBOOK = [
    ("waiting", "Waiting times", "How long people waited for an appointment or an ambulance", ()),
    ("staff", "Staff attitude", "Whether staff were kind, polite, caring or rude", ()),
    ("parking", "Parking", "Car parking at the hospital", ("Nowhere to park",)),
    ThemeDescription("food", "Food", "Meals and drinks on the ward"),
]


@pytest.fixture(scope="module")
def coder() -> ZeroShotCoder:
    return ZeroShotCoder(CODEBOOK)


def test_obvious_texts_get_the_obvious_theme_before_any_example_is_coded(coder):
    texts = [
        "I waited four hours for the ambulance to arrive",
        "The nurses were so kind and caring",
        "Could not find anywhere to leave my car",
        "The meals were cold and tasteless",
    ]
    best = [codings[0].theme for codings in coder.codings(texts, include_all=True)]
    assert best == ["waiting", "staff", "parking", "food"]
    assert coder.predict(texts).sum(axis=1).min() >= 1


def test_empty_text_is_suggested_nothing(coder):
    assert coder.predict([""]).sum() == 0


def test_confidences_are_probabilities_and_name_the_model(coder):
    probabilities = coder.predict_proba(["The wait was long", ""])
    assert probabilities.shape == (2, 4) and np.all((probabilities > 0) & (probabilities < 1))
    coding = coder.codings(["The wait was long"])[0][0]
    assert coding.model_version == embeddings.MODEL_VERSION and "zero-shot" in coding.model_name


def test_uncertain_texts_come_first_for_review(coder):
    texts = ["The meals were cold and tasteless", "It was fine", "I waited four hours for the ambulance"]
    assert coder.most_uncertain_first(texts)[0] == 1


def test_a_codebook_needs_a_theme():
    with pytest.raises(ValueError, match="at least one theme"):
        ZeroShotCoder([])
