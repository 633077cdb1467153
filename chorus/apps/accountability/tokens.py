"""Signed, expiring links residents use to tell us whether they felt listened to (no sign-in)."""

from __future__ import annotations

import secrets
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


# Short codes: no 0/O, 1/I/L or U/V, so a code read aloud, copied from paper or typed on a phone comes out
# right; 5 characters (20 million codes) for the open link printed on leaflets, 8 for a resident's own link.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
OPEN_CODE_LENGTH = 5
OWN_CODE_LENGTH = 8


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def clean_code(typed: str) -> str:
    """A code as a resident may type it ("k7p 2q", "K7P-2Q") in the form it is stored ("K7P2Q");
    "" when it cannot be a code."""
    code = "".join(character for character in typed.upper() if character.isalnum())
    if not OPEN_CODE_LENGTH <= len(code) <= OWN_CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return ""
    return code


def formatted_code(code: str) -> str:
    """For print: groups of 4 or fewer, easier to copy ("K7P2Q" stays, "K7P2QX9M" becomes "K7P2 QX9M")."""
    return (
        code if len(code) <= OPEN_CODE_LENGTH else " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    )
