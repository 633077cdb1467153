"""Reads for evaluation that pages and actions share: choices for the set-up forms, and a measurement
table checked against what is already stored (nothing is written here)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .measurement_table import CheckedTable, Layout, RowProblem, TableError, check_rows, read_rows
from .models import ComparatorPopulation, Intervention, InterventionPartner, OutcomeIndicator


def area_choices(intervention: Intervention) -> QuerySet:
    """The areas a population can be placed in: the programme's local authority and its wards."""
    from chorus.apps.places.models import Area, Level

    authority = intervention.programme.local_authority_id
    if authority is None:
        return Area.objects.none()
    return Area.objects.filter(Q(pk=authority) | Q(parent_id=authority, level=Level.WARD)).order_by("name")


def organisation_choices(intervention: Intervention) -> QuerySet:
    """Organisations that can deliver the intervention: the programme's partners and its lead."""
    from chorus.apps.programmes.models import Organisation

    programme = intervention.programme
    return Organisation.objects.filter(
        pk__in=list(programme.partnerships.values_list("organisation_id", flat=True))
        + ([programme.lead_organisation_id] if programme.lead_organisation_id else [])
        + list(intervention.partners.values_list("organisation_id", flat=True))
    ).order_by("name")


def populations(intervention: Intervention) -> dict[str, InterventionPartner | ComparatorPopulation]:
    """Partners (by organisation name) and comparator populations (by name)."""
    found: dict[str, InterventionPartner | ComparatorPopulation] = {}
    for partner in intervention.partners.select_related("organisation"):
        found[partner.organisation.name] = partner
    for comparator in intervention.comparators.all():
        found[comparator.name] = comparator
    return found


def _aliases(found: dict[str, InterventionPartner | ComparatorPopulation]) -> dict[str, str]:
    aliases = {name: name for name in found}
    for name, population in found.items():
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
    found = populations(intervention)
    try:
        rows = read_rows(content, filename)
    except TableError as error:
        return CheckedTable(problems=[RowProblem(0, "-", str(error))])
    checked = check_rows(rows, layout, _aliases(found), decimals=decimals)
    existing = {
        (m.partner_id, m.comparator_id, m.date)
        for m in indicator.measurements.only("partner_id", "comparator_id", "date")
    }
    still_good = []
    for row in checked.good:
        population = found[row.population]
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
