"""Text messages to residents who asked to hear back, through a small provider interface.

The provider is chosen by the CHORUS_SMS_PROVIDER setting (a dotted path to a class); the default writes
to the console with the number masked. Tests use FakeSmsProvider, which keeps messages in memory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_PROVIDER = "chorus.apps.accountability.sms.ConsoleSmsProvider"


class SmsProvider(Protocol):
    def send(self, to: str, text: str) -> None: ...


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str


class FakeSmsProvider:
    """Keeps every message in `FakeSmsProvider.outbox` (shared, like Django's mail.outbox)."""

    outbox: ClassVar[list[SentSms]] = []

    def send(self, to: str, text: str) -> None:
        self.outbox.append(SentSms(to, text))


class ConsoleSmsProvider:
    """For development: prints the message with all but the last three digits of the number hidden."""

    def send(self, to: str, text: str) -> None:
        masked = "*" * max(len(to) - 3, 0) + to[-3:]
        sys.stdout.write(f"SMS to {masked}:\n{text}\n\n")


def get_sms_provider() -> SmsProvider:
    return import_string(getattr(settings, "CHORUS_SMS_PROVIDER", DEFAULT_PROVIDER))()
