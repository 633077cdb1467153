"""The outcomes an evaluation measures: uptake or coverage, each defined in words."""

from __future__ import annotations

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..models import Intervention, OutcomeIndicator
from ._editing import apply, delete_audited, required, save

DEFINE = "Define the indicator: who is counted, and out of whom."


def _check_name(intervention: Intervention, name: str, indicator: OutcomeIndicator | None) -> str:
    name = required(name, "Enter the name of the outcome indicator.", "name")
    clashes = intervention.indicators.filter(name__iexact=name)
    if indicator is not None:
        clashes = clashes.exclude(pk=indicator.pk)
    if clashes.exists():
        raise ActionError(f"There is already an indicator called '{name}'.", "name")
    return name


@transaction.atomic
def create_indicator(
    intervention: Intervention, *, name: str, kind: str, definition: str, by
) -> OutcomeIndicator:
    name = _check_name(intervention, name, None)
    definition = required(definition, DEFINE, "definition")
    indicator = OutcomeIndicator(intervention=intervention, name=name, kind=kind, definition=definition)
    save(indicator)
    audit("evaluation.indicator_added", actor=by, obj=indicator, programme=intervention.programme)
    return indicator


@transaction.atomic
def change_indicator(
    indicator: OutcomeIndicator, *, name: str, kind: str, definition: str, by
) -> OutcomeIndicator:
    intervention = indicator.intervention
    name = _check_name(intervention, name, indicator)
    definition = required(definition, DEFINE, "definition")
    changed = apply(indicator, name=name, kind=kind, definition=definition)
    save(indicator)
    audit(
        "evaluation.indicator_changed",
        actor=by,
        obj=indicator,
        programme=intervention.programme,
        changed=changed,
    )
    return indicator


@transaction.atomic
def delete_indicator(indicator: OutcomeIndicator, *, by) -> None:
    if indicator.measurements.exists():
        raise ActionError(f"{indicator.name} has measurements. Remove them first.")
    intervention = indicator.intervention
    delete_audited(
        indicator,
        "evaluation.indicator_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )
