"""The one error a write action raises when it refuses: its message is written for the person who asked."""

from __future__ import annotations


class ActionError(ValueError):
    """A write that was refused, with a message for the person and, when one input is at fault, its name.

    `field` names the form field the message belongs beside (``"email"``); None puts it above the form.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
