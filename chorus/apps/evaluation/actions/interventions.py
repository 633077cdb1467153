"""Starting an evaluation and changing its description."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.text import slugify

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..models import Intervention
from ._editing import apply, check_dates, required, save


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
    by,
) -> Intervention:
    name = required(name, "Enter the name of the intervention.", "name")
    check_dates(start_date, end_date)
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
    save(intervention)
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
    by,
) -> Intervention:
    """Change the description; the address (slug) stays, so links already shared keep working."""
    name = required(name, "Enter the name of the intervention.", "name")
    check_dates(start_date, end_date)
    clash = Intervention.objects.filter(programme_id=intervention.programme_id, name__iexact=name)
    if clash.exclude(pk=intervention.pk).exists():
        raise ActionError(f"{intervention.programme} already has an intervention called '{name}'.", "name")
    changed = apply(
        intervention,
        name=name,
        summary=(summary or "").strip(),
        start_date=start_date,
        end_date=end_date,
        report_is_public=report_is_public,
    )
    save(intervention)
    audit(
        "evaluation.intervention_changed",
        actor=by,
        obj=intervention,
        programme=intervention.programme,
        changed=changed,
    )
    return intervention
