"""A connector corrects their own record of a conversation for a while after saving it (a typo, a missed
sentence); after that, the programme's analyst changes it. Each correction is audited, never the words."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from .models import Contribution

CORRECTION_WINDOW = datetime.timedelta(days=7)


def correctable(contribution: Contribution, now: datetime.datetime | None = None) -> bool:
    """Still inside the window in which the person who recorded it may correct it."""
    return (now or timezone.now()) - contribution.recorded_at <= CORRECTION_WINDOW


def correct_contribution(contribution: Contribution, text: str, *, by) -> Contribution:
    """Replace what was recorded with the corrected words (redacted again before they are stored)."""
    from .actions import _redact

    if contribution.recorded_by_id != by.pk:
        raise ActionError("Only the person who recorded a conversation can correct it here.")
    if not correctable(contribution):
        raise ActionError(
            f"Conversations can be corrected here for {CORRECTION_WINDOW.days} days after they are saved. "
            "Ask your programme's analyst to change this one."
        )
    if not text.strip():
        raise ActionError("Enter what the resident said.", "text")
    with transaction.atomic():
        contribution.text = _redact(text)
        contribution.save(update_fields=["text"])
        audit(
            "engagement.contribution_corrected",
            actor=by,
            obj=contribution,
            programme=contribution.programme,
        )
    return contribution
