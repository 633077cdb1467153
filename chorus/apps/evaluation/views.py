from __future__ import annotations

import base64
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import render_form, run_action
from chorus.reports.pdf import html_to_pdf

from . import figures, queries, workbook
from .actions import case_studies, indicators, interventions, measurements, populations, reach, surveys
from .forms import (
    CaseStudyForm,
    ComparatorForm,
    ImportGoodRowsForm,
    ImportMeasurementsForm,
    ImportSurveyAnswersForm,
    IndicatorForm,
    InterventionForm,
    MeasurementCountsForm,
    MeasurementForm,
    NewInterventionForm,
    PartnerForm,
    ReachForm,
    SurveyForm,
    SurveyItemForm,
)
from .measurement_table import Layout
from .models import Intervention, Measurement, Reach, SurveyItem, SurveyResponse, Wave
from .rules import partner_scope, programmes_for_new_interventions, visible_interventions

REPORT_CSS = Path(__file__).with_name("static") / "evaluation" / "report.css"
PENDING_IMPORT = "evaluation-pending-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    can_start = programmes_for_new_interventions(request.user).exists()
    return render(
        request, "evaluation/intervention_list.html", {"interventions": interventions, "can_start": can_start}
    )


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


def _report_context(request, intervention: Intervention, *, public: bool = False) -> dict:
    # A report leaves Chorus, so it only ever carries stories published with consent.
    built = figures.build(
        intervention,
        None if public else partner_scope(request.user, intervention),
        published_stories_only=True,
        public=public,
    )
    names = (
        ("public-report", "public-report-pdf", "public-report-xlsx")
        if public
        else (
            "report",
            "report-pdf",
            "report-xlsx",
        )
    )
    args = [intervention.programme.slug, intervention.slug]
    html_url, pdf_url, xlsx_url = (reverse(f"evaluation:{name}", args=args) for name in names)
    return {
        "figures": built,
        "intervention": intervention,
        "html_url": html_url,
        "pdf_url": pdf_url,
        "xlsx_url": xlsx_url,
    }


def _public_or_404(user, programme: str, slug: str) -> Intervention:
    """The public version: anyone once published; before that, only people who can open the evaluation."""
    intervention = (
        Intervention.objects.select_related("programme").filter(programme__slug=programme, slug=slug).first()
    )
    if intervention is None or not user.has_perm("evaluation.view_public_report", intervention):
        raise Http404("No such report")
    return intervention


def _pdf_response(request, context: dict, filename: str) -> HttpResponse:
    html = render_to_string("evaluation/report_pdf.html", context, request)
    pdf = html_to_pdf(html, extra_css=REPORT_CSS.read_text(encoding="utf-8"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_response(context: dict, filename: str) -> HttpResponse:
    content = workbook.evaluation_workbook(context["figures"], produced_on=timezone.localdate())
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(intervention: Intervention, suffix: str) -> str:
    return f"evaluation-{slugify(intervention.programme.slug)}-{slugify(intervention.slug)}{suffix}"


@login_required
def report_html(request, programme: str, slug: str):
    intervention = _intervention_or_404(request.user, programme, slug)
    return render(request, "evaluation/report.html", _report_context(request, intervention))


@login_required
def report_pdf(request, programme: str, slug: str):
    intervention = _intervention_or_404(request.user, programme, slug)
    return _pdf_response(request, _report_context(request, intervention), _filename(intervention, ".pdf"))


@login_required
def report_xlsx(request, programme: str, slug: str):
    intervention = _intervention_or_404(request.user, programme, slug)
    return _xlsx_response(_report_context(request, intervention), _filename(intervention, ".xlsx"))


def public_report_html(request, programme: str, slug: str):
    intervention = _public_or_404(request.user, programme, slug)
    return render(request, "evaluation/report.html", _report_context(request, intervention, public=True))


def public_report_pdf(request, programme: str, slug: str):
    intervention = _public_or_404(request.user, programme, slug)
    context = _report_context(request, intervention, public=True)
    return _pdf_response(request, context, _filename(intervention, "-public.pdf"))


def public_report_xlsx(request, programme: str, slug: str):
    intervention = _public_or_404(request.user, programme, slug)
    context = _report_context(request, intervention, public=True)
    return _xlsx_response(context, _filename(intervention, "-public.xlsx"))


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
        result = measurements.import_measurements(
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
    return render_form(request, "evaluation/import.html", context)


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
    result = measurements.import_measurements(
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
        run_action(
            form,
            case_studies.create_case_study,
            intervention,
            title=data["title"],
            text=data["text"],
            consent_to_publish=data["consent_to_publish"] == "yes",
            publish=data["publish"],
            partner=data["partner"],
            by=request.user,
        )
        if not form.errors:
            messages.success(request, "Case study saved.")
            return redirect(intervention)
    return render_form(
        request, "evaluation/case_study_form.html", {"intervention": intervention, "form": form}
    )


# Editing an evaluation's set-up. Every page is the same shape: a form that comes back filled with a
# message beside the field when something is wrong, and one action function that does the write.


def _manage_url(intervention: Intervention) -> str:
    return reverse("evaluation:manage", args=[intervention.programme.slug, intervention.slug])


def _form_page(
    request,
    intervention: Intervention,
    form,
    save,
    *,
    title: str,
    submit: str,
    done: str,
    remove_url: str | None = None,
    remove_label: str = "",
):
    """Show `form`; on a valid POST call `save(cleaned_data)` and go back to the set-up page."""
    if request.method == "POST" and form.is_valid():
        run_action(form, save, form.cleaned_data)
        if not form.errors:
            messages.success(request, done)
            return redirect(_manage_url(intervention))
    return render_form(
        request,
        "evaluation/edit.html",
        {
            "intervention": intervention,
            "form": form,
            "title": title,
            "submit": submit,
            "remove_url": remove_url,
            "remove_label": remove_label,
            "back_url": _manage_url(intervention),
        },
    )


def _remove(request, intervention: Intervention, remove, done: str):
    try:
        remove()
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_manage_url(intervention))


@login_required
def new_intervention(request):
    programmes = programmes_for_new_interventions(request.user)
    if not programmes.exists():
        raise PermissionDenied("Only programme leads and analysts can start an evaluation.")
    form = NewInterventionForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        intervention = run_action(
            form, interventions.create_intervention, data.pop("programme"), **data, by=request.user
        )
        if intervention is not None:
            messages.success(request, "Evaluation started. Add its partners, indicators and measurements.")
            return redirect(_manage_url(intervention))
    return render_form(
        request,
        "evaluation/edit.html",
        {
            "form": form,
            "title": "Start an evaluation",
            "submit": "Start the evaluation",
            "back_url": reverse("evaluation:interventions"),
        },
    )


@login_required
def manage(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    return render(
        request,
        "evaluation/manage.html",
        {
            "intervention": intervention,
            "partners": intervention.partners.select_related("organisation", "area"),
            "comparators": intervention.comparators.select_related("area"),
            "indicators": intervention.indicators.prefetch_related(
                "measurements__partner__organisation", "measurements__comparator"
            ),
            "reach": Reach.objects.filter(partner__intervention=intervention).select_related(
                "partner__organisation"
            ),
            "surveys": intervention.surveys.prefetch_related("items__tallies", "items__responses"),
            "case_studies": intervention.case_studies.select_related("partner__organisation"),
        },
    )


@login_required
def edit_intervention(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    form = InterventionForm(request.POST or None, instance=intervention)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: interventions.change_intervention(intervention, **data, by=request.user),
        title="Change the intervention",
        submit="Save changes",
        done="Intervention saved.",
    )


@login_required
def add_partner(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    form = PartnerForm(
        request.POST or None,
        organisations=queries.organisation_choices(intervention),
        areas=queries.area_choices(intervention),
    )
    return _form_page(
        request,
        intervention,
        form,
        lambda data: populations.create_partner(intervention, **data, by=request.user),
        title="Add a partner",
        submit="Add partner",
        done="Partner added.",
    )


@login_required
def edit_partner(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    partner = get_object_or_404(intervention.partners, pk=pk)
    form = PartnerForm(
        request.POST or None,
        organisations=queries.organisation_choices(intervention),
        areas=queries.area_choices(intervention),
        instance=partner,
    )
    return _form_page(
        request,
        intervention,
        form,
        lambda data: populations.change_partner(partner, **data, by=request.user),
        title=f"Change {partner}",
        submit="Save changes",
        done="Partner saved.",
        remove_url=reverse("evaluation:remove-partner", args=[programme, slug, pk]),
        remove_label="Remove this partner",
    )


@login_required
@require_POST
def remove_partner(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    partner = get_object_or_404(intervention.partners, pk=pk)
    return _remove(
        request,
        intervention,
        lambda: populations.delete_partner(partner, by=request.user),
        f"{partner} removed.",
    )


@login_required
def add_comparator(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    form = ComparatorForm(request.POST or None, areas=queries.area_choices(intervention))
    return _form_page(
        request,
        intervention,
        form,
        lambda data: populations.create_comparator(intervention, **data, by=request.user),
        title="Add a comparator population",
        submit="Add comparator",
        done="Comparator population added.",
    )


@login_required
def edit_comparator(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    comparator = get_object_or_404(intervention.comparators, pk=pk)
    form = ComparatorForm(
        request.POST or None,
        areas=queries.area_choices(intervention),
        instance=comparator,
    )
    return _form_page(
        request,
        intervention,
        form,
        lambda data: populations.change_comparator(comparator, **data, by=request.user),
        title=f"Change {comparator}",
        submit="Save changes",
        done="Comparator population saved.",
        remove_url=reverse("evaluation:remove-comparator", args=[programme, slug, pk]),
        remove_label="Remove this comparator",
    )


@login_required
@require_POST
def remove_comparator(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    comparator = get_object_or_404(intervention.comparators, pk=pk)
    return _remove(
        request,
        intervention,
        lambda: populations.delete_comparator(comparator, by=request.user),
        f"{comparator} removed.",
    )


@login_required
def add_indicator(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    return _form_page(
        request,
        intervention,
        IndicatorForm(request.POST or None),
        lambda data: indicators.create_indicator(intervention, **data, by=request.user),
        title="Add an outcome indicator",
        submit="Add indicator",
        done="Indicator added.",
    )


@login_required
def edit_indicator(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    indicator = get_object_or_404(intervention.indicators, pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: indicators.change_indicator(indicator, **data, by=request.user),
        title=f"Change {indicator.name}",
        submit="Save changes",
        done="Indicator saved.",
        remove_url=reverse("evaluation:remove-indicator", args=[programme, slug, pk]),
        remove_label="Remove this indicator",
    )


@login_required
@require_POST
def remove_indicator(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    indicator = get_object_or_404(intervention.indicators, pk=pk)
    return _remove(
        request,
        intervention,
        lambda: indicators.delete_indicator(indicator, by=request.user),
        f"{indicator.name} removed.",
    )


@login_required
def add_measurement(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    form = MeasurementForm(request.POST or None, intervention=intervention)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: measurements.record_measurement(
            data["indicator"],
            data["population"],
            when=data["when"],
            eligible=data["eligible"],
            with_outcome=data["with_outcome"],
            by=request.user,
        ),
        title="Add a measurement",
        submit="Add measurement",
        done="Measurement added.",
    )


def _measurement(intervention: Intervention, pk: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.select_related("indicator", "partner__organisation", "comparator"),
        pk=pk,
        indicator__intervention=intervention,
    )


@login_required
def edit_measurement(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    measurement = _measurement(intervention, pk)
    form = MeasurementCountsForm(request.POST or None, instance=measurement)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: measurements.change_measurement(measurement, **data, by=request.user),
        title=f"{measurement.indicator.name}: {measurement.population} on {measurement.date:%-d %B %Y}",
        submit="Save changes",
        done="Measurement saved.",
        remove_url=reverse("evaluation:remove-measurement", args=[programme, slug, pk]),
        remove_label="Remove this measurement",
    )


@login_required
@require_POST
def remove_measurement(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    measurement = _measurement(intervention, pk)
    return _remove(
        request,
        intervention,
        lambda: measurements.delete_measurement(measurement, by=request.user),
        "Measurement removed.",
    )


@login_required
def add_reach(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    form = ReachForm(request.POST or None, intervention=intervention)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: reach.record_reach(
            data["partner"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            residents_reached=data["residents_reached"],
            how_counted=data["how_counted"],
            by=request.user,
        ),
        title="Add residents reached",
        submit="Add reach",
        done="Reach added.",
    )


def _reach(intervention: Intervention, pk: int) -> Reach:
    return get_object_or_404(
        Reach.objects.select_related("partner__organisation"), pk=pk, partner__intervention=intervention
    )


@login_required
def edit_reach(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    record = _reach(intervention, pk)
    form = ReachForm(
        request.POST or None,
        intervention=intervention,
        instance=record,
    )
    return _form_page(
        request,
        intervention,
        form,
        lambda data: reach.change_reach(record, **data, by=request.user),
        title=f"Residents reached by {record.partner}",
        submit="Save changes",
        done="Reach saved.",
        remove_url=reverse("evaluation:remove-reach", args=[programme, slug, pk]),
        remove_label="Remove this reach figure",
    )


@login_required
@require_POST
def remove_reach(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    record = _reach(intervention, pk)
    return _remove(
        request, intervention, lambda: reach.delete_reach(record, by=request.user), "Reach figure removed."
    )


@login_required
def add_survey(request, programme: str, slug: str):
    intervention = _editable_or_403(request.user, programme, slug)
    return _form_page(
        request,
        intervention,
        SurveyForm(request.POST or None),
        lambda data: surveys.create_survey(intervention, **data, by=request.user),
        title="Add a before-and-after survey",
        submit="Add survey",
        done="Survey added. Add its statements.",
    )


@login_required
def edit_survey(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    survey = get_object_or_404(intervention.surveys, pk=pk)
    form = SurveyForm(request.POST or None, instance=survey)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: surveys.change_survey(survey, **data, by=request.user),
        title=f"Change {survey}",
        submit="Save changes",
        done="Survey saved.",
        remove_url=reverse("evaluation:remove-survey", args=[programme, slug, pk]),
        remove_label="Remove this survey",
    )


@login_required
@require_POST
def remove_survey(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    survey = get_object_or_404(intervention.surveys, pk=pk)
    return _remove(
        request, intervention, lambda: surveys.delete_survey(survey, by=request.user), f"{survey} removed."
    )


@login_required
def add_survey_item(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    survey = get_object_or_404(intervention.surveys, pk=pk)
    form = SurveyItemForm(request.POST or None)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: surveys.create_survey_item(
            survey,
            statement=data["statement"],
            domain=data["domain"],
            before=form.tally("before"),
            after=form.tally("after"),
            by=request.user,
        ),
        title=f"Add a statement to {survey}",
        submit="Add statement",
        done="Statement added.",
    )


@login_required
def import_survey_answers(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    survey = get_object_or_404(intervention.surveys.prefetch_related("items"), pk=pk)
    form = ImportSurveyAnswersForm(request.POST or None, request.FILES or None)
    context = {
        "intervention": intervention,
        "survey": survey,
        "form": form,
        "answers_held": SurveyResponse.objects.filter(item__survey=survey).count(),
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = surveys.import_survey_answers(survey, upload.read(), upload.name, by=request.user)
        if result.imported:
            messages.success(
                request,
                f"{result.imported} answer{pluralize(result.imported)} to {result.statements} "
                f"statement{pluralize(result.statements)} imported into {survey}; "
                f"{result.linked_respondents} {pluralize(result.linked_respondents, 'person,people')} "
                "answered both before and after.",
            )
            return redirect(f"{_manage_url(intervention)}#surveys")
        context["result"] = result
        return render(request, "evaluation/survey_answers_import.html", context, status=400)
    return render_form(request, "evaluation/survey_answers_import.html", context)


def _survey_item(intervention: Intervention, pk: int) -> SurveyItem:
    return get_object_or_404(
        SurveyItem.objects.select_related("survey"), pk=pk, survey__intervention=intervention
    )


@login_required
def edit_survey_item(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    item = _survey_item(intervention, pk)
    tallies = {t.wave: t for t in item.tallies.all()}
    initial = {"statement": item.statement, "domain": item.domain}
    for wave, prefix in ((Wave.PRE, "before"), (Wave.POST, "after")):
        if wave in tallies:
            initial[f"{prefix}_agreeing"] = tallies[wave].agreeing
            initial[f"{prefix}_respondents"] = tallies[wave].respondents
    form = SurveyItemForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        intervention,
        form,
        lambda data: surveys.change_survey_item(
            item,
            statement=data["statement"],
            domain=data["domain"],
            before=form.tally("before"),
            after=form.tally("after"),
            by=request.user,
        ),
        title=f"Change a statement in {item.survey}",
        submit="Save changes",
        done="Statement saved.",
        remove_url=reverse("evaluation:remove-survey-item", args=[programme, slug, pk]),
        remove_label="Remove this statement",
    )


@login_required
@require_POST
def remove_survey_item(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    item = _survey_item(intervention, pk)
    return _remove(
        request, intervention, lambda: surveys.delete_survey_item(item, by=request.user), "Statement removed."
    )


@login_required
def edit_case_study(request, programme: str, slug: str, pk: int):
    intervention = _editable_or_403(request.user, programme, slug)
    story = get_object_or_404(intervention.case_studies, pk=pk)
    form = CaseStudyForm(
        request.POST or None,
        intervention=intervention,
        instance=story,
    )
    return _form_page(
        request,
        intervention,
        form,
        lambda data: case_studies.change_case_study(
            story,
            title=data["title"],
            text=data["text"],
            consent_to_publish=data["consent_to_publish"] == "yes",
            publish=data["publish"],
            partner=data["partner"],
            by=request.user,
        ),
        title=f"Change the case study '{story.title}'",
        submit="Save changes",
        done="Case study saved.",
    )
