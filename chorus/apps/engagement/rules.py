"""Who may see and change contributions (object-level rules, adhocracy+ style).

`visible_contributions` is the same rule as a queryset filter, for lists; a test holds the two together.
- administrators see everything;
- a programme lead/analyst sees their programme's contributions;
- a partner member sees the raw records of their own organisation's activities in their programme;
- a connector or researcher sees what they recorded;
- decision-makers and the public see no raw contributions, only figures; decision-makers also read the
  words of residents who agreed to be quoted, redacted, where a quote was chosen for them (board pack,
  priorities, internal reports), and are refused the list of contributions.

Recording what residents said at an activity already recorded (several conversations at a coffee morning):
administrators, the programme's analysts, and the members of the partner organisation that ran it.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import (
    holds_role,
    holds_role_anywhere,
    is_administrator,
    organisation_ids_where,
    programme_ids_where,
    programmes_where,
)
from chorus.apps.programmes.models import Programme

from .models import Activity, Contribution

# The roles that see some raw contributions (a decision-maker alone sees none) and record conversations.
GATHERERS = (Role.ANALYST, Role.PARTNER, Role.CONNECTOR)


@rules.predicate
def is_partner_that_gathered_it(user, contribution: Contribution | None) -> bool:
    own = organisation_ids_where(user, contribution, Role.PARTNER)
    return bool(own) and contribution.activity.partner_id in own


@rules.predicate
def is_partner_that_ran_it(user, activity: Activity | None) -> bool:
    if not isinstance(activity, Activity) or activity.partner_id is None:
        return False
    return activity.partner_id in organisation_ids_where(user, activity, Role.PARTNER)


@rules.predicate
def recorded_it(user, contribution: Contribution | None) -> bool:
    if contribution is None or not user.is_authenticated:
        return False
    return contribution.recorded_by_id == user.pk


rules.add_perm(
    "engagement.view_contribution",
    is_administrator | holds_role(Role.ANALYST) | is_partner_that_gathered_it | recorded_it,
)
rules.add_perm("engagement.withdraw_consent", is_administrator | holds_role(Role.ANALYST) | recorded_it)
# Asking for a human translation of a resident's words (and marking it done) is an analyst's call.
rules.add_perm("engagement.request_translation", is_administrator | holds_role(Role.ANALYST))
# The list of contributions, asked without an object (the menu) or for one programme (its overview page).
rules.add_perm("engagement.list_contributions", is_administrator | holds_role_anywhere(*GATHERERS))
rules.add_perm("engagement.list_programme_contributions", is_administrator | holds_role(*GATHERERS))
rules.add_perm("engagement.record_contribution", is_administrator | holds_role(*GATHERERS))
rules.add_perm(
    "engagement.record_at_activity", is_administrator | holds_role(Role.ANALYST) | is_partner_that_ran_it
)


def visible_contributions(user) -> QuerySet[Contribution]:
    """The contributions `user` may see, as a queryset (same rule as engagement.view_contribution)."""
    contributions = Contribution.objects.all()
    if not user.is_authenticated:
        return contributions.none()
    if user.is_administrator:
        return contributions
    allowed = Q(recorded_by=user) | Q(programme_id__in=programme_ids_where(user, Role.ANALYST))
    for held in user.roles_held():
        if held.role == Role.PARTNER and held.programme_id and held.organisation_id:
            allowed |= Q(programme_id=held.programme_id, activity__partner_id=held.organisation_id)
    return contributions.filter(allowed)


def recordable_programmes(user) -> QuerySet[Programme]:
    """The programmes `user` may record a conversation in (engagement.record_contribution)."""
    return programmes_where(user, *GATHERERS)


def activities_to_record_at(user) -> QuerySet[Activity]:
    """The activities at which `user` may record what residents said (engagement.record_at_activity)."""
    activities = Activity.objects.all()
    if not user.is_authenticated:
        return activities.none()
    if user.is_administrator:
        return activities
    allowed = Q(programme_id__in=programme_ids_where(user, Role.ANALYST))
    for held in user.roles_held():
        if held.role == Role.PARTNER and held.programme_id and held.organisation_id:
            allowed |= Q(programme_id=held.programme_id, partner_id=held.organisation_id)
    return activities.filter(allowed)
