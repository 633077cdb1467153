"""The figures of a board report, computed once and frozen as JSON in the report version.

`report_figures` gathers everything a report shows: summary, who we heard from, top themes with Wilson
intervals and their change, prevalence in Core20 areas, anonymised quotes, focus-ward profiles, emerging
issues, what was done about earlier priorities, and the facts the methods section needs. Text for people
is written by the template from these figures, so every number in a report lives here as a number.

A public version passes every figure through disclosure control (chorus.privacy.disclosure) before it is
frozen: counts of 1 to 7 become "*", other counts are rounded to 5, and percentages, intervals, changes and
ratios are worked out from those published counts (so they give none of the exact counts back); a
percentage is "*" when either count is 1 to 7, and an interval is left out whenever its percentage is.
So no integer in a public version's figures is anything but 0 or a multiple of 5 from 10 up (tested).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.db.models import Count, F
from django.utils import timezone

from chorus.apps.accountability.models import Priority
from chorus.apps.accountability.reporting import priority_evidence
from chorus.apps.coding.models import ModelRun, RunStatus
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight import aggregates
from chorus.apps.insight.filters import Filters
from chorus.apps.insight.heard import POPULATION_SOURCE, HeardFrom, usual_comparison, who_we_heard_from
from chorus.apps.insight.profiles import place_profile
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Organisation, Programme
from chorus.privacy.disclosure import (
    LARGEST_SMALL_COUNT,
    display_count,
    display_difference,
    display_interval,
    display_percentage,
    published_counts,
)
from chorus.stats import wilson_ci

SCHEMA = "board-report/1"  # a string: the only integers in the figures are counts
TOP_THEMES = 10
TREND_THEMES = 5
QUOTE_THEMES = 5
QUOTES_PER_THEME = 2
QUOTE_MAX_CHARS = 320
# A quote names its ward only when that ward gave at least this many contributions in the report.
WARD_NAMED_FROM = 10
THEMES_PER_PLACE = 3
LONG_PERIOD_DAYS = 186  # longer periods show change by quarter, shorter ones by month


@dataclass(frozen=True)
class Release:
    """How figures leave: exactly (internal versions) or under disclosure control (public versions)."""

    public: bool

    def count(self, n: int) -> int | str:
        return display_count(n) if self.public else n

    def percent(self, numerator: int, denominator: int) -> float | str | None:
        if denominator == 0:
            return None
        if self.public:
            return display_percentage(numerator, denominator)
        return round(100 * numerator / denominator, 1)

    def suppressed(self, *counts: int) -> bool:
        return self.public and any(1 <= n <= LARGEST_SMALL_COUNT for n in counts)

    def interval(self, numerator: int, denominator: int, lower: float, upper: float) -> list[float] | None:
        if denominator == 0 or self.suppressed(numerator, denominator):
            return None
        if self.public:
            return list(display_interval(numerator, denominator))
        return [round(100 * lower, 1), round(100 * upper, 1)]

    def ratio(self, numerator: int, denominator: int, population_share: float, exact: float) -> float | None:
        """A share of contributors against the population's share (1.0 = heard in proportion)."""
        if not self.public:
            return round(exact, 1)
        counts = published_counts(numerator, denominator)
        if counts is None or not counts[1] or not population_share:
            return None
        return round(counts[0] / counts[1] / population_share, 1)


def _prevalence(row: aggregates.Prevalence, release: Release) -> dict:
    return {
        "theme": row.theme_name,
        "slug": row.theme,
        "group": row.group_label,
        "count": release.count(row.count),
        "total": release.count(row.total),
        "percent": release.percent(row.count, row.total),
        "interval": release.interval(row.count, row.total, row.lower, row.upper),
    }


def period_filters(filters: Filters, start: datetime.date, end: datetime.date) -> Filters:
    return replace(filters, date_from=start, date_to=end, problems=())


def trend_period(start: datetime.date, end: datetime.date) -> str:
    return "quarter" if (end - start).days > LONG_PERIOD_DAYS else "month"


def describe_filters(filters: Filters) -> list[str]:
    """The filters besides the dates, in words."""
    described = []
    if filters.wards:
        names = dict(Area.objects.filter(code__in=filters.wards).values_list("code", "name"))
        described.append("Wards: " + ", ".join(names.get(code, code) for code in filters.wards))
    if filters.activity_kinds:
        labels = dict(ActivityKind.choices)
        described.append("Activity types: " + ", ".join(labels[k] for k in filters.activity_kinds))
    if filters.partners:
        names = dict(Organisation.objects.filter(slug__in=filters.partners).values_list("slug", "name"))
        described.append("Partners: " + ", ".join(names.get(slug, slug) for slug in filters.partners))
    if filters.core20 is not None:
        described.append("Core20 areas only" if filters.core20 else "Outside Core20 areas only")
    if filters.theme:
        described.append(f"Contributions that raised the theme “{filters.theme}”")
    return described


# ------------------------------------------------------------------------------------------------ sections


def core20_counts(programme: Programme, filters: Filters) -> tuple[int, int]:
    """(contributions from Core20 areas, contributions whose home area is known) under `filters`: every ward
    the filters allow, unlike who we heard from, which counts the focus wards (or the area) only."""
    contributions = aggregates.evidence(programme, filters)
    return contributions.filter(core20=True).count(), contributions.exclude(core20=None).count()


def core20_scope(filters: Filters) -> str:
    """The wards a summary's Core20 share counts, in words that lead the figure."""
    return "the selected wards" if filters.wards else "all wards"


def core20_compared(heard: HeardFrom, summary: tuple[int, int], release: Release) -> dict | None:
    """The Core20 share among the contributions compared with the population (who we heard from), with the
    words for whom it counts and whether it differs from the summary's share (of `summary`: all wards)."""
    core20, known = heard.core20
    if not known:
        return None
    return {
        "scope": heard.scope,
        "core20": release.count(core20),
        "known": release.count(known),
        "percent": release.percent(core20, known),
        # Compared as released, so a public version's flag says nothing its rounded counts do not.
        "differs": (release.count(core20), release.count(known)) != tuple(release.count(n) for n in summary),
    }


def _summary(programme: Programme, filters: Filters, release: Release, core20_known: tuple[int, int]) -> dict:
    """`core20_known`: core20_counts under the same filters."""
    contributions = aggregates.evidence(programme, filters)
    total = contributions.count()
    activities = Activity.objects.filter(pk__in=contributions.values("activity_id"))
    people = sum(activities.values_list("participants", flat=True))
    core20, known = core20_known
    return {
        "contributions": release.count(total),
        "activities": release.count(activities.count()),
        "people": release.count(people),
        "core20": release.count(core20),
        "core20_known": release.count(known),
        "core20_percent": release.percent(core20, known),
        "core20_scope": core20_scope(filters),  # versions made before it say no scope
    }


def _over_time(programme: Programme, filters: Filters, release: Release) -> list[dict]:
    return [
        {"period": row.key, "label": row.label, "count": release.count(row.count)}
        for row in aggregates.counts_over_time(programme, filters, "month")
    ]


def _heard_from(
    programme: Programme, filters: Filters, release: Release, core20_known: tuple[int, int]
) -> dict:
    """Who we heard from against the population (chorus.apps.insight.heard) of the focus wards, when the
    programme has some, else of its local authority; released. `core20_known`: the summary's Core20 counts."""
    heard = who_we_heard_from(programme, filters, usual_comparison(programme))
    sections = []
    for section in heard.sections:
        answered = section.answered
        sections.append(
            {
                "grouping": section.name,
                "title": section.title,
                "known": release.count(answered),
                "known_percent": release.percent(answered, heard.contributions),
                "compared": section.compared,
                "population_note": section.population_note,
                "notes": list(section.notes),
                "rows": [
                    {
                        "label": row.label,
                        "count": release.count(row.contributors),
                        "percent": release.percent(row.contributors, answered),
                        "interval": None
                        if row.lower is None
                        else release.interval(row.contributors, answered, row.lower, row.upper),
                        "population_percent": None
                        if row.population_share is None
                        else round(100 * row.population_share, 1),
                        # The ratio is a share of contributors too: hidden with a small count.
                        "ratio": None
                        if row.ratio is None or release.suppressed(row.contributors, answered)
                        else release.ratio(row.contributors, answered, row.population_share, row.ratio),
                        "under_heard": row.under_heard,
                        "who": row.who,
                    }
                    for row in section.rows
                ],
                "set_aside": [
                    {"label": item.label, "count": release.count(item.count)} for item in section.set_aside
                ],
            }
        )
    return {
        "population_area": heard.population_area,
        "outside_focus": release.count(heard.outside_focus),
        # ONS population, not residents' answers; rounded in a public version like every other count.
        "population": None if heard.population is None else release.count(heard.population),
        "ages": heard.ages_sentence,  # whom the age comparison covers, and why
        "sections": sections,
        # The Core20 share of the table, with its base (versions made before it have none).
        "core20": core20_compared(heard, core20_known, release),
    }


def _change(change: aggregates.ThemeChange | None, release: Release) -> dict | None:
    if change is None:
        return None
    previous, latest = change.previous, change.latest
    if release.suppressed(previous.count, previous.total, latest.count, latest.total):
        return None
    if release.public:
        released = display_difference((previous.count, previous.total), (latest.count, latest.total))
        if released is None:
            return None
        direction = "rising" if released.lower > 0 else "falling" if released.upper < 0 else "steady"
        return {
            "direction": direction,
            "previous_period": change.previous_period,
            "latest_period": change.latest_period,
            "previous_percent": release.percent(previous.count, previous.total),
            "latest_percent": release.percent(latest.count, latest.total),
            "difference": released.difference,
            "interval": [released.lower, released.upper],
        }
    return {
        "direction": change.direction,
        "previous_period": change.previous_period,
        "latest_period": change.latest_period,
        "previous_percent": release.percent(previous.count, previous.total),
        "latest_percent": release.percent(latest.count, latest.total),
        "difference": round(100 * change.difference, 1),
        "interval": [round(100 * change.difference_lower, 1), round(100 * change.difference_upper, 1)],
    }


def _of_coded(row: aggregates.Prevalence, coded: int) -> aggregates.Prevalence:
    """The theme's share of the contributions coded to themes (by the model above its threshold or by a
    person) rather than of all contributions, with its Wilson interval."""
    if not coded:
        return replace(row, total=0, proportion=0.0, lower=0.0, upper=0.0)
    lower, upper = wilson_ci(row.count, coded, aggregates.LEVEL)
    return replace(
        row,
        group="coded",
        group_label="Coded contributions",
        total=coded,
        proportion=row.count / coded,
        lower=lower,
        upper=upper,
    )


def _themes(programme: Programme, filters: Filters, period: str, release: Release, coded: int) -> list[dict]:
    """The most raised themes, each as a share of the coded contributions; the change between the last two
    periods is of all contributions in each period (the template says so)."""
    changes = {change.theme: change for change in aggregates.theme_changes(programme, filters, period)}
    return [
        {**_prevalence(_of_coded(row, coded), release), "change": _change(changes.get(row.theme), release)}
        for row in aggregates.top_themes(programme, filters, limit=TOP_THEMES)
    ]


def _trend(programme: Programme, filters: Filters, period: str, slugs: list[str], release: Release) -> dict:
    trend = aggregates.theme_trend(programme, filters, period)
    chosen = [slug for slug in slugs if slug in trend][:TREND_THEMES]
    if not chosen:
        return {"period": period, "periods": [], "series": []}
    return {
        "period": period,
        "periods": [point.group_label for point in trend[chosen[0]]],
        "series": [
            {"theme": trend[slug][0].theme_name, "points": [_prevalence(p, release) for p in trend[slug]]}
            for slug in chosen
        ],
    }


def _by_core20(programme: Programme, filters: Filters, slugs: list[str], release: Release) -> list[dict]:
    rows = aggregates.theme_prevalence(programme, filters, by="core20")
    wanted = set(slugs)
    return [
        _prevalence(row, release) for row in rows if row.theme in wanted and row.group != aggregates.NOT_KNOWN
    ]


def _quotes(
    programme: Programme, filters: Filters, slugs: list[str], release: Release, quoted: list[int]
) -> list[dict]:
    """Up to two quotes for each of the top themes, only from residents who agreed to be quoted (and, in a
    public version, also to open data); a quote names its ward only when that ward gave 10 or more. The
    contribution behind each quote is appended to `quoted`, in the same order."""
    codebook = aggregates.codebook_for(programme)
    contributions = aggregates.evidence(programme, filters, codebook).filter(consent_quote=True)
    if release.public:
        contributions = contributions.filter(consent_open_data=True)
    ward_totals = {row.key: row.count for row in aggregates.counts_by(programme, filters, "ward")}
    names = {
        p.theme: p.theme_name for p in aggregates.theme_prevalence(programme, filters, codebook=codebook)
    }
    chosen: list[dict] = []
    used: set[int] = set()
    for slug in slugs[:QUOTE_THEMES]:
        codings = (
            aggregates.theme_codings(codebook)
            .filter(theme__slug=slug, contribution__in=contributions)
            .exclude(contribution_id__in=used)
            .select_related("contribution__ward")
            # People's decisions first, then the model's surest suggestions.
            .order_by(
                F("made_by_user").desc(nulls_last=True),
                F("confidence").desc(nulls_last=True),
                "contribution_id",
            )
        )
        taken = 0
        for coding in codings[:50]:
            contribution = coding.contribution
            text = " ".join(contribution.text.split())
            if not text or len(text) > QUOTE_MAX_CHARS:
                continue
            ward = contribution.ward
            named = ward is not None and ward_totals.get(ward.code, 0) >= WARD_NAMED_FROM
            chosen.append({"theme": names.get(slug, slug), "text": text, "ward": ward.name if named else ""})
            used.add(contribution.pk)
            quoted.append(contribution.pk)
            taken += 1
            if taken == QUOTES_PER_THEME:
                break
    return chosen


def _indicator(comparison) -> dict:
    england = comparison.england
    return {
        "name": comparison.indicator.name,
        "area": comparison.local.area.name,
        "period": comparison.local.period,
        "unit": comparison.indicator.unit_label,
        "value": round(comparison.local.value, 2),
        "interval": None
        if comparison.lower is None
        else [round(comparison.lower, 2), round(comparison.upper, 2)],
        "england": None if england is None else round(england.value, 2),
        "label": comparison.label_text,
        "illustrative": comparison.local.illustrative,
    }


def _places(programme: Programme, filters: Filters, release: Release) -> list[dict]:
    """Each focus ward: its contributions, top themes and local indicators against England
    (chorus.apps.insight.profiles, without quotes: the report's quotes follow their own rules)."""
    places = []
    for ward in programme.focus_areas.filter(level=Level.WARD).order_by("name"):
        profile = place_profile(programme, ward, filters.without("ward"), theme_limit=THEMES_PER_PLACE)
        places.append(
            {
                "ward": ward.name,
                "code": ward.code,
                "contributions": release.count(profile.contributions),
                "themes": [_prevalence(theme.here, release) for theme in profile.themes],
                "indicators": [_indicator(comparison) for comparison in profile.indicators],
            }
        )
    return places


def _emerging(programme: Programme, release: Release) -> list[dict]:
    return [
        {
            "name": cluster.name,
            "key_terms": [str(term) for term in cluster.key_terms[:6]],
            "size": release.count(cluster.size),
            "trend": cluster.trend,
        }
        for cluster in aggregates.emerging_issues(programme)
    ]


def _priorities(programme: Programme, release: Release) -> list[dict]:
    """Where the programme's priorities stand when the report is made: decisions and actions so far
    (only the priorities published on "you said, we did" in a public version)."""
    priorities = Priority.objects.filter(programme=programme)
    if release.public:
        priorities = priorities.filter(is_public=True)
    today = timezone.localdate()
    result = []
    for priority in priorities.prefetch_related("decisions__meeting__body", "actions__owner").order_by(
        "title"
    ):
        result.append(
            {
                "title": priority.title,
                "theme": priority.theme,
                "residents": release.count(priority_evidence(priority).total),
                "decisions": [
                    {
                        "body": decision.meeting.body.name,
                        "date": decision.meeting.date.isoformat(),
                        "outcome": decision.get_outcome_display(),
                        "summary": decision.summary,
                    }
                    for decision in priority.decisions.all()
                ],
                "actions": [
                    {
                        "title": action.title,
                        "owner": action.owner.name,
                        "status": action.get_status_display(),
                        "due": action.due_date.isoformat(),
                        "overdue": action.deadline(today).overdue,
                    }
                    for action in priority.actions.all()
                ],
            }
        )
    return result


def _methods(programme: Programme, filters: Filters, release: Release) -> dict:
    codebook = aggregates.codebook_for(programme)
    summary = aggregates.coding_summary(programme, filters, codebook)
    models = (
        ModelRun.objects.filter(programme=programme, status=RunStatus.DONE)
        .exclude(model_name="")
        .values("model_name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return {
        "codebook": codebook.name if codebook else "",
        "contributions": release.count(summary.contributions),
        "coded": release.count(summary.coded),
        "coded_percent": release.percent(summary.coded, summary.contributions),
        # Checked by a person, of the coded contributions (the one definition: insight.coverage).
        "reviewed": release.count(summary.checked_by_person),
        "reviewed_percent": release.percent(summary.checked_by_person, summary.contributions),
        "models": [row["model_name"] for row in models[:3]],
        "level": aggregates.LEVEL,
        "population_source": POPULATION_SOURCE,
    }


def report_figures(
    programme: Programme,
    period_start: datetime.date,
    period_end: datetime.date,
    filters: Filters,
    *,
    public: bool,
    quoted: list[int] | None = None,
) -> dict:
    """Every figure of the report, as JSON-ready data (released under disclosure control when public).

    The contributions its quotes come from are appended to `quoted` (the figures never hold them)."""
    from .story import story_figures  # the story builds on this module's Release

    release = Release(public=public)
    story = story_figures(programme, period_start, period_end, filters, public=public)
    filters = period_filters(filters, period_start, period_end)
    period = trend_period(period_start, period_end)
    coded = aggregates.coding_summary(programme, filters).coded
    themes = _themes(programme, filters, period, release, coded)
    slugs = [theme["slug"] for theme in themes]
    core20_known = core20_counts(programme, filters)
    return {
        "schema": SCHEMA,
        "programme": {"slug": programme.slug, "name": programme.name},
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "filters": describe_filters(filters),
        "public": public,
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "story": story,
        "summary": _summary(programme, filters, release, core20_known),
        "over_time": _over_time(programme, filters, release),
        "heard_from": _heard_from(programme, filters, release, core20_known),
        "themes": themes,
        "trend": _trend(programme, filters, period, slugs, release),
        "by_core20": _by_core20(programme, filters, slugs[:TREND_THEMES], release),
        "quotes": _quotes(programme, filters, slugs, release, [] if quoted is None else quoted),
        "places": _places(programme, filters, release),
        "emerging": _emerging(programme, release),
        "priorities": _priorities(programme, release),
        "methods": _methods(programme, filters, release),
    }
