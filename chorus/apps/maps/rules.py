"""Who may see and change maps of experience.

- administrators see and change everything;
- a programme's leads and analysts change its maps (code links, import, combine, edit);
- every other member of the programme (partners, connectors, decision-makers) reads its maps;
- the public sees no maps.

`visible_maps` is the read rule as a queryset filter, for lists.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator
from chorus.apps.programmes.models import Programme

from .models import ExperienceMap


def _programme_of(target: Programme | ExperienceMap | None) -> Programme | None:
    return target.programme if isinstance(target, ExperienceMap) else target


@rules.predicate
def is_programme_member(user, target: Programme | ExperienceMap | None) -> bool:
    programme = _programme_of(target)
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids()


@rules.predicate
def is_programme_analyst(user, target: Programme | ExperienceMap | None) -> bool:
    programme = _programme_of(target)
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


rules.add_perm("maps.view_maps", is_administrator | is_programme_member)
rules.add_perm("maps.change_maps", is_administrator | is_programme_analyst)


def visible_maps(user) -> QuerySet[ExperienceMap]:
    maps = ExperienceMap.objects.all()
    if not user.is_authenticated:
        return maps.none()
    if user.is_administrator:
        return maps
    return maps.filter(programme_id__in=user.programme_ids())
