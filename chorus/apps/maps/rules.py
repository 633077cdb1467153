"""Who may see and change maps of experience.

- administrators see and change everything;
- a programme's leads and analysts change its maps (code links, import, combine, edit, strength words);
- an individual map is one resident's account, coded from their contribution: it is seen by whoever may
  see that contribution (the analysts, the partner that gathered it, the connector who recorded it);
- every member of the programme (partners, connectors, decision-makers) reads its workshop, imported and
  community maps. The evidence behind a community link shows a resident's words only when they agreed to be
  quoted (and contributions are redacted before they are stored); a link to the contribution itself appears
  only for those who may open it. So decision-makers see the combined picture and consented, redacted quotes,
  never a single resident's map or record;
- the public sees no maps.

`visible_maps` and `map_programmes` are the read rule as queryset filters, for lists; tests hold them to it.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role, is_administrator, programme_ids_where, programmes_where
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.programmes.models import Programme

from .models import ExperienceMap, MapKind


@rules.predicate
def is_shared_with_the_programme(user, target) -> bool:
    """A programme itself, or any map that is not one resident's individual map."""
    return not (isinstance(target, ExperienceMap) and target.kind == MapKind.INDIVIDUAL)


@rules.predicate
def may_see_its_contribution(user, target) -> bool:
    if not isinstance(target, ExperienceMap) or target.contribution is None:
        return False
    return user.has_perm("engagement.view_contribution", target.contribution)


# The object is a programme (its maps page) or a map.
changes_maps = is_administrator | holds_role(Role.ANALYST)
is_member = holds_role()
rules.add_perm(
    "maps.view_maps",
    changes_maps | (is_member & is_shared_with_the_programme) | (is_member & may_see_its_contribution),
)
rules.add_perm("maps.change_maps", changes_maps)


def map_programmes(user) -> QuerySet[Programme]:
    """The programmes whose maps page `user` may open (maps.view_maps on the programme): every programme they
    hold a role in, all of them for an administrator."""
    if not user.is_authenticated:
        return Programme.objects.none()
    return programmes_where(user)


def visible_maps(user) -> QuerySet[ExperienceMap]:
    """The maps `user` may open (maps.view_maps)."""
    maps = ExperienceMap.objects.all()
    if not user.is_authenticated:
        return maps.none()
    if user.is_administrator:
        return maps
    shared = ~Q(kind=MapKind.INDIVIDUAL) | Q(programme_id__in=programme_ids_where(user, Role.ANALYST))
    own_evidence = Q(contribution__in=visible_contributions(user))
    return maps.filter(Q(programme_id__in=programme_ids_where(user)) & (shared | own_evidence))


def visible_contribution_ids(user, contribution_ids) -> set[int]:
    """Which of these contributions `user` may open (the pages link only to those)."""
    ids = {pk for pk in contribution_ids if pk is not None}
    if not ids:
        return set()
    return set(visible_contributions(user).filter(pk__in=ids).values_list("pk", flat=True))
