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
from chorus.apps.core.predicates import (
    held_in,
    holds_role,
    is_administrator,
    organisation_ids_where,
    programme_id_of,
    programmes_where,
)
from chorus.apps.programmes.models import Programme

from .models import Intervention


@rules.predicate
def report_is_public(user, intervention: Intervention | None) -> bool:
    return isinstance(intervention, Intervention) and intervention.report_is_public


can_edit = is_administrator | holds_role(Role.ANALYST)
rules.add_perm("evaluation.view_intervention", is_administrator | holds_role())
rules.add_perm("evaluation.change_intervention", can_edit)
# The public version of the report (disclosure-controlled): anyone once published, the programme before.
rules.add_perm("evaluation.view_public_report", report_is_public | is_administrator | holds_role())
# Starting an evaluation is a programme-level permission (the object is a Programme).
rules.add_perm("evaluation.add_intervention", can_edit)


def visible_interventions(user) -> QuerySet[Intervention]:
    """The interventions `user` may open (evaluation.view_intervention)."""
    interventions = Intervention.objects.select_related("programme")
    return interventions.filter(programme__in=programmes_where(user))


def programmes_for_new_interventions(user) -> QuerySet[Programme]:
    """Programmes in which `user` may start an evaluation (evaluation.add_intervention)."""
    return programmes_where(user, Role.ANALYST)


def partner_scope(user, intervention: Intervention) -> set[int] | None:
    """Organisation ids whose rows `user` may see in this intervention; None means every partner's rows."""
    if user.has_perm("evaluation.change_intervention", intervention):
        return None
    roles = {held.role for held in held_in(user, programme_id_of(intervention))}
    if roles - {Role.PARTNER}:
        return None  # a decision-maker or connector in the programme reads the whole evaluation
    return organisation_ids_where(user, intervention, Role.PARTNER)
