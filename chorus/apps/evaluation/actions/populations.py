"""Who the intervention should reach and who it did not: partners with their populations, and comparators."""

from __future__ import annotations

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..models import ComparatorPopulation, Intervention, InterventionPartner
from ..queries import area_choices, organisation_choices
from ._editing import apply, delete_audited, required, save


def _check_area(intervention: Intervention, area) -> None:
    if area is not None and area.pk not in set(area_choices(intervention).values_list("pk", flat=True)):
        raise ActionError("Choose an area in the programme's local authority.", "area")


def _check_partner(intervention: Intervention, organisation, partner: InterventionPartner | None) -> None:
    if organisation is None or not organisation_choices(intervention).filter(pk=organisation.pk).exists():
        raise ActionError("Choose one of the programme's partner organisations.", "organisation")
    others = intervention.partners.filter(organisation=organisation)
    if partner is not None:
        others = others.exclude(pk=partner.pk)
    if others.exists():
        raise ActionError(f"{organisation} is already a partner in this intervention.", "organisation")


def _check_description(population_description: str) -> str:
    return required(
        population_description,
        "Describe who is eligible in this partner's population.",
        "population_description",
    )


@transaction.atomic
def create_partner(
    intervention: Intervention,
    *,
    organisation,
    population_kind: str,
    population_description: str,
    area=None,
    by,
) -> InterventionPartner:
    _check_partner(intervention, organisation, None)
    description = _check_description(population_description)
    _check_area(intervention, area)
    partner = InterventionPartner(
        intervention=intervention,
        organisation=organisation,
        population_kind=population_kind,
        population_description=description,
        area=area,
    )
    save(partner)
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
    by,
) -> InterventionPartner:
    intervention = partner.intervention
    _check_partner(intervention, organisation, partner)
    description = _check_description(population_description)
    _check_area(intervention, area)
    changed = apply(
        partner,
        organisation=organisation,
        population_kind=population_kind,
        population_description=description,
        area=area,
    )
    save(partner)
    audit(
        "evaluation.partner_changed", actor=by, obj=partner, programme=intervention.programme, changed=changed
    )
    return partner


@transaction.atomic
def delete_partner(partner: InterventionPartner, *, by) -> None:
    """Remove a partner with nothing recorded against it; recorded figures are never deleted by accident."""
    if partner.measurements.exists() or partner.reach.exists():
        raise ActionError(
            f"{partner} has measurements or reach recorded. Remove those first if the partner was added by "
            "mistake."
        )
    intervention = partner.intervention
    delete_audited(
        partner,
        "evaluation.partner_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )


def _check_comparator(intervention: Intervention, name: str, comparator: ComparatorPopulation | None) -> str:
    name = required(name, "Enter the name of the comparator population.", "name")
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
def create_comparator(
    intervention: Intervention,
    *,
    name: str,
    population_kind: str,
    description: str = "",
    area=None,
    by,
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
    save(comparator)
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
    by,
) -> ComparatorPopulation:
    intervention = comparator.intervention
    name = _check_comparator(intervention, name, comparator)
    _check_area(intervention, area)
    changed = apply(
        comparator,
        name=name,
        population_kind=population_kind,
        description=(description or "").strip(),
        area=area,
    )
    save(comparator)
    audit(
        "evaluation.comparator_changed",
        actor=by,
        obj=comparator,
        programme=intervention.programme,
        changed=changed,
    )
    return comparator


@transaction.atomic
def delete_comparator(comparator: ComparatorPopulation, *, by) -> None:
    if comparator.measurements.exists():
        raise ActionError(f"{comparator} has measurements recorded. Remove those first.")
    intervention = comparator.intervention
    delete_audited(
        comparator,
        "evaluation.comparator_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )
