"""Write actions for evaluation: each validates, changes atomically and records an audit event (ids only)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

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
    Reach,
    Survey,
    SurveyItem,
    SurveyResponse,
    SurveyTally,
    Wave,
)
from .survey_answers import check_answers

log = logging.getLogger("chorus.evaluation")


class ActionError(ValueError):
    """A write that cannot be done, with a message a person understands.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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


@transaction.atomic
def change_case_study(
    story: CaseStudy,
    *,
    title: str,
    text: str,
    consent_to_publish: bool,
    publish: bool,
    partner: InterventionPartner | None,
    by=None,
) -> CaseStudy:
    if not title.strip() or not text.strip():
        raise ActionError("Enter a title and the story.")
    if partner is not None and partner.intervention_id != story.intervention_id:
        raise ActionError(f"{partner} is not a partner in {story.intervention}.", "partner")
    if publish and not consent_to_publish:
        raise ActionError("A story can only be published if the person agreed to it being shared.", "publish")
    changed = _apply(
        story,
        title=title.strip(),
        text=text.strip(),
        consent_to_publish=consent_to_publish,
        published=publish,
        partner=partner,
    )
    _save(story)
    audit(
        "evaluation.case_study_changed",
        actor=by,
        obj=story,
        programme=story.intervention.programme,
        changed=changed,
    )
    return story


# Editing the evaluation's set-up: interventions, partners, comparators, indicators, measurements, reach,
# surveys. Each write checks what a person can get wrong with a message that says what to do, then lets the
# model's own validation (field limits, choices, constraints) catch anything else before saving.


def _apply(instance: Any, **values: Any) -> list[str]:
    """Set `values` on `instance`; return the names (never the values) of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name, value in values.items():
        setattr(instance, name, value)
    return changed


def _save(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise ActionError(" ".join(messages), None if field_name == "__all__" else field_name) from None
    instance.save()


def _check_dates(start: date | None, end: date | None, end_field: str = "end_date") -> None:
    if start and end and end < start:
        raise ActionError("The end date must be the same as or after the start date.", end_field)


def _required(value: str, message: str, field_name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(message, field_name)
    return value


def _unique_slug(programme, name: str) -> str:
    base = (slugify(name) or "evaluation")[:70]
    taken = set(
        Intervention.objects.filter(programme=programme, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_intervention(
    programme,
    *,
    name: str,
    summary: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    report_is_public: bool = False,
    by=None,
) -> Intervention:
    name = _required(name, "Enter the name of the intervention.", "name")
    _check_dates(start_date, end_date)
    if Intervention.objects.filter(programme=programme, name__iexact=name).exists():
        raise ActionError(f"{programme} already has an intervention called '{name}'.", "name")
    intervention = Intervention(
        programme=programme,
        slug=_unique_slug(programme, name),
        name=name,
        summary=(summary or "").strip(),
        start_date=start_date,
        end_date=end_date,
        report_is_public=report_is_public,
    )
    _save(intervention)
    audit("evaluation.intervention_created", actor=by, obj=intervention, programme=programme)
    return intervention


@transaction.atomic
def change_intervention(
    intervention: Intervention,
    *,
    name: str,
    summary: str,
    start_date: date | None,
    end_date: date | None,
    report_is_public: bool,
    by=None,
) -> Intervention:
    """Change the description; the address (slug) stays, so links already shared keep working."""
    name = _required(name, "Enter the name of the intervention.", "name")
    _check_dates(start_date, end_date)
    clash = Intervention.objects.filter(programme_id=intervention.programme_id, name__iexact=name)
    if clash.exclude(pk=intervention.pk).exists():
        raise ActionError(f"{intervention.programme} already has an intervention called '{name}'.", "name")
    changed = _apply(
        intervention,
        name=name,
        summary=(summary or "").strip(),
        start_date=start_date,
        end_date=end_date,
        report_is_public=report_is_public,
    )
    _save(intervention)
    audit(
        "evaluation.intervention_changed",
        actor=by,
        obj=intervention,
        programme=intervention.programme,
        changed=changed,
    )
    return intervention


def _check_area(intervention: Intervention, area) -> None:
    if area is not None and area.pk not in set(area_choices(intervention).values_list("pk", flat=True)):
        raise ActionError("Choose an area in the programme's local authority.", "area")


def area_choices(intervention: Intervention):
    """The areas a population can be placed in: the programme's local authority and its wards."""
    from chorus.apps.places.models import Area, Level

    authority = intervention.programme.local_authority_id
    if authority is None:
        return Area.objects.none()
    return Area.objects.filter(Q(pk=authority) | Q(parent_id=authority, level=Level.WARD)).order_by("name")


def organisation_choices(intervention: Intervention):
    """Organisations that can deliver the intervention: the programme's partners and its lead."""
    from chorus.apps.programmes.models import Organisation

    programme = intervention.programme
    return Organisation.objects.filter(
        pk__in=list(programme.partnerships.values_list("organisation_id", flat=True))
        + ([programme.lead_organisation_id] if programme.lead_organisation_id else [])
        + list(intervention.partners.values_list("organisation_id", flat=True))
    ).order_by("name")


def _check_partner(intervention: Intervention, organisation, partner: InterventionPartner | None) -> None:
    if organisation is None or not organisation_choices(intervention).filter(pk=organisation.pk).exists():
        raise ActionError("Choose one of the programme's partner organisations.", "organisation")
    others = intervention.partners.filter(organisation=organisation)
    if partner is not None:
        others = others.exclude(pk=partner.pk)
    if others.exists():
        raise ActionError(f"{organisation} is already a partner in this intervention.", "organisation")


@transaction.atomic
def add_partner(
    intervention: Intervention,
    *,
    organisation,
    population_kind: str,
    population_description: str,
    area=None,
    by=None,
) -> InterventionPartner:
    _check_partner(intervention, organisation, None)
    description = _required(
        population_description,
        "Describe who is eligible in this partner's population.",
        "population_description",
    )
    _check_area(intervention, area)
    partner = InterventionPartner(
        intervention=intervention,
        organisation=organisation,
        population_kind=population_kind,
        population_description=description,
        area=area,
    )
    _save(partner)
    audit(
        "evaluation.partner_added",
        actor=by,
        obj=partner,
        programme=intervention.programme,
        organisation_id=organisation.pk,
    )
    return partner


@transaction.atomic
def change_partner(
    partner: InterventionPartner,
    *,
    organisation,
    population_kind: str,
    population_description: str,
    area=None,
    by=None,
) -> InterventionPartner:
    intervention = partner.intervention
    _check_partner(intervention, organisation, partner)
    description = _required(
        population_description,
        "Describe who is eligible in this partner's population.",
        "population_description",
    )
    _check_area(intervention, area)
    changed = _apply(
        partner,
        organisation=organisation,
        population_kind=population_kind,
        population_description=description,
        area=area,
    )
    _save(partner)
    audit(
        "evaluation.partner_changed", actor=by, obj=partner, programme=intervention.programme, changed=changed
    )
    return partner


def _delete_audited(record, action: str, *, by, programme, **details) -> None:
    """Record the removal (ids only, never what was typed) and delete the record."""
    audit(action, actor=by, obj=record, programme=programme, **details)
    record.delete()


@transaction.atomic
def remove_partner(partner: InterventionPartner, *, by=None) -> None:
    """Remove a partner with nothing recorded against it; recorded figures are never deleted by accident."""
    if partner.measurements.exists() or partner.reach.exists():
        raise ActionError(
            f"{partner} has measurements or reach recorded. Remove those first if the partner was added by "
            "mistake."
        )
    intervention = partner.intervention
    _delete_audited(
        partner,
        "evaluation.partner_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )


def _check_comparator(intervention: Intervention, name: str, comparator: ComparatorPopulation | None) -> str:
    name = _required(name, "Enter the name of the comparator population.", "name")
    clashes = intervention.comparators.filter(name__iexact=name)
    if comparator is not None:
        clashes = clashes.exclude(pk=comparator.pk)
    if clashes.exists():
        raise ActionError(f"There is already a comparator population called '{name}'.", "name")
    if intervention.partners.filter(organisation__name__iexact=name).exists():
        raise ActionError(
            f"'{name}' is the name of a partner; give the comparator a name of its own so measurement "
            "tables can tell them apart.",
            "name",
        )
    return name


@transaction.atomic
def add_comparator(
    intervention: Intervention,
    *,
    name: str,
    population_kind: str,
    description: str = "",
    area=None,
    by=None,
) -> ComparatorPopulation:
    name = _check_comparator(intervention, name, None)
    _check_area(intervention, area)
    comparator = ComparatorPopulation(
        intervention=intervention,
        name=name,
        population_kind=population_kind,
        description=(description or "").strip(),
        area=area,
    )
    _save(comparator)
    audit("evaluation.comparator_added", actor=by, obj=comparator, programme=intervention.programme)
    return comparator


@transaction.atomic
def change_comparator(
    comparator: ComparatorPopulation,
    *,
    name: str,
    population_kind: str,
    description: str = "",
    area=None,
    by=None,
) -> ComparatorPopulation:
    intervention = comparator.intervention
    name = _check_comparator(intervention, name, comparator)
    _check_area(intervention, area)
    changed = _apply(
        comparator,
        name=name,
        population_kind=population_kind,
        description=(description or "").strip(),
        area=area,
    )
    _save(comparator)
    audit(
        "evaluation.comparator_changed",
        actor=by,
        obj=comparator,
        programme=intervention.programme,
        changed=changed,
    )
    return comparator


@transaction.atomic
def remove_comparator(comparator: ComparatorPopulation, *, by=None) -> None:
    if comparator.measurements.exists():
        raise ActionError(f"{comparator} has measurements recorded. Remove those first.")
    intervention = comparator.intervention
    _delete_audited(
        comparator,
        "evaluation.comparator_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )


def _check_indicator(intervention: Intervention, name: str, indicator: OutcomeIndicator | None) -> str:
    name = _required(name, "Enter the name of the outcome indicator.", "name")
    clashes = intervention.indicators.filter(name__iexact=name)
    if indicator is not None:
        clashes = clashes.exclude(pk=indicator.pk)
    if clashes.exists():
        raise ActionError(f"There is already an indicator called '{name}'.", "name")
    return name


@transaction.atomic
def add_indicator(
    intervention: Intervention, *, name: str, kind: str, definition: str, by=None
) -> OutcomeIndicator:
    name = _check_indicator(intervention, name, None)
    definition = _required(definition, "Define the indicator: who is counted, and out of whom.", "definition")
    indicator = OutcomeIndicator(intervention=intervention, name=name, kind=kind, definition=definition)
    _save(indicator)
    audit("evaluation.indicator_added", actor=by, obj=indicator, programme=intervention.programme)
    return indicator


@transaction.atomic
def change_indicator(
    indicator: OutcomeIndicator, *, name: str, kind: str, definition: str, by=None
) -> OutcomeIndicator:
    intervention = indicator.intervention
    name = _check_indicator(intervention, name, indicator)
    definition = _required(definition, "Define the indicator: who is counted, and out of whom.", "definition")
    changed = _apply(indicator, name=name, kind=kind, definition=definition)
    _save(indicator)
    audit(
        "evaluation.indicator_changed",
        actor=by,
        obj=indicator,
        programme=intervention.programme,
        changed=changed,
    )
    return indicator


@transaction.atomic
def remove_indicator(indicator: OutcomeIndicator, *, by=None) -> None:
    if indicator.measurements.exists():
        raise ActionError(f"{indicator.name} has measurements. Remove them first.")
    intervention = indicator.intervention
    _delete_audited(
        indicator,
        "evaluation.indicator_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )


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
    by=None,
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
    _save(measurement)
    audit(
        "evaluation.measurement_recorded",
        actor=by,
        obj=measurement,
        programme=indicator.intervention.programme,
        indicator_id=indicator.pk,
    )
    return measurement


@transaction.atomic
def change_measurement(measurement: Measurement, *, eligible: int, with_outcome: int, by=None) -> Measurement:
    """Correct a measurement's counts. A corrected count is a count, not a reconstruction any more."""
    _check_counts(eligible, with_outcome)
    changed = _apply(measurement, eligible=eligible, with_outcome=with_outcome)
    if changed and measurement.source == MeasurementSource.RECONSTRUCTED:
        changed += _apply(measurement, source=MeasurementSource.COUNTS, published_percentage=None)
    _save(measurement)
    audit(
        "evaluation.measurement_changed",
        actor=by,
        obj=measurement,
        programme=measurement.indicator.intervention.programme,
        changed=changed,
    )
    return measurement


@transaction.atomic
def remove_measurement(measurement: Measurement, *, by=None) -> None:
    intervention = measurement.indicator.intervention
    _delete_audited(
        measurement,
        "evaluation.measurement_removed",
        by=by,
        programme=intervention.programme,
        indicator_id=measurement.indicator_id,
    )


def _check_reach(partner: InterventionPartner, period_start, period_end, residents_reached) -> None:
    if period_start is None:
        raise ActionError("Enter the first day of the period.", "period_start")
    if period_end is None:
        raise ActionError("Enter the last day of the period.", "period_end")
    _check_dates(period_start, period_end, "period_end")
    if residents_reached is None or residents_reached < 0:
        raise ActionError("Enter the number of residents reached: 0 or more.", "residents_reached")


@transaction.atomic
def record_reach(
    partner: InterventionPartner,
    *,
    period_start: date,
    period_end: date,
    residents_reached: int,
    how_counted: str = "",
    by=None,
) -> Reach:
    _check_reach(partner, period_start, period_end, residents_reached)
    reach = Reach(
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        residents_reached=residents_reached,
        how_counted=(how_counted or "").strip(),
    )
    _save(reach)
    audit(
        "evaluation.reach_recorded",
        actor=by,
        obj=reach,
        programme=partner.intervention.programme,
        partner_id=partner.pk,
        residents_reached=residents_reached,
    )
    return reach


@transaction.atomic
def change_reach(
    reach: Reach,
    *,
    partner: InterventionPartner,
    period_start: date,
    period_end: date,
    residents_reached: int,
    how_counted: str = "",
    by=None,
) -> Reach:
    if partner.intervention_id != reach.partner.intervention_id:
        raise ActionError(f"{partner} is not a partner in this intervention.", "partner")
    _check_reach(partner, period_start, period_end, residents_reached)
    changed = _apply(
        reach,
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        residents_reached=residents_reached,
        how_counted=(how_counted or "").strip(),
    )
    _save(reach)
    audit(
        "evaluation.reach_changed",
        actor=by,
        obj=reach,
        programme=partner.intervention.programme,
        changed=changed,
    )
    return reach


@transaction.atomic
def remove_reach(reach: Reach, *, by=None) -> None:
    _delete_audited(
        reach,
        "evaluation.reach_removed",
        by=by,
        programme=reach.partner.intervention.programme,
        partner_id=reach.partner_id,
    )


@transaction.atomic
def add_survey(intervention: Intervention, *, title: str, who_was_asked: str = "", by=None) -> Survey:
    title = _required(title, "Enter the survey's title.", "title")
    survey = Survey(intervention=intervention, title=title, who_was_asked=(who_was_asked or "").strip())
    _save(survey)
    audit("evaluation.survey_added", actor=by, obj=survey, programme=intervention.programme)
    return survey


@transaction.atomic
def change_survey(survey: Survey, *, title: str, who_was_asked: str = "", by=None) -> Survey:
    title = _required(title, "Enter the survey's title.", "title")
    changed = _apply(survey, title=title, who_was_asked=(who_was_asked or "").strip())
    _save(survey)
    audit(
        "evaluation.survey_changed",
        actor=by,
        obj=survey,
        programme=survey.intervention.programme,
        changed=changed,
    )
    return survey


@transaction.atomic
def remove_survey(survey: Survey, *, by=None) -> None:
    if SurveyItem.objects.filter(survey=survey).filter(responses__isnull=False).exists():
        raise ActionError(f"{survey} holds individual answers; it cannot be removed here.")
    intervention = survey.intervention
    _delete_audited(
        survey,
        "evaluation.survey_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )


Tally = tuple[int, int]  # (agreeing, respondents)


def _check_tally(tally: Tally | None, wave: str) -> None:
    if tally is None:
        return
    agreeing, respondents = tally
    if respondents < 1:
        raise ActionError("Enter how many people answered: at least 1.", f"{wave}_respondents")
    if agreeing < 0 or agreeing > respondents:
        raise ActionError(
            f"{agreeing} agreeing is more than the {respondents} people who answered.", f"{wave}_agreeing"
        )


def _set_tallies(item: SurveyItem, before: Tally | None, after: Tally | None) -> None:
    for wave, tally in ((Wave.PRE, before), (Wave.POST, after)):
        if tally is None:
            SurveyTally.objects.filter(item=item, wave=wave).delete()
        else:
            SurveyTally.objects.update_or_create(
                item=item, wave=wave, defaults={"agreeing": tally[0], "respondents": tally[1]}
            )


def _check_item(item: SurveyItem, statement: str, before: Tally | None, after: Tally | None) -> str:
    statement = _required(statement, "Enter the statement people agreed or disagreed with.", "statement")
    _check_tally(before, "before")
    _check_tally(after, "after")
    if (before or after) and item.pk and item.responses.exists():
        raise ActionError(
            "This statement has individual answers, which are used instead of totals; "
            "leave the totals blank.",
            "before_respondents",
        )
    return statement


@transaction.atomic
def add_survey_item(
    survey: Survey,
    *,
    statement: str,
    domain: str,
    before: Tally | None = None,
    after: Tally | None = None,
    by=None,
) -> SurveyItem:
    """A statement with, when only totals are known, how many agreed before and after."""
    item = SurveyItem(survey=survey, domain=domain)
    item.statement = _check_item(item, statement, before, after)
    item.position = (survey.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    _save(item)
    _set_tallies(item, before, after)
    audit(
        "evaluation.survey_item_added",
        actor=by,
        obj=item,
        programme=survey.intervention.programme,
        survey_id=survey.pk,
    )
    return item


@transaction.atomic
def change_survey_item(
    item: SurveyItem,
    *,
    statement: str,
    domain: str,
    before: Tally | None = None,
    after: Tally | None = None,
    by=None,
) -> SurveyItem:
    statement = _check_item(item, statement, before, after)
    changed = _apply(item, statement=statement, domain=domain)
    _save(item)
    if not item.responses.exists():
        old = {t.wave: (t.agreeing, t.respondents) for t in item.tallies.all()}
        if old.get(Wave.PRE) != before or old.get(Wave.POST) != after:
            changed.append("tallies")
        _set_tallies(item, before, after)
    audit(
        "evaluation.survey_item_changed",
        actor=by,
        obj=item,
        programme=item.survey.intervention.programme,
        changed=changed,
    )
    return item


@transaction.atomic
def remove_survey_item(item: SurveyItem, *, by=None) -> None:
    if item.responses.exists():
        raise ActionError("This statement holds individual answers; it cannot be removed here.")
    _delete_audited(
        item,
        "evaluation.survey_item_removed",
        by=by,
        programme=item.survey.intervention.programme,
        survey_id=item.survey_id,
    )


@dataclass
class SurveyAnswersResult:
    imported: int = 0
    replaced: int = 0
    statements: int = 0
    linked_respondents: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rows_with_problems: int = 0
    good_rows: int = 0


@transaction.atomic
def import_survey_answers(survey: Survey, content: bytes, filename: str, *, by=None) -> SurveyAnswersResult:
    """Import individual answers for a survey, all or nothing.

    A file with any problem imports nothing. A good file replaces every individual answer the survey held,
    and the totals of each statement it has answers for (individual answers are used instead of totals).
    """
    items = {item.statement: item for item in survey.items.all()}
    try:
        rows = read_rows(content, filename)
    except TableError as error:
        return SurveyAnswersResult(problems=[RowProblem(0, "-", str(error))])
    checked = check_answers(rows, items)
    result = SurveyAnswersResult(
        problems=sorted(checked.problems, key=lambda problem: problem.row),
        rows_with_problems=len(checked.rows_with_problems),
        good_rows=len(checked.good),
    )
    if checked.problems or not checked.good:
        return result
    answered = {items[row.statement] for row in checked.good}
    existing = SurveyResponse.objects.filter(item__survey=survey)
    result.replaced = existing.count()
    existing.delete()
    SurveyTally.objects.filter(item__in=answered).delete()
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            item=items[row.statement], wave=row.wave, respondent_key=row.respondent, agrees=row.agrees
        )
        for row in checked.good
    )
    result.imported = len(checked.good)
    result.statements = len(answered)
    result.linked_respondents = checked.linked_respondents
    audit(
        "evaluation.survey_answers_imported",
        actor=by,
        obj=survey,
        programme=survey.intervention.programme,
        imported=result.imported,
        replaced=result.replaced,
        statements=result.statements,
        linked_respondents=result.linked_respondents,
    )
    log.info(
        "survey answers imported",
        extra={
            "event": "evaluation.survey_answers_imported",
            "survey_id": survey.pk,
            "imported": result.imported,
            "replaced": result.replaced,
        },
    )
    return result
