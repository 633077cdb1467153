import json
import random

import numpy as np
import pytest

from chorus.coding import embeddings
from chorus.coding.classifier import (
    MultiLabelCoder,
    Review,
    SingleLabelCoder,
    add_reviews,
    best_micro_f1_floor,
    load,
    most_uncertain_first,
)

THEMES = ["waiting", "staff", "parking"]
PHRASES = {
    "waiting": [
        "I waited four hours for the ambulance",
        "the wait for an appointment was far too long",
        "long delays in the emergency department",
        "had to wait three weeks to be seen",
        "it took ages before anyone came",
        "waiting times are terrible",
    ],
    "staff": [
        "the nurses were kind and caring",
        "staff were rude to my mother",
        "a lovely friendly doctor",
        "the receptionist was very helpful",
        "the paramedics were polite and reassuring",
        "staff treated me with respect",
    ],
    "parking": [
        "nowhere to park the car",
        "the car park was full",
        "parking charges are too expensive",
        "could not find a parking space",
        "car parking at the hospital is a nightmare",
        "no disabled parking bays near the entrance",
    ],
}


def labelled_examples(seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = random.Random(seed)
    texts, rows = [], []
    for index, theme in enumerate(THEMES):
        for phrase in PHRASES[theme]:
            texts.append(phrase.capitalize() + ".")
            rows.append([int(j == index) for j in range(len(THEMES))])
    for _ in range(24):
        first, second = rng.sample(range(len(THEMES)), 2)
        texts.append(
            f"{rng.choice(PHRASES[THEMES[first]]).capitalize()} and {rng.choice(PHRASES[THEMES[second]])}."
        )
        rows.append([int(j in (first, second)) for j in range(len(THEMES))])
    for text in ["Nothing to add.", "No comment.", "N/A", ""]:
        texts.append(text)
        rows.append([0, 0, 0])
    return texts, np.array(rows, dtype=float)


@pytest.fixture(scope="module")
def coder() -> MultiLabelCoder:
    texts, labels = labelled_examples()
    return MultiLabelCoder.fit(texts, labels, THEMES)


def test_multi_label_coder_finds_the_obvious_themes(coder):
    predicted = coder.predict(["We waited hours to be seen", "The nurse was kind", "The car park was full"])
    assert predicted.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_confidences_are_probabilities_and_empty_text_is_coded_like_any_other(coder):
    probabilities = coder.predict_proba(["", "Staff were rude and the wait was long"])
    assert probabilities.shape == (2, 3)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    assert probabilities[1, 0] > 0.5 and probabilities[1, 1] > 0.5


def test_every_coding_says_which_model_made_it(coder):
    (codings,) = coder.codings(["I waited four hours"])
    assert codings[0].theme == "waiting" and codings[0].applies
    assert embeddings.MODEL_NAME in codings[0].model_name
    assert embeddings.MODEL_VERSION in codings[0].model_version


def test_saved_model_loads_and_predicts_the_same(coder, tmp_path):
    coder.save(tmp_path / "model")
    loaded = load(tmp_path / "model")
    texts = ["The wait was long", "Parking was hard", ""]
    np.testing.assert_allclose(loaded.predict_proba(texts), coder.predict_proba(texts), rtol=1e-5)
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["themes"] == THEMES
    assert manifest["training_size"] == len(labelled_examples()[0])
    assert manifest["embedding_version"] == embeddings.MODEL_VERSION
    assert set(manifest["thresholds"]) == set(THEMES) and "trained_at" in manifest


def test_loading_a_folder_without_a_model_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="no coding model"):
        load(tmp_path)


def test_a_rejected_coding_lowers_that_prediction_next_time():
    texts, labels = labelled_examples()
    before = MultiLabelCoder.fit(texts, labels, THEMES)
    disputed = "The doctor kept me waiting but was lovely"
    probability_before = before.predict_proba([disputed])[0, THEMES.index("waiting")]
    reviewed = add_reviews(texts, labels, THEMES, [Review(disputed, "waiting", accepted=False)])
    after = MultiLabelCoder.fit(reviewed[0], reviewed[1], THEMES, weights=reviewed[2])
    assert after.predict_proba([disputed])[0, THEMES.index("waiting")] < probability_before - 0.05


def test_an_accepted_coding_raises_that_prediction_next_time():
    texts, labels = labelled_examples()
    before = MultiLabelCoder.fit(texts, labels, THEMES)
    text = "Getting to the hospital by car was stressful"
    probability_before = before.predict_proba([text])[0, THEMES.index("parking")]
    reviewed = add_reviews(texts, labels, THEMES, [Review(text, "parking", accepted=True)])
    after = MultiLabelCoder.fit(*reviewed[:2], THEMES, weights=reviewed[2])
    assert after.predict_proba([text])[0, THEMES.index("parking")] > probability_before + 0.05


def test_reviews_override_known_cells_and_leave_other_themes_of_new_texts_unknown():
    texts, labels = labelled_examples()
    reviews = [
        Review(texts[0], "waiting", accepted=False),
        Review("Brand new comment", "staff", accepted=True),
    ]
    new_texts, new_labels, weights = add_reviews(texts, labels, THEMES, reviews)
    assert new_labels[0, 0] == 0 and weights[0, 0] > 1
    assert new_texts[-1] == "Brand new comment"
    assert new_labels[-1, 1] == 1 and np.isnan(new_labels[-1, [0, 2]]).all()
    with pytest.raises(ValueError, match="does not have"):
        add_reviews(texts, labels, THEMES, [Review("x", "food", accepted=True)])


def test_unknown_labels_are_left_out_of_training():
    texts, labels = labelled_examples()
    labels[:, 2] = np.nan  # nobody has coded parking yet
    coder = MultiLabelCoder.fit(texts, labels, THEMES)
    assert coder.predict(["The car park was full"])[0, 2] == 0
    assert coder.manifest["positive_examples"]["parking"] == 0


def test_least_certain_texts_are_offered_for_review_first():
    probabilities = np.array([[0.95, 0.02], [0.52, 0.1], [0.2, 0.8], [0.4, 0.05]])
    assert most_uncertain_first(probabilities, np.array([0.5, 0.5])).tolist() == [1, 3, 2, 0]


def test_coder_orders_an_ambiguous_text_before_obvious_ones(coder):
    texts = ["The car park was full", "Hmm, it was fine I suppose", "We waited hours to be seen"]
    assert coder.most_uncertain_first(texts)[0] == 1


def test_single_label_coder_predicts_one_category_and_round_trips(tmp_path):
    texts, labels = labelled_examples()
    rows = [i for i in range(len(texts)) if labels[i].sum() == 1]
    categories = [THEMES[int(labels[i].argmax())] for i in rows]
    coder = SingleLabelCoder.fit([texts[i] for i in rows], categories)
    assert coder.predict(["We waited hours", "Nurse was kind", "No parking spaces"]) == THEMES
    coder.save(tmp_path)
    assert load(tmp_path).predict(["We waited hours"]) == ["waiting"]
    (coding,) = coder.codings(["We waited hours"])
    assert coding.theme == "waiting" and 0.34 < coding.confidence <= 1


def test_single_label_needs_two_categories():
    with pytest.raises(ValueError, match="two different"):
        SingleLabelCoder.fit(["a", "b"], ["x", "x"])


def test_a_common_floor_under_the_theme_thresholds_is_tuned_for_micro_f1():
    # A rare theme whose own F1-best threshold (0.1) lets in ten false positives at 0.15: a floor just above
    # 0.15 keeps its one true hit and drops them; the well-separated common theme is untouched by it.
    rare = (np.array([0.15] * 10 + [0.9]), np.array([0] * 10 + [1]))
    common = (np.array([0.9] * 10 + [0.2] * 10), np.array([1] * 10 + [0] * 10))
    floor = best_micro_f1_floor(np.array([0.1, 0.5]), [rare, common])
    assert 0.15 < floor <= 0.5
    # Nothing to gain: no floor. No theme tuned: no floor.
    assert best_micro_f1_floor(np.array([0.5, 0.5]), [common, common]) == 0.0
    assert best_micro_f1_floor(np.array([0.5]), [None]) == 0.0


def test_fitted_thresholds_are_never_below_the_tuned_floor(coder):
    floor = coder.manifest["threshold_floor"]
    assert 0.0 <= floor < 1.0
    assert (coder.thresholds >= floor - 1e-9).all()


def _saved_bytes(directory) -> bytes:
    """Every byte a saved model holds, with the compressed arrays opened up."""
    import zipfile

    held = b""
    for path in sorted(directory.iterdir()):
        held += path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                held += b"".join(archive.read(name) for name in archive.namelist())
    return held


@pytest.mark.parametrize("kind", ["multi-label", "single-label"])
def test_a_saved_model_holds_no_word_or_ngram_of_its_training_texts(kind, tmp_path):
    texts, labels = labelled_examples()
    rare = "Oluwadamilare Zorbquist"
    texts = texts + [f"{rare} waited four hours", f"{rare} said the car park was full", f"{rare} again"]
    labels = np.vstack([labels, [[1, 0, 0], [0, 0, 1], [0, 0, 0]]])
    if kind == "multi-label":
        model = MultiLabelCoder.fit(texts, labels, THEMES)
    else:
        categories = [THEMES[int(row.argmax())] if row.any() else "none" for row in labels]
        model = SingleLabelCoder.fit(texts, categories)
    model.save(tmp_path)

    held = _saved_bytes(tmp_path).lower()
    # Theme names may be in the manifest; words only the texts hold may not, nor any of their n-grams.
    for fragment in ("oluwadamilare", "zorbquist", "zorbq", "uwada", "ambulance", "reassuring", "nightm"):
        assert fragment.encode() not in held, fragment
        assert fragment.encode("utf-16-le") not in held, fragment
        assert fragment.encode("utf-32-le") not in held, fragment
    assert len(load(tmp_path).predict([f"{rare} waited four hours"])) == 1


def test_the_same_examples_fit_the_same_model_whatever_numpy_drew_before():
    texts, labels = labelled_examples()
    np.random.seed(1)
    first = MultiLabelCoder.fit(texts, labels, THEMES)
    np.random.seed(2)
    second = MultiLabelCoder.fit(texts, labels, THEMES)
    assert np.array_equal(first.coef, second.coef)
    assert np.array_equal(first.platt, second.platt)
