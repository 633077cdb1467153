"""Who manages the people in a programme: its leads (analysts) and administrators invite people and change
their roles; nobody but an administrator makes an administrator (that stays in the admin site)."""

from __future__ import annotations

import rules

from chorus.apps.core.predicates import holds_role, is_administrator

from .models import Role

rules.add_perm("accounts.manage_people", is_administrator | holds_role(Role.ANALYST))
