"""Approximate nearest neighbours over contributions' sentence vectors: usearch's HNSW graph per programme.

Meaning alone over a million contributions cannot read every vector per query (seconds); the graph answers
in milliseconds by visiting a few thousand. Vectors are unit length, so cosine distance orders them, and
they are kept as float16 (half the memory; the ranking barely moves).

Permissions apply inside the search: every candidate the graph finds goes through the caller's `allowed`
check before it can be a hit, and when too few pass, the search widens (four times the candidates each
round) until enough do or the whole index has been offered. So a contribution the caller may not see is
never returned, however the index was built, and a user who sees few contributions still gets the closest
of those.

    >>> index = VectorIndex(ndim=256)
    >>> index.add(keys, vectors)                       # keys: contribution ids
    >>> index.search(query_vector, 20, allowed=lambda keys: {k for k in keys if visible(k)})
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from usearch.index import Index

Allowed = Callable[[Sequence[int]], set[int]]
CONNECTIVITY = 16  # graph edges per node: usearch's default, a good recall for its memory
EXPANSION_ADD = 128  # how widely each insertion looks for its neighbours (higher: better graph, slower build)
EXPANSION_SEARCH = 256  # how widely a query looks (at least the candidates asked for): recall against speed
FIRST_ROUND = 64  # candidates offered to the permission check first; at least 4 x limit
WIDENING = 4


class VectorIndex:
    def __init__(self, ndim: int, *, index: Index | None = None) -> None:
        self._index = index or Index(
            ndim=ndim,
            metric="cos",
            dtype="f16",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )

    def __len__(self) -> int:
        return len(self._index)

    @property
    def ndim(self) -> int:
        return self._index.ndim

    def __contains__(self, key: int) -> bool:
        return bool(self._index.contains(int(key)))

    def add(self, keys: Sequence[int] | np.ndarray, vectors: np.ndarray, *, threads: int = 0) -> None:
        """Add (or replace) vectors under these keys."""
        keys = np.asarray(keys, dtype=np.uint64)
        if not len(keys):
            return
        present = np.asarray(self._index.contains(keys), dtype=bool).reshape(-1)
        if present.any():
            self._index.remove(keys[present])
        self._index.add(keys, np.asarray(vectors, dtype=np.float32), threads=threads)

    def remove(self, keys: Sequence[int] | np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        if len(keys):
            self._index.remove(keys)

    def search(self, query: np.ndarray, limit: int, *, allowed: Allowed) -> list[tuple[int, float]]:
        """The `limit` nearest keys `allowed` lets through, nearest first, each with its cosine similarity."""
        total = len(self._index)
        if not total or limit <= 0:
            return []
        query = np.asarray(query, dtype=np.float32)
        permitted: set[int] = set()
        checked: set[int] = set()
        count = max(FIRST_ROUND, limit * WIDENING)
        while True:
            count = min(count, total)
            matches = self._index.search(query, count, exact=False)
            keys = [int(key) for key in matches.keys]
            unchecked = [key for key in keys if key not in checked]
            if unchecked:
                permitted |= allowed(unchecked) & set(unchecked)
                checked.update(unchecked)
            hits = [
                (key, 1.0 - float(distance))
                for key, distance in zip(keys, matches.distances, strict=True)
                if key in permitted
            ]
            if len(hits) >= limit or count >= total:
                return hits[:limit]
            count *= WIDENING

    def save(self, path: Path) -> None:
        self._index.save(str(path))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        index = Index.restore(str(path))
        if index is None:
            raise ValueError(f"{path} is not a usearch index")
        return cls(index.ndim, index=index)
