from __future__ import annotations

import base64
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.utils.text import slugify

from chorus.reports.pdf import html_to_pdf

from . import actions, figures
from .forms import CaseStudyForm, ImportGoodRowsForm, ImportMeasurementsForm
from .measurement_table import Layout
from .models import Intervention
from .rules import partner_scope, visible_interventions

REPORT_CSS = Path(__file__).with_name("static") / "evaluation" / "report.css"
PENDING_IMPORT = "evaluation-pending-import"


def _intervention_or_404(user, programme: str, slug: str) -> Intervention:
    intervention = visible_interventions(user).filter(programme__slug=programme, slug=slug).first()
    if intervention is None:
        raise Http404("No such intervention")
    return intervention


def _editable_or_403(user, programme: str, slug: str) -> Intervention:
    intervention = _intervention_or_404(user, programme, slug)
    if not user.has_perm("evaluation.change_intervention", intervention):
        raise PermissionDenied("Only the programme's leads and analysts can change its evaluation.")
    return intervention


@login_required
def intervention_list(request):
    interventions = visible_interventions(request.user).prefetch_related("partners", "indicators")
    return render(request, "evaluation/intervention_list.html", {"interventions": interventions})


@login_required
def intervention_detail(request, programme: str, slug: str):
    intervention = _intervention_or_404(request.user, programme, slug)
    can_edit = request.user.has_perm("evaluation.change_intervention", intervention)
    scope = partner_scope(request.user, intervention)
    built = figures.build(intervention, scope, published_stories_only=not can_edit and scope is None)
    return render(
        request,
        "evaluation/intervention_detail.html",
        {"figures": built, "intervention": intervention, "can_edit": can_edit},
    )


def _report_context(request, intervention: Intervention) -> dict:
    # A report leaves Chorus, so it only ever carries stories published with consent.
    built = figures.build(
        intervention, partner_scope(request.user, intervention), published_stories_only=True
    )
    return {"figures": built, "intervention": intervention}


@login_required
def report_html(request, programme: str, slug: str):
    intervention = _intervention_or_404(request.user, programme, slug)
    return render(request, "evaluation/report.html", _report_context(request, intervention))


@login_required
def report_pdf(request, programme: str, slug: str):
    intervention = _intervention_or_404(request.user, programme, slug)
    html = render_to_string("evaluation/report_pdf.html", _report_context(request, intervention), request)
    pdf = html_to_pdf(html, extra_css=REPORT_CSS.read_text(encoding="utf-8"))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"evaluation-{slugify(intervention.programme.slug)}-{slugify(intervention.slug)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_measurements(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    if request.method == "POST" and "token" in request.POST:
        return _import_good_rows(request, intervention)
    form = ImportMeasurementsForm(request.POST or None, request.FILES or None, intervention=intervention)
    context = {"intervention": intervention, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        content = upload.read()
        result = actions.import_measurements(
            intervention,
            data["indicator"],
            content,
            upload.name,
            Layout(data["layout"]),
            decimals=data["decimals"],
            by=request.user,
        )
        if result.imported:
            messages.success(request, f"{result.imported} measurement{pluralize(result.imported)} imported.")
            return redirect(intervention)
        context["result"] = result
        if result.good_rows and all(problem.row > 1 for problem in result.problems):
            token = uuid.uuid4().hex
            request.session[PENDING_IMPORT] = {
                "token": token,
                "intervention": intervention.pk,
                "indicator": data["indicator"].pk,
                "layout": data["layout"],
                "decimals": data["decimals"],
                "filename": upload.name,
                "content": base64.b64encode(content).decode("ascii"),
            }
            context["good_rows_form"] = ImportGoodRowsForm(initial={"token": token})
        return render(request, "evaluation/import.html", context, status=400)
    return render(request, "evaluation/import.html", context, status=400 if form.errors else 200)


def _import_good_rows(request, intervention: Intervention):
    form = ImportGoodRowsForm(request.POST)
    pending = request.session.get(PENDING_IMPORT)
    indicator = intervention.indicators.filter(pk=(pending or {}).get("indicator")).first()
    if (
        not form.is_valid()
        or not pending
        or pending["token"] != form.cleaned_data["token"]
        or pending["intervention"] != intervention.pk
        or indicator is None
    ):
        messages.info(request, "That import has expired. Choose the file again.")
        return redirect("evaluation:import", intervention.programme.slug, intervention.slug)
    result = actions.import_measurements(
        intervention,
        indicator,
        base64.b64decode(pending["content"]),
        pending["filename"],
        Layout(pending["layout"]),
        decimals=pending["decimals"],
        import_good_rows=True,
        by=request.user,
    )
    del request.session[PENDING_IMPORT]
    messages.success(
        request,
        f"{result.imported} measurement{pluralize(result.imported)} imported; "
        f"{result.rows_with_problems} row{pluralize(result.rows_with_problems)} with problems skipped.",
    )
    return redirect(intervention)


@login_required
def add_case_study(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    form = CaseStudyForm(request.POST or None, intervention=intervention)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.add_case_study(
            intervention,
            title=data["title"],
            text=data["text"],
            consent_to_publish=data["consent_to_publish"] == "yes",
            publish=data["publish"],
            partner=data["partner"],
            by=request.user,
        )
        messages.success(request, "Case study saved.")
        return redirect(intervention)
    return render(
        request,
        "evaluation/case_study_form.html",
        {"intervention": intervention, "form": form},
        status=400 if form.errors else 200,
    )
