"""Who may see and change the running of a programme.

- administrators and the programme's leads/analysts manage everything, and alone read supervision notes;
- decision-makers in the programme read its figures (pipeline funnel, seven-step path, standards, events);
- a partner member reaches the partner portal of their own organisation only (another partner's is a 404);
  a portal is a partnership (an organisation taking part in a programme), and the programme's managers open
  every portal of it;
- a safeguarding concern is seen only by the programme's named safeguarding lead and administrators;
  anyone who holds a role in the programme may raise one.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import (
    holds_role,
    is_administrator,
    organisation_ids_where,
    programme_ids_where,
    programmes_where,
)
from chorus.apps.engagement.models import Activity
from chorus.apps.programmes.models import Organisation, Partnership, Programme

from .models import SafeguardingConcern


@rules.predicate
def is_safeguarding_lead(user, concern: SafeguardingConcern | None) -> bool:
    if not isinstance(concern, SafeguardingConcern) or not user.is_authenticated:
        return False
    lead = getattr(concern.programme, "safeguarding_lead", None)
    return lead is not None and lead.user_id == user.pk


@rules.predicate
def is_partner_member(user, partnership: Partnership | None) -> bool:
    if not isinstance(partnership, Partnership):
        return False
    return partnership.organisation_id in organisation_ids_where(user, partnership, Role.PARTNER)


can_manage = is_administrator | holds_role(Role.ANALYST)
rules.add_perm("delivery.manage_programme", can_manage)
rules.add_perm("delivery.view_programme", can_manage | holds_role(Role.DECISION_MAKER))
rules.add_perm("delivery.raise_concern", is_administrator | holds_role())
rules.add_perm("delivery.view_concern", is_administrator | is_safeguarding_lead)
rules.add_perm("delivery.open_portal", can_manage | is_partner_member)


def delivery_programmes(user) -> QuerySet[Programme]:
    """Programmes whose running `user` may read (delivery.view_programme)."""
    return programmes_where(user, Role.ANALYST, Role.DECISION_MAKER)


def concern_programmes(user) -> QuerySet[Programme]:
    """Programmes in which `user` may raise a safeguarding concern (delivery.raise_concern)."""
    return programmes_where(user)


def visible_concerns(user) -> QuerySet[SafeguardingConcern]:
    """The concerns `user` may read (delivery.view_concern)."""
    concerns = SafeguardingConcern.objects.select_related("programme", "raised_by")
    if not user.is_authenticated:
        return concerns.none()
    if user.is_administrator:
        return concerns
    return concerns.filter(programme__safeguarding_lead__user=user)


def _own_partnerships(user) -> Q:
    own = Q(pk__in=[])
    if user.is_authenticated:
        for held in user.roles_held():
            if held.role == Role.PARTNER and held.programme_id and held.organisation_id:
                own |= Q(programme_id=held.programme_id, organisation_id=held.organisation_id)
    return own


def open_portals(user) -> QuerySet[Partnership]:
    """The partner portals (partnerships) `user` may open (delivery.open_portal)."""
    partnerships = Partnership.objects.select_related("programme", "organisation")
    if is_administrator(user):
        return partnerships
    managed = Q(programme_id__in=programme_ids_where(user, Role.ANALYST))
    return partnerships.filter(managed | _own_partnerships(user))


def own_portals(user) -> QuerySet[Partnership]:
    """The portals of the organisations `user` is a partner member of: the partner's own way in."""
    return Partnership.objects.select_related("programme", "organisation").filter(_own_partnerships(user))


def portal_organisations(user, programme: Programme) -> QuerySet[Organisation]:
    """The partner organisations whose portal `user` may open in `programme`."""
    return Organisation.objects.filter(partnerships__in=open_portals(user).filter(programme=programme))


def portal_activities(organisation: Organisation, programme: Programme) -> QuerySet[Activity]:
    return Activity.objects.filter(programme=programme, partner=organisation)
