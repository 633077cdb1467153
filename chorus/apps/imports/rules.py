"""Who may import and who may read residents' original words.

- administrators and the programme's leads/analysts run imports, correct quarantined rows, erase
  participants and export open data;
- the same people, and nobody else, may read an original (unredacted) text; every reading is audited.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role, is_administrator, programmes_where
from chorus.apps.programmes.models import Programme

rules.add_perm("imports.manage", is_administrator | holds_role(Role.ANALYST))
rules.add_perm("imports.view_original_text", is_administrator | holds_role(Role.ANALYST))


def importable_programmes(user) -> QuerySet[Programme]:
    """Programmes `user` may import into (imports.manage)."""
    return programmes_where(user, Role.ANALYST)
