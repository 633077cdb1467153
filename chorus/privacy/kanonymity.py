"""k-anonymity for record-level open data: generalise quasi-identifiers, then suppress what is still rare.

Record-level data is released only when every combination of quasi-identifier values (an equivalence
class) is shared by at least k rows, k = 10 by default. The quasi-identifiers are age band, sex, ethnicity,
area and postcode district. Generalisation hierarchies:

- age band: the census bands of chorus.equality -> 16-24 / 25-44 / 45-64 / 65-plus -> 16-64 / 65-plus
  (under-16 stays apart at every level);
- ethnicity: the ONS 2021 detailed group -> its high-level group (chorus.equality.ETHNICITY_GROUP_OF);
- postcode district (SS1) -> postcode area, its leading letters (SS);
- area -> its parent area, from a mapping the caller passes;
- sex is never generalised, only suppressed.

"Prefer not to say" and missing values (None) are kept as categories of their own at every level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from chorus.equality import AGE_BANDS, ETHNICITY_GROUP_OF, PREFER_NOT_TO_SAY

DEFAULT_K = 10
DEFAULT_MAX_SUPPRESSED_FRACTION = 0.05

_WIDER_AGE_BAND = {
    "under-16": "under-16",
    "16-24": "16-24",
    "25-34": "25-44",
    "35-44": "25-44",
    "25-44": "25-44",
    "45-54": "45-64",
    "55-64": "45-64",
    "45-64": "45-64",
    "65-74": "65-plus",
    "75-plus": "65-plus",
    "65-plus": "65-plus",
}
_BROAD_AGE_BAND = {
    "under-16": "under-16",
    "16-24": "16-64",
    "25-44": "16-64",
    "45-64": "16-64",
    "16-64": "16-64",
    "65-plus": "65-plus",
}
_KNOWN_AGE_BANDS = {code for code, _ in AGE_BANDS} | set(_WIDER_AGE_BAND) | set(_BROAD_AGE_BAND)
_ETHNIC_GROUPS = set(ETHNICITY_GROUP_OF.values())
_POSTCODE_DISTRICT = re.compile(r"^([A-Za-z]{1,2})[0-9]")


@dataclass(frozen=True)
class QuasiIdentifiers:
    """Column names of the quasi-identifiers in the rows; None when the table has no such column.

    `others` are further quasi-identifier columns that are never generalised, only suppressed.
    """

    age_band: str | None = "age_band"
    sex: str | None = "sex"
    ethnicity: str | None = "ethnicity"
    area: str | None = "area"
    postcode_district: str | None = "postcode_district"
    others: tuple[str, ...] = ()

    def columns(self) -> list[str]:
        named = [self.age_band, self.sex, self.ethnicity, self.area, self.postcode_district]
        return [column for column in named if column is not None] + list(self.others)


@dataclass(frozen=True)
class KAnonymityReport:
    k: int
    k_before: int
    k_after: int
    rows_in: int
    rows_released: int
    rows_suppressed: int
    steps: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)


def measure_k(rows: Iterable[Mapping[str, object]], quasi_identifiers: QuasiIdentifiers) -> int:
    """The size of the smallest equivalence class over the quasi-identifiers (0 for an empty table)."""
    columns = quasi_identifiers.columns()
    sizes = Counter(tuple(_value(row, column, index) for column in columns) for index, row in enumerate(rows))
    return min(sizes.values(), default=0)


def anonymise(
    rows: Iterable[Mapping[str, object]],
    quasi_identifiers: QuasiIdentifiers | None = None,
    *,
    k: int = DEFAULT_K,
    area_parents: Mapping[str, str] | None = None,
    max_suppressed_fraction: float = DEFAULT_MAX_SUPPRESSED_FRACTION,
) -> tuple[list[dict[str, object]], KAnonymityReport]:
    """Release `rows` at k-anonymity >= k: generalise step by step, then suppress rows in small classes.

    While more than `max_suppressed_fraction` of rows sit in classes smaller than k, take one more
    generalisation step: the one that leaves the fewest rows in small classes, ties going to age band,
    then postcode district, ethnicity and area. Steps that end up sparing no row are undone. Then drop
    the rows still in classes smaller than k.
    Deterministic: the same table always gives the same release, in the original row order.
    Returns the released rows (copies, with generalised values) and a report.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}")
    if not 0 <= max_suppressed_fraction <= 1:
        raise ValueError(f"max_suppressed_fraction must be between 0 and 1, got {max_suppressed_fraction!r}")
    quasi_identifiers = quasi_identifiers or QuasiIdentifiers()
    rows = [dict(row) for row in rows]
    columns = quasi_identifiers.columns()
    hierarchies = _hierarchies(quasi_identifiers, area_parents)

    # generalised[column][level][i] is row i's value of `column` at that level of its hierarchy.
    generalised: dict[str, list[list[object]]] = {}
    for column in columns:
        original = [_value(row, column, index) for index, row in enumerate(rows)]
        levels = [original]
        for _description, generalise in hierarchies.get(column, []):
            try:
                levels.append([None if value is None else generalise(value) for value in original])
            except ValueError as error:
                raise ValueError(f"column {column!r}: {error}") from None
        generalised[column] = levels

    current = {column: 0 for column in columns}

    def class_sizes(levels: Mapping[str, int]) -> tuple[list[tuple[object, ...]], Counter]:
        keys = [
            tuple(generalised[column][levels[column]][index] for column in columns)
            for index in range(len(rows))
        ]
        return keys, Counter(keys)

    def rows_in_small_classes(levels: Mapping[str, int]) -> int:
        _, sizes = class_sizes(levels)
        return sum(size for size in sizes.values() if size < k)

    keys, sizes = class_sizes(current)
    k_before = min(sizes.values(), default=0)
    budget = max_suppressed_fraction * len(rows)
    taken: list[str] = []
    at_risk = rows_in_small_classes(current)
    while at_risk > budget:
        candidates = []
        for priority, column in enumerate(hierarchies):
            if current[column] + 1 < len(generalised[column]):
                trial = {**current, column: current[column] + 1}
                candidates.append((rows_in_small_classes(trial), priority, column))
        if not candidates:
            break
        at_risk, _, chosen = min(candidates)
        current[chosen] += 1
        taken.append(chosen)

    # Undo steps that turned out not to spare any row (e.g. when only suppression could help), latest first.
    for column in reversed(list(taken)):
        trial = {**current, column: current[column] - 1}
        if rows_in_small_classes(trial) <= at_risk:
            current = trial
            del taken[len(taken) - 1 - taken[::-1].index(column)]
    steps = []
    for position, column in enumerate(taken):
        level = taken[: position + 1].count(column)
        steps.append(f"{column}: {hierarchies[column][level - 1][0]}")

    keys, sizes = class_sizes(current)
    released = []
    for index, row in enumerate(rows):
        if sizes[keys[index]] < k:
            continue
        for column in columns:
            row[column] = generalised[column][current[column]][index]
        released.append(row)
    report = KAnonymityReport(
        k=k,
        k_before=k_before,
        k_after=min((size for size in sizes.values() if size >= k), default=0),
        rows_in=len(rows),
        rows_released=len(released),
        rows_suppressed=len(rows) - len(released),
        steps=steps,
        levels=dict(current),
    )
    return released, report


Generaliser = Callable[[object], object]


def _hierarchies(
    quasi_identifiers: QuasiIdentifiers, area_parents: Mapping[str, str] | None
) -> dict[str, list[tuple[str, Generaliser]]]:
    """Per column, in tie-break order, the steps: (description, function of the original value)."""
    hierarchies: dict[str, list[tuple[str, Generaliser]]] = {}
    if quasi_identifiers.age_band is not None:
        hierarchies[quasi_identifiers.age_band] = [
            ("age bands widened to 16-24 / 25-44 / 45-64 / 65-plus", _wider_age_band),
            ("age bands widened to 16-64 / 65-plus", _broad_age_band),
        ]
    if quasi_identifiers.postcode_district is not None:
        hierarchies[quasi_identifiers.postcode_district] = [
            ("postcode district generalised to postcode area", _postcode_area)
        ]
    if quasi_identifiers.ethnicity is not None:
        hierarchies[quasi_identifiers.ethnicity] = [
            ("ethnicity grouped to ONS high-level groups", _ethnic_group)
        ]
    if quasi_identifiers.area is not None and area_parents is not None:
        parents = dict(area_parents)

        def parent_area(value: object) -> object:
            if value not in parents:
                raise ValueError(f"area {value!r} has no parent in area_parents")
            return parents[value]

        hierarchies[quasi_identifiers.area] = [("area generalised to parent area", parent_area)]
    return hierarchies


def _value(row: Mapping[str, object], column: str, index: int) -> object:
    if column not in row:
        raise ValueError(f"row {index} has no quasi-identifier column {column!r}")
    return row[column]


def _broad_age_band(value: object) -> object:
    wider = _wider_age_band(value)
    return _BROAD_AGE_BAND.get(wider, wider)


def _wider_age_band(value: object) -> object:
    if value == PREFER_NOT_TO_SAY:
        return value
    if value not in _KNOWN_AGE_BANDS:
        raise ValueError(f"unknown age band {value!r}; expected a code from chorus.equality.AGE_BANDS")
    return _WIDER_AGE_BAND.get(value, value)


def _ethnic_group(value: object) -> object:
    if value == PREFER_NOT_TO_SAY or value in _ETHNIC_GROUPS:
        return value
    if value not in ETHNICITY_GROUP_OF:
        raise ValueError(f"unknown ethnicity {value!r}; expected a code from chorus.equality.ETHNICITIES")
    return ETHNICITY_GROUP_OF[value]


def _postcode_area(value: object) -> object:
    match = _POSTCODE_DISTRICT.match(str(value).strip())
    if match is None:
        raise ValueError(f"{value!r} is not a postcode district (such as SS1 or EC1A)")
    return match.group(1).upper()
