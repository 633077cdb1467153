"""Local indicators beside England's, compared the way Fingertips does it (chorus.stats)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from chorus.geo.places import ENGLAND_CODE
from chorus.stats import compare_with_benchmark

from .models import Area, Indicator, IndicatorPolarity, IndicatorUnit, IndicatorValue, Level

NOT_COMPARED = "not compared"
LABEL_TEXT = {
    "better": "Better than England",
    "similar": "Similar to England",
    "worse": "Worse than England",
    NOT_COMPARED: "Not compared",
}


@dataclass(frozen=True)
class IndicatorComparison:
    """One indicator for one area and period, with England's value and the Fingertips-style label."""

    indicator: Indicator
    local: IndicatorValue
    england: IndicatorValue | None
    lower: float | None
    upper: float | None
    label: str  # better | similar | worse | not compared
    method: str  # Wilson score, Byar's, exact Poisson, or why it was not compared

    @property
    def label_text(self) -> str:
        return LABEL_TEXT[self.label]

    @property
    def area_level(self) -> str:
        return self.local.area.get_level_display().lower()


def england() -> Area:
    """The England area that holds benchmark values (created when first needed)."""
    area, _ = Area.objects.get_or_create(
        code=ENGLAND_CODE, defaults={"name": "England", "level": Level.COUNTRY}
    )
    return area


def compare(local: IndicatorValue, england_value: IndicatorValue | None) -> IndicatorComparison:
    """Compare a local value with England's for the same period.

    Wilson score interval for a proportion; Byar's (10 or more events) or exact Poisson (fewer) for a rate.
    Not compared, with the reason as `method`, when the indicator has no polarity, is a plain count, has no
    England value for the period, or the local value has no count and denominator to build an interval.
    """
    indicator = local.indicator
    kind = {IndicatorUnit.PROPORTION: "proportion", IndicatorUnit.RATE: "rate"}.get(indicator.unit)

    def not_compared(reason: str, lower: float | None = None, upper: float | None = None):
        return IndicatorComparison(indicator, local, england_value, lower, upper, NOT_COMPARED, reason)

    if kind is None:
        return not_compared("counts are not compared with England")
    if local.numerator is None or local.denominator is None:
        return not_compared("no count and denominator, so no confidence interval")
    per = 100 if kind == "proportion" else indicator.per
    result = compare_with_benchmark(
        local.numerator,
        int(local.denominator) if kind == "proportion" else local.denominator,
        england_value.value if england_value is not None else local.value,
        indicator.polarity,
        kind=kind,
        per=per,
    )
    if england_value is None:
        return not_compared(f"no England value for {local.period}", result.lower, result.upper)
    if indicator.polarity == IndicatorPolarity.NONE:
        return not_compared("no polarity: higher is neither better nor worse", result.lower, result.upper)
    return IndicatorComparison(
        indicator, local, england_value, result.lower, result.upper, result.label, result.method
    )


def latest_comparisons(
    areas: list[Area], indicators: QuerySet[Indicator] | None = None
) -> list[IndicatorComparison]:
    """For each indicator, the latest period held for the first of `areas` that has one (e.g. the ward, else
    its local authority), compared with England in that period. Indicators in name order."""
    indicators = indicators if indicators is not None else Indicator.objects.all()
    area_ids = [area.pk for area in areas]
    rank = {area_id: position for position, area_id in enumerate(area_ids)}
    values = (
        IndicatorValue.objects.filter(area_id__in=area_ids, indicator__in=indicators)
        .select_related("indicator", "area")
        .order_by()
    )
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for value in values:
        by_indicator.setdefault(value.indicator_id, []).append(value)
    chosen: dict[int, IndicatorValue] = {}
    for indicator_id, held in by_indicator.items():
        nearest = min(rank[value.area_id] for value in held)
        chosen[indicator_id] = max(
            (value for value in held if rank[value.area_id] == nearest), key=lambda v: _period_key(v.period)
        )
    englands = {
        (value.indicator_id, value.period): value
        for value in IndicatorValue.objects.filter(
            area__code=ENGLAND_CODE, indicator_id__in=chosen.keys()
        ).select_related("area")
    }
    comparisons = [
        compare(value, englands.get((value.indicator_id, value.period))) for value in chosen.values()
    ]
    return sorted(comparisons, key=lambda c: c.indicator.name)


def _period_key(period: str) -> tuple:
    """Order periods like '2018/19', '2019/20', '2017 - 19' by their digits (later is larger)."""
    return tuple(int(part) for part in "".join(ch if ch.isdigit() else " " for ch in period).split()), period
