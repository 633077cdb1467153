"""Who uses the read API: programme leads and analysts (and administrators) make tokens for their own tools.
Connectors, partners and board members read Chorus in its pages, so they are not offered tokens."""

from __future__ import annotations

import rules

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role_anywhere, is_administrator

uses_the_api = is_administrator | holds_role_anywhere(Role.ANALYST)

rules.add_perm("api.manage_tokens", uses_the_api)
