"""Single sign-on with an organisation's OpenID Connect provider (issue 18), through mozilla-django-oidc.

mozilla-django-oidc runs the protocol: the redirect with state, nonce and PKCE, the code exchange, the ID
token's signature (RS256 against the provider's published keys) and the userinfo call. Chorus decides who the
person is here (`sign_in_with_identity_provider`): an account found by the provider's issuer and subject,
never by a name or an email the person may be able to change at the provider.

Roles may come from the provider, so that an organisation manages them in one place (Microsoft Entra ID's
app roles arrive in the `roles` claim). Each value names one Chorus membership:

    southend-connectors:analyst                  analyst in the programme with slug southend-connectors
    southend-connectors:connector:trust-links    connector there, for the organisation trust-links
    *:decision-maker                             decision-maker in every programme

When the claim is present it is the whole truth about that person's memberships; when it is absent, roles
are given in Chorus as for a local account. No claim can make an administrator.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from chorus.apps.core.errors import ActionError

from .models import Role

logger = logging.getLogger(__name__)

GRANTABLE_ROLES = [role for role in Role.values if role != Role.ADMINISTRATOR]
EVERY_PROGRAMME = "*"


def configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name() -> str:
    return settings.CHORUS_OIDC_PROVIDER_NAME


@dataclass(frozen=True)
class RoleClaim:
    role: str
    programme_slug: str | None  # None: every programme
    organisation_slug: str | None


def parse_role_claims(values: object) -> tuple[list[RoleClaim], list[str]]:
    """The memberships a roles claim asks for, and the values that name no role Chorus can give."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return [], []
    wanted: list[RoleClaim] = []
    refused: list[str] = []
    for value in values:
        parts = value.split(":") if isinstance(value, str) else []
        if len(parts) not in (2, 3) or not parts[0] or parts[1] not in GRANTABLE_ROLES:
            refused.append(str(value))
            continue
        programme = None if parts[0] == EVERY_PROGRAMME else parts[0]
        organisation = parts[2] if len(parts) == 3 and parts[2] else None
        wanted.append(RoleClaim(parts[1], programme, organisation))
    return wanted, refused


class SingleSignOnBackend(OIDCAuthenticationBackend):
    def get_or_create_user(self, access_token, id_token, payload):
        from .actions import sign_in_with_identity_provider

        userinfo = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the userinfo response is about the ID token's subject, or it is not used.
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
        claims = {**userinfo, "iss": payload.get("iss", ""), "sub": payload.get("sub", "")}
        try:
            return sign_in_with_identity_provider(claims, roles_claim=settings.CHORUS_OIDC_ROLES_CLAIM)
        except ActionError as refusal:
            logger.warning("Single sign-on refused: %s", refusal.message)
            return None


ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "CHORUS_OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "CHORUS_OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "CHORUS_OIDC_USERINFO_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "CHORUS_OIDC_JWKS_ENDPOINT",
}


@register(deploy=True)
def check_single_sign_on(app_configs, **kwargs):
    """With a client id set, every endpoint and the secret must be there, and every endpoint on HTTPS."""
    if not configured():
        return []
    problems = []
    for setting, variable in ENDPOINT_SETTINGS.items():
        value = getattr(settings, setting, "")
        if not value.startswith("https://"):
            problems.append(
                Error(
                    f"{variable} must be the identity provider's HTTPS address"
                    + (f" (it is {value!r})." if value else " (it is not set)."),
                    hint="Its .well-known/openid-configuration document lists each endpoint.",
                    id="chorus.E_SSO_ENDPOINT",
                )
            )
    if not settings.OIDC_RP_CLIENT_SECRET:
        problems.append(Error("CHORUS_OIDC_CLIENT_SECRET is not set.", id="chorus.E_SSO_SECRET"))
    return problems
