"""Residents a partner reached in a period (people, not contacts)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..models import InterventionPartner, Reach
from ._editing import apply, check_dates, delete_audited, save


def _check_reach(period_start, period_end, residents_reached) -> None:
    if period_start is None:
        raise ActionError("Enter the first day of the period.", "period_start")
    if period_end is None:
        raise ActionError("Enter the last day of the period.", "period_end")
    check_dates(period_start, period_end, "period_end")
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
    by,
) -> Reach:
    _check_reach(period_start, period_end, residents_reached)
    reach = Reach(
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        residents_reached=residents_reached,
        how_counted=(how_counted or "").strip(),
    )
    save(reach)
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
    by,
) -> Reach:
    if partner.intervention_id != reach.partner.intervention_id:
        raise ActionError(f"{partner} is not a partner in this intervention.", "partner")
    _check_reach(period_start, period_end, residents_reached)
    changed = apply(
        reach,
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        residents_reached=residents_reached,
        how_counted=(how_counted or "").strip(),
    )
    save(reach)
    audit(
        "evaluation.reach_changed",
        actor=by,
        obj=reach,
        programme=partner.intervention.programme,
        changed=changed,
    )
    return reach


@transaction.atomic
def delete_reach(reach: Reach, *, by) -> None:
    delete_audited(
        reach,
        "evaluation.reach_removed",
        by=by,
        programme=reach.partner.intervention.programme,
        partner_id=reach.partner_id,
    )
