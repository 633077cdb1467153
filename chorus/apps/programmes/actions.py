"""Write actions for programmes: each validates, changes atomically and records an audit event
(field names and ids only, never the values). Views and tests call these."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.places.models import Area, Level

from .models import (
    AgesHeard,
    AudioRetention,
    Grant,
    Organisation,
    OrganisationKind,
    Partnership,
    Programme,
    Topic,
)

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
    "audio_retention",
    "focus_areas",
    "ages_heard",
    "get_involved",
    "contact_email",
    "contact_phone",
    "logo",
)
LOGO_MAX_BYTES = 2_000_000  # as uploaded; stored re-encoded, far smaller
LOGO_BOX = (480, 160)  # pixels the stored logo fits inside
AGES_HEARD_REFUSED = "Choose whom the programme sets out to hear: everyone, adults, or not set"
PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


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
    if "audio_retention" in data:
        if data["audio_retention"] not in AudioRetention.values:
            errors["audio_retention"] = "Choose whether to delete or keep the audio of recorded conversations"
        clean["audio_retention"] = data["audio_retention"]
    if "ages_heard" in data:
        if data["ages_heard"] not in AgesHeard.values:
            errors["ages_heard"] = AGES_HEARD_REFUSED
        clean["ages_heard"] = data["ages_heard"]
    if "feedback_days" in data:
        clean["feedback_days"] = _feedback_days(data["feedback_days"], errors)
    if "focus_areas" in data:
        clean["focus_areas"] = _focus_areas(programme, data["focus_areas"] or (), errors)
    if "get_involved" in data:
        clean["get_involved"] = _text(data["get_involved"])
    if "contact_email" in data:
        email = _text(data["contact_email"])
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            errors["contact_email"] = "Enter an email address, like team@example.org"
        clean["contact_email"] = email
    if "contact_phone" in data:
        phone = _text(data["contact_phone"])
        if phone and not PHONE.match(phone):
            errors["contact_phone"] = "Enter a phone number, like 01702 215000"
        clean["contact_phone"] = phone
    if data.get("logo") is not None:
        clean["logo"] = _logo(data["logo"], errors)
    if errors:
        raise ActionError.for_fields(errors)
    return clean


def _logo(upload: Any, errors: dict[str, str]) -> bytes | None:
    """The uploaded picture as a PNG that fits LOGO_BOX, with nothing else of the file kept (no metadata).
    b"" removes the logo."""
    from PIL import Image, UnidentifiedImageError

    content = upload if isinstance(upload, bytes) else upload.read(LOGO_MAX_BYTES + 1)
    if content == b"":
        return b""
    if len(content) > LOGO_MAX_BYTES:
        errors["logo"] = "The logo must be smaller than 2 MB"
        return None
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in ("PNG", "JPEG", "WEBP", "GIF"):
                raise UnidentifiedImageError
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError):
        errors["logo"] = "The logo must be a PNG, JPEG or WebP picture"
        return None
    picture.thumbnail(LOGO_BOX)
    stored = io.BytesIO()
    picture.save(stored, format="PNG", optimize=True)
    return stored.getvalue()


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
        current = getattr(programme, field)
        if field == "logo":
            value = value or None
            current = bytes(current) if current is not None else None
        if current != value:
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


# Organisations, programmes, partners and grants ------------------------------------------------------------


def _new_slug(model, slug: str, what: str) -> str:
    slug = slugify(slug)
    if not slug:
        raise ActionError(f"Enter a name for the {what}.", "name")
    if model.objects.filter(slug=slug).exists():
        raise ActionError(f"There is already a {what} called {slug}.", "name")
    return slug


@transaction.atomic
def create_organisation(name: str, *, kind: str, slug: str = "", by) -> Organisation:
    if kind not in OrganisationKind.values:
        raise ActionError("Choose what kind of organisation this is.", "kind")
    organisation = Organisation.objects.create(
        name=name.strip(), kind=kind, slug=_new_slug(Organisation, slug or name, "organisation")
    )
    audit("programmes.organisation_created", actor=by, obj=organisation)
    return organisation


@transaction.atomic
def change_communities_served(organisation: Organisation, communities_served: str, *, by) -> None:
    """Who the organisation works with, in its own words (shown to the programme's leads)."""
    limit = Organisation._meta.get_field("communities_served").max_length
    if len(communities_served.strip()) > limit:
        raise ActionError(f"Keep it to {limit} characters.", "communities_served")
    organisation.communities_served = communities_served.strip()
    organisation.save(update_fields=["communities_served"])
    audit("programmes.organisation_changed", actor=by, obj=organisation, fields=["communities_served"])


@transaction.atomic
def create_topic(name: str, *, slug: str = "", by) -> Topic:
    """A priority topic programmes can name (Core20PLUS5's clinical areas, social isolation...)."""
    topic = Topic.objects.create(name=name.strip(), slug=_new_slug(Topic, slug or name, "topic"))
    audit("programmes.topic_created", actor=by, obj=topic)
    return topic


@transaction.atomic
def create_programme(
    slug: str,
    *,
    name: str,
    summary: str = "",
    lead_organisation: Organisation | None = None,
    local_authority: Area | None = None,
    start_date: date | None = None,
    is_public: bool = False,
    focus_areas: Iterable[Area] = (),
    priority_topics: Iterable[Topic] = (),
    ages_heard: str = AgesHeard.NOT_SET,
    by,
) -> Programme:
    """A programme, with the wards it focuses on (wards of its local authority), its priority topics and whom
    it sets out to hear by age."""
    if not name.strip():
        raise ActionError("Enter the programme's name.", "name")
    if len(name.strip()) > NAME_MAX_LENGTH:
        raise ActionError(f"Keep the name to {NAME_MAX_LENGTH} characters.", "name")
    if local_authority is not None and local_authority.level != Level.LOCAL_AUTHORITY:
        raise ActionError(f"{local_authority} is not a local authority.", "local_authority")
    focus_areas = list(focus_areas)
    if any(
        area.level != Level.WARD or area.parent_id != getattr(local_authority, "pk", None)
        for area in focus_areas
    ):
        raise ActionError("The focus areas must be wards of the programme's local authority.", "focus_areas")
    if ages_heard not in AgesHeard.values:
        raise ActionError(AGES_HEARD_REFUSED, "ages_heard")
    programme = Programme.objects.create(
        slug=_new_slug(Programme, slug, "programme"),
        name=name.strip(),
        summary=summary.strip(),
        lead_organisation=lead_organisation,
        local_authority=local_authority,
        start_date=start_date,
        is_public=is_public,
        ages_heard=ages_heard,
    )
    programme.focus_areas.set(focus_areas)
    programme.priority_topics.set(list(priority_topics))
    audit("programmes.programme_created", actor=by, obj=programme, programme=programme)
    return programme


@transaction.atomic
def create_partnership(
    programme: Programme,
    organisation: Organisation,
    *,
    joined_on: date | None = None,
    areas_served: Iterable[Area] = (),
    by,
) -> Partnership:
    """An organisation joins a programme as a partner, serving some of its areas."""
    if Partnership.objects.filter(programme=programme, organisation=organisation).exists():
        raise ActionError(f"{organisation} is already a partner in {programme}.", "organisation")
    partnership = Partnership.objects.create(
        programme=programme, organisation=organisation, joined_on=joined_on
    )
    organisation.areas_served.add(*areas_served)
    audit(
        "programmes.partnership_created",
        actor=by,
        obj=partnership,
        programme=programme,
        organisation_id=organisation.pk,
    )
    return partnership


@transaction.atomic
def create_grant(
    programme: Programme,
    organisation: Organisation,
    *,
    amount_pence: int,
    purpose: str,
    start_date: date,
    end_date: date,
    by,
) -> Grant:
    if amount_pence <= 0:
        raise ActionError("Enter the amount of the grant.", "amount_pence")
    if not purpose.strip():
        raise ActionError("Say what the grant is for.", "purpose")
    if end_date < start_date:
        raise ActionError("The grant cannot end before it starts.", "end_date")
    grant = Grant.objects.create(
        programme=programme,
        organisation=organisation,
        amount_pence=amount_pence,
        purpose=purpose.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    audit(
        "programmes.grant_created",
        actor=by,
        obj=grant,
        programme=programme,
        organisation_id=organisation.pk,
        amount_pence=amount_pence,
    )
    return grant
