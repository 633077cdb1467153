"""Each programme's nearest-neighbour index over its stored sentence vectors (chorus/search/ann.py), so search
by meaning stays fast at a million contributions instead of reading every vector through the ORM.

An index lives in the process that searches and is brought up to date at every search: vector rows stored
since it was last seen (new contributions, coding runs; a re-embedded contribution gets a new row) are added
in one query on the row id. A deleted vector (consent withdrawn, words erased) leaves this process's index at
once (a signal); another process drops it the first time a search meets it. Either way the caller's
permission check runs inside the search, so a hidden or deleted contribution is never returned.
"""

from __future__ import annotations

import threading

import numpy as np
from django.db.models import Exists, OuterRef, QuerySet

from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.search.ann import VectorIndex

from .models import ContributionVector

CATCH_UP_BATCH = 20_000
# (programme id, model version) -> its index and the newest vector row in it
_indexes: dict[tuple[int, str], tuple[VectorIndex, int]] = {}
_lock = threading.Lock()


def _model_version() -> str:
    from chorus.coding import embeddings

    return embeddings.MODEL_VERSION


def programme_index(programme_id: int) -> VectorIndex | None:
    """The programme's index with every vector stored so far; None while it has none."""
    key = (programme_id, _model_version())
    with _lock:
        index, newest = _indexes.get(key, (None, 0))
        if newest and not ContributionVector.objects.filter(pk=newest).exists():
            index, newest = None, 0  # its newest row is gone (a restore, a rolled-back run): start again
        while True:
            rows = list(
                ContributionVector.objects.filter(
                    contribution__programme_id=programme_id, model_version=key[1], pk__gt=newest
                )
                .order_by("pk")
                .values_list("pk", "contribution_id", "vector")[:CATCH_UP_BATCH]
            )
            if not rows:
                break
            vectors = np.vstack([np.frombuffer(bytes(vector), dtype=np.float32) for _, _, vector in rows])
            if index is None:
                index = VectorIndex(ndim=vectors.shape[1])
            index.add([contribution for _, contribution, _ in rows], vectors)
            newest = rows[-1][0]
        if index is not None:
            _indexes[key] = (index, newest)
        return index


def reset() -> None:
    """Forget every index this process holds (they are rebuilt at the next search)."""
    with _lock:
        _indexes.clear()


def forget(contribution_ids: list[int]) -> None:
    """Drop these contributions from every index this process holds (an id is in one programme only)."""
    with _lock:
        for index, _ in _indexes.values():
            index.remove([pk for pk in contribution_ids if pk in index])


def nearest(
    query_vector: np.ndarray, contributions: QuerySet[Contribution], limit: int
) -> list[tuple[int, float]]:
    """The `limit` contributions of `contributions` (what the user may see) nearest in meaning, with their
    cosine similarity, over every programme those contributions come from."""
    programmes = Programme.objects.filter(Exists(contributions.filter(programme=OuterRef("pk"))))
    found: list[tuple[int, float]] = []
    for programme_id in programmes.values_list("pk", flat=True):
        index = programme_index(programme_id)
        if index is None:
            continue

        def allowed(keys, programme_id=programme_id, index=index) -> set[int]:
            permitted = set(contributions.filter(pk__in=keys).values_list("pk", flat=True))
            refused = [key for key in keys if key not in permitted]
            if refused:  # deleted by another process since this index saw them: clean them out
                existing = set(
                    Contribution.objects.filter(pk__in=refused).values_list("pk", flat=True)
                )
                gone = [key for key in refused if key not in existing]
                if gone:
                    forget(gone)
            return permitted

        found += index.search(query_vector, limit, allowed=allowed)
    return sorted(found, key=lambda hit: (-hit[1], hit[0]))[:limit]


def _vector_deleted(sender, instance: ContributionVector, **kwargs) -> None:
    forget([instance.contribution_id])
