"""Reads for "you said, we did" that pages, the feed and the actions share."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.programmes.models import Programme

from .models import Action, FeedbackItem, Priority
from .reporting import GATHERINGS, public_decisions


def is_gathering(activity: Activity) -> bool:
    return activity.kind in GATHERINGS


def contributions_owed(item: FeedbackItem) -> QuerySet[Contribution]:
    """The contributions whose residents this feedback is about."""
    if item.activity_id:
        return Contribution.objects.filter(activity_id=item.activity_id)
    return Contribution.objects.filter(priorities=item.decision.priority_id)


def public_programme(slug: str) -> Programme:
    """A programme with a public page: public itself, or with at least one public priority (else 404)."""
    programme = get_object_or_404(Programme, slug=slug)
    if not (programme.is_public or programme.priorities.filter(is_public=True).exists()):
        raise Http404
    return programme


def public_priorities(programme: Programme) -> QuerySet[Priority]:
    return (
        programme.priorities.filter(is_public=True)
        .prefetch_related(
            Prefetch("decisions", queryset=public_decisions()),
            Prefetch("actions", queryset=Action.objects.select_related("owner")),
            "proposals",
        )
        .order_by("title")
    )
