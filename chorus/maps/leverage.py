"""Which factors, if changed, most move the outcomes a programme cares about?

For each candidate factor the map is run twice with the factor clamped high and then low; the change in
each outcome's steady state against the unclamped baseline is recorded. A factor's swing on an outcome is
(change when high) - (change when low): positive means more of the factor raises the outcome. Factors are
ranked by the sum over outcomes of the absolute swing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chorus.maps.model import FuzzyCognitiveMap, MapError
from chorus.maps.simulate import (
    DEFAULT_SETTINGS,
    SimulationSettings,
    activation_range,
    initial_state,
    map_weights,
    simulate,
)


@dataclass(frozen=True)
class Sensitivity:
    factor: str
    outcome: str
    baseline: float
    high_change: float
    low_change: float

    @property
    def swing(self) -> float:
        return self.high_change - self.low_change


@dataclass(frozen=True)
class Leverage:
    factor: str
    score: float
    sensitivities: tuple[Sensitivity, ...]


def rank_leverage(
    fcm: FuzzyCognitiveMap,
    outcomes: Sequence[str],
    candidates: Sequence[str] | None = None,
    initial: Mapping[str, float] | None = None,
    settings: SimulationSettings = DEFAULT_SETTINGS,
    high: float | None = None,
    low: float | None = None,
) -> list[Leverage]:
    """Candidate factors (default: every factor that is not an outcome), most leverage first.

    `high` and `low` default to the ends of the transfer function's range (0..1 for sigmoid).
    """
    if not outcomes:
        raise MapError("name at least one outcome factor")
    outcome_positions = [fcm.index(outcome) for outcome in outcomes]
    chosen = list(candidates) if candidates is not None else [i for i in fcm.ids if i not in outcomes]
    for factor_id in chosen:
        fcm.index(factor_id)
    bottom, top = activation_range(settings.transfer)
    high = top if high is None else high
    low = bottom if low is None else low

    weights = map_weights(fcm)
    start = initial_state(fcm, initial)
    baseline = simulate(weights, start, None, settings).settled_state
    ranked = []
    for factor_id in chosen:
        position = fcm.index(factor_id)
        raised = simulate(weights, start, {position: high}, settings).settled_state
        lowered = simulate(weights, start, {position: low}, settings).settled_state
        sensitivities = tuple(
            Sensitivity(
                factor=factor_id,
                outcome=outcome,
                baseline=float(baseline[position]),
                high_change=float(raised[position] - baseline[position]),
                low_change=float(lowered[position] - baseline[position]),
            )
            for outcome, position in zip(outcomes, outcome_positions, strict=True)
        )
        score = sum(abs(item.swing) for item in sensitivities)
        ranked.append(Leverage(factor=factor_id, score=score, sensitivities=sensitivities))
    return sorted(ranked, key=lambda item: item.score, reverse=True)
