"""Who may code: programme leads and analysts of the programme, and administrators.

Everything a coding page shows of a contribution also passes engagement.rules.visible_contributions.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from chorus.apps.accounts.models import Role, User
from chorus.apps.core.predicates import holds_role, is_administrator, programmes_where
from chorus.apps.programmes.models import Programme

rules.add_perm("coding.code_programme", is_administrator | holds_role(Role.ANALYST))


def coding_programmes(user) -> QuerySet[Programme]:
    """Programmes whose coding `user` may run and review (coding.code_programme)."""
    return programmes_where(user, Role.ANALYST)


def coders(programme: Programme) -> QuerySet[User]:
    """The people who may code `programme` (coding.code_programme), for choosing who codes a sample."""
    administrators = Q(is_superuser=True) | Q(memberships__role=Role.ADMINISTRATOR)
    analysts = Q(memberships__programme=programme, memberships__role=Role.ANALYST)
    return User.objects.filter(administrators | analysts).distinct()
