"""Creating, checking and revoking read-API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from .models import ApiToken

TOKEN_PREFIX = "chorus_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def create_token(user, name: str) -> NewToken:
    name = name.strip()
    if not name:
        raise ActionError("Give the token a name, so you know later what it is for.", "name")
    if len(name) > 100:
        raise ActionError("The name must be 100 characters or fewer.", "name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=_hash(secret), prefix=secret[len(TOKEN_PREFIX) :][:6]
    )
    audit("api.token_created", actor=user, obj=token)
    return NewToken(token, secret)


def revoke_token(token: ApiToken, *, by) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit("api.token_revoked", actor=by, obj=token)


def active_token(secret: str) -> ApiToken | None:
    """The active token with this secret (its user active too), or None; records when it was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(secret), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute, so a busy client does not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(secret: str):
    """The active user a token belongs to, or None; records when it was last used."""
    token = active_token(secret)
    return token.user if token else None
