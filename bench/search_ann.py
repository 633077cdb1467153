"""Semantic search over 1,000,000 contributions through the approximate nearest-neighbour index
(chorus/search/ann.py, usearch HNSW), with the permission check inside the search.

Its own generator: 1,000,000 unit vectors of 256 dimensions (the size of Chorus's sentence vectors): 250
themes, each with 20 topics near it, each contribution one topic plus its own noise, so neighbours cluster
at two levels as residents' words do. Queries are 100 other points made the same way. Three viewers: one
who sees everything (an analyst), one a quarter (a partner organisation), one one in a hundred. Recall@20
is against the exact answer (every vector read) over what that viewer may see.
Target from issue 18: median query under 300 ms.

    .venv/bin/python -m bench.search_ann            # CHORUS_BENCH_VECTORS=100000 for a quick run
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from bench._readme import write_section
from chorus.search.ann import VectorIndex

VECTORS = int(os.environ.get("CHORUS_BENCH_VECTORS", "1000000"))
NDIM = 256
THEMES = 250
TOPICS = 5_000  # 20 per theme
QUERIES = 100
RECALL_QUERIES = 20
LIMIT = 20
SEED = 20261204
TARGET_MS = 300


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def generate(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    themes = unit(rng.normal(size=(THEMES, NDIM)))
    topics = unit(themes[np.arange(TOPICS) % THEMES] + rng.normal(scale=0.05, size=(TOPICS, NDIM)))
    vectors = np.empty((VECTORS, NDIM), dtype=np.float32)
    for start in range(0, VECTORS, 100_000):
        stop = min(start + 100_000, VECTORS)
        chosen = rng.integers(0, TOPICS, stop - start)
        vectors[start:stop] = unit(topics[chosen] + rng.normal(scale=0.04, size=(stop - start, NDIM)))
    queries = unit(topics[rng.integers(0, TOPICS, QUERIES)] + rng.normal(scale=0.04, size=(QUERIES, NDIM)))
    return vectors, queries


def exact(vectors: np.ndarray, visible: np.ndarray, query: np.ndarray) -> list[int]:
    scores = vectors @ query
    scores[~visible] = -np.inf
    best = np.argpartition(-scores, LIMIT)[:LIMIT]
    return [int(key) for key in best[np.argsort(-scores[best])]]


def main() -> None:
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    vectors, queries = generate(rng)
    generated = time.perf_counter() - started

    index = VectorIndex(NDIM)
    started = time.perf_counter()
    for start in range(0, VECTORS, 100_000):
        stop = min(start + 100_000, VECTORS)
        index.add(np.arange(start, stop), vectors[start:stop])
    built = time.perf_counter() - started

    viewers = {
        "everything (analyst)": np.ones(VECTORS, dtype=bool),
        "a quarter (partner)": rng.random(VECTORS) < 0.25,
        "one in a hundred": rng.random(VECTORS) < 0.01,
    }
    rows = []
    for name, visible in viewers.items():

        def allowed(keys, visible=visible):
            return {key for key in keys if visible[key]}

        times, found = [], []
        for query in queries:
            begun = time.perf_counter()
            hits = index.search(query, LIMIT, allowed=allowed)
            times.append((time.perf_counter() - begun) * 1000)
            found.append([key for key, _ in hits])
        leaked = sum(not visible[key] for keys in found for key in keys)
        recall = statistics.mean(
            len(set(found[i]) & set(exact(vectors, visible, queries[i]))) / LIMIT
            for i in range(RECALL_QUERIES)
        )
        median = statistics.median(times)
        rows.append(
            f"| {name} | {median:,.2f} | {max(times):,.2f} | {recall:.3f} | {leaked} | "
            f"{'yes' if median < TARGET_MS else 'no'} |"
        )
        print(rows[-1], flush=True)

    write_section(
        "search_ann",
        f"""## search_ann

### {VECTORS:,} contributions, {NDIM} dimensions, {THEMES} themes of {TOPICS // THEMES} topics (seed {SEED})

Target from issue 18: median query under {TARGET_MS} ms. {QUERIES} queries, the {LIMIT} nearest each;
recall@{LIMIT} against the exact answer over the same viewer's contributions ({RECALL_QUERIES} queries);
"hidden returned" counts hits the viewer may not see (must be 0). usearch HNSW, cosine, float16,
connectivity 16, expansion 128 (add) / 256 (search); the permission check runs on each round of candidates.

| viewer sees | median ms | slowest ms | recall@{LIMIT} | hidden returned | under target |
|---|---:|---:|---:|---:|---|
{chr(10).join(rows)}

Generating the vectors: {generated:,.1f} s. Building the index: {built:,.1f} s
({VECTORS / built:,.0f} vectors/s, shared cores); it holds {index._index.memory_usage / 1e6:,.0f} MB
in memory.""",
    )


if __name__ == "__main__":
    main()
