"""Who may import and who may read residents' original words.

- administrators and the programme's leads/analysts run imports, correct quarantined rows, erase
  participants and export open data;
- the same people, and nobody else, may read an original (unredacted) text; every reading is audited.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator
from chorus.apps.programmes.models import Programme


@rules.predicate
def is_analyst_of(user, programme: Programme | None) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


can_import = is_administrator | is_analyst_of
rules.add_perm("imports.manage", can_import)
rules.add_perm("imports.view_original_text", can_import)


def importable_programmes(user) -> QuerySet[Programme]:
    """Programmes `user` may import into (same rule as imports.manage)."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_administrator:
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=user.programme_ids(Role.ANALYST))
