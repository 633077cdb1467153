"""Who may make and read board reports.

- administrators and the programme's analysts make reports (and retry a failed rendering);
- every member of the programme reads its reports, internal and public versions alike;
- anyone reads a public version once the programme itself is public (on its public page).
"""

from __future__ import annotations

import rules

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator
from chorus.apps.programmes.rules import is_member

from .models import Report


@rules.predicate
def is_programme_analyst(user, programme) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    return programme.pk in user.programme_ids(Role.ANALYST)


@rules.predicate
def is_report_member(user, report: Report | None) -> bool:
    return report is not None and is_member(user, report.programme)


@rules.predicate
def is_published(user, report: Report | None) -> bool:
    return report is not None and report.is_public and report.programme.is_public


rules.add_perm("publishing.create_report", is_administrator | is_programme_analyst)
rules.add_perm("publishing.view_reports", is_member)
rules.add_perm("publishing.view_report", is_report_member | is_published)
