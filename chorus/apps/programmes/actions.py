"""Write actions for programmes: each validates, changes atomically and records an audit event
(field names and ids only, never the values). Views and tests call these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.places.models import Area, Level

from .models import Programme

FEEDBACK_DAYS_MIN = 1
FEEDBACK_DAYS_MAX = 90
NAME_MAX_LENGTH = Programme._meta.get_field("name").max_length
SETTINGS_FIELDS = (
    "name",
    "summary",
    "start_date",
    "end_date",
    "is_public",
    "feedback_days",
    "keep_original_text",
    "focus_areas",
)


def programme_wards(programme: Programme):
    """The wards a programme may focus on: those of its local authority."""
    if programme.local_authority_id is None:
        return Area.objects.none()
    return Area.objects.filter(level=Level.WARD, parent_id=programme.local_authority_id).order_by("name")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date_or_none(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "Enter a real date, for example 21/11/2026"
        return None


def _feedback_days(value: Any, errors: dict[str, str]) -> int | None:
    message = (
        f"Enter how many days residents should hear back within, "
        f"from {FEEDBACK_DAYS_MIN} to {FEEDBACK_DAYS_MAX}"
    )
    if isinstance(value, bool):
        errors["feedback_days"] = message
        return None
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        errors["feedback_days"] = message
        return None
    if not FEEDBACK_DAYS_MIN <= days <= FEEDBACK_DAYS_MAX:
        errors["feedback_days"] = message
        return None
    return days


def _focus_areas(programme: Programme, values: Iterable[Any], errors: dict[str, str]) -> set[int]:
    ids: set[int] = set()
    for value in values:
        try:
            ids.add(value.pk if isinstance(value, Area) else int(value))
        except (TypeError, ValueError):
            errors["focus_areas"] = "Choose focus areas from the wards listed"
            return set()
    allowed = set(programme_wards(programme).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - allowed:
        errors["focus_areas"] = "Choose focus areas only from the wards of the programme's local authority"
        return set()
    return ids


def _validated(programme: Programme, data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean values for the fields present in `data`; fields left out keep their current values."""
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    if unknown:
        raise ActionError.for_fields({field: "This is not a programme setting" for field in unknown})
    clean: dict[str, Any] = {}
    if "name" in data:
        name = _text(data["name"])
        if not name:
            errors["name"] = "Enter the programme's name"
        elif len(name) > NAME_MAX_LENGTH:
            errors["name"] = f"The name must be {NAME_MAX_LENGTH} characters or fewer"
        clean["name"] = name
    if "summary" in data:
        clean["summary"] = _text(data["summary"])
    for field in ("start_date", "end_date"):
        if field in data:
            clean[field] = _date_or_none(data[field], field, errors)
    start = clean.get("start_date", programme.start_date)
    end = clean.get("end_date", programme.end_date)
    if start and end and end < start and "end_date" not in errors:
        errors["end_date"] = "The end date must be the same as or after the start date"
    for field in ("is_public", "keep_original_text"):
        if field in data:
            clean[field] = bool(data[field])
    if "feedback_days" in data:
        clean["feedback_days"] = _feedback_days(data["feedback_days"], errors)
    if "focus_areas" in data:
        clean["focus_areas"] = _focus_areas(programme, data["focus_areas"] or (), errors)
    if errors:
        raise ActionError.for_fields(errors)
    return clean


@transaction.atomic
def change_programme_settings(programme: Programme, data: Mapping[str, Any], *, by) -> list[str]:
    """Change a programme's settings; returns the names of the fields that changed.

    Raises ActionError (its `errors`: field name → message) and changes nothing when any value is refused.
    The audit event names the changed fields, never their values."""
    clean = _validated(programme, data)
    changed: list[str] = []
    for field, value in clean.items():
        if field == "focus_areas":
            continue
        if getattr(programme, field) != value:
            setattr(programme, field, value)
            changed.append(field)
    if changed:
        programme.save(update_fields=changed)
    if "focus_areas" in clean:
        current = set(programme.focus_areas.values_list("pk", flat=True))
        if current != clean["focus_areas"]:
            programme.focus_areas.set(clean["focus_areas"])
            changed.append("focus_areas")
    if changed:
        audit("programme.settings_changed", actor=by, obj=programme, programme=programme, fields=changed)
    return changed
