"""Figures about a programme's evidence: counts by time, place and group; theme prevalence with intervals.

Every function takes a programme and `Filters`, runs a few grouped queries (never a query per row, so a
programme of 100,000 contributions stays fast) and returns plain dataclasses that the dashboard, the board
report, open data and the API all share. Figures here are exact; whoever publishes them applies
disclosure control (chorus.privacy.disclosure).

A contribution "has" a theme when it holds a current coding for it that nobody rejected: the model's
suggestions count alongside people's decisions, and `coding_summary` says how many were reviewed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField, Count, Func, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter

from chorus import equality
from chorus.apps.coding.models import Codebook, Coding, CodingStatus, EmergingCluster, Theme
from chorus.apps.coding.queries import current_codebook
from chorus.apps.engagement.models import ActivityKind, Contribution
from chorus.apps.places.models import Area
from chorus.apps.programmes.models import Programme
from chorus.stats import compare_proportions, wilson_ci

from .filters import Filters

LEVEL = 0.95
NOT_KNOWN = "not-known"
NOT_KNOWN_LABEL = "Not known"


@dataclass(frozen=True)
class GroupCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Prevalence:
    """Share of a group's contributions that raise a theme, with its Wilson interval."""

    theme: str  # slug
    theme_name: str
    group: str  # group key, "all" when not broken down
    group_label: str
    count: int
    total: int
    proportion: float
    lower: float
    upper: float


def share(theme: Theme, group: GroupCount, count: int, level: float = LEVEL) -> Prevalence:
    """`count` of the group's contributions raise `theme`: the share with its Wilson interval."""
    lower, upper = wilson_ci(count, group.count, level)
    return Prevalence(
        theme.slug, theme.name, group.key, group.label, count, group.count, count / group.count, lower, upper
    )


@dataclass(frozen=True)
class ThemeChange:
    """A theme's prevalence in the latest period against the one before."""

    theme: str
    theme_name: str
    previous_period: str
    latest_period: str
    previous: Prevalence
    latest: Prevalence
    difference: float
    difference_lower: float
    difference_upper: float
    p_value: float

    @property
    def direction(self) -> str:
        """'rising' or 'falling' when the interval of the difference excludes zero, else 'steady'."""
        if self.difference_lower > 0:
            return "rising"
        if self.difference_upper < 0:
            return "falling"
        return "steady"


# ------------------------------------------------------------------------------------------------ groupings


@dataclass(frozen=True)
class Grouping:
    """How to break contributions down: which fields to group by and how to name a group."""

    name: str
    label: str
    fields: tuple[str, ...]  # on Contribution
    key: Callable[[dict], tuple[str, str]]  # row of values (unprefixed) -> (key, label)


def _choice(choices: Iterable[tuple[str, str]], blank_label: str = "Not asked") -> Callable[[dict], tuple]:
    labels = dict(choices)

    def key(row: dict) -> tuple[str, str]:
        value = next(iter(row.values()))
        if not value:
            return NOT_KNOWN, blank_label
        return value, labels.get(value, value)

    return key


def _imd_quintile(row: dict) -> tuple[str, str]:
    decile = row["imd_decile"]
    if decile is None:
        return NOT_KNOWN, NOT_KNOWN_LABEL
    quintile = (decile + 1) // 2
    suffix = " (most deprived, Core20)" if quintile == 1 else " (least deprived)" if quintile == 5 else ""
    return str(quintile), f"IMD quintile {quintile}{suffix}"


def _core20(row: dict) -> tuple[str, str]:
    return {
        True: ("core20", "Core20 (most deprived 20%)"),
        False: ("not-core20", "Not Core20"),
        None: (NOT_KNOWN, NOT_KNOWN_LABEL),
    }[row["core20"]]


def _ward(row: dict) -> tuple[str, str]:
    if not row["ward__code"]:
        return NOT_KNOWN, "Ward not known"
    return row["ward__code"], row["ward__name"]


def _partner(row: dict) -> tuple[str, str]:
    if not row["activity__partner__slug"]:
        return "programme-team", "Programme team"
    return row["activity__partner__slug"], row["activity__partner__name"]


GROUPINGS: dict[str, Grouping] = {
    grouping.name: grouping
    for grouping in [
        Grouping("ward", "Ward", ("ward__code", "ward__name"), _ward),
        Grouping("imd_quintile", "IMD quintile", ("imd_decile",), _imd_quintile),
        Grouping("core20", "Core20", ("core20",), _core20),
        Grouping("activity_kind", "Activity type", ("activity__kind",), _choice(ActivityKind.choices)),
        Grouping("partner", "Partner", ("activity__partner__slug", "activity__partner__name"), _partner),
        Grouping("age_band", "Age", ("age_band",), _choice(equality.AGE_BANDS)),
        Grouping("sex", "Sex", ("sex",), _choice(equality.SEXES)),
        Grouping("ethnicity", "Ethnic group", ("ethnicity",), _choice(equality.ETHNICITIES)),
        Grouping("disability", "Disability", ("disability",), _choice(equality.YES_NO)),
        Grouping("carer", "Carer", ("carer",), _choice(equality.YES_NO)),
    ]
}

PERIODS = {"month": TruncMonth, "quarter": TruncQuarter}


def period_label(start: datetime.date, period: str) -> str:
    if period == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return start.strftime("%Y-%m")


def _grouped(queryset: QuerySet, grouping: Grouping, prefix: str = "") -> dict[str, GroupCount]:
    """Count rows of `queryset` per group; several database groups may fold into one (IMD deciles)."""
    fields = [prefix + name for name in grouping.fields]
    counts: dict[str, list] = {}
    rows = queryset.order_by().values(*fields).annotate(n=Count("pk"))
    for row in rows:
        key, label = grouping.key({name: row[prefix + name] for name in grouping.fields})
        entry = counts.setdefault(key, [label, 0])
        entry[1] += row["n"]
    return {key: GroupCount(key, label, n) for key, (label, n) in counts.items()}


# ------------------------------------------------------------------------------------------------ evidence


def codebook_for(programme: Programme, codebook: Codebook | None = None) -> Codebook | None:
    return codebook if codebook is not None else current_codebook(programme)


def theme_codings(codebook: Codebook | None) -> QuerySet[Coding]:
    """Current codings in `codebook` that nobody rejected."""
    if codebook is None:
        return Coding.objects.none()
    # The theme ids as a list, not a join to themes: SQLite then reads the (theme, current, status) index
    # alone, about twice as fast over 200,000 codings.
    theme_ids = list(codebook.themes.values_list("pk", flat=True))
    return Coding.objects.filter(theme_id__in=theme_ids, current=True).exclude(status=CodingStatus.REJECTED)


def evidence(
    programme: Programme, filters: Filters, codebook: Codebook | None = None
) -> QuerySet[Contribution]:
    """The programme's contributions narrowed by the filters (including the theme filter)."""
    contributions = Contribution.objects.filter(programme=programme).filter(filters.contribution_q())
    if filters.theme:
        with_theme = theme_codings(codebook_for(programme, codebook)).filter(theme__slug=filters.theme)
        contributions = contributions.filter(pk__in=with_theme.values("contribution_id"))
    return contributions


def _codings_in(programme: Programme, filters: Filters, codebook: Codebook | None) -> QuerySet[Coding]:
    codings = theme_codings(codebook).filter(contribution__programme=programme)
    codings = codings.filter(filters.contribution_q("contribution__"))
    if filters.theme:
        with_theme = theme_codings(codebook).filter(theme__slug=filters.theme)
        codings = codings.filter(contribution_id__in=with_theme.values("contribution_id"))
    return codings


def total(programme: Programme, filters: Filters) -> int:
    return evidence(programme, filters).count()


def counts_by(programme: Programme, filters: Filters, grouping: str) -> list[GroupCount]:
    """Contributions per group, largest first ("not known" last)."""
    counts = _grouped(evidence(programme, filters), GROUPINGS[grouping])
    return sorted(counts.values(), key=lambda c: (c.key == NOT_KNOWN, -c.count, c.label))


class YearMonth(Func):
    """'YYYY-MM' of a date column. Grouping by it is far cheaper than TruncMonth on SQLite, where
    date_trunc is a Python function called once per row; months fold into quarters in Python."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="TO_CHAR(%(expressions)s, 'YYYY-MM')", **extra_context
        )

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"YearMonth needs SQLite or PostgreSQL, not {connection.vendor}")


def _period_start(year_month: str, period: str) -> datetime.date:
    year, month = int(year_month[:4]), int(year_month[5:7])
    if period == "quarter":
        month = 3 * ((month - 1) // 3) + 1
    return datetime.date(year, month, 1)


def _monthly_counts(programme: Programme, filters: Filters) -> dict[str, int]:
    """Contributions per 'YYYY-MM' of their activity's date."""
    rows = (
        evidence(programme, filters)
        .order_by()
        .annotate(month=YearMonth("activity__date"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    return {row["month"]: row["n"] for row in rows if row["month"]}


def _fold_periods(monthly: dict[str, int], period: str) -> list[GroupCount]:
    found: dict[datetime.date, int] = defaultdict(int)
    for year_month, n in monthly.items():
        found[_period_start(year_month, period)] += n
    return [
        GroupCount(start.isoformat(), period_label(start, period), found.get(start, 0))
        for start in _period_starts(found, period)
    ]


def counts_over_time(programme: Programme, filters: Filters, period: str = "month") -> list[GroupCount]:
    """Contributions per month or quarter of the activity where they were heard, oldest first, no gaps."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    return _fold_periods(_monthly_counts(programme, filters), period)


def _period_starts(found: Iterable[datetime.date], period: str) -> list[datetime.date]:
    starts = sorted(found)
    if not starts:
        return []
    step = 3 if period == "quarter" else 1
    result, current = [], starts[0]
    while current <= starts[-1]:
        result.append(current)
        month = current.month - 1 + step
        current = datetime.date(current.year + month // 12, month % 12 + 1, 1)
    return result


# ------------------------------------------------------------------------------------------------ themes


def themes(codebook: Codebook | None) -> list[Theme]:
    return list(codebook.themes.order_by("position", "name")) if codebook else []


def theme_prevalence(
    programme: Programme,
    filters: Filters,
    by: str | None = None,
    codebook: Codebook | None = None,
    level: float = LEVEL,
) -> list[Prevalence]:
    """Each theme's share of contributions, overall or within each group of `by`, with Wilson intervals.

    Denominator: the group's contributions under the filters; numerator: those among them with the theme.
    Themes in the codebook order, groups as `counts_by` orders them. Groups with no contributions are left
    out; themes nobody raised in a group are kept with count 0.
    """
    codebook = codebook_for(programme, codebook)
    theme_list = themes(codebook)
    if not theme_list:
        return []
    codings = _codings_in(programme, filters, codebook)
    if by is None:
        totals = {"all": GroupCount("all", "All contributions", total(programme, filters))}
        per_theme = {
            (row["theme_id"], "all"): row["n"]
            for row in codings.order_by().values("theme_id").annotate(n=Count("pk"))
        }
    else:
        grouping = GROUPINGS[by]
        totals = {c.key: c for c in counts_by(programme, filters, by)}
        per_theme = defaultdict(int)
        fields = ["contribution__" + name for name in grouping.fields]
        for row in codings.order_by().values("theme_id", *fields).annotate(n=Count("pk")):
            key, _ = grouping.key({name: row["contribution__" + name] for name in grouping.fields})
            per_theme[(row["theme_id"], key)] += row["n"]

    return _prevalence_from(theme_list, totals.values(), per_theme, level)


def top_themes(
    programme: Programme, filters: Filters, limit: int = 10, codebook: Codebook | None = None
) -> list[Prevalence]:
    """The most-raised themes overall, most first."""
    ranked = sorted(
        theme_prevalence(programme, filters, codebook=codebook), key=lambda p: (-p.count, p.theme_name)
    )
    return [p for p in ranked if p.count > 0][:limit]


def _theme_monthly_counts(
    programme: Programme, filters: Filters, codebook: Codebook | None
) -> dict[tuple[int, str], int]:
    """(theme id, 'YYYY-MM') -> contributions in that month raising that theme."""
    rows = (
        _codings_in(programme, filters, codebook)
        .order_by()
        .annotate(month=YearMonth("contribution__activity__date"))
        .values("theme_id", "month")
        .annotate(n=Count("pk"))
    )
    return {(row["theme_id"], row["month"]): row["n"] for row in rows if row["month"]}


def _trend(
    theme_list: list[Theme],
    periods: list[GroupCount],
    theme_months: dict[tuple[int, str], int],
    period: str,
    level: float,
) -> dict[str, list[Prevalence]]:
    found: dict[tuple[int, str], int] = defaultdict(int)
    for (theme_id, year_month), n in theme_months.items():
        found[(theme_id, _period_start(year_month, period).isoformat())] += n
    periods = [p for p in periods if p.count]
    trend: dict[str, list[Prevalence]] = {}
    for theme in theme_list:
        series = []
        for group in periods:
            series.append(share(theme, group, found.get((theme.pk, group.key), 0), level))
        trend[theme.slug] = series
    return trend


def theme_trend(
    programme: Programme,
    filters: Filters,
    period: str = "quarter",
    codebook: Codebook | None = None,
    level: float = LEVEL,
) -> dict[str, list[Prevalence]]:
    """For each theme slug, its prevalence in each period (group = period start, label like '2026 Q1')."""
    codebook = codebook_for(programme, codebook)
    theme_list = themes(codebook)
    periods = [p for p in counts_over_time(programme, filters, period) if p.count]
    if not theme_list or not periods:
        return {}
    return _trend(theme_list, periods, _theme_monthly_counts(programme, filters, codebook), period, level)


def _changes(trend: dict[str, list[Prevalence]], level: float) -> list[ThemeChange]:
    changes = []
    for series in trend.values():
        if len(series) < 2:
            continue
        previous, latest = series[-2], series[-1]
        if previous.count == 0 and latest.count == 0:
            continue
        comparison = compare_proportions(previous.count, previous.total, latest.count, latest.total, level)
        changes.append(
            ThemeChange(
                theme=latest.theme,
                theme_name=latest.theme_name,
                previous_period=previous.group_label,
                latest_period=latest.group_label,
                previous=previous,
                latest=latest,
                difference=comparison.difference,
                difference_lower=comparison.difference_lower,
                difference_upper=comparison.difference_upper,
                p_value=comparison.p_value,
            )
        )
    order = {"rising": 0, "falling": 1, "steady": 2}
    return sorted(changes, key=lambda c: (order[c.direction], -abs(c.difference), c.theme_name))


def theme_changes(
    programme: Programme,
    filters: Filters,
    period: str = "quarter",
    codebook: Codebook | None = None,
    level: float = LEVEL,
) -> list[ThemeChange]:
    """Each theme's latest period against the one before (Newcombe interval for the difference).

    Rising themes first, then falling, then steady; within each, the largest change first.
    """
    return _changes(theme_trend(programme, filters, period, codebook, level), level)


def emerging_issues(programme: Programme) -> list[EmergingCluster]:
    """Clusters from the latest discovery run that nobody has yet made a theme of."""
    latest = programme.emerging_clusters.order_by("-created_at", "-id").first()
    if latest is None:
        return []
    clusters = programme.emerging_clusters.filter(promoted_to=None)
    clusters = clusters.filter(run=latest.run) if latest.run_id else clusters.filter(run=None)
    return list(clusters.order_by("number"))


@dataclass(frozen=True)
class CodingSummary:
    contributions: int
    coded: int
    reviewed: int  # contributions where a person accepted or rejected a theme


def coding_summary(programme: Programme, filters: Filters, codebook: Codebook | None = None) -> CodingSummary:
    codebook = codebook_for(programme, codebook)
    contributions = evidence(programme, filters, codebook)
    if codebook is None:
        return CodingSummary(contributions.count(), 0, 0)
    current = Coding.objects.filter(theme__codebook=codebook, current=True, contribution__in=contributions)
    coded = current.exclude(status=CodingStatus.REJECTED).values("contribution_id").distinct().count()
    reviewed = current.filter(~Q(made_by_user=None)).values("contribution_id").distinct().count()
    return CodingSummary(contributions.count(), coded, reviewed)


# ------------------------------------------------------------------------------------------------ dashboard


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the programme dashboard shows, from a fixed handful of grouped queries."""

    total: int
    over_time: list[GroupCount]
    by_kind: list[GroupCount]
    by_partner: list[GroupCount]
    by_ward: list[GroupCount]
    prevalence: list[Prevalence]  # each theme overall, codebook order
    top_themes: list[Prevalence]
    focus_theme: str  # slug of the theme broken down (the most raised unless one was asked for)
    breakdown: list[Prevalence]  # the focus theme within each group of the chosen breakdown
    map_prevalence: list[Prevalence]  # the map's theme by ward, or [] when the map shows contributions
    changes: list[ThemeChange]  # latest quarter against the one before
    emerging: list[EmergingCluster]


def _fold_by(counts: dict, key_of: dict) -> list[GroupCount]:
    folded: dict[str, list] = {}
    for item, n in counts.items():
        key, label = key_of[item]
        folded.setdefault(key, [label, 0])[1] += n
    groups = [GroupCount(key, label, n) for key, (label, n) in folded.items()]
    return sorted(groups, key=lambda c: (c.key == NOT_KNOWN, -c.count, c.label))


def _prevalence_from(
    theme_list: list[Theme], groups: Iterable[GroupCount], per_theme: dict[tuple[int, str], int], level: float
) -> list[Prevalence]:
    result = []
    for theme in theme_list:
        for group in groups:
            if group.count == 0:
                continue
            result.append(share(theme, group, per_theme.get((theme.pk, group.key), 0), level))
    return result


def dashboard_figures(
    programme: Programme,
    filters: Filters,
    *,
    period: str = "month",
    breakdown: str = "ward",
    focus_theme: str | None = None,
    map_theme: str | None = None,
    codebook: Codebook | None = None,
    level: float = LEVEL,
) -> DashboardFigures:
    """The dashboard's figures, with the same definitions as counts_by, counts_over_time,
    theme_prevalence and theme_changes (tests hold them equal), in a few queries whose cost does not
    grow with the page: contributions are counted once per (activity, ward) and folded in Python into
    time, kind, partner and ward; codings are counted per theme (without touching contributions when
    nothing is filtered), per theme and month over the last two quarters only (all that the change
    needs), and by group or ward only for the one theme broken down or shaded on the map."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    codebook = codebook_for(programme, codebook)
    theme_list = themes(codebook)

    contributions_in = evidence(programme, filters, codebook).order_by()
    # Two narrow scans (each covered by an index on programme) beat one grouped by (activity, ward).
    per_activity: dict[int, int] = dict(
        contributions_in.values("activity_id").annotate(n=Count("pk")).values_list("activity_id", "n")
    )
    per_ward_id: dict[int | None, int] = dict(
        contributions_in.values("ward_id").annotate(n=Count("pk")).values_list("ward_id", "n")
    )
    activities = {
        row["pk"]: row
        for row in programme.activities.filter(pk__in=list(per_activity)).values(
            "pk", "date", "kind", "partner__slug", "partner__name"
        )
    }
    ward_of = {
        row["pk"]: _ward({"ward__code": row["code"], "ward__name": row["name"]})
        for row in Area.objects.filter(pk__in=[pk for pk in per_ward_id if pk]).values("pk", "code", "name")
    }
    ward_of[None] = _ward({"ward__code": None, "ward__name": None})

    monthly: dict[str, int] = defaultdict(int)
    for activity_id, n in per_activity.items():
        monthly[activities[activity_id]["date"].strftime("%Y-%m")] += n
    kind_labels = dict(ActivityKind.choices)
    by_kind = _fold_by(
        per_activity,
        {pk: (row["kind"], kind_labels.get(row["kind"], row["kind"])) for pk, row in activities.items()},
    )
    partner_of = {
        pk: _partner(
            {"activity__partner__slug": row["partner__slug"], "activity__partner__name": row["partner__name"]}
        )
        for pk, row in activities.items()
    }
    by_partner = _fold_by(per_activity, partner_of)
    by_ward = _fold_by(per_ward_id, ward_of)
    contributions = sum(per_activity.values())

    prevalence: list[Prevalence] = []
    breakdown_rows: list[Prevalence] = []
    map_rows: list[Prevalence] = []
    changes: list[ThemeChange] = []
    focus = ""
    if theme_list and contributions:
        if filters.is_empty:
            # A codebook's themes belong to one programme, so its codings need no join to contributions.
            codings = theme_codings(codebook)
        else:
            codings = _codings_in(programme, filters, codebook)
        overall = {
            (row["theme_id"], "all"): row["n"]
            for row in codings.order_by().values("theme_id").annotate(n=Count("pk"))
        }
        prevalence = _prevalence_from(
            theme_list, [GroupCount("all", "All contributions", contributions)], overall, level
        )

        quarters = [q for q in _fold_periods(monthly, "quarter") if q.count][-2:]
        if len(quarters) == 2:
            since = datetime.date.fromisoformat(quarters[0].key)
            recent = (
                _codings_in(programme, filters, codebook)
                .filter(contribution__activity__date__gte=since)
                .order_by()
                .annotate(month=YearMonth("contribution__activity__date"))
                .values("theme_id", "month")
                .annotate(n=Count("pk"))
            )
            theme_months = {(row["theme_id"], row["month"]): row["n"] for row in recent}
            changes = _changes(_trend(theme_list, quarters, theme_months, "quarter", level), level)

        slugs = {theme.slug: theme for theme in theme_list}
        raised = sorted((p for p in prevalence if p.count), key=lambda p: (-p.count, p.theme_name))
        focus = focus_theme if focus_theme in slugs else (raised[0].theme if raised else theme_list[0].slug)
        wanted = {focus, map_theme} & set(slugs)
        by_theme_ward: dict[tuple[int, str], int] = defaultdict(int)
        if map_theme in slugs or breakdown == "ward":
            rows = (
                codings.filter(theme__slug__in=wanted)
                .order_by()
                .values("theme_id", "contribution__ward_id")
                .annotate(n=Count("pk"))
            )
            for row in rows:
                by_theme_ward[(row["theme_id"], ward_of[row["contribution__ward_id"]][0])] += row["n"]
        if breakdown == "ward":
            breakdown_rows = _prevalence_from([slugs[focus]], by_ward, by_theme_ward, level)
        else:
            grouping = GROUPINGS[breakdown]
            groups = counts_by(programme, filters, breakdown)
            per_group: dict[tuple[int, str], int] = defaultdict(int)
            fields = ["contribution__" + name for name in grouping.fields]
            rows = (
                codings.filter(theme__slug=focus)
                .order_by()
                .values("theme_id", *fields)
                .annotate(n=Count("pk"))
            )
            for row in rows:
                key, _ = grouping.key({name: row["contribution__" + name] for name in grouping.fields})
                per_group[(row["theme_id"], key)] += row["n"]
            breakdown_rows = _prevalence_from([slugs[focus]], groups, per_group, level)
        if map_theme in slugs:
            map_rows = _prevalence_from([slugs[map_theme]], by_ward, by_theme_ward, level)

    return DashboardFigures(
        total=contributions,
        over_time=_fold_periods(monthly, period),
        by_kind=by_kind,
        by_partner=by_partner,
        by_ward=by_ward,
        prevalence=prevalence,
        top_themes=sorted((p for p in prevalence if p.count), key=lambda p: (-p.count, p.theme_name))[:10],
        focus_theme=focus,
        breakdown=breakdown_rows,
        map_prevalence=map_rows,
        changes=changes,
        emerging=emerging_issues(programme),
    )
