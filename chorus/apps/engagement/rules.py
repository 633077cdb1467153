"""Who may see and change contributions (object-level rules, adhocracy+ style).

`visible_contributions` is the same rule as a queryset filter, for lists; a test holds the two together.
- administrators see everything;
- a programme lead/analyst sees their programme's contributions;
- a partner member sees the raw records of their own organisation's activities in their programme;
- a connector or researcher sees what they recorded;
- decision-makers and the public see no raw contributions, only figures; decision-makers also read the
  words of residents who agreed to be quoted, redacted, where a quote was chosen for them (board pack,
  priorities, internal reports), and are refused the list of contributions.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.accounts.rules import is_administrator

from .models import Contribution


@rules.predicate
def is_programme_analyst(user, contribution: Contribution | None) -> bool:
    if contribution is None or not user.is_authenticated:
        return False
    return contribution.programme_id in user.programme_ids(Role.ANALYST)


@rules.predicate
def is_partner_that_gathered_it(user, contribution: Contribution | None) -> bool:
    if contribution is None or not user.is_authenticated:
        return False
    return user.memberships.filter(
        role=Role.PARTNER,
        programme_id=contribution.programme_id,
        organisation_id=contribution.activity.partner_id,
    ).exists()


@rules.predicate
def recorded_it(user, contribution: Contribution | None) -> bool:
    if contribution is None or not user.is_authenticated:
        return False
    return contribution.recorded_by_id == user.pk


@rules.predicate
def can_record_in_some_programme(user) -> bool:
    return bool(user.is_authenticated and user.programme_ids(Role.CONNECTOR, Role.ANALYST, Role.PARTNER))


@rules.predicate
def reads_raw_records(user) -> bool:
    """Holds a role that sees some raw contributions (a decision-maker alone sees none)."""
    return bool(user.is_authenticated and user.programme_ids(Role.ANALYST, Role.PARTNER, Role.CONNECTOR))


can_view = is_administrator | is_programme_analyst | is_partner_that_gathered_it | recorded_it
rules.add_perm("engagement.view_contribution", can_view)
rules.add_perm("engagement.list_contributions", is_administrator | reads_raw_records)
rules.add_perm("engagement.withdraw_consent", is_administrator | is_programme_analyst | recorded_it)
rules.add_perm("engagement.record_contribution", is_administrator | can_record_in_some_programme)


def visible_contributions(user) -> QuerySet[Contribution]:
    """The contributions `user` may see, as a queryset (same rule as engagement.view_contribution)."""
    contributions = Contribution.objects.all()
    if not user.is_authenticated:
        return contributions.none()
    if user.is_administrator:
        return contributions
    memberships = list(user.memberships.values_list("role", "programme_id", "organisation_id"))
    allowed = Q(recorded_by=user)
    for role, programme_id, organisation_id in memberships:
        if role == Role.ANALYST and programme_id:
            allowed |= Q(programme_id=programme_id)
        elif role == Role.PARTNER and programme_id and organisation_id:
            allowed |= Q(programme_id=programme_id, activity__partner_id=organisation_id)
    return contributions.filter(allowed)


def recordable_programme_ids(user) -> set[int]:
    from chorus.apps.programmes.models import Programme

    if user.is_administrator:
        return set(Programme.objects.values_list("id", flat=True))
    return user.programme_ids(Role.CONNECTOR, Role.ANALYST, Role.PARTNER)
