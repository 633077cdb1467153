"""Two-step verification (django-otp): who must use it, and the gate that holds them until they have.

CHORUS_2FA_ROLES names roles from `Role` (administrator, analyst, partner, connector, decision-maker).
"administrator" also covers superusers and staff (anyone who can open the admin site), who may hold no
administrator membership.

After the password, a person who has an authenticator app set up must give a code before anything else; a
person whose role requires it and who has none must set one up first. Until then every page but these sends
them on (the gate is a middleware, so no view can forget it).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.checks import Error, register
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role

VERIFY = "verify"
SET_UP = "set-up"
# Pages a person part-way through signing in may open, by URL name.
OPEN_WHILE_PENDING = {
    "login",
    "sso_start",
    "sso_callback",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def required_roles() -> list[str]:
    return list(settings.CHORUS_2FA_ROLES)


def requires_two_factor(user) -> bool:
    roles = set(required_roles())
    if not roles or not user.is_authenticated:
        return False
    if Role.ADMINISTRATOR in roles and (user.is_superuser or user.is_staff):
        return True
    return user.memberships.filter(role__in=roles).exists()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# What this session owes, decided at sign-in ("" for nothing) so that most requests cost no query. A device
# added or a role given later counts from the next sign-in, as Django treats a password changed elsewhere.
SESSION_KEY = "chorus_second_step"


def second_step_needed(user) -> str:
    if has_two_factor(user):
        return VERIFY
    if requires_two_factor(user):
        return SET_UP
    return ""


def pending_step(request: HttpRequest) -> str | None:
    """What a signed-in person must still do before using Chorus: VERIFY, SET_UP or nothing."""
    user = request.user
    if not user.is_authenticated:
        return None
    needed = request.session.get(SESSION_KEY)
    if needed is None:
        needed = request.session[SESSION_KEY] = second_step_needed(user)
    if not needed or user.is_verified():
        return None
    return needed


def decide_second_step(request: HttpRequest) -> None:
    """Work out what this session owes: at sign-in, and after its person changes their two-step setup."""
    request.session[SESSION_KEY] = second_step_needed(request.user)


@receiver(user_logged_in)
def _decide_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # Signed in by the organisation's identity provider: its multi-factor policy is the second step.
        signed_in_by_provider = getattr(user, "backend", "") == settings.SINGLE_SIGN_ON_BACKEND
        request.session[SESSION_KEY] = "" if signed_in_by_provider else second_step_needed(user)


class TwoFactorMiddleware:
    """Sends a signed-in person who still owes a code (or a setup) to that page. After OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        step = pending_step(request)
        request.two_factor_pending = step
        if step is None:
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if name in OPEN_WHILE_PENDING:
            return None
        target = "two_factor_verify" if step == VERIFY else "two_factor"
        if name == target:
            return None
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        url = redirect(target).url
        return redirect(f"{url}?{query}" if query else url)


@register()
def check_two_factor_roles(app_configs, **kwargs):
    unknown = sorted(set(required_roles()) - set(Role.values))
    if unknown:
        return [
            Error(
                f"CHORUS_2FA_ROLES names unknown roles: {', '.join(unknown)}.",
                hint=f"Use a comma-separated list of: {', '.join(Role.values)}.",
                id="chorus.E2FA",
            )
        ]
    return []
