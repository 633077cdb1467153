"""The C2 (Connecting Communities) seven-step path a neighbourhood follows, as plain data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

STEPS: dict[int, str] = {
    1: "Steering group and key residents",
    2: "Workshop and planning",
    3: "Listening event and report back to residents",
    4: "Partnership constituted with a community hub",
    5: "Regular partnership meetings and visible wins",
    6: "New groups and activities (social capital)",
    7: "Established partnership with funded resident coordinators and measurable outcomes",
}


@dataclass(frozen=True)
class StepState:
    step: int
    started_on: date | None
    completed_on: date | None
    has_evidence: bool

    @property
    def done(self) -> bool:
        return self.completed_on is not None and self.has_evidence

    @property
    def status(self) -> str:
        if self.done:
            return "completed"
        if self.started_on is not None:
            return "in-progress"
        return "not-started"


def current_step(states: Iterable[StepState]) -> int:
    """The highest step completed with evidence (0 when none is)."""
    return max((s.step for s in states if s.done), default=0)
