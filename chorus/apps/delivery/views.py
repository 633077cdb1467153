from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from chorus.apps.core.forms import render_form, run_action
from chorus.apps.core.paging import page_of
from chorus.apps.engagement.models import Activity
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.programmes.models import Grant, Organisation, Programme
from chorus.privacy.disclosure import display_count

from . import actions, figures, seven_steps, standards
from .forms import (
    AssessmentForm,
    ConcernForm,
    EventForm,
    PartnerActivityForm,
    RecruitForm,
    SignInSheetForm,
    StatusForm,
    StepForm,
    SupervisionForm,
    TrainingForm,
)
from .models import ConnectorProfile, Event, GrantMilestone, GrantReport, Neighbourhood, StepRecord
from .rules import (
    concern_programmes,
    delivery_programmes,
    own_portals,
    portal_organisations,
    visible_concerns,
)


def _programme(user, slug: str, perm: str = "delivery.view_programme") -> Programme:
    programme = Programme.objects.filter(slug=slug).select_related("local_authority").first()
    if programme is None or not user.has_perm(perm, programme):
        raise Http404("No such programme")
    return programme


def _portal(user, programme_slug: str, organisation_slug: str) -> tuple[Programme, Organisation]:
    programme = get_object_or_404(Programme, slug=programme_slug)
    organisation = portal_organisations(user, programme).filter(slug=organisation_slug).first()
    if organisation is None:  # another partner's portal is not there at all for this user
        raise Http404("No such partner")
    return programme, organisation


@login_required
def index(request):
    user = request.user
    portals = [(portal.programme, portal.organisation) for portal in own_portals(user)]
    return render(
        request,
        "delivery/index.html",
        {
            "programmes": delivery_programmes(user),
            "portals": portals,
            "concerns": visible_concerns(user).filter(closed_at=None).count(),
        },
    )


# Partner portal --------------------------------------------------------------------------------------------


def _grants(programme: Programme, organisations) -> list[Grant]:
    return list(
        Grant.objects.filter(programme=programme, organisation__in=organisations)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("milestones", queryset=GrantMilestone.objects.order_by("due_on")),
            Prefetch("reports", queryset=GrantReport.objects.order_by("due_on")),
        )
    )


# A partner's staff read their portal on a phone: a screenful or two of activities at a time.
PORTAL_ACTIVITIES_PER_PAGE = 20


@login_required
def portal(request, programme: str, organisation: str):
    programme, organisation = _portal(request.user, programme, organisation)
    activities = (
        Activity.objects.filter(programme=programme, partner=organisation)
        .select_related("area")
        .order_by("-date", "-pk")
    )
    contributions = (
        visible_contributions(request.user)
        .filter(programme=programme, activity__partner=organisation)
        .select_related("activity", "ward")
    )
    return render(
        request,
        "delivery/portal.html",
        {
            "programme": programme,
            "organisation": organisation,
            "areas_served": organisation.areas_served.all(),
            "grants": _grants(programme, [organisation]),
            "activities": page_of(activities, PORTAL_ACTIVITIES_PER_PAGE, request.GET.get("page")),
            "contributions": contributions[:20],
            "contribution_count": contributions.count(),
            "figures": figures.programme_figures(programme),
        },
    )


@login_required
def record_activity(request, programme: str, organisation: str):
    programme, organisation = _portal(request.user, programme, organisation)
    form = PartnerActivityForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = run_action(
            form,
            actions.record_partner_activity,
            by=request.user,
            programme=programme,
            organisation=organisation,
            kind=data["kind"],
            title=data["title"],
            when=data["date"],
            ward=data["ward"],
            participants=data["participants"],
        )
        if activity is not None:
            messages.success(request, f"Activity saved: {activity.title}.")
            return redirect("delivery:activity", programme.slug, organisation.slug, activity.pk)
    return render_form(
        request,
        "delivery/activity_form.html",
        {"programme": programme, "organisation": organisation, "form": form},
    )


@login_required
def activity_detail(request, programme: str, organisation: str, pk: int):
    programme, organisation = _portal(request.user, programme, organisation)
    activity = get_object_or_404(
        Activity.objects.select_related("area", "recorded_by"),
        pk=pk,
        programme=programme,
        partner=organisation,
    )
    contributions = visible_contributions(request.user).filter(activity=activity)
    return render(
        request,
        "delivery/activity_detail.html",
        {
            "programme": programme,
            "organisation": organisation,
            "activity": activity,
            "contributions": contributions,
            "can_record": request.user.has_perm("engagement.record_at_activity", activity),
        },
    )


# Programme running -----------------------------------------------------------------------------------------


@login_required
def programme_overview(request, programme: str):
    programme = _programme(request.user, programme)
    funnel, left = figures.funnel(programme)
    neighbourhoods = list(programme.neighbourhoods.prefetch_related("steps"))
    return render(
        request,
        "delivery/programme.html",
        {
            "programme": programme,
            "can_manage": request.user.has_perm("delivery.manage_programme", programme),
            "funnel": funnel,
            "left": left,
            "neighbourhoods": neighbourhoods,
            "grants": _grants(programme, programme.partners.all()),
            "events": programme.events.count(),
            "partners": portal_organisations(request.user, programme),
        },
    )


@login_required
def grants(request, programme: str):
    programme = _programme(request.user, programme)
    grants = _grants(programme, programme.partners.all())
    total = sum(g.amount_pence for g in grants)
    partners = programme.partners.prefetch_related("areas_served").annotate(
        n_activities=Count("activities", filter=Q(activities__programme=programme), distinct=True),
        n_contributions=Count(
            "activities__contributions", filter=Q(activities__programme=programme), distinct=True
        ),
    )
    return render(
        request,
        "delivery/grants.html",
        {
            "programme": programme,
            "partners": partners,
            "can_manage": request.user.has_perm("delivery.manage_programme", programme),
            "grants": grants,
            "total_pounds": total / 100,
            "overdue": [r for g in grants for r in g.reports.all() if r.overdue],
        },
    )


@login_required
def connectors(request, programme: str):
    programme = _programme(request.user, programme)
    can_manage = request.user.has_perm("delivery.manage_programme", programme)
    funnel, left = figures.funnel(programme)
    widest = max((row.ever for row in funnel), default=0) or 1
    bars = [(row, round(100 * row.ever / widest), round(100 * row.now / widest)) for row in funnel]
    return render(
        request,
        "delivery/connectors.html",
        {
            "programme": programme,
            "can_manage": can_manage,
            "bars": bars,
            "left": left,
            "people": figures.activity_per_connector(programme) if can_manage else [],
        },
    )


@login_required
def recruit(request, programme: str):
    programme = _programme(request.user, programme, "delivery.manage_programme")
    form = RecruitForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        profile = run_action(
            form, actions.recruit_connector, by=request.user, programme=programme, **form.cleaned_data
        )
        if profile is not None:
            messages.success(request, f"{profile.name} recruited.")
            return redirect(profile)
    return render_form(
        request,
        "delivery/simple_form.html",
        {
            "programme": programme,
            "form": form,
            "heading": "Recruit a connector or community researcher",
            "button": "Save",
            "back": ("delivery:connectors", programme.slug),
        },
    )


def _profile(request, programme: str, pk: int) -> ConnectorProfile:
    programme = _programme(request.user, programme, "delivery.manage_programme")
    return get_object_or_404(
        ConnectorProfile.objects.select_related("programme", "area", "user", "organisation"),
        pk=pk,
        programme=programme,
    )


@login_required
def connector(request, programme: str, pk: int):
    profile = _profile(request, programme, pk)
    return _connector_page(request, profile)


def _connector_page(request, profile, status=200, **forms):
    activity = next(
        (a for a in figures.activity_per_connector(profile.programme) if a.profile.pk == profile.pk), None
    )
    context = {
        "programme": profile.programme,
        "profile": profile,
        "activity": activity,
        "changes": profile.status_changes.select_related("changed_by"),
        "training": profile.training.all(),
        "notes": profile.supervision_notes.select_related("written_by"),
        "status_form": forms.get("status_form")
        or (StatusForm(profile=profile) if profile.status != "left" else None),
        "training_form": forms.get("training_form") or TrainingForm(),
        "supervision_form": forms.get("supervision_form") or SupervisionForm(),
    }
    return render(request, "delivery/connector.html", context, status=status)


@login_required
@require_POST
def change_status(request, programme: str, pk: int):
    profile = _profile(request, programme, pk)
    form = StatusForm(request.POST, profile=profile)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            form,
            actions.change_connector_status,
            profile,
            data["status"],
            on=data["on"],
            reason=data["reason"],
            by=request.user,
        )
        if not form.errors:
            messages.success(request, f"{profile.name} is now {data['status']}.")
            return redirect(profile)
    return _connector_page(request, profile, status=400, status_form=form)


@login_required
@require_POST
def add_training(request, programme: str, pk: int):
    profile = _profile(request, programme, pk)
    form = TrainingForm(request.POST)
    if form.is_valid():
        run_action(form, actions.create_training_record, profile, by=request.user, **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Training recorded.")
            return redirect(profile)
    return _connector_page(request, profile, status=400, training_form=form)


@login_required
@require_POST
def add_supervision(request, programme: str, pk: int):
    profile = _profile(request, programme, pk)
    form = SupervisionForm(request.POST)
    if form.is_valid():
        run_action(form, actions.create_supervision_note, profile, by=request.user, **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Supervision note saved.")
            return redirect(profile)
    return _connector_page(request, profile, status=400, supervision_form=form)


# Seven steps -----------------------------------------------------------------------------------------------


@login_required
def path(request, programme: str):
    programme = _programme(request.user, programme)
    rows = []
    for neighbourhood in programme.neighbourhoods.prefetch_related("steps", "areas"):
        records = {r.step: r for r in neighbourhood.steps.all()}
        states = neighbourhood.step_states()
        rows.append(
            {
                "neighbourhood": neighbourhood,
                "current": seven_steps.current_step(states),
                "cells": [(state, records.get(state.step)) for state in states],
            }
        )
    return render(
        request,
        "delivery/path.html",
        {"programme": programme, "rows": rows, "steps": seven_steps.STEPS.items()},
    )


@login_required
def neighbourhood(request, programme: str, pk: int):
    programme = _programme(request.user, programme)
    place = get_object_or_404(Neighbourhood, pk=pk, programme=programme)
    can_manage = request.user.has_perm("delivery.manage_programme", programme)
    form = None
    if can_manage:
        form = StepForm(
            request.POST or None,
            request.FILES or None,
            initial={"step": place.current_step + 1 if place.current_step < 7 else 7},
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            run_action(form, actions.record_step, place, data.pop("step"), by=request.user, **data)
            if not form.errors:
                messages.success(request, "Step saved.")
                return redirect(place)
    elif request.method == "POST":
        raise Http404("No such page")
    records = {r.step: r for r in place.steps.select_related("recorded_by")}
    return render(
        request,
        "delivery/neighbourhood.html",
        {
            "programme": programme,
            "neighbourhood": place,
            "steps": [(n, name, records.get(n)) for n, name in seven_steps.STEPS.items()],
            "current": place.current_step,
            "form": form,
            "comparison": figures.standards_comparison(programme, place),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def step_evidence(request, programme: str, pk: int, step: int):
    """An evidence file, to people who may read the programme's path (media is not served publicly)."""
    programme = _programme(request.user, programme)
    record = get_object_or_404(StepRecord, neighbourhood__programme=programme, neighbourhood_id=pk, step=step)
    if not record.evidence_file:
        raise Http404("No evidence file")
    return FileResponse(
        record.evidence_file.open("rb"), as_attachment=True, filename=Path(record.evidence_file.name).name
    )


# Common Standards ------------------------------------------------------------------------------------------


@login_required
def standards_page(request, programme: str):
    programme = _programme(request.user, programme)
    sections = [("Across the programme", figures.standards_comparison(programme))]
    for place in programme.neighbourhoods.filter(assessments__isnull=False).distinct():
        sections.append((place.name, figures.standards_comparison(programme, place)))
    return render(
        request,
        "delivery/standards.html",
        {
            "programme": programme,
            "sections": sections,
            "can_manage": request.user.has_perm("delivery.manage_programme", programme),
            "assessors": standards.ASSESSORS,
        },
    )


@login_required
def add_assessment(request, programme: str):
    programme = _programme(request.user, programme, "delivery.manage_programme")
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_action(
            form,
            actions.record_assessment,
            programme=programme,
            assessed_on=form.cleaned_data["assessed_on"],
            assessor=form.cleaned_data["assessor"],
            scores=form.scores(),
            by=request.user,
        )
        if not form.errors:
            messages.success(request, "Assessment saved.")
            return redirect("delivery:standards", programme.slug)
    return render_form(
        request,
        "delivery/simple_form.html",
        {
            "programme": programme,
            "form": form,
            "heading": "Common Standards self-assessment",
            "button": "Save assessment",
            "back": ("delivery:standards", programme.slug),
        },
    )


# Events ----------------------------------------------------------------------------------------------------


@login_required
def events(request, programme: str):
    programme = _programme(request.user, programme)
    rows = programme.events.annotate(
        attended=Count("attendance", filter=Q(attendance__signed_in=True))
    ).select_related("neighbourhood")
    return render(
        request,
        "delivery/events.html",
        {
            "programme": programme,
            "rows": [(event, display_count(event.attended)) for event in rows],
            "can_manage": request.user.has_perm("delivery.manage_programme", programme),
        },
    )


@login_required
def add_event(request, programme: str):
    programme = _programme(request.user, programme, "delivery.manage_programme")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = run_action(
            form,
            actions.create_event,
            programme=programme,
            kind=data["kind"],
            title=data["title"],
            when=data["date"],
            place=data["place"],
            capacity=data["capacity"],
            by=request.user,
        )
        if event is not None:
            return redirect(event)
    return render_form(
        request,
        "delivery/simple_form.html",
        {
            "programme": programme,
            "form": form,
            "heading": "Add an event",
            "button": "Save event",
            "back": ("delivery:events", programme.slug),
        },
    )


@login_required
def event_detail(request, programme: str, pk: int):
    programme = _programme(request.user, programme)
    event = get_object_or_404(Event, pk=pk, programme=programme)
    can_manage = request.user.has_perm("delivery.manage_programme", programme)
    form = SignInSheetForm() if can_manage else None
    result = None
    if request.method == "POST":
        if not can_manage:
            raise Http404("No such page")
        form = SignInSheetForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = run_action(
                form, actions.import_sign_in_sheet, event, upload.read(), upload.name, by=request.user
            )
            if result is not None and result.imported and not result.problems:
                messages.success(request, f"{result.imported} row{pluralize(result.imported)} imported.")
                return redirect(event)
    attended = event.attendance.filter(signed_in=True).count()
    return render(
        request,
        "delivery/event.html",
        {
            "programme": programme,
            "event": event,
            "attended": attended,
            "attended_shown": display_count(attended),
            "can_manage": can_manage,
            "sheet": event.attendance.all() if can_manage else None,
            "form": form,
            "result": result,
        },
        status=400 if form is not None and form.errors else 200,
    )


# Safeguarding ----------------------------------------------------------------------------------------------


@login_required
def raise_concern(request):
    contribution = None
    if contribution_id := request.GET.get("contribution") or request.POST.get("contribution"):
        if not str(contribution_id).isdigit():
            raise Http404("No such contribution")
        contribution = visible_contributions(request.user).filter(pk=contribution_id).first()
        if contribution is None:
            raise Http404("No such contribution")
        programme = contribution.programme
    else:
        slug = request.GET.get("programme") or request.POST.get("programme") or ""
        programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        choices = concern_programmes(request.user)
        return render(request, "delivery/concern_choose.html", {"programmes": choices})
    if not request.user.has_perm("delivery.raise_concern", programme):
        raise Http404("No such programme")
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_action(
            form,
            actions.raise_concern,
            by=request.user,
            programme=programme,
            concern=form.cleaned_data["concern"],
            contribution=contribution,
        )
        if not form.errors:
            return render(request, "delivery/concern_raised.html", {"programme": programme})
    return render_form(
        request,
        "delivery/concern_form.html",
        {"programme": programme, "contribution": contribution, "form": form},
    )


@login_required
def concerns(request):
    return render(request, "delivery/concerns.html", {"concerns": visible_concerns(request.user)})


@login_required
def concern(request, pk: int):
    item = visible_concerns(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404("No such concern")
    if request.method == "POST" and item.closed_at is None:
        actions.close_concern(item, by=request.user)
        messages.success(request, "Concern closed.")
        return redirect(item)
    return render(request, "delivery/concern.html", {"concern": item})
