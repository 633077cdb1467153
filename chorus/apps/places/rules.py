"""Who may define local indicators and enter or import their values: a programme's analysts (for the
programme's places and England) and administrators. Everyone who may see a programme sees its indicators."""

from __future__ import annotations

import rules

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role, is_administrator

rules.add_perm("places.manage_indicators", is_administrator | holds_role(Role.ANALYST))
