"""Who may make and read board reports.

- administrators and the programme's analysts make reports (and retry a failed rendering);
- every member of the programme reads its reports, internal and public versions alike;
- anyone reads a public version once the programme itself is public (on its public page);
- its leads (analysts), decision-makers and administrators read the programme's board story; its leads
  and administrators write the "The Board is asked to…" recommendations.
"""

from __future__ import annotations

import rules

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role, is_administrator

from .models import Report


@rules.predicate
def is_published(user, report: Report | None) -> bool:
    return isinstance(report, Report) and report.is_public and report.programme.is_public


rules.add_perm("publishing.create_report", is_administrator | holds_role(Role.ANALYST))
rules.add_perm("publishing.view_reports", is_administrator | holds_role())
rules.add_perm("publishing.view_report", is_administrator | holds_role() | is_published)
rules.add_perm("publishing.view_story", is_administrator | holds_role(Role.ANALYST, Role.DECISION_MAKER))
rules.add_perm("publishing.write_recommendations", is_administrator | holds_role(Role.ANALYST))
