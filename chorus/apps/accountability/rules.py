"""Who may do what in "you said, we did" (per programme):
- administrators and the programme's leads/analysts manage priorities, meetings, decisions, actions and
  feedback (a lead facilitates the board's meetings and records their decisions);
- every member of the programme (partners, connectors, decision-makers) reads them and the board pack;
- connectors, partners and analysts record residents' assessments gathered in person;
- the public sees only the public page and feed, and residents answer through their signed link.

The object asked about is a programme or a row that names one (a priority, a decision body, a feedback item):
pass `action.priority`, `meeting.body`.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role, is_administrator, programmes_where
from chorus.apps.programmes.models import Programme

rules.add_perm("accountability.view", is_administrator | holds_role())
rules.add_perm("accountability.manage", is_administrator | holds_role(Role.ANALYST))
rules.add_perm(
    "accountability.record_assessment",
    is_administrator | holds_role(Role.ANALYST, Role.CONNECTOR, Role.PARTNER),
)


def managed_programmes(user) -> QuerySet[Programme]:
    """The programmes whose "you said, we did" `user` manages (accountability.manage)."""
    return programmes_where(user, Role.ANALYST)
