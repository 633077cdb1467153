"""Write actions for places: loading the ONS areas, and local indicators with their values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.geo.places import SEED_LOCAL_AUTHORITIES, AreaRecord, build_places, england_record
from chorus.ingest.readers import ReadError, open_table

from . import indicator_csv
from .indicators import england
from .models import Area, Indicator, IndicatorUnit, IndicatorValue, Level

AREA_FIELDS = (
    "name",
    "level",
    "population",
    "population_0_15",
    "population_16_59",
    "population_60_plus",
    "imd_rank",
    "imd_decile",
    "core20",
    "core20_population_share",
    "parent_method",
    "former_codes",
)


def _save_area(record: AreaRecord, parent: Area | None) -> Area:
    defaults = {name: getattr(record, name) for name in AREA_FIELDS}
    area, _ = Area.objects.update_or_create(code=record.code, defaults={**defaults, "parent": parent})
    return area


@transaction.atomic
def load_places(la_codes: Iterable[str] = SEED_LOCAL_AUTHORITIES, *, by) -> list[str]:
    """Create or update England and the areas of the given local authorities; returns the mismatch report.

    The areas are the ONS's reference data, the same for everyone: `by` is None when the command line
    (`manage.py load_places`) or a test loads them."""
    _save_area(england_record(), None)
    place_set = build_places(la_codes)
    by_code: dict[str, Area] = {}
    for record in place_set.areas:  # authorities, then wards, then LSOAs: parents always come first
        parent = by_code.get(record.parent_code) if record.parent_code else None
        by_code[record.code] = _save_area(record, parent)
    audit("places.loaded", actor=by, areas=len(by_code) + 1, notes=len(place_set.report))
    return place_set.report


# ------------------------------------------------------------------------------------------- indicators


def indicator_areas(programme) -> list[Area]:
    """The areas whose indicator values a programme's analysts manage: England, the programme's local
    authority and its wards."""
    areas = [england()]
    if programme.local_authority_id:
        areas.append(programme.local_authority)
        areas += Area.objects.filter(parent_id=programme.local_authority_id, level=Level.WARD).order_by(
            "name"
        )
    return areas


def _check_value(value: IndicatorValue) -> None:
    """Reject what the database would accept but a comparison could not use."""
    indicator = value.indicator
    if value.denominator is not None and value.denominator <= 0:
        raise ValidationError({"denominator": "The denominator must be above zero."})
    if indicator.unit == IndicatorUnit.PROPORTION:
        if (
            value.numerator is not None
            and value.denominator is not None
            and value.numerator > value.denominator
        ):
            raise ValidationError({"numerator": "The count cannot be more than the denominator."})
        if not 0 <= value.value <= 100:
            raise ValidationError({"value": "A proportion is a percentage between 0 and 100."})


def _refused(error: ValidationError) -> ActionError:
    """Model validation's refusal as the error every action raises, each message beside its field."""
    return ActionError.for_fields({field: " ".join(texts) for field, texts in error.message_dict.items()})


def _save_indicator(indicator: Indicator, event: str, *, by, programme) -> Indicator:
    if indicator.unit == IndicatorUnit.PROPORTION:
        indicator.per = 100
    try:
        indicator.full_clean()
    except ValidationError as error:
        raise _refused(error) from None
    indicator.save()
    audit(event, actor=by, obj=indicator, programme=programme)
    return indicator


@transaction.atomic
def create_indicator(indicator: Indicator, *, by, programme=None) -> Indicator:
    """Define a new indicator (name, unit, polarity, source)."""
    return _save_indicator(indicator, "places.indicator_created", by=by, programme=programme)


@transaction.atomic
def change_indicator(indicator: Indicator, *, by, programme=None) -> Indicator:
    """Change an indicator's definition (name, unit, polarity, source)."""
    return _save_indicator(indicator, "places.indicator_changed", by=by, programme=programme)


def _save_indicator_value(value: IndicatorValue, event: str, *, by, programme) -> IndicatorValue:
    indicator = value.indicator
    if value.value is None and value.numerator is not None and value.denominator:
        scale = 1 if indicator.unit == IndicatorUnit.COUNT else (indicator.per or 100)
        value.value = value.numerator / value.denominator * scale
    try:
        _check_value(value)
        value.full_clean()
    except ValidationError as error:
        raise _refused(error) from None
    value.save()
    audit(event, actor=by, obj=value, programme=programme, indicator=indicator.pk, area=value.area.code)
    return value


@transaction.atomic
def create_indicator_value(value: IndicatorValue, *, by, programme=None) -> IndicatorValue:
    """Add one area's value for one period, worked out from the count and denominator when not given."""
    return _save_indicator_value(value, "places.indicator_value_added", by=by, programme=programme)


@transaction.atomic
def change_indicator_value(value: IndicatorValue, *, by, programme=None) -> IndicatorValue:
    """Change one area's value for one period, worked out from the count and denominator when not given."""
    return _save_indicator_value(value, "places.indicator_value_changed", by=by, programme=programme)


@transaction.atomic
def delete_indicator_value(value: IndicatorValue, *, by, programme=None) -> None:
    audit(
        "places.indicator_value_deleted",
        actor=by,
        obj=value,
        programme=programme,
        indicator=value.indicator_id,
        area=value.area.code,
    )
    value.delete()


@dataclass
class IndicatorImport:
    """What an import did. With any problem, nothing was written."""

    created: int = 0
    updated: int = 0
    problems: list[indicator_csv.Problem] = field(default_factory=list)
    outside: dict[str, int] = field(default_factory=dict)
    breakdowns: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def skipped(self) -> int:
        return sum(self.outside.values()) + self.breakdowns


def import_indicator_values(
    programme, content: bytes, filename: str, *, by, illustrative: bool = False
) -> IndicatorImport:
    """Import a Fingertips-style CSV or XLSX of indicator values for the programme's areas and England.

    All or nothing: one bad row and nothing is written, and every bad row is listed. A value already held
    for the same indicator, area and period is replaced. Rows for other areas are skipped and counted.
    A file that cannot be read, or has no values for the programme's areas, is refused (ActionError).
    """
    try:
        table = open_table(content, filename)
        table.count_rows()  # a damaged file fails here, before anything is read into the database
        indicators = {
            indicator.name.lower(): indicator_csv.IndicatorShape(
                indicator.pk, indicator.name, indicator.unit, indicator.per
            )
            for indicator in Indicator.objects.all()
        }
        areas = {area.code: area for area in indicator_areas(programme)}
        parsed = indicator_csv.parse_rows(table.rows(), table.headers, indicators, areas)
    except (ReadError, indicator_csv.HeadingError) as error:
        raise ActionError(str(error), "file") from None

    result = IndicatorImport(problems=parsed.problems, outside=parsed.outside, breakdowns=parsed.breakdowns)
    if result.problems:
        return result
    if not parsed.values:
        raise ActionError("The file has no values for this programme's areas or England.", "file")
    with transaction.atomic():
        for row in parsed.values:
            _, created = IndicatorValue.objects.update_or_create(
                indicator_id=row.indicator_id,
                area=areas[row.area_code],
                period=row.period,
                defaults={
                    "numerator": row.numerator,
                    "denominator": row.denominator,
                    "value": row.value,
                    "illustrative": illustrative,
                },
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
        audit(
            "places.indicator_values_imported",
            actor=by,
            programme=programme,
            created=result.created,
            updated=result.updated,
            skipped=result.skipped,
        )
    return result
