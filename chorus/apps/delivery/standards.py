"""Common Standards (Hackney) self-assessment: the five standards and a comparison over time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from statistics import fmean

STANDARDS: dict[str, str] = {
    "working-together": "Working together",
    "social-model": "Social model",
    "diversity-inclusion": "Diversity and inclusion",
    "community-action": "Community action and empowerment",
    "tackling-inequality": "Tackling inequality",
}
ASSESSORS: dict[str, str] = {"resident": "Residents", "staff": "Staff"}
LOWEST, HIGHEST = 1, 5


@dataclass(frozen=True)
class Score:
    assessed_on: date
    assessor: str
    standard: str
    score: int


@dataclass(frozen=True)
class Round:
    assessed_on: date | None
    mean: float | None


@dataclass(frozen=True)
class Comparison:
    standard: str
    label: str
    latest: dict[str, Round]  # assessor -> latest round
    previous: dict[str, Round]
    change: dict[str, float | None]  # assessor -> latest mean minus previous mean
    gap: float | None  # residents' latest mean minus staff's


def compare(scores: Iterable[Score]) -> list[Comparison]:
    """Per standard: residents' and staff's latest mean score, the one before, and the change since then."""
    by_round: dict[tuple[str, str], dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for s in scores:
        by_round[(s.standard, s.assessor)][s.assessed_on].append(s.score)
    comparisons = []
    for standard, label in STANDARDS.items():
        latest, previous, change = {}, {}, {}
        for assessor in ASSESSORS:
            rounds = sorted(by_round[(standard, assessor)].items())
            last = Round(rounds[-1][0], round(fmean(rounds[-1][1]), 1)) if rounds else Round(None, None)
            before = (
                Round(rounds[-2][0], round(fmean(rounds[-2][1]), 1)) if len(rounds) > 1 else Round(None, None)
            )
            latest[assessor], previous[assessor] = last, before
            change[assessor] = (
                round(last.mean - before.mean, 1) if None not in (last.mean, before.mean) else None
            )
        gap = (
            round(latest["resident"].mean - latest["staff"].mean, 1)
            if None not in (latest["resident"].mean, latest["staff"].mean)
            else None
        )
        comparisons.append(Comparison(standard, label, latest, previous, change, gap))
    return comparisons
