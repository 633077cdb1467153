"""The connector and community researcher pipeline as a plain state machine, and its funnel counts.

recruited -> trained -> available -> active -> left, back from active to available, and anyone may leave
(with a reason) at any stage before that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    RECRUITED = "recruited"
    TRAINED = "trained"
    AVAILABLE = "available"
    ACTIVE = "active"
    LEFT = "left"


LABELS = {
    Stage.RECRUITED: "Recruited",
    Stage.TRAINED: "Trained",
    Stage.AVAILABLE: "Available",
    Stage.ACTIVE: "Active",
    Stage.LEFT: "Left",
}
FUNNEL_STAGES = (Stage.RECRUITED, Stage.TRAINED, Stage.AVAILABLE, Stage.ACTIVE)
ALLOWED: dict[Stage, frozenset[Stage]] = {
    Stage.RECRUITED: frozenset({Stage.TRAINED, Stage.LEFT}),
    Stage.TRAINED: frozenset({Stage.AVAILABLE, Stage.LEFT}),
    Stage.AVAILABLE: frozenset({Stage.ACTIVE, Stage.LEFT}),
    Stage.ACTIVE: frozenset({Stage.AVAILABLE, Stage.LEFT}),
    Stage.LEFT: frozenset(),
}


class TransitionError(ValueError):
    """A status change the pipeline does not allow, with a message a person understands."""


def allowed_next(current: Stage | str) -> list[Stage]:
    return sorted(ALLOWED[Stage(current)], key=list(Stage).index)


def check_transition(current: Stage | str, new: Stage | str, reason: str = "") -> None:
    current, new = Stage(current), Stage(new)
    if new not in ALLOWED[current]:
        if current == Stage.LEFT:
            raise TransitionError("They have left the programme: recruit them again to bring them back.")
        choices = ", ".join(LABELS[s].lower() for s in allowed_next(current))
        raise TransitionError(f"Someone who is {current} can only move to: {choices}.")
    if new == Stage.LEFT and not reason.strip():
        raise TransitionError("Enter why they left.")


@dataclass(frozen=True)
class FunnelRow:
    stage: Stage
    ever: int  # how many ever reached this stage
    now: int  # how many are at it now

    @property
    def label(self) -> str:
        return LABELS[self.stage]


def funnel(people: Iterable[tuple[Iterable[Stage | str], Stage | str]]) -> tuple[list[FunnelRow], int]:
    """Funnel rows for (stages each person has been at, their stage now); also how many have left.

    Reaching a stage counts once per person however often they came back to it (active <-> available).
    """
    order = {stage: index for index, stage in enumerate(FUNNEL_STAGES)}
    ever = dict.fromkeys(FUNNEL_STAGES, 0)
    now = dict.fromkeys(FUNNEL_STAGES, 0)
    left = 0
    for history, current in people:
        reached = [order[Stage(s)] for s in history if Stage(s) in order]
        furthest = max(reached, default=0)
        for stage in FUNNEL_STAGES[: furthest + 1]:
            ever[stage] += 1
        if Stage(current) == Stage.LEFT:
            left += 1
        else:
            now[Stage(current)] += 1
    return [FunnelRow(stage, ever[stage], now[stage]) for stage in FUNNEL_STAGES], left
