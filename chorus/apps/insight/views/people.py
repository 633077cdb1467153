"""Who we heard from: contributors' age, sex, ethnicity and deprivation against the population.

Figures only, never residents' words, so every programme member may see the page. Links carry the filters.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET

from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Programme

from ..filters import Filters
from ..heard import AREA, FOCUS, focus_ward_codes, who_we_heard_from


def programme_for(request: HttpRequest, slug: str) -> Programme:
    """The programme if the user may see it; 404 otherwise, so its existence is not disclosed."""
    programme = get_object_or_404(Programme.objects.select_related("local_authority"), slug=slug)
    if not request.user.has_perm("programmes.view_programme", programme):
        raise Http404("No such programme.")
    return programme


def filters_for(request: HttpRequest, programme: Programme) -> Filters:
    """The filters in the query string, less any ward, partner or theme the programme does not have."""
    from ..aggregates import codebook_for, themes

    wards = Area.objects.filter(level=Level.WARD, parent=programme.local_authority_id).values_list(
        "code", flat=True
    )
    partners = programme.partners.values_list("slug", flat=True)
    theme_slugs = [theme.slug for theme in themes(codebook_for(programme))]
    return Filters.from_query(request.GET).checked(wards=wards, partners=partners, themes=theme_slugs)


def filter_summary(programme: Programme, filters: Filters) -> list[str]:
    """The filters in words, one line each, for the top of a page ("Ward: Kursaal", "From 1 Jan 2026")."""
    from chorus.apps.engagement.models import ActivityKind

    from ..aggregates import codebook_for, themes

    lines = []
    if filters.date_from:
        lines.append(f"From {filters.date_from:%-d %B %Y}")
    if filters.date_to:
        lines.append(f"To {filters.date_to:%-d %B %Y}")
    if filters.wards:
        names = Area.objects.filter(code__in=filters.wards).order_by("name").values_list("name", flat=True)
        lines.append("Ward: " + ", ".join(names))
    if filters.activity_kinds:
        labels = dict(ActivityKind.choices)
        lines.append("Activity: " + ", ".join(labels[kind] for kind in filters.activity_kinds))
    if filters.partners:
        names = programme.partners.filter(slug__in=filters.partners).values_list("name", flat=True)
        lines.append("Partner: " + ", ".join(sorted(names)))
    if filters.core20 is not None:
        lines.append("Core20 areas only" if filters.core20 else "Outside Core20 areas only")
    if filters.theme:
        names = {theme.slug: theme.name for theme in themes(codebook_for(programme))}
        lines.append(f"Raising “{names.get(filters.theme, filters.theme)}”")
    return lines


def optional_url(name: str, *args, query: str = "") -> str:
    """A link to another insight page, or '' while that page does not exist yet."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def who_we_heard_from_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_for(request, slug)
    filters = filters_for(request, programme)
    has_focus = bool(focus_ward_codes(programme))
    against = request.GET.get("against", FOCUS if has_focus else AREA)
    against = against if against in (FOCUS, AREA) else AREA
    heard = who_we_heard_from(programme, filters, against)
    query = filters.query_string()
    page = reverse("insight:heard", args=[programme.slug])
    with_filters = query + ("&" if query else "?")
    return render(
        request,
        "insight/heard.html",
        {
            "programme": programme,
            "filters": filters,
            "query": query,
            "heard": heard,
            "filter_lines": filter_summary(programme, filters),
            "dashboard_url": optional_url("insight:dashboard", programme.slug, query=query),
            "places_url": optional_url("insight:places", programme.slug, query=query),
            "clear_url": reverse("insight:heard", args=[programme.slug]),
            "has_focus": has_focus and not filters.wards,
            "focus_url": f"{page}{with_filters}against={FOCUS}",
            "area_url": f"{page}{with_filters}against={AREA}",
            "authority": programme.local_authority,
            # Those who may edit the programme are offered the setting the age comparison depends on.
            "ages_url": reverse("programmes:settings", args=[programme.slug]) + "#ages-heard"
            if request.user.has_perm("programmes.change_programme", programme)
            else "",
        },
    )


urlpatterns = [
    path("<slug:slug>/who-we-heard-from/", who_we_heard_from_page, name="heard"),
]
