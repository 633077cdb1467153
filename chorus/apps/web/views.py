from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Programme
from chorus.apps.programmes.rules import member_programmes


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    programmes = member_programmes(request.user).annotate(
        contribution_count=Count("contributions", distinct=True),
    )
    if programmes.count() == 1 and not request.user.is_administrator:
        return redirect(programmes.first())
    return render(request, "web/home.html", {"programmes": programmes})


@login_required
def programme_overview(request, slug: str):
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm("programmes.view_programme", programme):
        return render(request, "web/not_found.html", status=404)
    focus = set(programme.focus_areas.values_list("pk", flat=True))
    wards = (
        Area.objects.filter(level=Level.WARD, parent=programme.local_authority_id)
        .annotate(
            n_contributions=Count(
                "ward_contributions", filter=Q(ward_contributions__programme=programme), distinct=True
            ),
            n_activities=Count("activities", filter=Q(activities__programme=programme), distinct=True),
        )
        .order_by("-n_contributions", "name")
    )
    by_ward = [w for w in wards if w.n_contributions or w.n_activities or w.pk in focus]
    activity_kinds = (
        Activity.objects.filter(programme=programme).values("kind").annotate(n=Count("id")).order_by("-n")
    )
    totals = {
        "contributions": Contribution.objects.filter(programme=programme).count(),
        "activities": Activity.objects.filter(programme=programme).count(),
        "participants": sum(
            Activity.objects.filter(programme=programme).values_list("participants", flat=True)
        ),
        "core20": Contribution.objects.filter(programme=programme, core20=True).count(),
    }
    sees_raw = request.user.has_perm("engagement.list_programme_contributions", programme)
    latest = (
        visible_contributions(request.user).filter(programme=programme).select_related("ward", "activity")[:8]
        if sees_raw
        else []
    )
    kind_labels = dict(Activity._meta.get_field("kind").choices)
    return render(
        request,
        "web/programme.html",
        {
            "programme": programme,
            "by_ward": by_ward,
            "focus": focus,
            "activity_kinds": [
                {"label": kind_labels.get(k["kind"], k["kind"]), "n": k["n"]} for k in activity_kinds
            ],
            "totals": totals,
            "latest": latest,
            "sees_raw": sees_raw,
            "can_change": request.user.has_perm("programmes.change_programme", programme),
        },
    )


def privacy(request):
    return render(request, "web/privacy.html")


def accessibility(request):
    return render(request, "web/accessibility.html")
