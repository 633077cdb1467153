"""Who may see a programme's pages: its members and administrators; the public only public pages.
Who may change its settings: administrators and the programme's leads/analysts."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role, is_administrator, programmes_where

from .models import Programme

rules.add_perm("programmes.view_programme", is_administrator | holds_role())
rules.add_perm("programmes.change_programme", is_administrator | holds_role(Role.ANALYST))


def member_programmes(user) -> QuerySet[Programme]:
    """The programmes `user` may see (programmes.view_programme)."""
    return programmes_where(user)
