"""Measurements of an indicator in one population at one date: typed in, corrected, removed or imported
from a table. Always counts (eligible people and people with the outcome), never a percentage alone."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..measurement_table import Layout, RowProblem
from ..models import (
    ComparatorPopulation,
    Intervention,
    InterventionPartner,
    Measurement,
    MeasurementSource,
    OutcomeIndicator,
)
from ..queries import check_measurement_file, populations
from ._editing import apply, delete_audited, save

log = logging.getLogger("chorus.evaluation")


def _check_counts(eligible: int, with_outcome: int) -> None:
    if eligible is None or eligible < 1:
        raise ActionError("Enter the number of eligible people: at least 1.", "eligible")
    if with_outcome is None or with_outcome < 0:
        raise ActionError("Enter the number of people with the outcome: 0 or more.", "with_outcome")
    if with_outcome > eligible:
        raise ActionError(
            f"{with_outcome} people with the outcome is more than the {eligible} eligible people.",
            "with_outcome",
        )


@transaction.atomic
def record_measurement(
    indicator: OutcomeIndicator,
    population: InterventionPartner | ComparatorPopulation,
    *,
    when: date,
    eligible: int,
    with_outcome: int,
    by,
) -> Measurement:
    """One measurement typed in by hand (counts, never a percentage alone)."""
    if population.intervention_id != indicator.intervention_id:
        raise ActionError(f"{population} is not part of {indicator.intervention}.", "population")
    _check_counts(eligible, with_outcome)
    is_partner = isinstance(population, InterventionPartner)
    existing = indicator.measurements.filter(
        date=when, **({"partner": population} if is_partner else {"comparator": population})
    )
    if existing.exists():
        raise ActionError(
            f"{population} already has a measurement on {when:%d %B %Y}; change that one.", "when"
        )
    measurement = Measurement(
        indicator=indicator,
        partner=population if is_partner else None,
        comparator=None if is_partner else population,
        date=when,
        eligible=eligible,
        with_outcome=with_outcome,
    )
    save(measurement)
    audit(
        "evaluation.measurement_recorded",
        actor=by,
        obj=measurement,
        programme=indicator.intervention.programme,
        indicator_id=indicator.pk,
    )
    return measurement


@transaction.atomic
def change_measurement(measurement: Measurement, *, eligible: int, with_outcome: int, by) -> Measurement:
    """Correct a measurement's counts. A corrected count is a count, not a reconstruction any more."""
    _check_counts(eligible, with_outcome)
    changed = apply(measurement, eligible=eligible, with_outcome=with_outcome)
    if changed and measurement.source == MeasurementSource.RECONSTRUCTED:
        changed += apply(measurement, source=MeasurementSource.COUNTS, published_percentage=None)
    save(measurement)
    audit(
        "evaluation.measurement_changed",
        actor=by,
        obj=measurement,
        programme=measurement.indicator.intervention.programme,
        changed=changed,
    )
    return measurement


@transaction.atomic
def delete_measurement(measurement: Measurement, *, by) -> None:
    intervention = measurement.indicator.intervention
    delete_audited(
        measurement,
        "evaluation.measurement_removed",
        by=by,
        programme=intervention.programme,
        indicator_id=measurement.indicator_id,
    )


@dataclass
class ImportResult:
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rows_with_problems: int = 0
    good_rows: int = 0

    @property
    def blocked(self) -> bool:
        """Nothing was imported because some rows had problems and the good rows were not asked for."""
        return self.imported == 0 and bool(self.problems)


@transaction.atomic
def import_measurements(
    intervention: Intervention,
    indicator: OutcomeIndicator,
    content: bytes,
    filename: str,
    layout: Layout,
    *,
    decimals: int = 1,
    import_good_rows: bool = False,
    by,
) -> ImportResult:
    """Import a measurement table. A file with any problem imports nothing unless import_good_rows is set."""
    if indicator.intervention_id != intervention.pk:
        raise ActionError(f"{indicator} is not an indicator of {intervention}.")
    checked = check_measurement_file(intervention, indicator, content, filename, layout, decimals)
    result = ImportResult(
        problems=checked.problems,
        rows_with_problems=len(checked.rows_with_problems),
        good_rows=len(checked.good),
    )
    file_level_problem = any(problem.row <= 1 for problem in checked.problems)
    if (checked.problems and not import_good_rows) or file_level_problem or not checked.good:
        return result
    found = populations(intervention)
    measurements = []
    for row in checked.good:
        population = found[row.population]
        measurements.append(
            Measurement(
                indicator=indicator,
                partner=population if isinstance(population, InterventionPartner) else None,
                comparator=population if isinstance(population, ComparatorPopulation) else None,
                date=row.when,
                eligible=row.eligible,
                with_outcome=row.with_outcome,
                source=MeasurementSource.RECONSTRUCTED
                if layout is Layout.PERCENTAGES
                else MeasurementSource.COUNTS,
                published_percentage=row.published_percentage,
            )
        )
    Measurement.objects.bulk_create(measurements)
    result.imported = len(measurements)
    audit(
        "evaluation.measurements_imported",
        actor=by,
        obj=intervention,
        programme=intervention.programme,
        indicator_id=indicator.pk,
        layout=str(layout),
        imported=result.imported,
        rows_skipped=result.rows_with_problems,
    )
    log.info(
        "measurements imported",
        extra={
            "event": "evaluation.measurements_imported",
            "intervention_id": intervention.pk,
            "imported": result.imported,
        },
    )
    return result
