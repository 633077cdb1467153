"""Each programme's nearest-neighbour index over its stored sentence vectors (chorus/search/ann.py), so search
by meaning stays fast at a million contributions instead of reading every vector through the ORM.

An index lives in the process that searches and is brought up to date at every search: vector rows stored
since it was last seen (new contributions, coding runs; a re-embedded contribution gets a new row) are added
in one query on the row id. A process that added many rows saves the index to file storage, where another
process (another web worker, another machine) starts from it instead of reading every vector again;
`chorus manage build_search_indexes` builds and saves them all (after an upgrade or a restore).

A deleted vector (consent withdrawn, words erased) leaves this process's index at once, and the saved file of
its programme is deleted (a signal); another process drops it the first time a search meets it. Either way
the caller's permission check runs inside the search, so a hidden or deleted contribution is never returned.
"""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path

import numpy as np
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, QuerySet

from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.search.ann import VectorIndex

from .models import ContributionVector

CATCH_UP_BATCH = 20_000
SAVE_AFTER_ADDING = 10_000  # rows added in one catch-up that make saving the index for others worth it
FOLDER = "search-indexes"
# (programme id, model version) -> its index and the newest vector row in it
_indexes: dict[tuple[int, str], tuple[VectorIndex, int]] = {}
_lock = threading.Lock()


def _model_version() -> str:
    from chorus.coding import embeddings

    return embeddings.MODEL_VERSION


def _pointer_name(key: tuple[int, str]) -> str:
    return f"{FOLDER}/programme-{key[0]}-{key[1]}.json"


def _load_saved(key: tuple[int, str]) -> tuple[VectorIndex | None, int]:
    """The index another process saved, and the newest vector row it holds; (None, 0) when there is none."""
    try:
        with default_storage.open(_pointer_name(key)) as pointer:
            saved = json.load(pointer)
        with tempfile.TemporaryDirectory(prefix="chorus-index-") as folder:
            local = Path(folder) / "index.usearch"
            with default_storage.open(saved["file"]) as stored, open(local, "wb") as copy:
                for chunk in stored.chunks():
                    copy.write(chunk)
            return VectorIndex.load(local), int(saved["newest"])
    except (FileNotFoundError, KeyError, ValueError):
        return None, 0


def _save(key: tuple[int, str], index: VectorIndex, newest: int) -> None:
    """Save under a name of its own, then point to it, so a reader never meets a half-written file."""
    name = f"{FOLDER}/programme-{key[0]}-{key[1]}-{newest}.usearch"
    previous = None
    try:
        with default_storage.open(_pointer_name(key)) as pointer:
            previous = json.load(pointer).get("file")
    except (FileNotFoundError, ValueError):
        pass
    with tempfile.TemporaryDirectory(prefix="chorus-index-") as folder:
        local = Path(folder) / "index.usearch"
        index.save(local)
        default_storage.delete(name)
        with open(local, "rb") as saved:
            default_storage.save(name, File(saved, name=name))
    default_storage.delete(_pointer_name(key))
    pointer = json.dumps({"file": name, "newest": newest}).encode()
    default_storage.save(_pointer_name(key), ContentFile(pointer))
    if previous and previous != name:
        default_storage.delete(previous)


def programme_index(programme_id: int, *, save: bool | None = None) -> VectorIndex | None:
    """The programme's index with every vector stored so far; None while it has none. It is saved for other
    processes when `save` is true, or (None) when this catch-up added many rows."""
    key = (programme_id, _model_version())
    with _lock:
        index, newest = _indexes.get(key, (None, 0))
        if index is None:
            index, newest = _load_saved(key)
        if newest and not ContributionVector.objects.filter(pk=newest).exists():
            index, newest = None, 0  # its newest row is gone (a restore, a rolled-back run): start again
        added = 0
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
            added += len(rows)
        if index is not None:
            _indexes[key] = (index, newest)
            if save or (save is None and added >= SAVE_AFTER_ADDING):
                _save(key, index, newest)
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
                existing = set(Contribution.objects.filter(pk__in=refused).values_list("pk", flat=True))
                gone = [key for key in refused if key not in existing]
                if gone:
                    forget(gone)
            return permitted

        found += index.search(query_vector, limit, allowed=allowed)
    return sorted(found, key=lambda hit: (-hit[1], hit[0]))[:limit]


def discard_saved(programme_id: int | None) -> None:
    """Delete the saved index of this programme (None: of every programme), so no file keeps a vector whose
    contribution is gone; the next process to search builds it again."""
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    prefix = "programme-" if programme_id is None else f"programme-{programme_id}-"
    pointers = [name for name in names if name.startswith(prefix) and name.endswith(".json")]
    for name in sorted(names, key=lambda name: name not in pointers):  # pointers first
        if name.startswith(prefix):
            default_storage.delete(f"{FOLDER}/{name}")


def _vector_deleted(sender, instance: ContributionVector, **kwargs) -> None:
    forget([instance.contribution_id])
    # Deleted with its contribution (withdrawal, erasure), the contribution row is still there until the end.
    contribution = Contribution.objects.filter(pk=instance.contribution_id)
    discard_saved(contribution.values_list("programme_id", flat=True).first())
