"""Checks the accountability actions share."""

from __future__ import annotations

from collections.abc import Iterable

from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme


def require(value: str, message: str, field: str | None = None) -> str:
    if not value or not value.strip():
        raise ActionError(message, field)
    return value.strip()


def same_programme(contributions: Iterable[Contribution], programme: Programme) -> list[Contribution]:
    contributions = list(contributions)
    strays = [c.pk for c in contributions if c.programme_id != programme.pk]
    if strays:
        raise ActionError(f"Contributions {', '.join(map(str, strays))} are not in {programme}.")
    return contributions


def refuse_unquotable(quotes: Iterable[Contribution], field: str = "quotes") -> None:
    unquotable = [c.pk for c in quotes if not c.consent_quote]
    if unquotable:
        raise ActionError(
            f"Contributions {', '.join(map(str, unquotable))} cannot be quoted: the residents did not agree.",
            field,
        )
