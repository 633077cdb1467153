"""Sentence embeddings for coding, clustering and search: fast, offline, deterministic.

The model is a static (model2vec) model distilled once from all-MiniLM-L6-v2 and shipped in
`chorus/coding/model/` (see the NOTICE there): run time needs neither torch nor a model hub.

    >>> vectors = embed(["The nurse was kind", ""])   # float32, shape (2, EMBEDDING_DIM), rows of norm 1
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).with_name("model")
MODEL_NAME = "chorus-m2v-all-MiniLM-L6-v2"
# The version names the exact weights: its suffix is the start of the sha256 of model.safetensors, which a
# test checks, so any rebuilt model must get a new version and every stored coding says which one made it.
MODEL_VERSION = "1+sha256.e79551e309c0"
WEIGHTS_FILE = MODEL_DIR / "model.safetensors"


def weights_digest() -> str:
    return hashlib.sha256(WEIGHTS_FILE.read_bytes()).hexdigest()


@cache
def _model():
    # The model loads from a local folder; these keep any library from reaching for a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from model2vec import StaticModel

    return StaticModel.from_pretrained(str(MODEL_DIR))


def embedding_dim() -> int:
    return int(_model().dim)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Embed texts as float32 rows of unit length, shape (len(texts), embedding_dim()).

    A text with no known token (an empty string, only punctuation) has no direction of its own: it gets
    one fixed unit vector, the same for all such texts, so they sit together rather than break a cosine.
    """
    texts = ["" if text is None else str(text) for text in texts]
    dim = embedding_dim()
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    vectors = np.asarray(_model().encode(texts, use_multiprocessing=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    empty = norms[:, 0] < 1e-12
    vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=~empty[:, None])
    vectors[empty] = np.float32(1.0 / np.sqrt(dim))
    return vectors
