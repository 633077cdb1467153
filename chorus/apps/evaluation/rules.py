"""Who may see and change evaluations.

- administrators and the programme's leads/analysts see everything and edit;
- other members of the programme (decision-makers, connectors) read the whole evaluation;
- a partner member reads the intervention but only their own organisation's rows (measurements, reach,
  case studies); comparator populations are not anyone's rows, so partners see them too.
`partner_scope` is the row filter; views and the report apply it, and a test holds it to the rules.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator

from .models import Intervention


@rules.predicate
def is_programme_analyst(user, intervention: Intervention | None) -> bool:
    if intervention is None or not user.is_authenticated:
        return False
    return intervention.programme_id in user.programme_ids(Role.ANALYST)


@rules.predicate
def is_programme_member(user, intervention: Intervention | None) -> bool:
    if intervention is None or not user.is_authenticated:
        return False
    return intervention.programme_id in user.programme_ids()


@rules.predicate
def is_analyst_of_programme(user, programme) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


@rules.predicate
def report_is_public(user, intervention: Intervention | None) -> bool:
    return intervention is not None and intervention.report_is_public


can_edit = is_administrator | is_programme_analyst
rules.add_perm("evaluation.view_intervention", can_edit | is_programme_member)
rules.add_perm("evaluation.change_intervention", can_edit)
# The public version of the report (disclosure-controlled): anyone once published, the programme before.
rules.add_perm("evaluation.view_public_report", report_is_public | can_edit | is_programme_member)
# Starting an evaluation is a programme-level permission (the object is a Programme).
rules.add_perm("evaluation.add_intervention", is_administrator | is_analyst_of_programme)


def visible_interventions(user) -> QuerySet[Intervention]:
    """The interventions `user` may open (same rule as evaluation.view_intervention)."""
    interventions = Intervention.objects.select_related("programme")
    if not user.is_authenticated:
        return interventions.none()
    if user.is_administrator:
        return interventions
    return interventions.filter(programme_id__in=user.programme_ids())


def programmes_for_new_interventions(user):
    """Programmes in which `user` may start an evaluation."""
    from chorus.apps.programmes.models import Programme

    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_administrator:
        return Programme.objects.order_by("name")
    return Programme.objects.filter(pk__in=user.programme_ids(Role.ANALYST)).order_by("name")


def partner_scope(user, intervention: Intervention) -> set[int] | None:
    """Organisation ids whose rows `user` may see in this intervention; None means every partner's rows."""
    if user.has_perm("evaluation.change_intervention", intervention):
        return None
    roles = set(
        user.memberships.filter(programme_id=intervention.programme_id).values_list("role", flat=True)
    )
    if roles - {Role.PARTNER}:
        return None  # a decision-maker or connector in the programme reads the whole evaluation
    return set(
        user.memberships.filter(programme_id=intervention.programme_id, role=Role.PARTNER)
        .exclude(organisation=None)
        .values_list("organisation_id", flat=True)
    )
