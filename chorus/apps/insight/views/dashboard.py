"""The programme dashboard: contributions over time, place and group; theme prevalence with intervals;
change over time and emerging issues. Every figure comes from `insight.aggregates` under the filters read
from the query string, and every link to another insight page carries the same filters.

The page shows figures only, never residents' words, so every programme member (decision-makers too) may
see it. Its queries are a fixed handful, whatever the number of contributions, wards or themes.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from chorus.apps.engagement.models import ActivityKind
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Programme
from chorus.geo.places import ward_boundaries

from .. import aggregates
from ..cache import remembered
from ..coverage import coverage_sentence, released_coverage
from ..filters import Filters

SMALL_GROUP = 30  # below this the interval is wide: said beside the figure
BREAKDOWNS = ("ward", "age_band", "sex", "ethnicity", "disability", "carer", "imd_quintile", "core20")
PERIOD_CHOICES = (("month", "Month"), ("quarter", "Quarter"))
SHADES = 5  # classes on the map
# Sequential blues (ColorBrewer "Blues", 5 classes): light to dark, distinguishable in greyscale.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d8dde0"


def _programme_for(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("local_authority"), slug=slug)
    if not request.user.has_perm("programmes.view_programme", programme):
        raise Http404("No such programme.")
    return programme


def _optional_url(name: str, *args, query: str = "") -> str:
    """A link to another insight or publishing page, or '' while that page does not exist yet."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return ""


def _choice(value: str, allowed: tuple[str, ...], default: str) -> str:
    return value if value in allowed else default


@dataclass(frozen=True)
class Bar:
    """A horizontal bar in an SVG 100 units wide: a count, or a proportion with its interval."""

    width: float
    lower: float = 0.0
    upper: float = 0.0

    @property
    def point(self) -> str:  # the estimate's marker, 1 unit wide, centred on it
        return f"{max(0.0, min(99.0, self.width - 0.5)):.2f}"

    @property
    def span(self) -> str:
        return f"{max(0.5, self.upper - self.lower):.2f}"

    @property
    def start(self) -> str:
        return f"{self.lower:.2f}"

    @property
    def length(self) -> str:
        return f"{max(0.5, self.width) if self.width else 0:.2f}"


@dataclass(frozen=True)
class IntervalRow:
    """A prevalence as the page shows it: words, numbers and a bar."""

    prevalence: aggregates.Prevalence
    bar: Bar

    @property
    def percent(self) -> str:
        return _percent(self.prevalence.proportion)

    @property
    def interval(self) -> str:
        return f"{_percent(self.prevalence.lower)} to {_percent(self.prevalence.upper)}"

    @property
    def small(self) -> bool:
        return self.prevalence.total < SMALL_GROUP


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _count_bars(counts: list[aggregates.GroupCount]) -> list[tuple[aggregates.GroupCount, Bar]]:
    peak = max((c.count for c in counts), default=0) or 1
    return [(c, Bar(100 * c.count / peak)) for c in counts]


def _interval_scale(rows: list[aggregates.Prevalence]) -> float:
    """The top of the axis for interval bars: the largest upper limit rounded up to 10%, at most 100%."""
    top = max((row.upper for row in rows), default=0.0)
    return min(1.0, max(0.1, -(-round(top * 100, 6) // 10) / 10))


def _interval_rows(rows: list[aggregates.Prevalence]) -> tuple[list[IntervalRow], int]:
    scale = _interval_scale(rows)
    shown = [
        IntervalRow(row, Bar(100 * row.proportion / scale, 100 * row.lower / scale, 100 * row.upper / scale))
        for row in rows
    ]
    return shown, round(100 * scale)


def _shade(value: float | None, top: float) -> int | None:
    if value is None:
        return None
    if top <= 0:
        return 0
    return min(SHADES - 1, int(SHADES * value / top))


def _legend(top: float, as_percent: bool) -> list[dict]:
    step = top / SHADES if top else 0
    items = []
    for index, colour in enumerate(PALETTE):
        low, high = step * index, step * (index + 1)
        if as_percent:
            label = f"{100 * low:.0f}% to {100 * high:.0f}%"
        else:
            label = f"{low:,.0f} to {high:,.0f}"
        items.append({"colour": colour, "label": label})
    return items


SECTION_PAGES = {
    # section: (url name, heading, link text)
    "summary": ("insight:dashboard", "Dashboard", "Summary"),
    "wards": ("insight:dashboard-wards", "By ward", "By ward and map"),
    "time": ("insight:dashboard-time", "Over time", "By month, activity and partner"),
    "groups": ("insight:dashboard-groups", "Theme by group", "Theme by group"),
}


def _changes(figures: aggregates.DashboardFigures) -> list[dict]:
    return [
        {
            "change": change,
            "previous": _percent(change.previous.proportion),
            "latest": _percent(change.latest.proportion),
            "difference": f"{100 * change.difference:+.1f}",
            "interval": f"{100 * change.difference_lower:+.1f} to {100 * change.difference_upper:+.1f}",
        }
        for change in figures.changes
    ]


def _change_totals(figures: aggregates.DashboardFigures, today: datetime.date) -> dict | None:
    """How many contributions the two compared quarters hold, and when the latest ends if it is not over: a
    share from a few weeks of a quarter rests on few contributions and can swing a long way."""
    if not figures.changes:
        return None
    change = figures.changes[0]
    ends = aggregates.add_months(datetime.date.fromisoformat(change.latest.group), 3) - datetime.timedelta(
        days=1
    )
    return {
        "previous_label": change.previous_period,
        "previous_total": change.previous.total,
        "latest_label": change.latest_period,
        "latest_total": change.latest.total,
        "ends": ends if today < ends else None,
    }


def _ward_context(programme, filters, figures, wards, shade_by: str, theme_names: dict) -> dict:
    """The ward table and map: every ward of the local authority, contributions and the shaded value."""
    ward_counts = {c.key: c.count for c in figures.by_ward}
    ward_prevalence = {row.group: row for row in figures.map_prevalence}
    if shade_by:
        values = {code: row.proportion for code, row in ward_prevalence.items()}
        top = max(values.values(), default=0.0)
        top = min(1.0, max(0.1, -(-round(top * 100, 6) // 10) / 10))
    else:
        values = {code: float(n) for code, n in ward_counts.items() if code != aggregates.NOT_KNOWN}
        top = float(max(values.values(), default=0) or 1)
    ward_rows = []
    map_data = {}
    for code, name in wards:
        value = values.get(code)
        shade = _shade(value, top)
        row = {
            "code": code,
            "name": name,
            "count": ward_counts.get(code, 0),
            "prevalence": IntervalRow(ward_prevalence[code], Bar(0)) if code in ward_prevalence else None,
            "shade": shade,
            "colour": PALETTE[shade] if shade is not None else NO_DATA,
            "place_url": _optional_url("insight:place", programme.slug, code, query=filters.query_string()),
        }
        ward_rows.append(row)
        if shade_by:
            prevalence = ward_prevalence.get(code)
            label = (
                f"{_percent(prevalence.proportion)} ({prevalence.count:,} of {prevalence.total:,})"
                if prevalence
                else "no contributions"
            )
        else:
            label = f"{ward_counts.get(code, 0):,} contributions"
        map_data[code] = {"name": name, "colour": row["colour"], "label": label}
    return {
        "ward_rows": ward_rows,
        "unknown_ward": ward_counts.get(aggregates.NOT_KNOWN, 0),
        "shade_name": theme_names.get(shade_by, ""),
        "legend": _legend(top, as_percent=bool(shade_by)),
        "no_data_colour": NO_DATA,
        "map_data": {"wards": map_data, "geojson": reverse("insight:ward_geojson", args=[programme.slug])},
    }


def _dashboard(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    programme = _programme_for(request, slug)
    codebook = aggregates.codebook_for(programme)
    theme_list = aggregates.themes(codebook)
    theme_names = {theme.slug: theme.name for theme in theme_list}

    wards = list(
        Area.objects.filter(level=Level.WARD, parent=programme.local_authority_id)
        .order_by("name")
        .values_list("code", "name")
    )
    partners = list(programme.partners.order_by("name").values_list("slug", "name"))
    filters = Filters.from_query(request.GET).checked(
        wards=[code for code, _ in wards], partners=[slug for slug, _ in partners], themes=theme_names
    )

    period = _choice(request.GET.get("period", ""), ("month", "quarter"), "month")
    breakdown = _choice(request.GET.get("by", ""), BREAKDOWNS, "ward")
    focus = _choice(request.GET.get("focus", ""), tuple(theme_names), "")
    shade_by = _choice(request.GET.get("shade", ""), tuple(theme_names), "")

    options = {
        "section": section,
        "filters": filters.as_params(),
        "period": period if section == "time" else "",
        "breakdown": breakdown if section == "groups" else "",
        "focus_theme": focus if section == "groups" else "",
        "map_theme": shade_by if section == "wards" else "",
    }
    figures = remembered(
        programme,
        codebook,
        options,
        lambda: aggregates.dashboard_figures(
            programme,
            filters,
            period=period,
            breakdown=breakdown,
            focus_theme=focus or None,
            map_theme=shade_by or None,
            codebook=codebook,
            sections=[section],
        ),
    )
    focus = figures.focus_theme
    query = filters.query_string()
    state = {"period": period, "by": breakdown, "focus": focus, "shade": shade_by}

    def link(**changes: str) -> str:
        """This page with the same filters and one view setting changed."""
        params = filters.as_params() + [
            (name, value) for name, value in (state | changes).items() if value and name in state
        ]
        return "?" + urlencode(params)

    context = {
        "section": section,
        "heading": SECTION_PAGES[section][1],
        "sections": [
            (name, text, reverse(url, args=[programme.slug]) + query)
            for name, (url, _, text) in SECTION_PAGES.items()
        ],
        "programme": programme,
        "filters": filters,
        "query": query,
        "figures": figures,
        "wards": wards,
        "partners": partners,
        "kinds": ActivityKind.choices,
        "themes": theme_list,
        "theme_names": theme_names,
        "state": state,
        "small_group": SMALL_GROUP,
        "can_code": request.user.has_perm("coding.code_programme", programme),
        "heard_url": _optional_url("insight:heard", programme.slug, query=query),
        "places_url": _optional_url("insight:places", programme.slug, query=query),
        "report_url": _optional_url("publishing:report-new", programme.slug, query=query)
        if request.user.has_perm("publishing.create_report", programme)
        else "",
    }
    if section == "summary":
        coverage = figures.coverage
        shares, shares_scale = _interval_rows(figures.coded_shares)
        changes = _changes(figures)
        context |= {
            "wards_heard": sum(1 for c in figures.by_ward if c.key != aggregates.NOT_KNOWN and c.count),
            "themes_raised": sum(1 for row in figures.prevalence if row.count),
            "coverage": coverage,
            "coded_percent": _percent(coverage.coded / coverage.contributions)
            if coverage and coverage.contributions
            else "",
            "coverage_sentence": coverage_sentence(released_coverage(coverage, public=False))
            if coverage
            else "",
            "shares": shares,
            "shares_scale": shares_scale,
            "changes": changes,
            "change_totals": _change_totals(figures, timezone.localdate()),
            "moved": [row for row in changes if row["change"].direction != "steady"],
        }
    elif section == "wards":
        context |= _ward_context(programme, filters, figures, wards, shade_by, theme_names)
    elif section == "time":
        context |= {
            "period_choices": PERIOD_CHOICES,
            "period_links": [(value, label, link(period=value)) for value, label in PERIOD_CHOICES],
            "over_time": _count_bars(figures.over_time),
            "by_kind": _count_bars(figures.by_kind),
            "by_partner": _count_bars(figures.by_partner),
        }
    else:
        breakdown_rows, breakdown_scale = _interval_rows(figures.breakdown)
        context |= {
            "breakdown_choices": [(name, aggregates.GROUPINGS[name].label) for name in BREAKDOWNS],
            "breakdown_label": aggregates.GROUPINGS[breakdown].label,
            "focus_name": theme_names.get(focus, ""),
            "breakdown_rows": breakdown_rows,
            "breakdown_scale": breakdown_scale,
        }
    return render(request, "insight/dashboard.html", context)


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The summary: headline figures, the themes raised most with how many were coded and checked, and
    what changed since the quarter before. Breakdowns are pages of their own, worked out when asked for."""
    return _dashboard(request, slug, "summary")


@login_required
@require_GET
def dashboard_wards(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, slug, "wards")


@login_required
@require_GET
def dashboard_time(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, slug, "time")


@login_required
@require_GET
def dashboard_groups(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, slug, "groups")


@functools.cache
def _simplified_wards(la_code: str) -> dict:
    """A local authority's ward boundaries with only code and name, coordinates to ~1 m."""

    def rounded(coordinates):
        if isinstance(coordinates[0], int | float):
            return [round(coordinates[0], 5), round(coordinates[1], 5)]
        return [rounded(part) for part in coordinates]

    features = []
    for feature in ward_boundaries(la_code)["features"]:
        geometry, properties = feature["geometry"], feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": properties["WD25CD"], "name": properties["WD25NM"].strip()},
                "geometry": {"type": geometry["type"], "coordinates": rounded(geometry["coordinates"])},
            }
        )
    return {"type": "FeatureCollection", "features": features}


@login_required
@require_GET
@cache_control(private=True, max_age=24 * 3600)
def ward_geojson(request: HttpRequest, slug: str) -> JsonResponse:
    """The programme's local authority wards as GeoJSON for the map (boundaries only, no figures)."""
    programme = _programme_for(request, slug)
    if programme.local_authority is None:
        raise Http404("This programme has no local authority.")
    try:
        collection = _simplified_wards(programme.local_authority.code)
    except FileNotFoundError as error:
        raise Http404("No ward boundaries for this local authority.") from error
    return JsonResponse(collection, content_type="application/geo+json")


urlpatterns = [
    path("<slug:slug>/", dashboard, name="dashboard"),
    path("<slug:slug>/by-ward/", dashboard_wards, name="dashboard-wards"),
    path("<slug:slug>/over-time/", dashboard_time, name="dashboard-time"),
    path("<slug:slug>/by-group/", dashboard_groups, name="dashboard-groups"),
    path("<slug:slug>/wards.geojson", ward_geojson, name="ward_geojson"),
]
