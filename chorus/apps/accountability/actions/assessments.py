"""Residents' answers to "did we listen?": from their own link, through a connector, or from the open
link anyone may use (limited per address and per link)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports.models import Participant
from chorus.apps.places.models import Area

from ..models import (
    PER_RESIDENT_SOURCES,
    Assessment,
    AssessmentSource,
    Difference,
    FeedbackItem,
    Listened,
)
from ..queries import contributions_owed


def _check_answer(feedback: FeedbackItem, listened: str, difference: int) -> None:
    if feedback.sent_on is None:
        raise ActionError("Residents are asked after the feedback has been sent.")
    if listened not in Listened.values:
        raise ActionError("Select whether you felt listened to.", "listened")
    if int(difference) not in Difference.values:
        raise ActionError("Select whether it made a difference.", "difference")


def _lock(feedback: FeedbackItem) -> None:
    """Serialise answers to one feedback item: a row lock on PostgreSQL; SQLite's IMMEDIATE transactions
    already take the write lock when the transaction begins."""
    FeedbackItem.objects.select_for_update().filter(pk=feedback.pk).values_list("pk", flat=True).first()


@transaction.atomic
def record_assessment(
    *,
    feedback: FeedbackItem,
    listened: str,
    difference: int,
    now: datetime,
    source: str,
    comment: str = "",
    participant: Participant | None = None,
    contribution: Contribution | None = None,
    ward: Area | None = None,
    by,
) -> Assessment:
    """A resident's answer. Answering again from one's own link replaces the earlier answer.

    `contribution` is for a connector who knows which resident answered (for reporting by group). Answers
    from the open link go through `record_open_link_answer`."""
    _check_answer(feedback, listened, difference)
    if source not in PER_RESIDENT_SOURCES:
        raise ActionError("Unknown source of the answer.")
    if participant is not None:  # answered from their own link: the contribution the feedback is about
        contribution = (
            contributions_owed(feedback).filter(participant=participant).order_by("pk").first()
            or participant.contributions.order_by("pk").first()
        )
    if contribution is not None and contribution.programme_id != feedback.programme_id:
        raise ActionError("That resident's contribution is in another programme.")
    values = {
        "listened": listened,
        "difference": int(difference),
        "comment": comment.strip(),
        "source": source,
        "ward": ward or (contribution.ward if contribution else None),
        "recorded_by": by if getattr(by, "is_authenticated", False) else None,
        "answered_at": now,
    }
    _lock(feedback)  # two answers at once from one resident's link still make one
    if contribution is not None:
        assessment, _ = Assessment.objects.update_or_create(
            feedback=feedback, contribution=contribution, defaults=values
        )
    else:
        assessment = Assessment.objects.create(feedback=feedback, **values)
    audit("assessment.recorded", actor=by, obj=assessment, programme=feedback.programme, source=source)
    return assessment


# The open link: anyone may answer, so the answers are limited per address and per link, counted in the
# database (the limit holds across processes and machines), and published apart from residents' own answers.
OPEN_LINK_PER_ADDRESS = 3  # answers from one address to one link in a day
OPEN_LINK_PER_HOUR = 30  # answers to one link in an hour, from anywhere


class TooManyAnswers(ActionError):
    """The open link has taken as many answers as it may for now."""


def open_link_address_key(feedback: FeedbackItem, address: str) -> str:
    """A keyed hash of the link and the address: enough to count, never the address itself."""
    return salted_hmac(
        "chorus.accountability.open-link", f"{feedback.pk}:{address}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def record_open_link_answer(
    *,
    feedback: FeedbackItem,
    listened: str,
    difference: int,
    now: datetime,
    address: str,
    comment: str = "",
    earlier: int | None = None,
    by,
) -> Assessment:
    """An answer from the open link. `earlier` is the answer this browser gave before (from its signed
    cookie): it is replaced, so one browser keeps one answer. New answers are refused with TooManyAnswers past
    CHORUS_OPEN_LINK_PER_ADDRESS a day from one address or CHORUS_OPEN_LINK_PER_HOUR an hour in all.
    Nobody signs in to the open link: the page passes `by=None`."""
    _check_answer(feedback, listened, difference)
    per_address = int(getattr(settings, "CHORUS_OPEN_LINK_PER_ADDRESS", OPEN_LINK_PER_ADDRESS))
    per_hour = int(getattr(settings, "CHORUS_OPEN_LINK_PER_HOUR", OPEN_LINK_PER_HOUR))
    key = open_link_address_key(feedback, address)
    values = {
        "listened": listened,
        "difference": int(difference),
        "comment": comment.strip(),
        "answered_at": now,
    }
    _lock(feedback)
    answers = Assessment.objects.filter(feedback=feedback, source=AssessmentSource.OPEN_LINK)
    assessment = answers.filter(pk=earlier).first() if earlier else None
    if assessment is not None:
        for name, value in values.items():
            setattr(assessment, name, value)
        assessment.save(update_fields=list(values))
    else:
        if answers.filter(address_key=key, answered_at__gt=now - timedelta(days=1)).count() >= per_address:
            raise TooManyAnswers(
                "Thank you, but we already have the answers we can take from here today. "
                "If you heard back from us directly, please use the link in your own message."
            )
        if answers.filter(answered_at__gt=now - timedelta(hours=1)).count() >= per_hour:
            raise TooManyAnswers(
                "This link has had a lot of answers in the last hour. Please try again later, or use "
                "the link in your own message if you heard back from us directly."
            )
        assessment = Assessment.objects.create(
            feedback=feedback, source=AssessmentSource.OPEN_LINK, address_key=key, **values
        )
    audit(
        "assessment.recorded",
        actor=by,
        obj=assessment,
        programme=feedback.programme,
        source=AssessmentSource.OPEN_LINK,
    )
    return assessment
