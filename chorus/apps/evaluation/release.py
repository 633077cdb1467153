"""The public version of an evaluation: every count of people under disclosure control, without Django.

Counts go through chorus.privacy.disclosure: 0 stays 0, 1-7 become "*", others are rounded to the nearest 5.
Proportions, intervals, changes, differences in differences, funnel places and costs per person are worked
out again from those published counts (worked out from the exact counts, they would give them back: a
share of 0.78125 of a published 65 can only be 50 of 64). Any figure resting on a count of 1-7 is withheld:
a row's uptake and interval, a change from a baseline of 1-7, a difference in differences, a partner's place
on the funnel, a survey share, a cost per person. Totals over partners are withheld at a date (or for reach)
where one partner's figure is withheld, so the small figure cannot be found by subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from chorus.privacy.disclosure import (
    LARGEST_SMALL_COUNT,
    SUPPRESSED,
    display_count,
    display_per_count,
    published_counts,
)
from chorus.stats import compare_proportions, place_on_funnel, pooled_target, wilson_ci

from .analysis import (
    ALL_PARTNERS,
    LEVEL,
    Count,
    Funnel,
    IndicatorEvaluation,
    ItemChange,
    ItemResult,
    ReachRow,
    Share,
    evaluate_indicator,
)

WITHHELD_NOTE = "fewer than 8 people in one of its counts"


def is_small(count: int) -> bool:
    return 1 <= count <= LARGEST_SMALL_COUNT


def _published_count(count: Count) -> Count:
    # A count of 1-7 keeps its exact value here only to be recognised and withheld by release_indicator.
    if is_small(count.eligible) or is_small(count.with_outcome):
        return count
    return replace(
        count, eligible=display_count(count.eligible), with_outcome=display_count(count.with_outcome)
    )


def evaluate_published(counts: list[Count]) -> IndicatorEvaluation:
    """The public evaluation of one indicator: evaluated from the published counts, then released."""
    return release_indicator(evaluate_indicator([_published_count(count) for count in counts]))


def release_indicator(evaluation: IndicatorEvaluation) -> IndicatorEvaluation:
    """A copy of `evaluation` fit to publish (its figures should come from published counts:
    `evaluate_published`)."""
    small: set[tuple[str, date]] = {
        (row.population, row.when)
        for row in evaluation.rows
        if row.population != ALL_PARTNERS and (is_small(row.eligible) or is_small(row.with_outcome))
    }
    partner_dates_with_small = {
        when for (population, when) in small if not _is_comparator(evaluation, population)
    }
    pooled = {
        (row.population, row.when)
        for row in evaluation.rows
        if row.population == ALL_PARTNERS
        and (is_small(row.eligible) or is_small(row.with_outcome) or row.when in partner_dates_with_small)
    }
    withheld = small | pooled

    rows = []
    for row in evaluation.rows:
        row_withheld = (row.population, row.when) in withheld
        baseline_withheld = row.baseline is not None and (row.population, row.baseline) in withheld
        released = replace(
            row,
            eligible=display_count(row.eligible),
            with_outcome=display_count(row.with_outcome),
        )
        if row_withheld:
            released = replace(
                released, uptake=None, lower=None, upper=None, published_percentage=None, suppressed=True
            )
            if row.population == ALL_PARTNERS:  # a total holding a small count would give it away too
                released = replace(released, eligible=SUPPRESSED, with_outcome=SUPPRESSED)
        if row.change is not None and (row_withheld or baseline_withheld):
            released = replace(released, change=None, change_suppressed=True)
        rows.append(released)

    notes = list(evaluation.notes)
    differences = []
    for did in evaluation.differences_in_differences:
        keys = {
            (did.population, did.before),
            (did.population, did.after),
            (did.comparator, did.before),
            (did.comparator, did.after),
        }
        if keys & withheld:
            notes.append(
                f"The difference in differences for {did.population} against {did.comparator} is not shown: "
                f"{WITHHELD_NOTE}."
            )
        else:
            differences.append(did)

    return IndicatorEvaluation(
        rows=rows,
        differences_in_differences=differences,
        funnel=_release_funnel(evaluation.funnel, notes),
        notes=notes,
    )


def _is_comparator(evaluation: IndicatorEvaluation, population: str) -> bool:
    return any(row.is_comparator for row in evaluation.rows if row.population == population)


def _release_funnel(funnel: Funnel | None, notes: list[str]) -> Funnel | None:
    if funnel is None:
        return None
    units = []
    for unit in funnel.units:
        if is_small(unit.trials) or is_small(unit.successes):
            notes.append(f"{unit.name} is left off the funnel plot: {WITHHELD_NOTE}.")
            continue
        units.append(
            replace(unit, trials=display_count(unit.trials), successes=display_count(unit.successes))
        )
    if len(units) < 2:
        return None
    # Placed again among the units shown, so the target holds no count that was left off.
    shown = {unit.name: (unit.successes, unit.trials) for unit in units}
    target = pooled_target(shown)
    inner = {unit.name: unit.position == "inside" for unit in place_on_funnel(shown, target, 0.95)}
    return replace(funnel, target=target, units=place_on_funnel(shown, target, 0.998), inside_95=inner)


@dataclass(frozen=True)
class ReleasedReachRow:
    partner: str
    residents_reached: int | str
    grant_pence: int
    cost_per_person_pence: int | None
    suppressed: bool = False


def release_reach(rows: list[ReachRow]) -> list[ReleasedReachRow]:
    any_small = any(is_small(row.residents_reached) for row in rows if row.partner != ALL_PARTNERS)
    released = []
    for row in rows:
        withheld = is_small(row.residents_reached) or (row.partner == ALL_PARTNERS and any_small)
        released.append(
            ReleasedReachRow(
                partner=row.partner,
                residents_reached=display_count(row.residents_reached),
                grant_pence=row.grant_pence,
                cost_per_person_pence=None
                if withheld or not row.residents_reached
                else round(display_per_count(row.grant_pence, row.residents_reached)),
                suppressed=withheld,
            )
        )
    return released


@dataclass(frozen=True)
class ReleasedShare:
    agreeing: int | str
    respondents: int | str
    lower: float | None
    upper: float | None
    proportion: float | None
    suppressed: bool

    @property
    def in_ten(self) -> int | None:
        return None if self.proportion is None else round(self.proportion * 10)


def _release_share(share: Share | None) -> ReleasedShare | None:
    if share is None:
        return None
    counts = published_counts(share.agreeing, share.respondents)
    if counts is None or not counts[1]:
        return ReleasedShare(
            agreeing=display_count(share.agreeing),
            respondents=display_count(share.respondents),
            lower=None,
            upper=None,
            proportion=None,
            suppressed=True,
        )
    agreeing, respondents = counts
    lower, upper = wilson_ci(agreeing, respondents, LEVEL)
    return ReleasedShare(agreeing, respondents, lower, upper, agreeing / respondents, suppressed=False)


PUBLISHED_CHANGE_METHOD = (
    "worked out from the published counts: pooled two-proportion z-test, Newcombe hybrid score interval"
)


def release_item(result: ItemResult) -> ItemResult:
    before, after = _release_share(result.before), _release_share(result.after)
    change = result.change
    withheld = bool(
        (before and before.suppressed)
        or (after and after.suppressed)
        or (change is not None and is_small(change.linked_respondents))
    )
    if change is not None and not withheld:
        # A paired change rests on who answered both times, which the published counts do not show; the
        # public change compares the published shares instead.
        compared = compare_proportions(
            before.agreeing, before.respondents, after.agreeing, after.respondents, level=LEVEL
        )
        change = ItemChange(
            compared.difference,
            compared.difference_lower,
            compared.difference_upper,
            compared.p_value,
            PUBLISHED_CHANGE_METHOD,
            display_count(change.linked_respondents),
        )
    return ItemResult(
        statement=result.statement,
        domain=result.domain,
        before=before,
        after=after,
        change=None if withheld else change,
        change_suppressed=withheld and change is not None,
    )
