"""Structural measures of a map (Özesmi & Özesmi 2004; Eden, Ackermann & Cropper 1992; MacDonald 1983).

indegree    sum of the absolute weights of the links into a factor (its column of W)
outdegree   sum of the absolute weights of the links out of a factor (its row of W)
centrality  indegree + outdegree
type        driver (only outgoing links), receiver (only incoming), ordinary (both), isolated (none)
density     links / factors² (C / N²)
complexity  receivers / drivers (None when there are no drivers)
hierarchy   MacDonald's index 12 / ((N-1) N (N+1)) · Σ (outdegree - mean outdegree)²: 0 for a democratic
            map, 1 for a fully hierarchical one (with unit weights)
betweenness share of shortest paths through a factor (networkx, links unweighted, normalised)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chorus.maps.model import FuzzyCognitiveMap


@dataclass(frozen=True)
class FactorMetrics:
    id: str
    name: str
    indegree: float
    outdegree: float
    centrality: float
    type: str
    betweenness: float


@dataclass(frozen=True)
class MapMetrics:
    factors: tuple[FactorMetrics, ...]
    number_of_factors: int
    number_of_links: int
    drivers: int
    receivers: int
    ordinary: int
    density: float
    complexity: float | None
    hierarchy: float | None


def factor_type(indegree: float, outdegree: float) -> str:
    if outdegree > 0 and indegree == 0:
        return "driver"
    if indegree > 0 and outdegree == 0:
        return "receiver"
    if indegree > 0 and outdegree > 0:
        return "ordinary"
    return "isolated"


def hierarchy_index(outdegrees: np.ndarray) -> float | None:
    size = len(outdegrees)
    if size < 2:
        return None
    spread = float(((outdegrees - outdegrees.mean()) ** 2).sum())
    return 12.0 / ((size - 1) * size * (size + 1)) * spread


def map_metrics(fcm: FuzzyCognitiveMap) -> MapMetrics:
    matrix = np.abs(fcm.weight_matrix())
    indegrees = matrix.sum(axis=0)
    outdegrees = matrix.sum(axis=1)
    import networkx as nx  # imported here: it is slow to load and only this measure needs it

    betweenness = nx.betweenness_centrality(fcm.to_networkx()) if fcm.factors else {}
    factors = tuple(
        FactorMetrics(
            id=factor.id,
            name=factor.name,
            indegree=float(indegree),
            outdegree=float(outdegree),
            centrality=float(indegree + outdegree),
            type=factor_type(indegree, outdegree),
            betweenness=float(betweenness[factor.id]),
        )
        for factor, indegree, outdegree in zip(fcm.factors, indegrees, outdegrees, strict=True)
    )
    types = [factor.type for factor in factors]
    size = len(factors)
    links = int(np.count_nonzero(matrix))
    drivers, receivers = types.count("driver"), types.count("receiver")
    return MapMetrics(
        factors=factors,
        number_of_factors=size,
        number_of_links=links,
        drivers=drivers,
        receivers=receivers,
        ordinary=types.count("ordinary"),
        density=links / size**2 if size else 0.0,
        complexity=receivers / drivers if drivers else None,
        hierarchy=hierarchy_index(outdegrees),
    )
