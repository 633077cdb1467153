"""Who may see and change the running of a programme.

- administrators and the programme's leads/analysts manage everything, and alone read supervision notes;
- decision-makers in the programme read its figures (pipeline funnel, seven-step path, standards, events);
- a partner member reaches the partner portal of their own organisation only (another partner's is a 404);
- a safeguarding concern is seen only by the programme's named safeguarding lead and administrators;
  anyone who holds a role in the programme may raise one.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator
from chorus.apps.engagement.models import Activity
from chorus.apps.programmes.models import Organisation, Programme

from .models import SafeguardingConcern


@rules.predicate
def is_programme_lead(user, programme: Programme | None) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


@rules.predicate
def is_decision_maker(user, programme: Programme | None) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.DECISION_MAKER)


@rules.predicate
def is_programme_member(user, programme: Programme | None) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids()


@rules.predicate
def is_safeguarding_lead(user, concern: SafeguardingConcern | None) -> bool:
    if concern is None or not user.is_authenticated:
        return False
    lead = getattr(concern.programme, "safeguarding_lead", None)
    return lead is not None and lead.user_id == user.pk


can_manage = is_administrator | is_programme_lead
rules.add_perm("delivery.manage_programme", can_manage)
rules.add_perm("delivery.view_programme", can_manage | is_decision_maker)
rules.add_perm("delivery.raise_concern", is_administrator | is_programme_member)
rules.add_perm("delivery.view_concern", is_administrator | is_safeguarding_lead)


def portal_organisations(user, programme: Programme) -> QuerySet[Organisation]:
    """The partner organisations whose portal `user` may open in `programme`."""
    partners = Organisation.objects.filter(partnerships__programme=programme)
    if not user.is_authenticated:
        return partners.none()
    if user.has_perm("delivery.manage_programme", programme):
        return partners
    own = user.memberships.filter(role=Role.PARTNER, programme=programme).values_list(
        "organisation_id", flat=True
    )
    return partners.filter(pk__in=list(own))


def partner_programmes(user) -> QuerySet[Programme]:
    """Programmes in which `user` has a partner portal to open."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_administrator:
        return Programme.objects.filter(partnerships__isnull=False).distinct()
    return Programme.objects.filter(
        pk__in=user.programme_ids(Role.PARTNER, Role.ANALYST), partnerships__isnull=False
    ).distinct()


def portal_activities(organisation: Organisation, programme: Programme) -> QuerySet[Activity]:
    return Activity.objects.filter(programme=programme, partner=organisation)


def visible_concerns(user) -> QuerySet[SafeguardingConcern]:
    concerns = SafeguardingConcern.objects.select_related("programme", "raised_by")
    if not user.is_authenticated:
        return concerns.none()
    if user.is_administrator:
        return concerns
    return concerns.filter(programme__safeguarding_lead__user=user)


def delivery_programmes(user) -> QuerySet[Programme]:
    """Programmes whose running `user` may read (delivery.view_programme)."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_administrator:
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=user.programme_ids(Role.ANALYST, Role.DECISION_MAKER))
