"""Who may upload, follow and listen to recorded conversations.

- uploading: the people who record conversations (engagement.record_contribution): administrators, and
  analysts (programme leads), partners and connectors of the programme;
- a recording's page (status, redacted transcript): administrators, the programme's analysts, the person
  who uploaded it, and members of the partner whose activity it belongs to (as for contributions);
- listening to the audio (while it is kept): administrators and the programme's analysts only.
`visible_recordings` is the page rule as a queryset, for lists; a test holds the two together.
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
)
from chorus.apps.engagement.rules import GATHERERS

from .models import Recording


@rules.predicate
def uploaded_it(user, recording: Recording | None) -> bool:
    if recording is None or not user.is_authenticated:
        return False
    return recording.recorded_by_id == user.pk


@rules.predicate
def is_partner_of_its_activity(user, recording: Recording | None) -> bool:
    own = organisation_ids_where(user, recording, Role.PARTNER)
    return bool(own) and recording.activity is not None and recording.activity.partner_id in own


rules.add_perm("recordings.upload", is_administrator | holds_role(*GATHERERS))
rules.add_perm("recordings.list", is_administrator | holds_role_anywhere(*GATHERERS))
rules.add_perm(
    "recordings.view_recording",
    is_administrator | holds_role(Role.ANALYST) | uploaded_it | is_partner_of_its_activity,
)
rules.add_perm("recordings.listen", is_administrator | holds_role(Role.ANALYST))


def visible_recordings(user) -> QuerySet[Recording]:
    """The recordings `user` may see (same rule as recordings.view_recording)."""
    recordings = Recording.objects.all()
    if not user.is_authenticated:
        return recordings.none()
    if user.is_administrator:
        return recordings
    allowed = Q(recorded_by=user) | Q(programme_id__in=programme_ids_where(user, Role.ANALYST))
    for held in user.roles_held():
        if held.role == Role.PARTNER and held.programme_id and held.organisation_id:
            allowed |= Q(programme_id=held.programme_id, activity__partner_id=held.organisation_id)
    return recordings.filter(allowed)
