"""Run a fuzzy cognitive map forward in time and compare scenarios with the baseline.

Update rules, with W[i][j] the effect of factor i on factor j and f the transfer function:
    kosko            A(t+1) = f(A(t) @ W)
    modified-kosko   A(t+1) = f(A(t) @ W + A(t))
    rescaled         A(t+1) = f((2A(t) - 1) @ W + (2A(t) - 1))
Clamped factors are held at their value at the start and after every step.

A run stops when no factor moves by `threshold` or more in one step (converged), when the latest states
repeat earlier ones (a limit cycle, reported with its period), or after `max_iterations` steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.special import expit

from chorus.maps.model import FuzzyCognitiveMap, MapError

RULES = ("kosko", "modified-kosko", "rescaled")
TRANSFERS = ("sigmoid", "tanh", "bivalent", "trivalent")
DISCRETE_TRANSFERS = ("bivalent", "trivalent")

Weights = np.ndarray | sparse.sparray | sparse.spmatrix


@dataclass(frozen=True)
class SimulationSettings:
    rule: str = "kosko"
    transfer: str = "sigmoid"
    steepness: float = 1.0  # lambda of the sigmoid and tanh transfer functions
    threshold: float = 0.001
    max_iterations: int = 100

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise MapError(f"unknown rule {self.rule!r}; choose one of {', '.join(RULES)}")
        if self.transfer not in TRANSFERS:
            raise MapError(f"unknown transfer {self.transfer!r}; choose one of {', '.join(TRANSFERS)}")
        if not self.steepness > 0:
            raise MapError("lambda must be greater than 0")
        if not self.threshold > 0:
            raise MapError("threshold must be greater than 0")
        if self.max_iterations < 1:
            raise MapError("max iterations must be at least 1")


DEFAULT_SETTINGS = SimulationSettings()


def transfer_function(name: str, steepness: float = 1.0) -> Callable[[np.ndarray], np.ndarray]:
    if name == "sigmoid":
        return lambda x: expit(steepness * x)
    if name == "tanh":
        return lambda x: np.tanh(steepness * x)
    if name == "bivalent":
        return lambda x: (x > 0).astype(float)
    if name == "trivalent":
        return lambda x: np.sign(x).astype(float)
    raise MapError(f"unknown transfer {name!r}; choose one of {', '.join(TRANSFERS)}")


def activation_range(transfer: str) -> tuple[float, float]:
    """The lowest and highest value a factor can take under this transfer function."""
    return (0.0, 1.0) if transfer in ("sigmoid", "bivalent") else (-1.0, 1.0)


@dataclass(frozen=True)
class SimulationResult:
    state: np.ndarray
    iterations: int
    converged: bool
    cycle_period: int | None
    history: np.ndarray = field(repr=False)  # row t is the state after t steps; row 0 the initial state

    @property
    def settled_state(self) -> np.ndarray:
        """The steady state, or the average over one period of a limit cycle."""
        if self.cycle_period is None:
            return self.state
        return self.history[-self.cycle_period :].mean(axis=0)


def _cycle_period(
    history: np.ndarray, fingerprints: np.ndarray, threshold: float, fingerprint_slack: float, exact: bool
) -> int | None:
    """Smallest p >= 2 for which the newest state repeats the one p steps earlier (within the threshold).

    With a discrete transfer function the states are exact, so one repeat proves a cycle. With a continuous
    one a single near-repeat can be a slowly damped oscillation, so the whole last period must repeat the
    period before it. Fingerprints (each state dotted with a fixed positive probe) rule most earlier states
    out cheaply: two states within the threshold everywhere have fingerprints within `fingerprint_slack`.
    """
    newest = len(history) - 1
    candidates = np.flatnonzero(np.abs(fingerprints[: newest - 1] - fingerprints[newest]) < fingerprint_slack)
    for earlier in candidates[::-1]:
        period = int(newest - earlier)
        if np.abs(history[earlier] - history[newest]).max() >= threshold:
            continue
        if exact:
            return period
        if newest - 2 * period + 1 >= 0:
            latest = history[newest - period + 1 : newest + 1]
            before = history[newest - 2 * period + 1 : newest - period + 1]
            if np.abs(latest - before).max() < threshold:
                return period
    return None


def simulate(
    weights: Weights,
    initial: np.ndarray,
    clamps: Mapping[int, float] | None = None,
    settings: SimulationSettings = DEFAULT_SETTINGS,
) -> SimulationResult:
    """Iterate the map from `initial`; `clamps` maps factor positions to the values they are held at."""
    size = weights.shape[0]
    if weights.shape != (size, size):
        raise MapError(f"the weight matrix must be square, not {weights.shape[0]} x {weights.shape[1]}")
    state = np.array(initial, dtype=float)
    if state.shape != (size,):
        raise MapError(f"the initial state has {state.size} values but the map has {size} factors")
    clamps = clamps or {}
    clamp_positions = np.array(sorted(clamps), dtype=int)
    clamp_values = np.array([clamps[position] for position in clamp_positions], dtype=float)
    state[clamp_positions] = clamp_values

    if sparse.issparse(weights):
        transposed = sparse.csr_array(weights.T)

        def propagate(values: np.ndarray) -> np.ndarray:
            return transposed @ values
    else:
        dense = np.asarray(weights, dtype=float)

        def propagate(values: np.ndarray) -> np.ndarray:
            return values @ dense

    squash = transfer_function(settings.transfer, settings.steepness)
    exact = settings.transfer in DISCRETE_TRANSFERS
    history = np.empty((settings.max_iterations + 1, size))
    history[0] = state
    probe = np.linspace(1.0, 2.0, size)
    fingerprints = np.empty(settings.max_iterations + 1)
    fingerprints[0] = state @ probe
    # |probe·(a - b)| <= sum(probe) * max|a - b|; the small extra absorbs rounding in the dot products
    fingerprint_slack = probe.sum() * settings.threshold * (1 + 1e-9) + 1e-12
    for step in range(1, settings.max_iterations + 1):
        if settings.rule == "kosko":
            new_state = squash(propagate(state))
        elif settings.rule == "modified-kosko":
            new_state = squash(propagate(state) + state)
        else:
            rescaled = 2 * state - 1
            new_state = squash(propagate(rescaled) + rescaled)
        new_state[clamp_positions] = clamp_values
        history[step] = new_state
        change = np.abs(new_state - state).max() if size else 0.0
        state = new_state
        if change < settings.threshold:
            return SimulationResult(state, step, True, None, history[: step + 1])
        fingerprints[step] = new_state @ probe
        period = _cycle_period(
            history[: step + 1], fingerprints[: step + 1], settings.threshold, fingerprint_slack, exact
        )
        if period is not None:
            return SimulationResult(state, step, False, period, history[: step + 1])
    return SimulationResult(state, settings.max_iterations, False, None, history)


# Measured on the 2-core dev machine (bench/fcm_simulate.py): dense numpy is faster below about 200 factors;
# above that, maps people draw are sparse (a handful of links per factor) and scipy.sparse wins by far.
SPARSE_FROM_FACTORS = 200
SPARSE_UP_TO_DENSITY = 0.1


def map_weights(fcm: FuzzyCognitiveMap) -> Weights:
    """The map's weight matrix in whichever form simulates it faster."""
    size = len(fcm.factors)
    if size >= SPARSE_FROM_FACTORS and len(fcm.links) <= SPARSE_UP_TO_DENSITY * size * size:
        return fcm.sparse_weight_matrix()
    return fcm.weight_matrix()


def _positions(fcm: FuzzyCognitiveMap, values: Mapping[str, float] | None) -> dict[int, float]:
    return {fcm.index(factor_id): float(value) for factor_id, value in (values or {}).items()}


def simulate_map(
    fcm: FuzzyCognitiveMap,
    initial: Mapping[str, float] | None = None,
    clamps: Mapping[str, float] | None = None,
    settings: SimulationSettings = DEFAULT_SETTINGS,
) -> SimulationResult:
    """Simulate a map by factor id; factors not named in `initial` start at 0."""
    return simulate(map_weights(fcm), initial_state(fcm, initial), _positions(fcm, clamps), settings)


def initial_state(fcm: FuzzyCognitiveMap, initial: Mapping[str, float] | None) -> np.ndarray:
    """A state vector from values by factor id; factors not named start at 0."""
    state = np.zeros(len(fcm.factors))
    for position, value in _positions(fcm, initial).items():
        state[position] = value
    return state


@dataclass(frozen=True)
class ScenarioComparison:
    """A clamped scenario beside the baseline run from the same initial state without clamps."""

    factor_ids: tuple[str, ...]
    scenario: SimulationResult
    baseline: SimulationResult

    @property
    def difference(self) -> np.ndarray:
        return self.scenario.settled_state - self.baseline.settled_state

    def as_dicts(self) -> dict[str, dict[str, float]]:
        def named(values: np.ndarray) -> dict[str, float]:
            return {factor_id: float(value) for factor_id, value in zip(self.factor_ids, values, strict=True)}

        return {
            "state": named(self.scenario.state),
            "baseline": named(self.baseline.state),
            "difference": named(self.difference),
        }


def compare_scenario(
    fcm: FuzzyCognitiveMap,
    clamps: Mapping[str, float],
    initial: Mapping[str, float] | None = None,
    settings: SimulationSettings = DEFAULT_SETTINGS,
) -> ScenarioComparison:
    weights = map_weights(fcm)
    start = initial_state(fcm, initial)
    return ScenarioComparison(
        factor_ids=tuple(fcm.ids),
        scenario=simulate(weights, start, _positions(fcm, clamps), settings),
        baseline=simulate(weights, start, None, settings),
    )
