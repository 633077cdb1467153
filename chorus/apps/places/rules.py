"""Who may define local indicators and enter or import their values: a programme's analysts (for the
programme's places and England) and administrators. Everyone who may see a programme sees its indicators."""

from __future__ import annotations

import rules

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator


@rules.predicate
def is_programme_analyst(user, programme) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


rules.add_perm("places.manage_indicators", is_administrator | is_programme_analyst)
