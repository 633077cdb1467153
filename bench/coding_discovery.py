"""Themes from the data (chorus.coding.discovery) on NHS FFT comments with one known theme each.

Measures: agreement with the labelled themes (adjusted Rand index, unassigned as singletons), coverage, how
many themes, stability (mean and lowest), that a second run with the same seed gives the same themes, time,
and how the names read: the share that are phrases residents wrote (the name, or each side of one "and",
found verbatim in at least two of the theme's comments) against the comma-list names of
chorus.coding.emerging.name_from_terms.

    PYTHONPATH=. .venv/bin/python bench/coding_discovery.py
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.metrics import adjusted_rand_score

from bench._readme import write_section
from bench.coding_emerging import single_theme_comments
from chorus.coding.discovery import discover_themes
from chorus.coding.emerging import name_from_terms


def said_verbatim(name: str, texts: list[str]) -> bool:
    """The name, or each side of one joining "and", is a span of at least two of the texts."""
    lowered = [text.lower() for text in texts]
    if sum(name.lower() in text for text in lowered) >= 2:
        return True
    parts = name.lower().split(" and ")
    return len(parts) == 2 and all(sum(part in text for text in lowered) >= 2 for part in parts)


def main() -> None:
    from chorus.coding.embeddings import embed

    texts, truth_list, themes = single_theme_comments()
    truth = np.array(truth_list)
    vectors = embed(texts)
    started = time.perf_counter()
    found = discover_themes(texts, vectors, seed=7)
    seconds = time.perf_counter() - started
    again = discover_themes(texts, vectors, seed=7)
    same = [(t.name, t.members) for t in found.themes] == [(t.name, t.members) for t in again.themes]
    labels = np.full(len(texts), -1)
    for theme in found.themes:
        labels[theme.members] = theme.number
    noise = labels < 0
    labels[noise] = labels.max(initial=0) + 1 + np.arange(noise.sum())
    ari = adjusted_rand_score(truth, labels)
    stabilities = [theme.stability for theme in found.themes]
    phrase_names = sum(said_verbatim(t.name, [texts[i] for i in t.members]) for t in found.themes)
    comma_names = sum(
        said_verbatim(name_from_terms(t.key_terms), [texts[i] for i in t.members]) for t in found.themes
    )
    lines = [
        f"{len(texts)} single-theme FFT comments over {len(themes)} labelled themes, shipped static",
        "embeddings, default settings (minimum support 2%, merge at centroid cosine 0.8, 5 reseeded 80%",
        "subsamples), seed 7.",
        "",
        "| themes | merged | dropped | unassigned | ARI, all | stability mean / lowest | same twice "
        "| seconds |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {len(found.themes)} | {found.merged} | {found.dropped} | {found.unassigned_share:.0%} "
        f"| {ari:.3f} | "
        f"{np.mean(stabilities):.2f} / {min(stabilities):.2f} | {'yes' if same else 'NO'} | {seconds:.1f} |",
        "",
        f"Names said verbatim by residents: {phrase_names} of {len(found.themes)} key-phrase names, against "
        f"{comma_names} of {len(found.themes)} comma-list names of the same groups.",
        "",
        "| theme | size | stability | name as a comma list (before) |",
        "| --- | --- | --- | --- |",
    ]
    for theme in found.themes:
        lines.append(
            f"| {theme.name} | {theme.size:,} | {theme.stability:.2f} | {name_from_terms(theme.key_terms)} |"
        )
    lines += ["", "Timings on a shared 2-core machine: noisy."]
    markdown = "## Themes from the data (chorus.coding.discovery)\n\n" + "\n".join(lines)
    print(markdown)
    write_section("coding_discovery", markdown)


if __name__ == "__main__":
    main()
