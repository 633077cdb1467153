"""Sign-in throttling with django-axes: who is counted, and what a locked-out person sees.

Failed sign-ins (and failed API tokens) are counted in the database, so every web process and every machine
sees the same counts. An account is locked after AXES_FAILURE_LIMIT failures against its username, and an
address after the same number of failures from it, whoever they were for; either lock lifts after
AXES_COOLOFF_TIME, or sooner when an administrator unlocks it.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from.

    Behind a proxy (BEHIND_PROXY=1) it is the last address in X-Forwarded-For, the one the proxy itself
    added: earlier entries come from the client and may be forged.
    """
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_parameters(request, credentials: dict | None) -> list[str]:
    """Count failures per account and, separately, per address.

    A failure with no username (an API token) counts only against its address: counting it against "no
    username" would lock every tokenless attempt everywhere.
    """
    if credentials and credentials.get("username"):
        return ["username", "ip_address"]
    return ["ip_address"]


def lockout_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    """The sign-in page again, saying why signing in is paused and what to do (HTTP 429).

    The read API answers its own lockouts (JSON 429 with Retry-After), so its response is kept.
    """
    if getattr(request, "chorus_api", False) and response is not None:
        return response
    from .forms import SignInForm

    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": SignInForm(request),
            "next": request.POST.get("next", ""),
            "locked_out": True,
            "lockout_minutes": lockout_minutes(),
        },
        status=429,
    )
