"""Figures for the delivery pages, from the database. Anything a partner sees about the whole programme goes
through disclosure control."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.programmes.models import Programme
from chorus.privacy.disclosure import display_count

from . import pipeline, standards
from .models import ConnectorProfile, StandardScore, StatusChange


@dataclass(frozen=True)
class ProgrammeFigures:
    """The programme's public-style figures: every count disclosure-controlled."""

    activities: int | str
    participants: int | str
    contributions: int | str
    partners: int | str
    wards_reached: int | str


def programme_figures(programme: Programme) -> ProgrammeFigures:
    activities = Activity.objects.filter(programme=programme)
    totals = activities.aggregate(n=Count("id"), people=Sum("participants"))
    return ProgrammeFigures(
        activities=display_count(totals["n"] or 0),
        participants=display_count(totals["people"] or 0),
        contributions=display_count(Contribution.objects.filter(programme=programme).count()),
        partners=display_count(programme.partnerships.count()),
        wards_reached=display_count(activities.exclude(area=None).values("area").distinct().count()),
    )


def funnel(programme: Programme) -> tuple[list[pipeline.FunnelRow], int]:
    history: dict[int, list[str]] = defaultdict(list)
    for profile_id, status in StatusChange.objects.filter(profile__programme=programme).values_list(
        "profile_id", "to_status"
    ):
        history[profile_id].append(status)
    people = [
        (history[pk] or [status], status)
        for pk, status in ConnectorProfile.objects.filter(programme=programme).values_list("pk", "status")
    ]
    return pipeline.funnel(people)


@dataclass(frozen=True)
class ConnectorActivity:
    profile: ConnectorProfile
    activities: int
    contributions: int


def activity_per_connector(programme: Programme) -> list[ConnectorActivity]:
    profiles = list(
        ConnectorProfile.objects.filter(programme=programme).select_related("area", "user", "organisation")
    )
    user_ids = [p.user_id for p in profiles if p.user_id]
    activities = dict(
        Activity.objects.filter(programme=programme, recorded_by__in=user_ids)
        .values_list("recorded_by")
        .annotate(n=Count("id"))
    )
    contributions = dict(
        Contribution.objects.filter(programme=programme, recorded_by__in=user_ids)
        .values_list("recorded_by")
        .annotate(n=Count("id"))
    )
    return [
        ConnectorActivity(p, activities.get(p.user_id, 0), contributions.get(p.user_id, 0)) for p in profiles
    ]


def standards_comparison(programme: Programme, neighbourhood=None) -> list[standards.Comparison]:
    scores = StandardScore.objects.filter(assessment__programme=programme)
    scores = scores.filter(
        Q(assessment__neighbourhood=neighbourhood) if neighbourhood else Q(assessment__neighbourhood=None)
    )
    return standards.compare(
        standards.Score(a, kind, s, score)
        for a, kind, s, score in scores.values_list(
            "assessment__assessed_on", "assessment__assessor", "standard", "score"
        )
    )
