import numpy as np
import pytest

from chorus.maps import FuzzyCognitiveMap, map_metrics


def metrics_of(names: list[str], matrix: list[list[float]]):
    return map_metrics(FuzzyCognitiveMap.from_matrix(names, np.array(matrix, dtype=float)))


def test_degrees_sum_absolute_weights_and_types_follow_them():
    measured = metrics_of(
        ["driver", "middle", "receiver", "alone"],
        [[0, -0.5, 0.25, 0], [0, 0, 0.75, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
    )
    by_name = {factor.name: factor for factor in measured.factors}
    assert by_name["driver"].outdegree == 0.75 and by_name["driver"].indegree == 0
    assert by_name["middle"].indegree == 0.5 and by_name["middle"].outdegree == 0.75
    assert by_name["middle"].centrality == 1.25
    assert by_name["receiver"].indegree == 1.0
    assert [by_name[name].type for name in ("driver", "middle", "receiver", "alone")] == [
        "driver",
        "ordinary",
        "receiver",
        "isolated",
    ]
    assert (measured.drivers, measured.receivers, measured.ordinary) == (1, 1, 1)
    assert measured.number_of_links == 3
    assert measured.density == pytest.approx(3 / 16)
    assert measured.complexity == 1.0


def test_complexity_is_none_without_drivers():
    assert metrics_of(["a", "b"], [[0, 1], [1, 0]]).complexity is None


def test_hierarchy_is_one_for_a_strict_ranking_and_zero_for_a_cycle():
    ranking = metrics_of(["top", "mid", "low"], [[0, 1, 1], [0, 0, 1], [0, 0, 0]])
    cycle = metrics_of(["a", "b", "c"], [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    assert ranking.hierarchy == pytest.approx(1.0)
    assert cycle.hierarchy == pytest.approx(0.0)


def test_betweenness_marks_the_factor_paths_go_through():
    measured = metrics_of(["a", "b", "c"], [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    by_name = {factor.name: factor.betweenness for factor in measured.factors}
    assert by_name == {"a": 0.0, "b": 0.5, "c": 0.0}
