"""`GET /health/` for load balancers: 200 when this process can reach its database, 503 when it cannot.

It answers before any other middleware, so a balancer that calls over plain HTTP by the machine's address is
neither redirected to HTTPS nor refused for its Host header, and it says nothing about the data inside.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

HEALTH_PATH = "/health/"


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "not healthy"; the balancer only needs the status
        return False


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        healthy = _database_answers()
        body = {"status": "ok" if healthy else "unavailable", "database": "ok" if healthy else "unreachable"}
        response = HttpResponse(
            json.dumps(body), content_type="application/json", status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
