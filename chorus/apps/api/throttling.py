"""Throttling for the read API.

- Failed tokens are counted per address by django-axes, in the database, alongside failed sign-ins: an
  address that fails AXES_FAILURE_LIMIT times (passwords and tokens together) is refused for
  AXES_COOLOFF_TIME, with 429 and Retry-After.
- Each token may make CHORUS_API_TOKEN_RATE requests (django-ninja's sliding window in Django's cache; the
  default cache is per process, so with several processes point CACHES at a shared cache to make it global).
"""

from __future__ import annotations

import math
import threading

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from .actions import active_token


def authenticate_token(request: HttpRequest, secret: str):
    """The token's user; None (401) for a wrong token; Throttled (429) from a locked address."""
    request.chorus_api = True  # axes' middleware keeps this response rather than showing the sign-in page
    if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request):
        raise Throttled(wait=_address_lock_seconds_left(request))
    token = active_token(secret)
    if token is None:
        # No username: axes counts it against the address only (accounts.throttle.lockout_parameters).
        user_login_failed.send(sender=__name__, credentials={"token": "********"}, request=request)
        if getattr(request, "axes_locked_out", False):
            raise Throttled(wait=_address_lock_seconds_left(request))
        return None
    request.api_token_id = token.pk
    return token.user


def _address_lock_seconds_left(request: HttpRequest) -> int:
    last = (
        AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    cool_off = settings.AXES_COOLOFF_TIME
    if last is None:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))


class _TokenWindow(SimpleRateThrottle):
    scope = "token"
    cache_format = "chorus_api_%(scope)s_%(ident)s"

    def get_rate(self) -> str:
        return settings.CHORUS_API_TOKEN_RATE

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token_id = getattr(request, "api_token_id", None)
        if token_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token_id}


class TokenRateThrottle(BaseThrottle):
    """Requests per token. One window object per request (ninja shares throttle instances between threads,
    and SimpleRateThrottle keeps the request's state on itself)."""

    def __init__(self) -> None:
        self._current = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        window = _TokenWindow()
        self._current.window = window
        return window.allow_request(request)

    def wait(self) -> float | None:
        window = getattr(self._current, "window", None)
        return window.wait() if window else None


def add_throttle_responses(api: NinjaAPI) -> None:
    """429 with Retry-After, also when the refusal comes from authentication (ninja sets the header only for
    its own throttles)."""

    def throttled(request: HttpRequest, exc: Throttled):
        response = api.create_response(request, {"detail": "Too many requests."}, status=429)
        if exc.wait is not None:
            response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        return response

    api.add_exception_handler(Throttled, throttled)
