"""How fast does a large fuzzy cognitive map simulate, and what does the Plymouth example say?

Target from issue 6: a 1,000-factor map with 10,000 links simulates to convergence in under 50 ms.
Dense numpy and scipy.sparse weights are timed in the same run (median of repeated runs); the machine is
shared, so single figures are noisy.

Run from the repo root: .venv/bin/python -m bench.fcm_simulate
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from bench._readme import write_section
from chorus.maps import (
    Factor,
    FuzzyCognitiveMap,
    Link,
    SimulationSettings,
    map_metrics,
    rank_leverage,
    simulate,
    simulate_map,
)
from chorus.maps.examples import read_example

FACTORS = 1_000
LINKS = 10_000
TARGET_MS = 50.0
REPEATS = 21
SEED = 20260601


def random_map(rng: np.random.Generator) -> FuzzyCognitiveMap:
    """Random signed links between distinct factors, strengths 0.1..1 (as people rate them)."""
    cells = rng.choice(FACTORS * FACTORS, size=LINKS * 2, replace=False)
    rows, cols = np.divmod(cells, FACTORS)
    keep = rows != cols
    rows, cols = rows[keep][:LINKS], cols[keep][:LINKS]
    weights = rng.uniform(0.1, 1.0, LINKS) * rng.choice([-1.0, 1.0], LINKS)
    factors = [Factor(f"f{i}", f"factor {i}") for i in range(FACTORS)]
    links = [Link(f"f{i}", f"f{j}", float(w)) for i, j, w in zip(rows, cols, weights, strict=True)]
    return FuzzyCognitiveMap(factors, links, id="random")


def median_ms(run, repeats: int = REPEATS) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), result


def large_map_section() -> str:
    rng = np.random.default_rng(SEED)
    fcm = random_map(rng)
    initial = rng.uniform(0, 1, FACTORS)
    dense = fcm.weight_matrix()
    csr = fcm.sparse_weight_matrix()
    # High gain keeps the map moving, so the run goes to the 100-step cap with a cycle check every step.
    worst = SimulationSettings(transfer="tanh", steepness=5, threshold=1e-15)
    setups = [
        ("dense numpy, default BLAS threads", dense, None),
        ("dense numpy, 1 BLAS thread", dense, 1),
        ("scipy.sparse CSR", csr, None),
    ]
    cases = [
        ("default: kosko, sigmoid λ=1, threshold 0.001", SimulationSettings()),
        ("worst: tanh λ=5, threshold 1e-15", worst),
    ]
    rows = []
    for label, weights, threads in setups:
        for case, settings in cases:
            with threadpool_limits(limits=threads):
                ms, result = median_ms(lambda w=weights, s=settings: simulate(w, initial, None, s))
            verdict = "yes" if ms < TARGET_MS else "no"
            outcome = "converged" if result.converged else "stopped by the 100-step cap"
            rows.append(f"| {label} | {case} | {result.iterations} ({outcome}) | {ms:.2f} | {verdict} |")
    build_ms, _ = median_ms(lambda: fcm.sparse_weight_matrix(), repeats=7)
    start = dict(zip(fcm.ids, initial, strict=True))
    end_to_end_ms, result = median_ms(lambda: simulate_map(fcm, start), repeats=7)
    header = [
        f"### {FACTORS:,} factors, {len(fcm.links):,} links (random signed weights 0.1–1, seed {SEED})",
        "",
        f"Target from issue 6: converge in under {TARGET_MS:.0f} ms. Median of {REPEATS} runs from the same "
        "initial state; 2 shared cores, so figures are noisy.",
        "",
        "| weights | settings | iterations | median ms | under target |",
        "|---|---|---|---:|---|",
    ]
    footer = [
        "",
        f"`simulate_map` on the map object (it picks sparse weights at this size; building them from "
        f"{len(fcm.links):,} links included): {end_to_end_ms:.2f} ms median, {result.iterations} iterations; "
        f"building the sparse matrix alone: {build_ms:.2f} ms.",
    ]
    return "\n".join(header + rows + footer)


def plymouth_section() -> str:
    fcm = read_example("plymouth_connectedness")
    measured = map_metrics(fcm)
    baseline = simulate_map(fcm)
    outcomes = ["feeling connected", "health"]
    leverage_ms, ranking = median_ms(lambda: rank_leverage(fcm, outcomes), repeats=5)
    central = sorted(measured.factors, key=lambda factor: factor.centrality, reverse=True)[:5]
    lines = [
        "### Plymouth example (chorus/maps/examples/plymouth_connectedness.csv)",
        "",
        f"{measured.number_of_factors} factors, {measured.number_of_links} links; density "
        f"{measured.density:.3f}; {measured.drivers} drivers, {measured.receivers} receivers, "
        f"{measured.ordinary} ordinary; complexity {measured.complexity}; "
        f"hierarchy {measured.hierarchy:.3f}. "
        f"Baseline (kosko, sigmoid λ=1) converged={baseline.converged} in {baseline.iterations} iterations.",
        "",
        "Most central factors: "
        + ", ".join(f"{factor.name} ({factor.centrality:.2f})" for factor in central)
        + ".",
        "",
        f"Leverage on {' and '.join(outcomes)} (clamp each factor at 1 and at 0; swing = change when high − "
        f"change when low; {len(ranking)} candidates ranked in {leverage_ms:.1f} ms median):",
        "",
        "| rank | factor | score | " + " | ".join(f"swing on {outcome}" for outcome in outcomes) + " |",
        "|---:|---|---:|" + "---:|" * len(outcomes),
    ]
    for rank, item in enumerate(ranking[:6], start=1):
        swings = " | ".join(f"{row.swing:+.3f}" for row in item.sensitivities)
        lines.append(f"| {rank} | {item.factor} | {item.score:.3f} | {swings} |")
    return "\n".join(lines)


def main() -> None:
    markdown = "## fcm_simulate\n\n" + large_map_section() + "\n\n" + plymouth_section()
    print(markdown)
    write_section("fcm_simulate", markdown)


if __name__ == "__main__":
    main()
