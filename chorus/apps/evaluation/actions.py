"""Write actions for evaluation: each validates, changes atomically and records an audit event (ids only)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction

from chorus.apps.audit.log import record as audit

from .measurement_table import CheckedTable, Layout, RowProblem, TableError, check_rows, read_rows
from .models import (
    CaseStudy,
    ComparatorPopulation,
    Intervention,
    InterventionPartner,
    Measurement,
    MeasurementSource,
    OutcomeIndicator,
)

log = logging.getLogger("chorus.evaluation")


class ActionError(ValueError):
    """A write that cannot be done, with a message a person understands."""


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


def _populations(intervention: Intervention) -> dict[str, InterventionPartner | ComparatorPopulation]:
    """Partners (by organisation name) and comparator populations (by name)."""
    populations: dict[str, InterventionPartner | ComparatorPopulation] = {}
    for partner in intervention.partners.select_related("organisation"):
        populations[partner.organisation.name] = partner
    for comparator in intervention.comparators.all():
        populations[comparator.name] = comparator
    return populations


def _aliases(populations: dict[str, InterventionPartner | ComparatorPopulation]) -> dict[str, str]:
    aliases = {name: name for name in populations}
    for name, population in populations.items():
        if isinstance(population, InterventionPartner):
            aliases[population.organisation.slug] = name
    return aliases


def check_measurement_file(
    intervention: Intervention,
    indicator: OutcomeIndicator,
    content: bytes,
    filename: str,
    layout: Layout,
    decimals: int = 1,
) -> CheckedTable:
    """Every row checked, including against measurements already stored; nothing is written."""
    populations = _populations(intervention)
    try:
        rows = read_rows(content, filename)
    except TableError as error:
        return CheckedTable(problems=[RowProblem(0, "-", str(error))])
    checked = check_rows(rows, layout, _aliases(populations), decimals=decimals)
    existing = {
        (m.partner_id, m.comparator_id, m.date)
        for m in indicator.measurements.only("partner_id", "comparator_id", "date")
    }
    still_good = []
    for row in checked.good:
        population = populations[row.population]
        key = (
            (population.pk, None, row.when)
            if isinstance(population, InterventionPartner)
            else (None, population.pk, row.when)
        )
        if key in existing:
            checked.problems.append(
                RowProblem(row.row, "date", f"{population} already has a measurement on {row.when:%d %b %Y}")
            )
        else:
            still_good.append(row)
    checked.good = still_good
    checked.problems.sort(key=lambda problem: problem.row)
    return checked


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
    by=None,
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
    populations = _populations(intervention)
    measurements = []
    for row in checked.good:
        population = populations[row.population]
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


@transaction.atomic
def add_case_study(
    intervention: Intervention,
    *,
    title: str,
    text: str,
    consent_to_publish: bool,
    publish: bool = False,
    partner: InterventionPartner | None = None,
    by=None,
) -> CaseStudy:
    if not title.strip() or not text.strip():
        raise ActionError("Enter a title and the story.")
    if partner is not None and partner.intervention_id != intervention.pk:
        raise ActionError(f"{partner} is not a partner in {intervention}.")
    if publish and not consent_to_publish:
        raise ActionError("A story can only be published if the person agreed to it being shared.")
    story = CaseStudy.objects.create(
        intervention=intervention,
        partner=partner,
        title=title.strip(),
        text=text.strip(),
        consent_to_publish=consent_to_publish,
        published=publish,
    )
    audit(
        "evaluation.case_study_added",
        actor=by,
        obj=story,
        programme=intervention.programme,
        published=publish,
    )
    return story


@transaction.atomic
def set_case_study_published(story: CaseStudy, published: bool, *, by=None) -> None:
    if published and not story.consent_to_publish:
        raise ActionError("A story can only be published if the person agreed to it being shared.")
    story.published = published
    story.save(update_fields=["published"])
    audit(
        "evaluation.case_study_published" if published else "evaluation.case_study_unpublished",
        actor=by,
        obj=story,
        programme=story.intervention.programme,
    )
