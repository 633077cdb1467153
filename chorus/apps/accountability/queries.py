"""Reads for "you said, we did" that pages, the feed and the actions share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.programmes.models import Programme

from . import deadlines
from .models import Action, Channel, FeedbackItem, FeedbackKind, Priority
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


# The feedback page at scale: filters, groups and counts in a few queries whatever the number of items.

STATUS_FILTERS = {
    "overdue": "Overdue",
    "due-soon": "Due in the next 3 days",
    "not-yet-due": "Not yet due",
}


def owed_items(
    programme_ids, today: date, *, channel: str = "", status: str = "", activity: str = ""
) -> QuerySet[FeedbackItem]:
    """Feedback planned and not sent yet, overdue first (oldest due date first), then by activity."""
    items = FeedbackItem.objects.filter(programme_id__in=programme_ids, sent_on=None)
    if channel:
        items = items.filter(channel=channel)
    if status == "overdue":
        items = items.filter(due_date__lt=today)
    elif status == "due-soon":
        items = items.filter(
            due_date__gte=today, due_date__lte=today + timedelta(days=deadlines.DUE_SOON_DAYS)
        )
    elif status == "not-yet-due":
        items = items.filter(due_date__gt=today + timedelta(days=deadlines.DUE_SOON_DAYS))
    if activity.strip():
        words = activity.strip()
        items = items.filter(
            Q(activity__title__icontains=words)
            | Q(decision__priority__title__icontains=words)
            | Q(title__icontains=words)
        )
    return items.select_related("programme", "activity", "decision__priority").order_by(
        "due_date", "activity__title", "decision__priority__title", "id"
    )


def residents_to_reach(items: list[FeedbackItem]) -> dict[int, int]:
    """For each email or text item: how many residents (participants, however often they spoke) asked to
    hear back that way. Two grouped queries for any number of items."""
    by_activity = {(i.activity_id, i.channel): i.pk for i in items if i.activity_id}
    by_priority = {
        (i.decision.priority_id, i.channel): i.pk for i in items if i.decision_id and not i.activity_id
    }
    return {**_reach_by(by_activity, "activity_id"), **_reach_by(by_priority, "priorities")}


def _reach_by(items_by_key: dict[tuple[int, str], int], field: str) -> dict[int, int]:
    """Residents to reach for items keyed by (`field` value, channel): one grouped query."""
    if not items_by_key:
        return {}
    rows = (
        Contribution.objects.filter(
            **{f"{field}__in": {value for value, _ in items_by_key}},
            consent_recontact=True,
            participant__contact_channel__in=[Channel.EMAIL, Channel.SMS],
        )
        .values(field, "participant__contact_channel")
        .annotate(n=Count("participant", distinct=True))
    )
    reach = {}
    for row in rows:
        key = (row[field], row["participant__contact_channel"])
        if key in items_by_key:
            reach[items_by_key[key]] = row["n"]
    return reach


HOW = {
    Channel.EMAIL: "Email",
    Channel.SMS: "Text message",
    Channel.NEWSLETTER: "Newsletter",
    Channel.EVENT: "Event",
    Channel.PUBLIC_PAGE: "Public page",
}


@dataclass
class OwedRow:
    item: FeedbackItem
    about: str  # the activity, or the decision's priority
    reach: str  # "3 residents to reach" for email and text; blank otherwise

    @property
    def how(self) -> str:
        return HOW.get(self.item.channel, self.item.channel)


@dataclass
class OwedGroup:
    """Items due on one day, in order of the activity (or decision) they are about."""

    due: date
    deadline: deadlines.Deadline
    rows: list[OwedRow] = field(default_factory=list)

    @property
    def due_label(self) -> str:
        return deadlines.day_label(self.due)


def group_owed(items: list[FeedbackItem], today: date, reach: dict[int, int]) -> list[OwedGroup]:
    """`items` in due-date order, grouped by due date (the query orders each day by activity)."""
    groups: list[OwedGroup] = []
    for item in items:
        if not groups or groups[-1].due != item.due_date:
            groups.append(OwedGroup(item.due_date, item.deadline(today)))
        about = item.activity.title if item.activity_id else f"Decision on {item.decision.priority.title}"
        residents = ""
        if item.channel in (Channel.EMAIL, Channel.SMS):
            n = reach.get(item.pk, 0)
            residents = f"{n:,} resident{'' if n == 1 else 's'} to reach"
        groups[-1].rows.append(OwedRow(item, about, residents))
    return groups


def unplanned_activities(programme_ids, today: date) -> QuerySet[Activity]:
    """Gatherings held with no "what we heard" planned, oldest first."""
    planned = FeedbackItem.objects.filter(activity=OuterRef("pk"), kind=FeedbackKind.WHAT_WE_HEARD)
    return (
        Activity.objects.filter(programme_id__in=programme_ids, kind__in=GATHERINGS, date__lte=today)
        .filter(~Exists(planned))
        .select_related("programme")
        .order_by("date", "id")
    )
