"""Write actions for engagement: each validates, changes atomically and records an audit event.

Views, imports, the API and tests all call these; nothing else writes contributions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Organisation, Programme

from .models import Activity, ActivityKind, Contribution

log = logging.getLogger("chorus.engagement")

CONSENT_SCOPES = ("analysis", "quote", "open_data", "recontact")


class ActionError(ValueError):
    """A write that cannot be done, with a message a person understands."""


@dataclass
class ContributionInput:
    text: str
    consent_quote: bool
    consent_open_data: bool
    consent_recontact: bool
    consent_analysis: bool = True
    ward: Area | None = None
    lsoa: Area | None = None
    postcode_district: str = ""
    answers: dict = field(default_factory=dict)
    age_band: str = ""
    sex: str = ""
    gender_identity_same: str = ""
    ethnicity: str = ""
    disability: str = ""
    carer: str = ""
    already_redacted: bool = False  # set by bulk loaders that redact a batch at once (faster)


@dataclass
class Recorded:
    contribution: Contribution
    created: bool


def _redact(text: str) -> str:
    from chorus.privacy.redaction import redact  # loads spaCy and Presidio: only when a text arrives

    return redact(text).text


def _check(data: ContributionInput) -> None:
    if not data.text.strip():
        raise ActionError("Enter what the resident said.")
    if not data.consent_analysis:
        raise ActionError(
            "A resident's words can only be recorded if they agree to them being used for analysis."
        )
    if data.ward is not None and data.ward.level != Level.WARD:
        raise ActionError(f"{data.ward} is not a ward.")
    if data.lsoa is not None and data.lsoa.level != Level.LSOA:
        raise ActionError(f"{data.lsoa} is not an LSOA.")


def add_contribution(
    activity: Activity, data: ContributionInput, *, by=None, submission_key: str | None = None
) -> Recorded:
    """Store one contribution in an activity. A submission key seen before returns the stored one."""
    _check(data)
    if submission_key:
        existing = Contribution.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return Recorded(existing, created=False)
    ward = data.ward or (data.lsoa.parent if data.lsoa is not None else None)
    text = data.text.strip() if data.already_redacted else _redact(data.text.strip())
    contribution = Contribution(
        programme=activity.programme,
        activity=activity,
        text=text,
        answers=data.answers,
        ward=ward,
        lsoa=data.lsoa,
        postcode_district=data.postcode_district.strip().upper(),
        imd_decile=data.lsoa.imd_decile if data.lsoa is not None else None,
        core20=data.lsoa.core20 if data.lsoa is not None else None,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
        submission_key=submission_key or None,
        age_band=data.age_band,
        sex=data.sex,
        gender_identity_same=data.gender_identity_same,
        ethnicity=data.ethnicity,
        disability=data.disability,
        carer=data.carer,
        consent_analysis=True,
        consent_quote=data.consent_quote,
        consent_open_data=data.consent_open_data,
        consent_recontact=data.consent_recontact,
        consent_taken_at=timezone.now(),
        consent_taken_by=by if getattr(by, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            contribution.save()
    except IntegrityError:
        if submission_key:  # the same submission raced in from a retry: keep the first
            existing = Contribution.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return Recorded(existing, created=False)
        raise
    return Recorded(contribution, created=True)


def _partner_for(user, programme: Programme) -> Organisation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    membership = (
        user.memberships.filter(programme=programme)
        .exclude(organisation=None)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


@transaction.atomic
def record_conversation(
    *, by, programme: Programme, data: ContributionInput, submission_key: str, when: date | None = None
) -> Recorded:
    """A connector records one conversation: a conversation activity with one contribution.

    Sending the same form twice (a phone retrying) stores one conversation.
    """
    existing = Contribution.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return Recorded(existing, created=False)
    _check(data)
    place = data.ward or (data.lsoa.parent if data.lsoa else None)
    activity = Activity.objects.create(
        programme=programme,
        kind=ActivityKind.CONVERSATION,
        title=f"Conversation in {place}" if place else "Conversation",
        date=when or timezone.localdate(),
        area=place,
        partner=_partner_for(by, programme),
        recorded_by=by,
        participants=1,
    )
    recorded = add_contribution(activity, data, by=by, submission_key=submission_key)
    if not recorded.created:  # lost a race with a retry: drop the empty activity made above
        activity.delete()
        return recorded
    audit("contribution.recorded", actor=by, obj=recorded.contribution, programme=programme)
    log.info(
        "conversation recorded",
        extra={"event": "contribution.recorded", "contribution_id": recorded.contribution.pk},
    )
    return recorded


@transaction.atomic
def withdraw_consent(contribution: Contribution, scope: str, *, by=None) -> None:
    """Withdraw one consent. Withdrawing analysis consent deletes the contribution and all derived from it."""
    if scope not in CONSENT_SCOPES:
        raise ActionError(f"Unknown consent {scope!r}; choose one of {', '.join(CONSENT_SCOPES)}.")
    contribution_id, programme = contribution.pk, contribution.programme
    if scope == "analysis":
        contribution.delete()
    else:
        setattr(contribution, f"consent_{scope}", False)
        contribution.save(update_fields=[f"consent_{scope}"])
    audit(
        "consent.withdrawn",
        actor=by,
        programme=programme,
        contribution_id=contribution_id,
        scope=scope,
    )
    log.info("consent withdrawn", extra={"event": "consent.withdrawn", "contribution_id": contribution_id})
