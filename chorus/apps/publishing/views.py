"""Board report pages (for the programme), the public programme page and its open-data files."""

from __future__ import annotations

import io
import re
import zipfile
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.http import require_POST

from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import render_form, run_action
from chorus.apps.engagement.models import Activity
from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import Programme

from . import actions, opendata, public_page, word
from . import render as rendering
from . import story as board_story
from .figures import describe_filters
from .forms import RecommendationForm, ReportForm, StoryPeriodForm
from .models import Recommendation, Report, ReportStatus

# ------------------------------------------------------------------------------------------------ helpers


def _member_programme(request, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm("publishing.view_reports", programme):
        raise Http404
    return programme


def _public_programme(slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug, is_public=True)


def _versions(reports) -> list[dict]:
    """Report versions grouped by period, newest period first, newest version first within it."""
    return [
        {"start": start, "end": end, "versions": list(versions)}
        for (start, end), versions in groupby(reports, key=lambda r: (r.period_start, r.period_end))
    ]


def _listing(queryset):
    return queryset.defer("figures", "html", "pdf").order_by("-period_end", "-period_start", "-version")


def _body(report: Report) -> str:
    """The stored body, or (before the background task has run) the same body drawn now."""
    if report.html:
        return report.html
    if report.status == ReportStatus.FAILED:
        return ""
    charts = rendering.draw_charts(report.figures)
    made_at = f"{timezone.localtime(report.created_at):%-d %B %Y}"
    return rendering.body_html(report.figures, charts, version=report.version, made_at=made_at)


TABLE = re.compile(r'<table class="nhsuk-table publishing-table">.*?</table>', re.S)
CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.S)


def _for_screen(body: str) -> str:
    """The report body for a screen: each table inside a region of its own that scrolls sideways on a
    phone (named by the table's caption, reachable by keyboard), so that the page itself never does.
    Done when shown, so that reports rendered earlier fit too."""

    def wrapped(match: re.Match) -> str:
        caption = CAPTION.search(match.group(0))
        label = strip_tags(caption.group(1)) if caption else "Table"
        label = " ".join(label.split()).replace('"', "&quot;")
        return (
            f'<div class="publishing-table-scroll" role="region" aria-label="{label}" tabindex="0">'
            f"{match.group(0)}</div>"
        )

    return TABLE.sub(wrapped, body)


def _pdf_response(report: Report) -> HttpResponse:
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    name = (
        f"{report.programme.slug}-report-{report.period_start}-to-{report.period_end}-v{report.version}.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------------------------ reports


@login_required
def report_list(request, slug: str):
    programme = _member_programme(request, slug)
    reports = list(_listing(programme.reports.select_related("created_by")))
    filters = Filters.from_query(request.GET)
    return render(
        request,
        "publishing/report_list.html",
        {
            "programme": programme,
            "periods": _versions(reports),
            "can_create": request.user.has_perm("publishing.create_report", programme),
            "query": filters.query_string(),
            "refresh": any(report.is_active for report in reports),
        },
    )


def _initial_period(programme: Programme, filters: Filters) -> dict:
    first = (
        Activity.objects.filter(programme=programme).order_by("date").values_list("date", flat=True).first()
    )
    return {
        "period_start": filters.date_from or programme.start_date or first or timezone.localdate(),
        "period_end": filters.date_to or timezone.localdate(),
    }


@login_required
def report_new(request, slug: str):
    programme = _member_programme(request, slug)
    if not request.user.has_perm("publishing.create_report", programme):
        raise PermissionDenied
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            report = run_action(
                form,
                actions.create_report,
                programme,
                form.cleaned_data["period_start"],
                form.cleaned_data["period_end"],
                form.chosen_filters(),
                public=form.public,
                by=request.user,
            )
            if report is not None:
                messages.success(
                    request, f"Version {report.version} made. Its PDF is being prepared in the background."
                )
                return redirect(report)
        chosen = Filters.from_query(QueryDict(request.POST.get("filters") or ""))
    else:
        chosen = Filters.from_query(request.GET)
        form = ReportForm(
            initial={
                **_initial_period(programme, chosen),
                "filters": urlencode(chosen.without("from", "to").as_params()),
            }
        )
    return render_form(
        request,
        "publishing/report_form.html",
        {
            "programme": programme,
            "form": form,
            "filters": describe_filters(chosen.without("from", "to")),
            "problems": chosen.problems,
        },
    )


def _report_for(request, slug: str, pk: int, *, defer_pdf: bool = True) -> Report:
    reports = Report.objects.select_related("programme", "created_by")
    if defer_pdf:
        reports = reports.defer("pdf")
    report = get_object_or_404(reports, pk=pk, programme__slug=slug)
    if not request.user.has_perm("publishing.view_report", report):
        raise Http404
    return report


@login_required
def report_detail(request, slug: str, pk: int):
    report = _report_for(request, slug, pk)
    return render(
        request,
        "publishing/report.html",
        {
            "report": report,
            "programme": report.programme,
            "title": actions.title(report),
            "meta": actions.meta(report),
            "body": _for_screen(_body(report)),
            "public_view": False,
            "can_create": request.user.has_perm("publishing.create_report", report.programme),
            "pdf_url": reverse("publishing:report-pdf", args=[slug, pk]),
            "docx_url": reverse("publishing:report-docx", args=[slug, pk]),
        },
    )


@login_required
def report_pdf(request, slug: str, pk: int):
    report = _report_for(request, slug, pk, defer_pdf=False)
    if not report.has_pdf:
        messages.info(
            request,
            "The PDF of this version is being made again without quotes residents withdrew."
            if report.being_remade
            else "The PDF of this version is not ready yet.",
        )
        return redirect(report)
    return _pdf_response(report)


@login_required
@require_POST
def report_retry(request, slug: str, pk: int):
    report = _report_for(request, slug, pk)
    try:
        actions.retry_report(report, by=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The PDF will be made again.")
    return redirect(report)


@login_required
def report_docx(request, slug: str, pk: int):
    """The version's board paper as a Word document, for boards that edit their papers."""
    report = _report_for(request, slug, pk)
    content = word.board_paper(report, title=actions.title(report), meta=actions.meta(report))
    response = HttpResponse(content, content_type=word.WORD_CONTENT_TYPE)
    period = f"{report.period_start}-to-{report.period_end}"
    name = f"{report.programme.slug}-board-paper-{period}-v{report.version}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------------------------ board story


def _story_programme(request, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm("publishing.view_story", programme):
        raise Http404
    return programme


def _story_period(request, programme: Programme) -> tuple:
    """The period asked for (?start=&end=), else the newest report's, else the last 13 weeks."""
    if "start" in request.GET or "end" in request.GET:
        form = StoryPeriodForm(request.GET)
        if form.is_valid():
            return form.cleaned_data["start"], form.cleaned_data["end"], form
        return (*board_story.default_period(programme), form)
    start, end = board_story.default_period(programme)
    return start, end, StoryPeriodForm(initial={"start": start, "end": end})


def _story_url(programme: Programme, start, end) -> str:
    return f"{reverse('publishing:story', args=[programme.slug])}?{urlencode({'start': start, 'end': end})}"


@login_required
def story(request, slug: str):
    """The board story for a programme and period: the first page of its board report, as it stands now."""
    programme = _story_programme(request, slug)
    start, end, period_form = _story_period(request, programme)
    figures = board_story.story_figures(programme, start, end, public=False)
    paper = (
        programme.reports.filter(
            period_start=start, period_end=end, is_public=False, status=ReportStatus.DONE
        )
        .defer("figures", "html", "pdf")
        .order_by("-version")
        .first()
    )
    can_write = request.user.has_perm("publishing.write_recommendations", programme)
    return render(
        request,
        "publishing/story.html",
        {
            "programme": programme,
            "start": start,
            "end": end,
            "period_form": period_form,
            "sections": board_story.story_sections(figures),
            "story_period": board_story.story_period(figures),
            "paper": paper,
            "can_write": can_write,
            "can_create": request.user.has_perm("publishing.create_report", programme),
            "recommendations": list(board_story.recommendations_for(programme, start, end))
            if can_write
            else [],
            "form": RecommendationForm() if can_write else None,
            "new_report_query": urlencode({"from": start, "to": end}),
        },
    )


@login_required
@require_POST
def recommendation_add(request, slug: str):
    programme = _story_programme(request, slug)
    period = StoryPeriodForm(request.POST)
    if not period.is_valid():
        messages.error(request, "Choose the period again, then add the recommendation.")
        return redirect("publishing:story", slug)
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            actions.add_recommendation(programme, start, end, form.cleaned_data["text"], by=request.user)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Recommendation added to the board story.")
    else:
        messages.error(request, " ".join(form.errors.get("text", ["Write what the board is asked to do."])))
    return redirect(_story_url(programme, start, end))


@login_required
@require_POST
def recommendation_remove(request, slug: str, pk: int):
    programme = _story_programme(request, slug)
    recommendation = get_object_or_404(Recommendation, pk=pk, programme=programme)
    try:
        actions.remove_recommendation(recommendation, by=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Recommendation removed.")
    return redirect(_story_url(programme, recommendation.period_start, recommendation.period_end))


# ------------------------------------------------------------------------------------------------ public


def _public_report(slug: str, pk: int, *, defer_pdf: bool = True) -> Report:
    programme = _public_programme(slug)
    reports = Report.objects.select_related("programme")
    if defer_pdf:
        reports = reports.defer("pdf")
    return get_object_or_404(reports, pk=pk, programme=programme, is_public=True)


def public_programme(request, slug: str):
    """For a resident on a phone: what we heard and did, how to take part and whom to contact; the reports,
    open data and how the figures are made come after, for those who want them."""
    programme = _public_programme(slug)
    reports = list(_listing(programme.reports.filter(is_public=True)))
    heard = public_page.what_we_heard(programme)
    return render(
        request,
        "publishing/public_programme.html",
        {
            "programme": programme,
            "heard_total": heard.total,
            "heard": heard.themes,
            "heard_coverage": heard.coverage,
            "did": public_page.what_we_did(programme),
            "periods": _versions(reports),
            "tables": opendata.TABLES,
            "focus_wards": programme.focus_areas.order_by("name"),
            "lead": programme.lead_organisation,
        },
    )


def public_logo(request, slug: str):
    """The programme's logo, for its public page (and its settings page, to its members)."""
    programme = get_object_or_404(Programme.objects.only("slug", "logo", "is_public"), slug=slug)
    if not programme.logo or not (
        programme.is_public or request.user.has_perm("programmes.view_programme", programme)
    ):
        raise Http404
    response = HttpResponse(bytes(programme.logo), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600" if programme.is_public else "private, max-age=3600"
    return response


def public_report(request, slug: str, pk: int):
    report = _public_report(slug, pk)
    return render(
        request,
        "publishing/report.html",
        {
            "report": report,
            "programme": report.programme,
            "title": actions.title(report),
            "meta": actions.meta(report),
            "body": _for_screen(_body(report)),
            "public_view": True,
            "pdf_url": reverse("publishing:public-report-pdf", args=[slug, pk]),
        },
    )


def public_report_pdf(request, slug: str, pk: int):
    report = _public_report(slug, pk, defer_pdf=False)
    if not report.has_pdf:
        raise Http404("The PDF of this report is being made (again) and is not ready yet.")
    return _pdf_response(report)


def datapackage(request, slug: str):
    programme = _public_programme(slug)
    return HttpResponse(opendata.descriptor_text(programme), content_type="application/json; charset=utf-8")


def open_data_file(request, slug: str, table: str, extension: str):
    programme = _public_programme(slug)
    if table not in opendata.SPECS or extension not in ("csv", "json"):
        raise Http404
    built = opendata.build_table(programme, table)
    if extension == "csv":
        response = HttpResponse(opendata.csv_text(built), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            opendata.json_text(built, programme), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'inline; filename="{table}.{extension}"'
    return response


def open_data_zip(request, slug: str):
    """The whole data package in one file: the descriptor beside every table in CSV and JSON."""
    programme = _public_programme(slug)
    buffer = io.BytesIO()
    folder = f"chorus-{programme.slug}"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/datapackage.json", opendata.descriptor_text(programme))
        for spec in opendata.TABLES:
            built = opendata.build_table(programme, spec.name)
            archive.writestr(f"{folder}/{spec.name}.csv", opendata.csv_text(built))
            archive.writestr(f"{folder}/{spec.name}.json", opendata.json_text(built, programme))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{folder}-open-data.zip"'
    return response
