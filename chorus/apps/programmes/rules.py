"""Who may see a programme's pages: its members and administrators; the public only public pages.
Who may change its settings: administrators and the programme's leads/analysts."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator

from .models import Programme


@rules.predicate
def is_member(user, programme: Programme | None) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return user.is_administrator or programme.pk in user.programme_ids()


@rules.predicate
def is_programme_analyst(user, programme: Programme | None) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


rules.add_perm("programmes.view_programme", is_member)
rules.add_perm("programmes.change_programme", is_administrator | is_programme_analyst)


def member_programmes(user) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_administrator:
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=user.programme_ids())
