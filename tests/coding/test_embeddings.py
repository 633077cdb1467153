import numpy as np

from chorus.coding import embeddings
from chorus.coding.embeddings import embed


def test_embed_returns_float32_unit_rows_of_model_dimension():
    vectors = embed(["The nurse was kind to my mother", "Waited four hours", "", "   ", "!!!"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (5, embeddings.embedding_dim())
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_embed_is_deterministic_and_independent_of_batch():
    texts = ["Parking was impossible", "Lovely staff", ""]
    together = embed(texts)
    assert np.array_equal(together, embed(texts))
    alone = np.vstack([embed([text]) for text in texts])
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_empty_texts_share_one_vector():
    vectors = embed(["", "", "Lovely staff"])
    assert np.array_equal(vectors[0], vectors[1])
    assert not np.allclose(vectors[0], vectors[2])


def test_embed_of_nothing_is_an_empty_matrix():
    assert embed([]).shape == (0, embeddings.embedding_dim())


def test_similar_meanings_are_closer_than_unrelated_ones():
    waiting, delay, parking = embed(
        ["I waited hours for the ambulance", "The ambulance was very late", "Car park"]
    )
    assert waiting @ delay > waiting @ parking


def test_model_version_names_the_shipped_weights():
    assert embeddings.MODEL_VERSION.endswith(embeddings.weights_digest()[:12])
