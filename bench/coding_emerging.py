"""Emerging-issue discovery: how well clusters recover known themes, and how long clustering takes.

Data: NHS FFT comments (shared/data/feedback/nhs_fft_dev.csv) that carry exactly one specific theme
(the general positive/negative labels aside), for themes with at least 20 such comments; the themes act
as the "issues" to rediscover. Vectors: chorus.coding.embeddings.embed (shipped static model).

Compared, on the same vectors: Chorus's method (centred vectors, average-linkage agglomerative clustering
on cosine distance at the default threshold, clusters under 5 comments unclustered); the same without
centring; scikit-learn HDBSCAN (min_cluster_size 5, the alternative considered); and k-means told the true
number of themes (an oracle baseline: in real use nobody knows it).

Run from the repo root: .venv/bin/python -m bench.coding_emerging
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.metrics import adjusted_rand_score

from bench._readme import write_section
from chorus.coding.emerging import DEFAULT_DISTANCE_THRESHOLD, find_emerging_issues

os.environ.setdefault("HF_HUB_OFFLINE", "1")
DATA = Path(os.environ.get("CHORUS_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
GENERAL = {"Positive experience & gratitude", "Negative experience & dissatisfaction", "Not assigned"}
MIN_PER_THEME = 20
MIN_CLUSTER = 5


def single_theme_comments() -> tuple[list[str], list[int], list[str]]:
    with open(DATA / "feedback" / "nhs_fft_dev.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    themes = [c for c in header[header.index("Comment sentiment") + 1 :] if c not in GENERAL]
    picked: list[tuple[str, str]] = []
    for row in rows:
        labels = [theme for theme in themes if row[theme].strip()]
        text = " ".join(row["FFT answer"].split())
        if len(labels) == 1 and len(text) >= 15 and labels[0] != "Labelling not possible":
            picked.append((text, labels[0]))
    counts: dict[str, int] = {}
    for _, theme in picked:
        counts[theme] = counts.get(theme, 0) + 1
    kept = sorted(theme for theme, count in counts.items() if count >= MIN_PER_THEME)
    texts = [text for text, theme in picked if theme in kept]
    labels = [kept.index(theme) for _, theme in picked if theme in kept]
    return texts, labels, kept


def scores(truth: np.ndarray, labels: np.ndarray) -> tuple[float, float, float, int]:
    """ARI over all comments (unclustered as singletons), ARI over clustered ones, coverage, clusters."""
    labels = labels.copy()
    noise = labels < 0
    labels[noise] = labels.max(initial=0) + 1 + np.arange(noise.sum())
    covered = ~noise
    ari_all = adjusted_rand_score(truth, labels)
    ari_covered = adjusted_rand_score(truth[covered], labels[covered]) if covered.sum() > 1 else float("nan")
    return ari_all, ari_covered, covered.mean(), len(set(labels[covered].tolist()))


def chorus_labels(texts: list[str], vectors: np.ndarray, center: bool, threshold: float) -> np.ndarray:
    found = find_emerging_issues(
        texts, vectors, min_cluster_size=MIN_CLUSTER, distance_threshold=threshold, center=center
    )
    labels = np.full(len(texts), -1)
    for cluster in found.clusters:
        labels[cluster.members] = cluster.number
    return labels


def main() -> None:
    from chorus.coding.embeddings import embed

    texts, truth_list, themes = single_theme_comments()
    truth = np.array(truth_list)
    vectors = embed(texts)
    rows = []

    started = time.perf_counter()
    labels = chorus_labels(texts, vectors, center=True, threshold=DEFAULT_DISTANCE_THRESHOLD)
    seconds = time.perf_counter() - started
    rows.append(
        (f"Chorus: centred, average linkage, threshold {DEFAULT_DISTANCE_THRESHOLD}", labels, seconds)
    )

    best = None
    for threshold in (0.4, 0.5, 0.6, 0.7, 0.8):
        candidate = chorus_labels(texts, vectors, center=False, threshold=threshold)
        if best is None or scores(truth, candidate)[0] > scores(truth, best[1])[0]:
            best = (threshold, candidate)
    rows.append((f"Not centred, best threshold of 0.4-0.8 ({best[0]})", best[1], float("nan")))

    started = time.perf_counter()
    hdbscan = HDBSCAN(min_cluster_size=MIN_CLUSTER, metric="cosine", copy=True).fit_predict(vectors)
    rows.append(("HDBSCAN (cosine, min_cluster_size 5)", hdbscan, time.perf_counter() - started))

    started = time.perf_counter()
    kmeans = KMeans(n_clusters=len(themes), n_init=10, random_state=0).fit_predict(vectors - vectors.mean(0))
    rows.append((f"k-means told the true k = {len(themes)} (oracle)", kmeans, time.perf_counter() - started))

    lines = [
        f"{len(texts)} single-theme FFT comments over {len(themes)} themes "
        f"(each with at least {MIN_PER_THEME}),",
        "embedded with the shipped static model. ARI = adjusted Rand index against the labelled themes",
        '(1 = same grouping, 0 = chance); unclustered comments count as singletons in "ARI, all".',
        "",
        "| method | ARI, all | ARI, clustered only | clustered | clusters | seconds |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, labels, seconds in rows:
        ari_all, ari_covered, coverage, clusters = scores(truth, labels)
        lines.append(
            f"| {name} | {ari_all:.3f} | {ari_covered:.3f} | {coverage:.0%} | {clusters} | "
            + ("-" if np.isnan(seconds) else f"{seconds:.2f}")
            + " |"
        )

    lines += ["", "Clustering time at scale (random unit vectors, 256 dimensions, default settings):", ""]
    lines += ["| texts | seconds |", "| --- | --- |"]
    generator = np.random.default_rng(0)
    for size in (500, 2000, 5000):
        random_vectors = generator.normal(size=(size, 256))
        started = time.perf_counter()
        find_emerging_issues([f"text {i}" for i in range(size)], random_vectors, min_cluster_size=MIN_CLUSTER)
        lines.append(f"| {size} | {time.perf_counter() - started:.1f} |")
    lines += ["", "Timings on a shared 2-core machine: noisy."]
    markdown = "## Emerging issues (chorus.coding.emerging)\n\n" + "\n".join(lines)
    print(markdown)
    write_section("coding_emerging", markdown)


if __name__ == "__main__":
    main()
