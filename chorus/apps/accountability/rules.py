"""Who may do what in "you said, we did" (per programme):
- administrators and the programme's leads/analysts manage priorities, meetings, decisions, actions and
  feedback (a lead facilitates the board's meetings and records their decisions);
- every member of the programme (partners, connectors, decision-makers) reads them and the board pack;
- connectors, partners and analysts record residents' assessments gathered in person;
- the public sees only the public page and feed, and residents answer through their signed link.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.programmes.models import Programme


def _programme_of(obj) -> Programme | None:
    if obj is None or isinstance(obj, Programme):
        return obj
    for path in ("programme", "priority.programme", "body.programme", "feedback.programme"):
        target = obj
        try:
            for part in path.split("."):
                target = getattr(target, part)
        except AttributeError:
            continue
        if isinstance(target, Programme):
            return target
    return None


def _holds(user, obj, *roles: str) -> bool:
    programme = _programme_of(obj)
    if programme is None or not user.is_authenticated:
        return False
    return user.is_administrator or programme.pk in user.programme_ids(*roles)


@rules.predicate
def manages(user, obj) -> bool:
    return _holds(user, obj, Role.ANALYST)


@rules.predicate
def is_member(user, obj) -> bool:
    return _holds(user, obj)


@rules.predicate
def gathers_views(user, obj) -> bool:
    return _holds(user, obj, Role.ANALYST, Role.CONNECTOR, Role.PARTNER)


rules.add_perm("accountability.view", is_member)
rules.add_perm("accountability.manage", manages)
rules.add_perm("accountability.record_assessment", gathers_views)


def programmes_for(user, *roles: str) -> QuerySet[Programme]:
    """Programmes where `user` holds one of `roles` (any role when none given); all for administrators."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_administrator:
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=user.programme_ids(*roles))


def managed_programmes(user) -> QuerySet[Programme]:
    return programmes_for(user, Role.ANALYST)
