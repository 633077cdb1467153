from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from chorus.apps.accountability.models import FeedbackItem
from chorus.apps.accounts.models import Role
from chorus.apps.coding.queries import current_codebook, review_queue
from chorus.apps.core.predicates import programmes_where
from chorus.apps.engagement.corrections import CORRECTION_WINDOW, correctable
from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.imports.models import BatchStatus, ImportBatch
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Organisation, Programme
from chorus.apps.programmes.rules import member_programmes

FEEDBACK_SOON = datetime.timedelta(days=7)
CONNECTOR_HOME_ROWS = 30


def home(request):
    """Each person's own home: a connector's conversations, a partner's portal, an analyst's work, a board
    member's board story; administrators and people in several roles see their work and their programmes."""
    if not request.user.is_authenticated:
        return _welcome(request)
    user = request.user
    held = [h for h in user.roles_held() if h.programme_id is not None]
    roles = {h.role for h in held}
    if not user.is_administrator:
        if roles == {Role.DECISION_MAKER}:
            programme_ids = {h.programme_id for h in held}
            if len(programme_ids) == 1:
                return redirect("publishing:story", Programme.objects.get(pk=programme_ids.pop()).slug)
        if roles == {Role.PARTNER}:
            own = [h for h in held if h.organisation_id is not None]
            if len(own) == 1:
                programme = Programme.objects.get(pk=own[0].programme_id)
                organisation = Organisation.objects.get(pk=own[0].organisation_id)
                return redirect("delivery:portal", programme.slug, organisation.slug)
        if roles == {Role.CONNECTOR}:
            return _connector_home(request)
    programmes = member_programmes(user).annotate(
        contribution_count=Count("contributions", distinct=True),
    )
    analyst_programmes = (
        programmes_where(user, Role.ANALYST).order_by("name")
        if user.is_administrator or Role.ANALYST in roles
        else []
    )
    work = [_analyst_work(programme) for programme in analyst_programmes]
    if not work and programmes.count() == 1 and not user.is_administrator:
        return redirect(programmes.first())
    board_programmes = [
        programme for programme in programmes if user.has_perm("publishing.view_story", programme)
    ]
    return render(
        request,
        "web/home.html",
        {"programmes": programmes, "work": work, "board_programmes": board_programmes},
    )


def _welcome(request):
    """For a resident who types the site's address: the public programmes, each with a link to its public
    page, and a quiet way in for staff. Only what those public pages show already: no private field."""
    programmes = (
        Programme.objects.filter(is_public=True)
        .select_related("local_authority")
        .only("slug", "name", "summary", "local_authority__name")
        .order_by("name")
    )
    return render(request, "web/welcome.html", {"programmes": programmes})


def _analyst_work(programme: Programme) -> dict:
    """What waits for the programme's analysts: contributions to review, imports waiting, feedback due."""
    today = timezone.localdate()
    codebook = current_codebook(programme)
    to_review = (
        review_queue(codebook, Contribution.objects.filter(programme=programme)).count() if codebook else 0
    )
    imports_waiting = ImportBatch.objects.filter(
        source__programme=programme,
        status__in=[BatchStatus.DRAFT, BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.FAILED],
    ).count()
    feedback = FeedbackItem.objects.filter(programme=programme, sent_on=None)
    return {
        "programme": programme,
        "to_review": to_review,
        "imports_waiting": imports_waiting,
        # Due soon leaves out the overdue, which are counted on their own: "3 due, 3 overdue" meant 3.
        "feedback_due": feedback.filter(due_date__gte=today, due_date__lte=today + FEEDBACK_SOON).count(),
        "feedback_overdue": feedback.filter(due_date__lt=today).count(),
    }


def _connector_home(request):
    """A connector's own conversations, the latest talked first, each correctable for a while after it was
    saved, and a link to each programme they work in."""
    mine = (
        Contribution.objects.filter(recorded_by=request.user)
        .select_related("activity", "programme")
        # By the day of the conversation, which each card shows, then by when it was saved: saved order alone
        # put a January conversation above June ones when they were typed in or imported later.
        .order_by("-activity__date", "-recorded_at")
    )
    now = timezone.now()
    conversations = [
        {"contribution": c, "correctable": correctable(c, now)} for c in mine[:CONNECTOR_HOME_ROWS]
    ]
    return render(
        request,
        "web/home_connector.html",
        {
            "conversations": conversations,
            "total": mine.count(),
            "window_days": CORRECTION_WINDOW.days,
            # The menu's "Programmes" comes back here, so the home links their programme's page itself.
            "programmes": member_programmes(request.user).order_by("name"),
        },
    )


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
            "perms_story": request.user.has_perm("publishing.view_story", programme),
            "perms_people": request.user.has_perm("accounts.manage_people", programme),
        },
    )


def privacy(request):
    return render(request, "web/privacy.html")


def accessibility(request):
    return render(request, "web/accessibility.html")
