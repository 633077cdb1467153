"""The one error a write action raises when it refuses: its message is written for the person who asked."""

from __future__ import annotations

from collections.abc import Mapping


class ActionError(ValueError):
    """A write that was refused, with a message for the person and, when one input is at fault, its name.

    `field` names the form field the message belongs beside (``"email"``); None puts it above the form.
    When several inputs are refused at once, `errors` maps each field name to its message (see for_fields).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: dict[str, str] = {field: message} if field else {}

    @classmethod
    def for_fields(cls, errors: Mapping[str, str]) -> ActionError:
        """Several inputs refused at once, each with its own message (field name → message)."""
        first = next(iter(errors))
        error = cls("; ".join(f"{field}: {message}" for field, message in errors.items()), field=first)
        error.errors = dict(errors)
        return error
