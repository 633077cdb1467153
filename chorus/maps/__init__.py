"""Fuzzy cognitive maps ("maps of experience"): build, combine, measure and simulate them.

Plain Python (numpy, scipy, networkx); no Django. W[i][j] is always the effect of factor i on factor j.

    from chorus.maps import Factor, Link, FuzzyCognitiveMap, aggregate_maps, map_metrics, rank_leverage
    person = FuzzyCognitiveMap(
        [Factor("bus", "bus routes"), Factor("groups", "community groups")],
        [Link("bus", "groups", strength_to_weight("strong"), provenance=("quote:12",))],
        id="contribution:7",
    )
    community = aggregate_maps([person, ...], "mean_with_zeros")  # links keep maps, provenance, agreement
    map_metrics(community); simulate_map(community, {"bus": 1}); rank_leverage(community, ["groups"])
"""

from chorus.maps.aggregate import aggregate_maps, aggregate_weights, rating_entropy
from chorus.maps.formats import (
    read_edge_list_csv,
    read_matrix_csv,
    read_mmp,
    write_edge_list_csv,
    write_matrix_csv,
)
from chorus.maps.leverage import Leverage, Sensitivity, rank_leverage
from chorus.maps.metrics import FactorMetrics, MapMetrics, map_metrics
from chorus.maps.model import AggregatedLink, Factor, FuzzyCognitiveMap, Link, MapError
from chorus.maps.simulate import (
    ScenarioComparison,
    SimulationResult,
    SimulationSettings,
    compare_scenario,
    simulate,
    simulate_map,
)
from chorus.maps.strengths import DEFAULT_STRENGTH_TERMS, combine_terms, strength_to_weight, term_value

__all__ = [
    "DEFAULT_STRENGTH_TERMS",
    "AggregatedLink",
    "Factor",
    "FactorMetrics",
    "FuzzyCognitiveMap",
    "Leverage",
    "Link",
    "MapError",
    "MapMetrics",
    "ScenarioComparison",
    "Sensitivity",
    "SimulationResult",
    "SimulationSettings",
    "aggregate_maps",
    "aggregate_weights",
    "combine_terms",
    "compare_scenario",
    "map_metrics",
    "rank_leverage",
    "rating_entropy",
    "read_edge_list_csv",
    "read_matrix_csv",
    "read_mmp",
    "simulate",
    "simulate_map",
    "strength_to_weight",
    "term_value",
    "write_edge_list_csv",
    "write_matrix_csv",
]
