"""Who was heard: each group's share of contributors against its share of the population."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chorus.stats._checks import as_count, as_level, as_positive_number
from chorus.stats.intervals import wilson_ci

# A group heard at less than 80% of its population share is a candidate for being under-heard.
DEFAULT_UNDER_HEARD_RATIO = 0.8


@dataclass(frozen=True)
class GroupRepresentation:
    group: str
    contributors: int
    population: int
    contributor_share: float
    contributor_share_lower: float
    contributor_share_upper: float
    population_share: float
    ratio: float
    under_heard: bool

    def sentence(self, who: str | None = None) -> str:
        """Plain English, e.g. 'Core20 residents were 2.3x their share of the population'."""
        return f"{who or self.group} were {self.ratio:.1f}x their share of the population"


def representation(
    contributors: Mapping[str, int],
    population: Mapping[str, int],
    *,
    under_heard_ratio: float = DEFAULT_UNDER_HEARD_RATIO,
    level: float = 0.95,
) -> list[GroupRepresentation]:
    """Compare each group's share of contributors with its share of the population.

    `population` must list every group, as a complete partition (add an 'other' group if needed), because
    shares are taken over the groups given. Groups missing from `contributors` count as zero contributors.
    The contributor share has a Wilson score interval at `level`.

    Rule for under_heard: the ratio (contributor share / population share) is below `under_heard_ratio`
    AND the upper end of the contributor share's interval is below the population share. Both are needed:
    the ratio alone flags noise in small samples, and the interval alone flags trivially small gaps in
    large ones.
    """
    level = as_level(level)
    threshold = as_positive_number(under_heard_ratio, "under_heard_ratio")
    unknown = sorted(set(contributors) - set(population))
    if unknown:
        raise ValueError(f"contributors include groups with no population: {', '.join(map(str, unknown))}")
    heard = {group: as_count(contributors.get(group, 0), f"contributors for {group}") for group in population}
    people = {group: as_count(count, f"population for {group}") for group, count in population.items()}
    total_heard, total_people = sum(heard.values()), sum(people.values())
    if total_heard == 0:
        raise ValueError("there are no contributors to compare")
    empty = [str(group) for group, count in people.items() if count == 0]
    if empty:
        raise ValueError(f"population is zero for: {', '.join(empty)}")

    rows = []
    for group, population_count in people.items():
        share = heard[group] / total_heard
        population_share = population_count / total_people
        lower, upper = wilson_ci(heard[group], total_heard, level)
        ratio = share / population_share
        rows.append(
            GroupRepresentation(
                group=group,
                contributors=heard[group],
                population=population_count,
                contributor_share=share,
                contributor_share_lower=lower,
                contributor_share_upper=upper,
                population_share=population_share,
                ratio=ratio,
                under_heard=ratio < threshold and upper < population_share,
            )
        )
    return rows
