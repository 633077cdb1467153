import numpy as np
import pytest
from scipy import sparse

from chorus.maps import (
    FuzzyCognitiveMap,
    MapError,
    SimulationSettings,
    compare_scenario,
    simulate,
    simulate_map,
)
from chorus.maps.simulate import transfer_function

# The worked example of the issue: W[i][j] is the effect of Ci on Cj; start with C1 = C2 = 1.
W = np.array(
    [
        [0, 0, 0.6, 0.9, 0, 0, 0, 0.8],
        [0.1, 0, 0, 0, 0, 0, 0.2, 0.5],
        [0, 0.7, 0, 0, 0.9, 0, 0.4, 0.1],
        [0.4, 0, 0, 0, 0, 0.9, 0, 0],
        [0, 0, 0, 0, 0, -0.9, 0, 0.3],
        [-0.3, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0.8, 0.4, 0.9],
        [0.1, 0, 0, 0, 0, 0.1, 0.6, 0],
    ]
)
A0 = np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=float)


def test_kosko_rule_reaches_the_published_steady_state():
    result = simulate(W, A0, settings=SimulationSettings(rule="kosko"))
    assert result.converged and result.cycle_period is None
    assert np.round(result.state, 4).tolist() == [
        0.5481,
        0.6004,
        0.5815,
        0.6209,
        0.6280,
        0.6654,
        0.7618,
        0.8417,
    ]


def test_modified_kosko_rule_reaches_the_published_steady_state():
    result = simulate(W, A0, settings=SimulationSettings(rule="modified-kosko"))
    assert result.converged
    assert np.round(result.state, 4).tolist() == [
        0.7259,
        0.7907,
        0.7695,
        0.8125,
        0.8193,
        0.8399,
        0.9099,
        0.9558,
    ]


def test_rescaled_rule_takes_one_step_as_defined():
    result = simulate(W, A0, settings=SimulationSettings(rule="rescaled", max_iterations=1))
    rescaled = 2 * A0 - 1
    assert np.allclose(result.state, 1 / (1 + np.exp(-(rescaled @ W + rescaled))))
    assert result.iterations == 1 and not result.converged


def test_sparse_weights_give_the_same_result_as_dense():
    dense = simulate(W, A0)
    sparse_result = simulate(sparse.csr_array(W), A0)
    assert np.allclose(dense.state, sparse_result.state) and dense.iterations == sparse_result.iterations


def test_trivalent_rotation_is_reported_as_a_cycle_of_period_four():
    result = simulate(
        np.array([[0, 1], [-1, 0]]), np.array([1, 0]), settings=SimulationSettings(transfer="trivalent")
    )
    assert not result.converged
    assert result.cycle_period == 4
    assert result.iterations == 4


def test_continuous_limit_cycle_is_found_not_looped_forever():
    settings = SimulationSettings(transfer="tanh", steepness=5, max_iterations=1000)
    result = simulate(np.array([[0, 1], [-1, 0]]), np.array([1, 0]), settings=settings)
    assert result.cycle_period == 4
    assert result.iterations < 20


def test_iteration_cap_stops_a_run_that_has_not_settled():
    settings = SimulationSettings(transfer="tanh", steepness=5, max_iterations=3)
    result = simulate(np.array([[0, 1], [-1, 0]]), np.array([1, 0]), settings=settings)
    assert result.iterations == 3
    assert not result.converged and result.cycle_period is None
    assert len(result.history) == 4


def test_clamped_factor_is_held_every_iteration():
    result = simulate(W, A0, clamps={4: 1.0, 0: 0.0})
    assert np.all(result.history[:, 4] == 1.0)
    assert np.all(result.history[:, 0] == 0.0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sigmoid", [1 / (1 + np.exp(2)), 0.5, 1 / (1 + np.exp(-2))]),
        ("tanh", [np.tanh(-2), 0, np.tanh(2)]),
        ("bivalent", [0, 0, 1]),
        ("trivalent", [-1, 0, 1]),
    ],
)
def test_transfer_functions(name, expected):
    assert np.allclose(transfer_function(name, 2.0)(np.array([-1.0, 0.0, 1.0])), expected)


def test_bad_settings_are_refused():
    with pytest.raises(MapError, match="unknown rule"):
        SimulationSettings(rule="fast")
    with pytest.raises(MapError, match="lambda"):
        SimulationSettings(steepness=0)


def test_scenario_is_compared_with_the_unclamped_baseline():
    names = [f"C{i}" for i in range(1, 9)]
    fcm = FuzzyCognitiveMap.from_matrix(names, W)
    comparison = compare_scenario(fcm, clamps={"C5": 1.0}, initial={"C1": 1, "C2": 1})
    baseline = simulate_map(fcm, {"C1": 1, "C2": 1})
    assert np.allclose(comparison.baseline.state, baseline.state)
    named = comparison.as_dicts()
    assert named["state"]["C5"] == 1.0
    assert named["difference"]["C5"] == pytest.approx(1.0 - baseline.state[4])
    # C5 drives C6 down (-0.9), so clamping it high lowers C6 against the baseline
    assert named["difference"]["C6"] < 0


def test_simulate_map_refuses_unknown_factor():
    fcm = FuzzyCognitiveMap.from_matrix(["a", "b"], np.zeros((2, 2)))
    with pytest.raises(MapError, match="unknown factor 'c'"):
        simulate_map(fcm, clamps={"c": 1})
