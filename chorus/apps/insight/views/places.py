"""Place profiles (a ward's themes and quotes beside its health indicators compared with England), the index
of wards, and the pages where analysts define indicators and enter or import their values.

Quotes appear only for readers who may see contributions (engagement.rules.visible_contributions), and only
with quote consent; decision-makers see themes and figures. Links carry the filters.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from chorus.apps.core.forms import run_action
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.places import actions as place_actions
from chorus.apps.places.forms import IndicatorForm, IndicatorImportForm, IndicatorValueForm
from chorus.apps.places.indicators import compare
from chorus.apps.places.models import Area, Indicator, IndicatorValue, Level
from chorus.apps.programmes.models import Programme
from chorus.geo.places import ENGLAND_CODE

from ..aggregates import evidence
from ..profiles import place_profile
from .people import filter_summary, filters_for, optional_url, programme_for


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _ward(programme: Programme, code: str) -> Area:
    ward = Area.objects.filter(code=code, level=Level.WARD, parent_id=programme.local_authority_id).first()
    if ward is None or programme.local_authority_id is None:
        raise Http404("No such ward in this programme's area.")
    return ward


@login_required
@require_GET
def place_index(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(request, slug)
    filters = filters_for(request, programme)
    counts = dict(
        evidence(programme, filters.without("ward"))
        .exclude(ward=None)
        .order_by()
        .values_list("ward__code")
        .annotate(n=Count("pk"))
    )
    focus = set(programme.focus_areas.values_list("pk", flat=True))
    query = filters.without("ward").query_string()
    wards = [
        {
            "ward": ward,
            "contributions": counts.get(ward.code, 0),
            "core20_share": _percent(ward.core20_population_share)
            if ward.core20_population_share is not None
            else "",
            "focus": ward.pk in focus,
            "url": reverse("insight:place", args=[programme.slug, ward.code]) + query,
        }
        for ward in Area.objects.filter(level=Level.WARD, parent_id=programme.local_authority_id).order_by(
            "name"
        )
    ]
    return render(
        request,
        "insight/place_index.html",
        {
            "programme": programme,
            "filters": filters,
            "filter_lines": filter_summary(programme, filters.without("ward")),
            "wards": wards,
            "dashboard_url": optional_url("insight:dashboard", programme.slug, query=filters.query_string()),
            "heard_url": optional_url("insight:heard", programme.slug, query=filters.query_string()),
            "indicators_url": reverse("insight:indicators", args=[programme.slug]),
            "clear_url": reverse("insight:places", args=[programme.slug]),
        },
    )


@login_required
@require_GET
def place(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    programme = programme_for(request, slug)
    ward = _ward(programme, code)
    filters = filters_for(request, programme).without("ward")
    user = request.user
    may_quote = (
        user.has_perm("programmes.view_programme", programme)
        and visible_contributions(user).filter(programme=programme).exists()
    )
    profile = place_profile(
        programme, ward, filters, quotes_from=visible_contributions(user) if may_quote else None
    )
    query = filters.query_string()
    return render(
        request,
        "insight/place.html",
        {
            "programme": programme,
            "profile": profile,
            "ward": ward,
            "filters": filters,
            "filter_lines": filter_summary(programme, filters),
            "query": query,
            "themes": [
                {
                    "here": item.here,
                    "percent": _percent(item.here.proportion),
                    "interval": f"{_percent(item.here.lower)} to {_percent(item.here.upper)}",
                    "programme": _percent(item.programme.proportion) if item.programme else "",
                }
                for item in profile.themes
            ],
            "shows_quotes": may_quote,
            "index_url": reverse("insight:places", args=[programme.slug]) + query,
            "dashboard_url": optional_url("insight:dashboard", programme.slug, query=query),
            "heard_url": optional_url(
                "insight:heard", programme.slug, query=profile.ward_filters.query_string()
            ),
            "indicators_url": reverse("insight:indicators", args=[programme.slug]),
            "clear_url": reverse("insight:place", args=[programme.slug, ward.code]),
        },
    )


# ------------------------------------------------------------------------------------------- indicators


def _managed(request: HttpRequest, slug: str) -> Programme:
    programme = programme_for(request, slug)
    if not request.user.has_perm("places.manage_indicators", programme):
        raise Http404("No such page.")
    return programme


@login_required
@require_GET
def indicators(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(request, slug)
    areas = place_actions.indicator_areas(programme)
    values = list(
        IndicatorValue.objects.filter(area__in=areas)
        .select_related("indicator", "area")
        .order_by("indicator__name", "-period", "area__level", "area__name")
    )
    englands = {(v.indicator_id, v.period): v for v in values if v.area.code == ENGLAND_CODE}
    comparisons = [
        compare(value, englands.get((value.indicator_id, value.period)))
        for value in values
        if value.area.code != ENGLAND_CODE
    ]
    return render(
        request,
        "insight/place_indicators.html",
        {
            "programme": programme,
            "indicators": Indicator.objects.all(),
            "comparisons": comparisons,
            "england_values": [v for v in values if v.area.code == ENGLAND_CODE],
            "can_manage": request.user.has_perm("places.manage_indicators", programme),
            "places_url": reverse("insight:places", args=[programme.slug]),
        },
    )


def _form_page(
    request, programme, form, heading: str, button: str, status: int = 200, delete_url: str = ""
) -> HttpResponse:
    return render(
        request,
        "insight/place_indicator_form.html",
        {
            "programme": programme,
            "form": form,
            "heading": heading,
            "button": button,
            "back_url": reverse("insight:indicators", args=[programme.slug]),
            "delete_url": delete_url,
        },
        status=status,
    )


def _indicator_form(request: HttpRequest, slug: str, pk: int | None) -> HttpResponse:
    programme = _managed(request, slug)
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    heading = f"Change {indicator.name}" if indicator else "Add an indicator"
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            saved.per = form.cleaned_data["per"]
            action = place_actions.change_indicator if indicator else place_actions.create_indicator
            run_action(form, action, saved, by=request.user, programme=programme)
            if not form.errors:
                messages.success(request, f"Saved the indicator “{saved.name}”.")
                return redirect("insight:indicators", slug=programme.slug)
        return _form_page(request, programme, form, heading, "Save indicator", status=400)
    return _form_page(request, programme, form, heading, "Save indicator")


@login_required
def indicator_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _indicator_form(request, slug, None)


@login_required
def indicator_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _indicator_form(request, slug, pk)


def _value_form(request: HttpRequest, slug: str, pk: int | None) -> HttpResponse:
    programme = _managed(request, slug)
    areas = place_actions.indicator_areas(programme)
    value = get_object_or_404(IndicatorValue, pk=pk, area__in=areas) if pk else None
    heading = "Change a value" if value else "Add a value"
    initial = {"indicator": request.GET.get("indicator")} if value is None else None
    form = IndicatorValueForm(request.POST or None, instance=value, areas=areas, initial=initial)
    delete_url = reverse("insight:indicator_value_delete", args=[programme.slug, value.pk]) if value else ""
    if request.method == "POST":
        if form.is_valid():
            action = place_actions.change_indicator_value if value else place_actions.create_indicator_value
            run_action(form, action, form.save(commit=False), by=request.user, programme=programme)
            if not form.errors:
                messages.success(request, "Saved the value.")
                return redirect("insight:indicators", slug=programme.slug)
        return _form_page(request, programme, form, heading, "Save value", 400, delete_url)
    return _form_page(request, programme, form, heading, "Save value", delete_url=delete_url)


@login_required
def indicator_value_add(request: HttpRequest, slug: str) -> HttpResponse:
    return _value_form(request, slug, None)


@login_required
def indicator_value_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _value_form(request, slug, pk)


@login_required
@require_POST
def indicator_value_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _managed(request, slug)
    value = get_object_or_404(IndicatorValue, pk=pk, area__in=place_actions.indicator_areas(programme))
    place_actions.delete_indicator_value(value, by=request.user, programme=programme)
    messages.success(request, "Deleted the value.")
    return redirect("insight:indicators", slug=programme.slug)


@login_required
def indicator_import(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed(request, slug)
    form = IndicatorImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = run_action(
                form,
                place_actions.import_indicator_values,
                programme,
                upload.read(),
                upload.name,
                by=request.user,
                illustrative=form.cleaned_data["illustrative"],
            )
            if result is not None and result.ok:
                done = f"Imported {result.created} new value{pluralize(result.created)}"
                if result.updated:
                    done += f" and replaced {result.updated}"
                if result.skipped:
                    rows = f"{result.skipped} row{pluralize(result.skipped)}"
                    done += f"; skipped {rows} for other areas or breakdowns"
                messages.success(request, done + ".")
                return redirect("insight:indicators", slug=programme.slug)
    return render(
        request,
        "insight/place_indicator_import.html",
        {
            "programme": programme,
            "form": form,
            "result": result,
            "indicators": Indicator.objects.all(),
            "back_url": reverse("insight:indicators", args=[programme.slug]),
        },
        status=status,
    )


urlpatterns = [
    path("<slug:slug>/places/", place_index, name="places"),
    path("<slug:slug>/places/<str:code>/", place, name="place"),
    path("<slug:slug>/indicators/", indicators, name="indicators"),
    path("<slug:slug>/indicators/new/", indicator_add, name="indicator_add"),
    path("<slug:slug>/indicators/<int:pk>/edit/", indicator_edit, name="indicator_edit"),
    path("<slug:slug>/indicators/values/new/", indicator_value_add, name="indicator_value_add"),
    path("<slug:slug>/indicators/values/<int:pk>/edit/", indicator_value_edit, name="indicator_value_edit"),
    path(
        "<slug:slug>/indicators/values/<int:pk>/delete/",
        indicator_value_delete,
        name="indicator_value_delete",
    ),
    path("<slug:slug>/indicators/import/", indicator_import, name="indicator_import"),
]
