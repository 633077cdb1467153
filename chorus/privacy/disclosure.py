"""Statistical disclosure control for every figure that leaves Chorus.

Below national level: a count of 0 stays 0, counts of 1 to 7 are shown as "*", and larger counts are
rounded to the nearest 5. Percentages are computed from the unrounded counts and shown as "*" when the
numerator or denominator is 1 to 7. At national level, figures are shown as they are.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

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


def display_percentage(
    numerator: int, denominator: int, *, decimals: int = 1, national: bool = False
) -> float | str:
    """100 * numerator / denominator from the unrounded counts, rounded half up to `decimals` places.

    "*" when the numerator or denominator is 1-7 (below national level); "-" when the denominator is 0.
    """
    numerator = _as_count(numerator, "numerator")
    denominator = _as_count(denominator, "denominator")
    places = _as_count(decimals, "decimals")
    if numerator > denominator:
        raise ValueError(f"numerator ({numerator}) cannot exceed denominator ({denominator})")
    if denominator == 0:
        return NOT_APPLICABLE
    if not national and (_is_small(numerator) or _is_small(denominator)):
        return SUPPRESSED
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


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
    `percentage_columns` maps a new column name to (numerator column, denominator column); it is computed
    from the unrounded counts before they are rounded. Other columns are copied unchanged.
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
