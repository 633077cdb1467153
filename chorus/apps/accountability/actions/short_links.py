"""Short "have your say" links: a code for the open link on leaflets and posters, and one per resident for
their text message or email."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from chorus.apps.imports.models import Participant

from .. import tokens
from ..models import FeedbackItem, ShortLink

ATTEMPTS = 10  # a new random code clashing with an existing one ten times running means something is wrong


def short_link_for(item: FeedbackItem, participant: Participant | None = None) -> ShortLink:
    """The feedback's short link (the open one without a participant), made the first time it is asked for.

    Not audited: it only names a link that the feedback already has, and holds nothing about a resident."""
    found = ShortLink.objects.filter(feedback=item, participant=participant).first()
    if found is not None:
        return found
    length = tokens.OPEN_CODE_LENGTH if participant is None else tokens.OWN_CODE_LENGTH
    for _ in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return ShortLink.objects.create(
                    code=tokens.new_code(length), feedback=item, participant=participant
                )
        except IntegrityError:
            found = ShortLink.objects.filter(feedback=item, participant=participant).first()
            if found is not None:  # made at the same moment by another request
                return found
    raise RuntimeError("could not find a free short code")


def short_url(link: ShortLink, base_url: str = "") -> str:
    base = base_url or getattr(settings, "CHORUS_BASE_URL", "http://localhost:8000")
    return base.rstrip("/") + reverse("accountability:short-link", args=[link.code])


def is_current(link: ShortLink) -> bool:
    return link.created_at >= timezone.now() - timedelta(days=tokens.link_days())
