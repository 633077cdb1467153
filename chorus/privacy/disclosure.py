"""Statistical disclosure control for every figure that leaves Chorus.

Below national level: a count of 0 stays 0, counts of 1 to 7 are shown as "*", and larger counts are
rounded to the nearest 5. Every figure worked out from counts (a percentage, a proportion, a Wilson
interval, a difference between two shares, a rate such as money per person) is worked out from the
*published* counts, never the exact ones, and is "*" when a count it rests on is 1 to 7. A share worked
out from exact counts gives them back: 31.6% of a published 160 can only be 158 people when the 160 was
158, 159... Worked out from the published counts, a figure says nothing the counts do not already say.
At national level, figures are shown as they are.

Public outputs (open data, public reports, the public pages, the public evaluation) all go through the
functions here; the figures they publish are tested against a reconstruction attack over the demo.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from chorus.stats import compare_proportions, wilson_ci

SUPPRESSED = "*"
# Shown for a percentage of nobody (0 out of 0): there is nothing to disclose and nothing to divide.
NOT_APPLICABLE = "-"
LARGEST_SMALL_COUNT = 7
ROUNDING_BASE = 5


def _as_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return int(value)


def _is_small(count: int) -> bool:
    return 1 <= count <= LARGEST_SMALL_COUNT


def display_count(count: int, *, national: bool = False) -> int | str:
    """The count as it may be published: 0, "*" for 1-7, otherwise rounded to the nearest 5."""
    count = _as_count(count, "count")
    if national or count == 0:
        return count
    if _is_small(count):
        return SUPPRESSED
    # Whole numbers never sit exactly halfway between multiples of 5, so this is plain nearest rounding.
    return (count + ROUNDING_BASE // 2) // ROUNDING_BASE * ROUNDING_BASE


def published_counts(numerator: int, denominator: int, *, national: bool = False) -> tuple[int, int] | None:
    """The (numerator, denominator) pair a derived figure may be worked out from: the published counts.

    None when either count is 1-7 (below national level): any figure resting on it would be withheld.
    """
    numerator = _as_count(numerator, "numerator")
    denominator = _as_count(denominator, "denominator")
    if numerator > denominator:
        raise ValueError(f"numerator ({numerator}) cannot exceed denominator ({denominator})")
    if national:
        return numerator, denominator
    if _is_small(numerator) or _is_small(denominator):
        return None
    # Rounding to 5 keeps order, so the published numerator never exceeds the published denominator.
    return int(display_count(numerator)), int(display_count(denominator))


def _half_up(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def display_percentage(
    numerator: int, denominator: int, *, decimals: int = 1, national: bool = False
) -> float | str:
    """100 * numerator / denominator worked out from the published counts, rounded half up to `decimals`.

    "*" when the numerator or denominator is 1-7 (below national level); "-" when the denominator is 0.
    """
    places = _as_count(decimals, "decimals")
    counts = published_counts(numerator, denominator, national=national)
    if counts is None:
        return NOT_APPLICABLE if denominator == 0 else SUPPRESSED
    shown_numerator, shown_denominator = counts
    if shown_denominator == 0:
        return NOT_APPLICABLE
    return _half_up(Decimal(100 * shown_numerator) / Decimal(shown_denominator), places)


def display_whole_percentage(numerator: int, denominator: int) -> int | str:
    """The percentage as residents read it on the public pages: a whole number, rounded half up, from the
    published counts. "<1" when some but under half a percent, ">99" when all but under half a percent, so
    that neither reads as nobody or everyone; "*" and "-" as display_percentage."""
    percentage = display_percentage(numerator, denominator, decimals=0)
    if isinstance(percentage, str):
        return percentage  # "*" or "-"
    percentage = int(percentage)
    shown_numerator, shown_denominator = published_counts(numerator, denominator)
    if percentage == 0 and shown_numerator > 0:
        return "<1"
    if percentage == 100 and shown_numerator < shown_denominator:
        return ">99"
    return percentage


def display_proportion(
    numerator: int, denominator: int, *, decimals: int = 4, national: bool = False
) -> float | str | None:
    """numerator / denominator as a fraction (0.4615 for 46.15%), from the published counts.

    For spreadsheets that store shares as fractions; "*" when a count is 1-7, None when nobody was asked.
    """
    counts = published_counts(numerator, denominator, national=national)
    if counts is None:
        return None if denominator == 0 else SUPPRESSED
    if counts[1] == 0:
        return None
    return _half_up(Decimal(counts[0]) / Decimal(counts[1]), _as_count(decimals, "decimals"))


def display_interval(
    numerator: int, denominator: int, *, level: float = 0.95, decimals: int = 1, national: bool = False
) -> tuple[float, float] | str | None:
    """The Wilson score interval of the share, in percent, from the published counts.

    "*" when a count is 1-7, None when the denominator is 0.
    """
    counts = published_counts(numerator, denominator, national=national)
    if counts is None:
        return None if denominator == 0 else SUPPRESSED
    if counts[1] == 0:
        return None
    lower, upper = wilson_ci(counts[0], counts[1], level)
    places = _as_count(decimals, "decimals")
    return (
        _half_up(Decimal(repr(100 * lower)), places),
        _half_up(Decimal(repr(100 * upper)), places),
    )


@dataclass(frozen=True)
class ReleasedDifference:
    """latest share - earlier share in percentage points, with its 95% interval, from the published counts."""

    difference: float
    lower: float
    upper: float
    p_value: float


def display_difference(
    earlier: tuple[int, int], later: tuple[int, int], *, level: float = 0.95, decimals: int = 1
) -> ReleasedDifference | None:
    """The change between two shares (numerator, denominator), from the published counts.

    Newcombe's interval and the pooled z-test (chorus.stats.compare_proportions); None when any count is 1-7
    or a denominator is 0.
    """
    first = published_counts(*earlier)
    second = published_counts(*later)
    if first is None or second is None or first[1] == 0 or second[1] == 0:
        return None
    result = compare_proportions(first[0], first[1], second[0], second[1], level)
    places = _as_count(decimals, "decimals")

    def points(fraction: float) -> float:
        return _half_up(Decimal(repr(100 * fraction)), places)

    return ReleasedDifference(
        points(result.difference),
        points(result.difference_lower),
        points(result.difference_upper),
        result.p_value,
    )


def display_per_count(amount: int | float, count: int, *, national: bool = False) -> float | str | None:
    """An amount per person (grant pence per resident reached), divided by the published count.

    Dividing by the exact count would give it back (£61,200 at £100.00 a head is 612 people, however the
    612 is rounded). "*" when the count is 1-7; None when it is 0.
    """
    count = _as_count(count, "count")
    if count == 0:
        return None
    if not national and _is_small(count):
        return SUPPRESSED
    shown = count if national else int(display_count(count))
    return amount / shown


def display_table(
    rows: Iterable[Mapping[str, object]],
    count_columns: Iterable[str],
    percentage_columns: Mapping[str, tuple[str, str]] | None = None,
    *,
    decimals: int = 1,
    national: bool = False,
) -> list[dict[str, object]]:
    """Disclosure-controlled copies of `rows` (mappings of column name to value).

    Each column in `count_columns` is passed through `display_count`; a missing value (None) stays None.
    `percentage_columns` maps a new column name to (numerator column, denominator column); it is worked out
    from the published (rounded) counts. Other columns are copied unchanged.
    """
    count_columns = list(count_columns)
    percentage_columns = dict(percentage_columns or {})
    released = []
    for index, row in enumerate(rows):
        missing = [
            column
            for column in count_columns + [c for pair in percentage_columns.values() for c in pair]
            if column not in row
        ]
        if missing:
            raise ValueError(f"row {index} has no column {missing[0]!r}")
        out = dict(row)
        for name, (numerator_column, denominator_column) in percentage_columns.items():
            numerator, denominator = row[numerator_column], row[denominator_column]
            if numerator is None or denominator is None:
                out[name] = None
                continue
            try:
                out[name] = display_percentage(numerator, denominator, decimals=decimals, national=national)
            except ValueError as error:
                raise ValueError(f"row {index}, column {name!r}: {error}") from None
        for column in count_columns:
            if row[column] is None:
                continue
            try:
                out[column] = display_count(row[column], national=national)
            except ValueError as error:
                raise ValueError(f"row {index}, column {column!r}: {error}") from None
        released.append(out)
    return released
