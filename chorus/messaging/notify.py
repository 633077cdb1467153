"""A small client for GOV.UK Notify's REST API (v2), the calls Chorus uses: send a text message, send an
email, read a notification's status. Written against Notify's documented API because
notifications-python-client is not installed here; it speaks the same protocol (JSON over HTTPS, a fresh
HS256 JWT on each request).

An API key is `{key name}-{service id}-{secret}`, both ids UUIDs. The JWT's `iss` is the service id and `iat`
the time it was made, signed with the secret; Notify refuses a token more than 30 seconds old.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
UUID_LENGTH = 36

# Notify's statuses, as Chorus treats them. Anything else (created, sending, pending, sent abroad) is
# still on its way.
DELIVERED = frozenset({"delivered"})
FAILED = frozenset({"permanent-failure", "temporary-failure", "technical-failure", "validation-failed"})


class NotifyError(Exception):
    """Notify refused the request, for a reason that sending again will not change (bad number, bad key)."""


class NotifyUnavailable(Exception):
    """Notify could not be reached, timed out, was busy (429) or failed (5xx): worth trying again later."""


@dataclass(frozen=True)
class ApiKey:
    service_id: str
    secret: str

    @classmethod
    def parse(cls, key: str) -> ApiKey:
        key = key.strip()
        if len(key) < 2 * UUID_LENGTH + 1:
            raise ValueError("A Notify API key ends with the service id and the secret key, both UUIDs.")
        return cls(service_id=key[-(2 * UUID_LENGTH + 1) : -(UUID_LENGTH + 1)], secret=key[-UUID_LENGTH:])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(key: ApiKey, issued_at: int | None = None) -> str:
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"iss": key.service_id, "iat": int(time.time()) if issued_at is None else issued_at}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key.secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


@dataclass(frozen=True)
class Accepted:
    notification_id: str


class NotifyClient:
    def __init__(self, api_key: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0) -> None:
        self.key = ApiKey.parse(api_key)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send_sms(
        self, phone_number: str, template_id: str, personalisation: dict[str, str], reference: str
    ) -> Accepted:
        body = {
            "phone_number": phone_number,
            "template_id": template_id,
            "personalisation": personalisation,
            "reference": reference,
        }
        return Accepted(self._request("POST", "/v2/notifications/sms", body)["id"])

    def send_email(
        self, email_address: str, template_id: str, personalisation: dict[str, str], reference: str
    ) -> Accepted:
        body = {
            "email_address": email_address,
            "template_id": template_id,
            "personalisation": personalisation,
            "reference": reference,
        }
        return Accepted(self._request("POST", "/v2/notifications/email", body)["id"])

    def status(self, notification_id: str) -> str:
        return str(self._request("GET", f"/v2/notifications/{notification_id}")["status"])

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {make_jwt(self.key)}", "User-Agent": "chorus-notify"}
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False) as http:
                response = http.request(method, self.base_url + path, json=body, headers=headers)
        except httpx.TimeoutException as error:
            raise NotifyUnavailable("Notify did not answer in time.") from error
        except httpx.HTTPError as error:
            raise NotifyUnavailable(f"Notify could not be reached ({type(error).__name__}).") from error
        if response.status_code == 429 or response.status_code >= 500:
            raise NotifyUnavailable(f"Notify answered {response.status_code}; trying again later.")
        try:
            document = response.json()
        except ValueError as error:
            raise NotifyUnavailable(f"Notify answered {response.status_code} without JSON.") from error
        if response.status_code >= 400:
            raise NotifyError(_first_error(document, response.status_code))
        return document


def _first_error(document: Any, status: int) -> str:
    """Notify's own words for the refusal (`errors[0]`), which never repeat the number or address sent."""
    errors = document.get("errors") if isinstance(document, dict) else None
    if errors and isinstance(errors[0], dict):
        return f"{errors[0].get('error', 'Error')}: {errors[0].get('message', '')}"[:300]
    return f"Notify refused the message ({status})."
