"""The evaluation of one intervention, as plain data: no Django, so it can be checked in a notebook.

Built on chorus.stats: Wilson intervals for each uptake, Newcombe intervals, log relative risk and the
pooled z-test for each change from the baseline date, difference in differences against a comparator and
funnel limits across partners. Proportions and differences are fractions (0.0602 = 6.02 percentage points).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from chorus.stats import (
    DifferenceInDifferences,
    FunnelUnit,
    ProportionComparison,
    compare_proportions,
    compare_survey_item,
    place_on_funnel,
    pooled_target,
    proportions_difference_in_differences,
    wilson_ci,
)

LEVEL = 0.95
ALL_PARTNERS = "All partners"


@dataclass(frozen=True)
class Count:
    """People with the outcome (x) out of eligible people (n) in one population at one date."""

    population: str
    when: date
    with_outcome: int
    eligible: int
    is_comparator: bool = False
    published_percentage: float | None = None


@dataclass(frozen=True)
class UptakeRow:
    """One population at one date: uptake with its Wilson interval and, after the baseline, the change.

    In the public version (chorus.apps.evaluation.release) the counts are "*" or rounded to 5, and a row
    resting on a count of 1-7 has `suppressed` set and no uptake; `change_suppressed` likewise for a change.
    """

    population: str
    is_comparator: bool
    when: date
    eligible: int | str
    with_outcome: int | str
    uptake: float | None
    lower: float | None
    upper: float | None
    published_percentage: float | None
    baseline: date | None = None
    change: ProportionComparison | None = None
    suppressed: bool = False
    change_suppressed: bool = False

    @property
    def significant(self) -> bool:
        return self.change is not None and self.change.p_value < 1 - LEVEL


@dataclass(frozen=True)
class DidRow:
    population: str
    comparator: str
    before: date
    after: date
    result: DifferenceInDifferences

    @property
    def significant(self) -> bool:
        return self.result.p_value < 1 - LEVEL


@dataclass(frozen=True)
class Funnel:
    when: date
    target: float
    units: list[FunnelUnit]  # placed at 99.8%
    inside_95: dict[str, bool]


@dataclass
class IndicatorEvaluation:
    rows: list[UptakeRow] = field(default_factory=list)
    differences_in_differences: list[DidRow] = field(default_factory=list)
    funnel: Funnel | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def dates(self) -> list[date]:
        return sorted({row.when for row in self.rows})

    @property
    def latest_changes(self) -> list[UptakeRow]:
        """Each population's change from its first to its last date (the headline of an evaluation)."""
        latest: dict[str, UptakeRow] = {}
        for row in self.rows:
            if row.change is not None:
                latest[row.population] = row
        return list(latest.values())


def _by_population(counts: Iterable[Count]) -> dict[str, list[Count]]:
    grouped: dict[str, list[Count]] = {}
    for count in sorted(counts, key=lambda c: (c.is_comparator, c.population.lower(), c.when)):
        grouped.setdefault(count.population, []).append(count)
    return grouped


def _rows_for(series: list[Count]) -> list[UptakeRow]:
    baseline = series[0]
    rows = []
    for count in series:
        lower, upper = wilson_ci(count.with_outcome, count.eligible, LEVEL)
        change = None
        if count is not baseline:
            change = compare_proportions(
                baseline.with_outcome, baseline.eligible, count.with_outcome, count.eligible, LEVEL
            )
        rows.append(
            UptakeRow(
                population=count.population,
                is_comparator=count.is_comparator,
                when=count.when,
                eligible=count.eligible,
                with_outcome=count.with_outcome,
                uptake=count.with_outcome / count.eligible,
                lower=lower,
                upper=upper,
                published_percentage=count.published_percentage,
                baseline=baseline.when if change is not None else None,
                change=change,
            )
        )
    return rows


def _pooled(partner_series: Mapping[str, list[Count]], dates: Sequence[date]) -> list[Count] | None:
    """All partners added together, only when every partner was measured at every one of these dates."""
    if len(partner_series) < 2:
        return None
    pooled = []
    for when in dates:
        at_date = [c for series in partner_series.values() for c in series if c.when == when]
        if len(at_date) != len(partner_series):
            return None
        pooled.append(
            Count(ALL_PARTNERS, when, sum(c.with_outcome for c in at_date), sum(c.eligible for c in at_date))
        )
    return pooled


def evaluate_indicator(counts: Iterable[Count], *, include_pooled: bool = True) -> IndicatorEvaluation:
    """Everything the detail page and the report show for one indicator."""
    grouped = _by_population(counts)
    partners = {name: series for name, series in grouped.items() if not series[0].is_comparator}
    comparators = {name: series for name, series in grouped.items() if series[0].is_comparator}
    evaluation = IndicatorEvaluation()
    for series in grouped.values():
        evaluation.rows.extend(_rows_for(series))

    partner_dates = sorted({c.when for series in partners.values() for c in series})
    pooled = _pooled(partners, partner_dates) if include_pooled else None
    if pooled:
        evaluation.rows.extend(_rows_for(pooled))

    intervention_series = dict(partners)
    if pooled:
        intervention_series[ALL_PARTNERS] = pooled
    for comparator_name, comparator_series in comparators.items():
        comparator_at = {c.when: c for c in comparator_series}
        for name, series in intervention_series.items():
            shared = [c for c in series if c.when in comparator_at]
            if len(shared) < 2:
                evaluation.notes.append(
                    f"No difference in differences for {name} against {comparator_name}: they were not "
                    "measured at two of the same dates."
                )
                continue
            first, last = shared[0], shared[-1]
            result = proportions_difference_in_differences(
                (first.with_outcome, first.eligible),
                (last.with_outcome, last.eligible),
                (comparator_at[first.when].with_outcome, comparator_at[first.when].eligible),
                (comparator_at[last.when].with_outcome, comparator_at[last.when].eligible),
                LEVEL,
            )
            evaluation.differences_in_differences.append(
                DidRow(name, comparator_name, first.when, last.when, result)
            )

    evaluation.funnel = funnel_at_latest_date(partners)
    return evaluation


def funnel_at_latest_date(partners: Mapping[str, list[Count]]) -> Funnel | None:
    """Partners on a funnel at the latest date at which at least two of them were measured."""
    by_date: dict[date, dict[str, tuple[int, int]]] = {}
    for name, series in partners.items():
        for count in series:
            by_date.setdefault(count.when, {})[name] = (count.with_outcome, count.eligible)
    candidates = [when for when, units in by_date.items() if len(units) >= 2]
    if not candidates:
        return None
    when = max(candidates)
    units = by_date[when]
    target = pooled_target(units)
    outer = place_on_funnel(units, target, 0.998)
    inner = {unit.name: unit.position == "inside" for unit in place_on_funnel(units, target, 0.95)}
    return Funnel(when=when, target=target, units=outer, inside_95=inner)


@dataclass(frozen=True)
class ReachRow:
    partner: str
    residents_reached: int
    grant_pence: int

    @property
    def cost_per_person_pence(self) -> int | None:
        """Grant money per resident reached, rounded to the penny; None when nobody was reached."""
        if self.residents_reached == 0:
            return None
        return round(self.grant_pence / self.residents_reached)


def reach_with_totals(rows: list[ReachRow]) -> list[ReachRow]:
    if len(rows) < 2:
        return rows
    return rows + [
        ReachRow(
            ALL_PARTNERS,
            sum(row.residents_reached for row in rows),
            sum(row.grant_pence for row in rows),
        )
    ]


@dataclass(frozen=True)
class Share:
    agreeing: int
    respondents: int
    lower: float
    upper: float

    @property
    def proportion(self) -> float:
        return self.agreeing / self.respondents

    @property
    def in_ten(self) -> int:
        """'9 in 10': the share rounded to the nearest tenth."""
        return round(self.proportion * 10)

    suppressed = False  # a share computed here always shows; see release.ReleasedShare


def share(agreeing: int, respondents: int) -> Share:
    lower, upper = wilson_ci(agreeing, respondents, LEVEL)
    return Share(agreeing, respondents, lower, upper)


@dataclass(frozen=True)
class ItemChange:
    difference: float
    lower: float
    upper: float
    p_value: float
    method: str
    linked_respondents: int

    @property
    def significant(self) -> bool:
        return self.p_value < 1 - LEVEL


@dataclass(frozen=True)
class ItemResult:
    statement: str
    domain: str
    before: Share | None
    after: Share | None
    change: ItemChange | None
    change_suppressed: bool = False


Answers = Sequence[tuple[str, bool]]  # (respondent key or "", agrees)


def _keyed(answers: Answers, wave: str) -> dict[str, bool]:
    # Answers without a key can never pair, so each gets a key of its own.
    return {key or f"unlinked-{wave}-{index}": agrees for index, (key, agrees) in enumerate(answers)}


def evaluate_item(
    statement: str,
    domain: str,
    *,
    before: Answers = (),
    after: Answers = (),
    before_tally: tuple[int, int] | None = None,
    after_tally: tuple[int, int] | None = None,
) -> ItemResult:
    """One survey item: the share agreeing in each wave with Wilson intervals, and the change.

    Individual answers are used when there are any (paired by respondent key where the same people answered
    both times, via chorus.stats.compare_survey_item); otherwise the tallies (agreeing, respondents) are
    compared as independent samples.
    """
    before_share = after_share = None
    change = None
    if before or after:
        if before:
            before_share = share(sum(a for _, a in before), len(before))
        if after:
            after_share = share(sum(a for _, a in after), len(after))
        if before and after:
            result = compare_survey_item(_keyed(before, "pre"), _keyed(after, "post"), LEVEL)
            change = ItemChange(
                result.difference,
                result.lower,
                result.upper,
                result.p_value,
                result.method,
                result.linked_respondents,
            )
    else:
        if before_tally:
            before_share = share(*before_tally)
        if after_tally:
            after_share = share(*after_tally)
        if before_tally and after_tally:
            result = compare_proportions(*before_tally, *after_tally, level=LEVEL)
            change = ItemChange(
                result.difference,
                result.difference_lower,
                result.difference_upper,
                result.p_value,
                "unpaired: pooled two-proportion z-test, Newcombe hybrid score interval",
                0,
            )
    return ItemResult(statement, domain, before_share, after_share, change)
