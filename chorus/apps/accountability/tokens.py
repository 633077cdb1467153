"""Signed, expiring links residents use to tell us whether they felt listened to (no sign-in)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "chorus.accountability.assessment"
DEFAULT_DAYS = 60


def link_days() -> int:
    return int(getattr(settings, "CHORUS_ASSESSMENT_LINK_DAYS", DEFAULT_DAYS))


@dataclass(frozen=True)
class AssessmentKey:
    feedback_id: int
    participant_id: int | None  # the resident's own link; None for the open link anyone may use


class BadLink(Exception):
    """The link was changed, or is too old."""


def make_token(feedback_id: int, participant_id: int | None = None) -> str:
    return signing.dumps({"f": feedback_id, "p": participant_id}, salt=SALT, compress=True)


def read_token(token: str, *, max_age_days: int | None = None) -> AssessmentKey:
    days = link_days() if max_age_days is None else max_age_days
    try:
        data = signing.loads(token, salt=SALT, max_age=days * 24 * 60 * 60)
    except signing.SignatureExpired as error:
        raise BadLink("This link has expired.") from error
    except signing.BadSignature as error:
        raise BadLink("This link is not right.") from error
    # Links made before contact details moved to the participant carry "r" (a recipient row since removed):
    # they answer as the open link, never as whichever participant now has that number.
    return AssessmentKey(int(data["f"]), data.get("p"))
