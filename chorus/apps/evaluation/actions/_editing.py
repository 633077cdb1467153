"""What the editing actions share: check what a person can get wrong with a message that says what to do,
then let the model's own validation (field limits, choices, constraints) catch anything else before saving."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError


def apply(instance: Any, **values: Any) -> list[str]:
    """Set `values` on `instance`; return the names (never the values) of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name, value in values.items():
        setattr(instance, name, value)
    return changed


def save(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise ActionError(" ".join(messages), None if field_name == "__all__" else field_name) from None
    instance.save()


def check_dates(start: date | None, end: date | None, end_field: str = "end_date") -> None:
    if start and end and end < start:
        raise ActionError("The end date must be the same as or after the start date.", end_field)


def required(value: str, message: str, field_name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(message, field_name)
    return value


def delete_audited(record, action: str, *, by, programme, **details) -> None:
    """Record the removal (ids only, never what was typed) and delete the record."""
    audit(action, actor=by, obj=record, programme=programme, **details)
    record.delete()
