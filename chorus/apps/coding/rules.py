"""Who may code: programme leads and analysts of the programme, and administrators.

Everything a coding page shows of a contribution also passes engagement.rules.visible_contributions.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator
from chorus.apps.engagement.models import Contribution
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.programmes.models import Programme


@rules.predicate
def analyses_programme(user, programme: Programme | None) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


can_code = is_administrator | analyses_programme
rules.add_perm("coding.code_programme", can_code)


def coding_programmes(user) -> QuerySet[Programme]:
    """Programmes whose coding `user` may run and review."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_administrator:
        return Programme.objects.order_by("name")
    return Programme.objects.filter(pk__in=user.programme_ids(Role.ANALYST)).order_by("name")


def searchable_contributions(user) -> QuerySet[Contribution]:
    """What search may return: exactly what the user may see."""
    return visible_contributions(user)
