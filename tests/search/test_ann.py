"""The nearest-neighbour index returns the closest vectors the caller's check allows, and never another."""

import numpy as np

from chorus.search.ann import VectorIndex


def unit_vectors(count: int, ndim: int = 16, seed: int = 7) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(count, ndim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def exact_nearest(vectors: np.ndarray, keys: np.ndarray, query: np.ndarray, allowed: set[int], limit: int):
    order = np.argsort(-(vectors @ query))
    return [int(keys[i]) for i in order if int(keys[i]) in allowed][:limit]


def test_the_nearest_allowed_come_back_nearest_first_even_when_few_are_allowed():
    vectors = unit_vectors(3000)
    keys = np.arange(1, 3001)
    index = VectorIndex(ndim=16)
    index.add(keys, vectors)
    allowed = {int(key) for key in keys if key % 97 == 0}  # about 1 in 100, as for a small partner
    offered: list[int] = []

    def check(candidates):
        offered.extend(candidates)
        return {key for key in candidates if key in allowed}

    hits = index.search(vectors[500], 10, allowed=check)

    assert [key for key, _ in hits] == exact_nearest(vectors, keys, vectors[500], allowed, 10)
    assert all(key in allowed for key, _ in hits)
    assert len(offered) == len(set(offered))  # each candidate checked once, however wide the search went
    assert hits[0][1] >= hits[-1][1]


def test_a_key_added_again_is_replaced_and_a_removed_key_never_returns():
    vectors = unit_vectors(200)
    index = VectorIndex(ndim=16)
    index.add(np.arange(200), vectors)
    everyone = set  # every candidate allowed

    index.add([5], vectors[7:8])
    assert len(index) == 200
    assert {key for key, _ in index.search(vectors[7], 2, allowed=everyone)} == {5, 7}

    index.remove([7])
    assert 7 not in index
    assert 7 not in {key for key, _ in index.search(vectors[7], 50, allowed=everyone)}


def test_an_empty_index_or_nothing_allowed_finds_nothing():
    assert VectorIndex(ndim=16).search(unit_vectors(1)[0], 5, allowed=set) == []
    index = VectorIndex(ndim=16)
    index.add(np.arange(50), unit_vectors(50))
    assert index.search(unit_vectors(1, seed=1)[0], 5, allowed=lambda keys: set()) == []
