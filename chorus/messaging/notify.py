"""GOV.UK Notify, the calls Chorus uses (send a text message, send an email, read a notification's status),
through GOV.UK's own client, notifications-python-client. It signs each request with a fresh HS256 JWT.

This module turns the client's one error type (`APIError`, with the HTTP status, or 503 when nothing came
back) into the two that matter to a sender: `NotifyError`, refused for good, and `NotifyUnavailable`, worth
trying again later. Retrying is the caller's business (background tasks), never this module's.

An API key is `{key name}-{service id}-{secret}`, both ids UUIDs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import requests
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

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
        """The service id and secret from a whole key, refusing one that is cut short or mistyped (the
        client itself would only fail later, on Notify's 403)."""
        key = key.strip()
        service_id, secret = key[-(2 * UUID_LENGTH + 1) : -(UUID_LENGTH + 1)], key[-UUID_LENGTH:]
        try:
            uuid.UUID(service_id)
            uuid.UUID(secret)
        except ValueError:
            raise ValueError(
                "A Notify API key ends with the service id and the secret key, both UUIDs."
            ) from None
        return cls(service_id=service_id, secret=secret)


@dataclass(frozen=True)
class Accepted:
    notification_id: str


class NotifyClient:
    """One client per use: notifications-python-client's session is not thread-safe."""

    def __init__(self, api_key: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0) -> None:
        try:
            ApiKey.parse(api_key)
        except ValueError as error:
            raise NotifyError(f"NOTIFY_API_KEY: {error}") from None
        self.api = NotificationsAPIClient(api_key.strip(), base_url=base_url.rstrip("/"), timeout=timeout)

    def send_sms(
        self, phone_number: str, template_id: str, personalisation: dict[str, str], reference: str
    ) -> Accepted:
        answer = self._call(
            self.api.send_sms_notification,
            phone_number=phone_number,
            template_id=template_id,
            personalisation=personalisation,
            reference=reference,
        )
        return Accepted(str(answer["id"]))

    def send_email(
        self, email_address: str, template_id: str, personalisation: dict[str, str], reference: str
    ) -> Accepted:
        answer = self._call(
            self.api.send_email_notification,
            email_address=email_address,
            template_id=template_id,
            personalisation=personalisation,
            reference=reference,
        )
        return Accepted(str(answer["id"]))

    def status(self, notification_id: str) -> str:
        return str(self._call(self.api.get_notification_by_id, notification_id)["status"])

    def _call(self, method, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            answer = method(*args, **kwargs)
        except APIError as error:
            raise _classify(error) from error
        if not isinstance(answer, dict):
            raise NotifyUnavailable("Notify answered without a notification.")
        return answer


def _classify(error: APIError) -> NotifyError | NotifyUnavailable:
    if error.response is None:
        # The client reports "no answer" as a 503 with no response; the cause says which.
        cause = error.__cause__
        if isinstance(cause, requests.Timeout):
            return NotifyUnavailable("Notify did not answer in time.")
        return NotifyUnavailable(f"Notify could not be reached ({type(cause).__name__}).")
    status = error.status_code
    if status == 429 or status >= 500:
        return NotifyUnavailable(f"Notify answered {status}; trying again later.")
    try:
        document = error.response.json()
    except ValueError:
        return NotifyUnavailable(f"Notify answered {status} without JSON.")
    if status >= 400:
        return NotifyError(_first_error(document, status))
    return NotifyUnavailable(f"Notify answered {status} unexpectedly.")


def _first_error(document: Any, status: int) -> str:
    """Notify's own words for the refusal (`errors[0]`), which never repeat the number or address sent."""
    errors = document.get("errors") if isinstance(document, dict) else None
    if errors and isinstance(errors[0], dict):
        return f"{errors[0].get('error', 'Error')}: {errors[0].get('message', '')}"[:300]
    return f"Notify refused the message ({status})."
