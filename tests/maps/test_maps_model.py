import numpy as np
import pytest

from chorus.maps import Factor, FuzzyCognitiveMap, Link, MapError


def small_map() -> FuzzyCognitiveMap:
    factors = [
        Factor("bus", "Bus routes"),
        Factor("groups", "Community groups"),
        Factor("lonely", "Loneliness"),
    ]
    links = [Link("bus", "groups", 0.75, provenance=("quote:1",)), Link("groups", "lonely", -0.9)]
    return FuzzyCognitiveMap(factors, links, id="map:7")


def test_weight_matrix_row_is_cause_and_column_is_effect():
    matrix = small_map().weight_matrix()
    assert matrix[0, 1] == 0.75
    assert matrix[1, 2] == -0.9
    assert matrix[1, 0] == 0 and matrix[2, 1] == 0


def test_sparse_matrix_matches_dense():
    fcm = small_map()
    assert np.array_equal(fcm.sparse_weight_matrix().toarray(), fcm.weight_matrix())


def test_duplicate_factor_ids_are_refused():
    with pytest.raises(MapError, match="more than once"):
        FuzzyCognitiveMap([Factor("a", "A"), Factor("a", "Also A")])


def test_link_to_unknown_factor_is_refused():
    with pytest.raises(MapError, match="unknown factor 'nowhere'"):
        FuzzyCognitiveMap([Factor("a", "A")], [Link("a", "nowhere", 0.5)])


def test_repeated_link_is_refused():
    with pytest.raises(MapError, match="more than once"):
        FuzzyCognitiveMap([Factor("a", "A"), Factor("b", "B")], [Link("a", "b", 0.5), Link("a", "b", 0.2)])


def test_from_matrix_makes_one_link_per_nonzero_cell():
    fcm = FuzzyCognitiveMap.from_matrix(["x", "y"], np.array([[0, -0.5], [0.25, 0]]))
    assert {(link.source, link.target, link.weight) for link in fcm.links} == {
        ("x", "y", -0.5),
        ("y", "x", 0.25),
    }
    assert fcm.link("x", "y").sign == -1


def test_networkx_graph_carries_weights_names_and_provenance():
    graph = small_map().to_networkx()
    assert graph.nodes["bus"]["name"] == "Bus routes"
    assert graph.edges["bus", "groups"]["weight"] == 0.75
    assert graph.edges["bus", "groups"]["provenance"] == ("quote:1",)
    assert not graph.has_edge("groups", "bus")


def test_id_for_name_finds_the_factor():
    assert small_map().id_for_name("Loneliness") == "lonely"
    with pytest.raises(MapError):
        small_map().id_for_name("Weather")
