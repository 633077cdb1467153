"""Figures about a programme's evidence: counts by time, place and group; theme prevalence with intervals.

Every function takes a programme and `Filters`, runs a few grouped queries (never a query per row, so a
programme of 100,000 contributions stays fast) and returns plain dataclasses that the dashboard, the board
report, open data and the API all share. Figures here are exact; whoever publishes them applies
disclosure control (chorus.privacy.disclosure).

A contribution "has" a theme when it holds a current coding for it that nobody rejected: the model's
suggestions count alongside people's decisions, and `coding_summary` says how many were coded and how many
of those a person checked.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Count, Func, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter

from chorus import equality
from chorus.apps.coding.models import Codebook, Coding, CodingStatus, EmergingCluster, Theme
from chorus.apps.coding.queries import (
    COVERAGE_COUNTS,
    Coverage,
    coding_coverage,
    coverage_from,
    current_codebook,
)
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.places.models import Area, Level
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
    """How to break contributions down: which fields to group by and how to name a group.

    `through` names the relation ("activity", "ward") every field sits on, when they all do: contributions
    are then counted per related row, a narrow scan, and the groups named from one lookup of those rows.
    """

    name: str
    label: str
    fields: tuple[str, ...]  # on Contribution
    key: Callable[[dict], tuple[str, str]]  # row of values (unprefixed) -> (key, label)
    through: str = ""


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
        Grouping("ward", "Ward", ("ward__code", "ward__name"), _ward, through="ward"),
        Grouping("imd_quintile", "IMD quintile", ("imd_decile",), _imd_quintile),
        Grouping("core20", "Core20", ("core20",), _core20),
        Grouping(
            "activity_kind",
            "Activity type",
            ("activity__kind",),
            _choice(ActivityKind.choices),
            through="activity",
        ),
        Grouping(
            "partner",
            "Partner",
            ("activity__partner__slug", "activity__partner__name"),
            _partner,
            through="activity",
        ),
        Grouping("age_band", "Age", ("age_band",), _choice(equality.AGE_BANDS)),
        Grouping("sex", "Sex", ("sex",), _choice(equality.SEXES)),
        Grouping("ethnicity", "Ethnic group", ("ethnicity",), _choice(equality.ETHNICITIES)),
        Grouping("disability", "Disability", ("disability",), _choice(equality.YES_NO)),
        Grouping("carer", "Carer", ("carer",), _choice(equality.YES_NO)),
    ]
}

PERIODS = {"month": TruncMonth, "quarter": TruncQuarter}
# Contributions are counted in the period of the activity where they were heard.
PERIOD_FIELD = "activity__date"


def _related_fields(through: str) -> tuple[str, ...]:
    """What is read of each row groupings go through: their fields, and the date placing it in a period."""
    fields = [PERIOD_FIELD] if PERIOD_FIELD.startswith(f"{through}__") else []
    for grouping in GROUPINGS.values():
        if grouping.through == through:
            fields += [name for name in grouping.fields if name not in fields]
    return tuple(fields)


RELATED_FIELDS = {through: _related_fields(through) for through in ("activity", "ward")}


def period_label(start: datetime.date, period: str) -> str:
    if period == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return start.strftime("%Y-%m")


def _largest_first(counts: Iterable[GroupCount]) -> list[GroupCount]:
    return sorted(counts, key=lambda c: (c.key == NOT_KNOWN, -c.count, c.label))


def _add(found: dict[str, list], key: str, label: str, n: int) -> None:
    found.setdefault(key, [label, 0])[1] += n


def _grouped(queryset: QuerySet, grouping: Grouping, prefix: str = "") -> dict[str, GroupCount]:
    """Count rows of `queryset` per group; several database groups may fold into one (IMD deciles)."""
    fields = [prefix + name for name in grouping.fields]
    found: dict[str, list] = {}
    for row in queryset.order_by().values(*fields).annotate(n=Count("pk")):
        _add(found, *grouping.key({name: row[prefix + name] for name in grouping.fields}), row["n"])
    return {key: GroupCount(key, label, n) for key, (label, n) in found.items()}


# ------------------------------------------------------------------------------------------------ evidence


def codebook_for(programme: Programme, codebook: Codebook | None = None) -> Codebook | None:
    return codebook if codebook is not None else current_codebook(programme)


def _current_codings(theme_ids: list[int]) -> QuerySet[Coding]:
    # The theme ids as a list, not a join to themes: SQLite then reads the (theme, current, status) index
    # alone, about twice as fast over 200,000 codings.
    return Coding.objects.filter(theme_id__in=theme_ids, current=True).exclude(status=CodingStatus.REJECTED)


def theme_codings(codebook: Codebook | None) -> QuerySet[Coding]:
    """Current codings in `codebook` that nobody rejected."""
    if codebook is None:
        return Coding.objects.none()
    return _current_codings(list(codebook.themes.values_list("pk", flat=True)))


def themes(codebook: Codebook | None) -> list[Theme]:
    return list(codebook.themes.order_by("position", "name")) if codebook else []


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


def add_months(first_of_month: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `first_of_month` (before it when negative)."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _period_start(year_month: str, period: str) -> datetime.date:
    year, month = int(year_month[:4]), int(year_month[5:7])
    if period == "quarter":
        month = 3 * ((month - 1) // 3) + 1
    return datetime.date(year, month, 1)


def _fold_periods(monthly: dict[str, int], period: str) -> list[GroupCount]:
    found: dict[datetime.date, int] = defaultdict(int)
    for year_month, n in monthly.items():
        found[_period_start(year_month, period)] += n
    return [
        GroupCount(start.isoformat(), period_label(start, period), found.get(start, 0))
        for start in _period_starts(found, period)
    ]


def _period_starts(found: Iterable[datetime.date], period: str) -> list[datetime.date]:
    starts = sorted(found)
    if not starts:
        return []
    step = 3 if period == "quarter" else 1
    result, current = [], starts[0]
    while current <= starts[-1]:
        result.append(current)
        current = add_months(current, step)
    return result


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


class Evidence:
    """A programme's contributions under `filters`, and every figure about them, each count taken once.

    The public functions below and the dashboard all fold these counts, so a figure has one definition.
    Contributions are counted per activity and ward (on SQLite in one scan of an index; on PostgreSQL per
    activity and per ward in one grouping-sets query) and folded in Python into months, activity types,
    partners and wards, the activities and wards read once; other groupings are counted in one grouped
    query each. Codings are counted per theme, and per theme and group only for the themes asked for.
    """

    def __init__(self, programme: Programme, filters: Filters, codebook: Codebook | None = None) -> None:
        self.programme = programme
        self.filters = filters
        self._codebook = codebook
        self._related_rows: dict[str, dict[int, dict]] = {}
        self._groups: dict[str, dict[str, GroupCount]] = {}

    @cached_property
    def codebook(self) -> Codebook | None:
        return codebook_for(self.programme, self._codebook)

    @cached_property
    def themes(self) -> list[Theme]:
        return themes(self.codebook)

    @cached_property
    def _theme_codings(self) -> QuerySet[Coding]:
        return _current_codings([theme.pk for theme in self.themes])

    @cached_property
    def _narrowed(self) -> dict[str, object]:
        """The filters as conditions on a contribution's own columns: the activities (dates, types,
        partners), wards and theme looked up first, by id, so that counting reads the contributions'
        (programme, activity, ward, core20, coded, checked) index alone, with no join per contribution."""
        filters, conditions = self.filters, {}
        on_activity = {
            "date__gte": filters.date_from,
            "date__lte": filters.date_to,
            "kind__in": filters.activity_kinds,
            "partner__slug__in": filters.partners,
        }
        on_activity = {name: value for name, value in on_activity.items() if value}
        if on_activity:
            activities = Activity.objects.filter(programme=self.programme, **on_activity)
            conditions["activity_id__in"] = list(activities.values_list("pk", flat=True))
        if filters.wards:
            wards = Area.objects.filter(level=Level.WARD, code__in=filters.wards)
            conditions["ward_id__in"] = list(wards.values_list("pk", flat=True))
        if filters.core20 is not None:
            conditions["core20"] = filters.core20
        if filters.theme:
            chosen = [theme.pk for theme in self.themes if theme.slug == filters.theme]
            conditions["pk__in"] = _current_codings(chosen).values("contribution_id")
        return conditions

    def _narrowing(self, prefix: str = "") -> Q:
        return Q(**{prefix + name: value for name, value in self._narrowed.items()})

    @cached_property
    def contributions(self) -> QuerySet[Contribution]:
        """The programme's contributions narrowed by the filters (including the theme filter)."""
        return Contribution.objects.filter(programme=self.programme).filter(self._narrowing())

    @cached_property
    def _codings_joined(self) -> QuerySet[Coding]:
        codings = self._theme_codings.filter(contribution__programme=self.programme)
        return codings.filter(self._narrowing("contribution__")).order_by()

    @cached_property
    def codings(self) -> QuerySet[Coding]:
        """The current, unrejected codings of these contributions."""
        if self.filters.is_empty:
            # A codebook's themes belong to one programme, so its codings need no join to contributions.
            return self._theme_codings.order_by()
        return self._codings_joined

    # -------------------------------------------------------------------------------------- contributions

    def _counted_per(self, *columns: str) -> list[dict]:
        """Contributions, coded ones and checked ones per value of `columns`."""
        return list(self.contributions.order_by().values(*columns).annotate(**COVERAGE_COUNTS))

    @cached_property
    def _counts_in_one_scan(self) -> bool:
        """Whether to count per (activity, ward) pair. On SQLite one scan of the contributions' dashboard
        index, in its order, is fastest whatever the filters (grouping by ward alone sorts them all);
        PostgreSQL counts per activity and per ward in one scan of its own (grouping sets), and then sends
        ~4,000 + 17 rows, not ~20,000."""
        return connections[self.contributions.db].vendor == "sqlite"

    @cached_property
    def _per_activity_and_ward(self) -> list[dict]:
        return self._counted_per("activity_id", "ward_id")

    @cached_property
    def _per_activity_and_per_ward(self) -> tuple[list[dict], list[dict]]:
        """(Counts per activity, counts per ward), from one query grouped by both grouping sets. Every
        contribution has an activity, so a row with none is one of the ward set."""
        rows = self.contributions.order_by().values("activity_id", "ward_id").annotate(**COVERAGE_COUNTS)
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # a filter that nothing can match (no activity in the dates asked for)
            return [], []
        select, group_by, _ = sql.rpartition(" GROUP BY ")
        if not group_by:
            return self._counted_per("activity_id"), self._counted_per("ward_id")
        activity, ward = (
            f'"{Contribution._meta.db_table}".{name}' for name in ('"activity_id"', '"ward_id"')
        )
        with connections[rows.db].cursor() as cursor:
            cursor.execute(f"{select} GROUP BY GROUPING SETS (({activity}), ({ward}))", params)
            names = [column[0] for column in cursor.description]
            found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return (
            [row for row in found if row["activity_id"] is not None],
            [row for row in found if row["activity_id"] is None],
        )

    @cached_property
    def _per_activity_rows(self) -> list[dict]:
        """Counts per activity (and ward, when counted in one scan): the coverage is summed from them."""
        return self._per_activity_and_ward if self._counts_in_one_scan else self._per_activity_and_per_ward[0]

    @staticmethod
    def _summed_per(rows: list[dict], column: str) -> dict[int | None, int]:
        found: dict[int | None, int] = defaultdict(int)
        for row in rows:
            found[row[column]] += row["counted"]
        return dict(found)

    @cached_property
    def per_activity(self) -> dict[int, int]:
        return self._summed_per(self._per_activity_rows, "activity_id")

    @cached_property
    def per_ward(self) -> dict[int | None, int]:
        rows = self._per_activity_and_ward if self._counts_in_one_scan else self._per_activity_and_per_ward[1]
        return self._summed_per(rows, "ward_id")

    def _related(self, through: str, ids: Iterable[int | None]) -> dict[int, dict]:
        """The related rows (activities or wards) with RELATED_FIELDS, named as from a contribution; each row
        is read once however many figures need it."""
        known = self._related_rows.setdefault(through, {})
        missing = [pk for pk in ids if pk is not None and pk not in known]
        if missing:
            fields, prefix = RELATED_FIELDS[through], through + "__"
            model = Contribution._meta.get_field(through).related_model
            columns = [name.removeprefix(prefix) for name in fields]
            if through == "activity" and not known:
                # Thousands of activities: all of the programme's at once, rather than thousands of ids
                # bound into the query one by one (any left over are read by id below).
                rows = model.objects.filter(programme=self.programme)
            else:
                rows = model.objects.filter(pk__in=missing)
            for row in rows.values("pk", *columns):
                known[row["pk"]] = {name: row[column] for name, column in zip(fields, columns, strict=True)}
            left_over = [pk for pk in missing if pk not in known]
            if left_over:
                for row in model.objects.filter(pk__in=left_over).values("pk", *columns):
                    known[row["pk"]] = {
                        name: row[column] for name, column in zip(fields, columns, strict=True)
                    }
        return known

    def _named(self, grouping: Grouping, pk: int | None, related: dict[int, dict]) -> tuple[str, str]:
        row = related.get(pk, {})
        return grouping.key({name: row.get(name) for name in grouping.fields})

    def _group_counts(self, grouping: Grouping) -> dict[str, GroupCount]:
        if grouping.name not in self._groups:
            if grouping.through:
                counts = self.per_activity if grouping.through == "activity" else self.per_ward
                related = self._related(grouping.through, counts)
                found: dict[str, list] = {}
                for pk, n in counts.items():
                    _add(found, *self._named(grouping, pk, related), n)
                self._groups[grouping.name] = {
                    key: GroupCount(key, label, n) for key, (label, n) in found.items()
                }
            else:
                self._groups[grouping.name] = _grouped(self.contributions, grouping)
        return self._groups[grouping.name]

    @cached_property
    def total(self) -> int:
        """How many contributions: summed from counts already taken (per activity, or per group of any
        grouping, which counts every contribution), else counted on its own; a page of breakdowns by group
        then needs no count per activity and ward."""
        if "per_activity" in self.__dict__:
            return sum(self.per_activity.values())
        for groups in self._groups.values():
            return sum(group.count for group in groups.values())
        return self.contributions.order_by().count()

    def counts_by(self, grouping: str) -> list[GroupCount]:
        """Contributions per group, largest first ("not known" last)."""
        return _largest_first(self._group_counts(GROUPINGS[grouping]).values())

    @cached_property
    def _activity_months(self) -> dict[int, str]:
        """Each activity's 'YYYY-MM' (of these contributions' activities), worked out once."""
        related = self._related("activity", self.per_activity)
        return {
            pk: f"{day.year:04d}-{day.month:02d}"
            for pk in self.per_activity
            if (day := related[pk][PERIOD_FIELD])
        }

    @cached_property
    def _monthly(self) -> dict[str, int]:
        """Contributions per 'YYYY-MM' of their activity's date."""
        monthly: dict[str, int] = defaultdict(int)
        for pk, month in self._activity_months.items():
            monthly[month] += self.per_activity[pk]
        return monthly

    def counts_over_time(self, period: str = "month") -> list[GroupCount]:
        """Contributions per month or quarter of the activity where they were heard, oldest first, no gaps."""
        if period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}")
        return _fold_periods(self._monthly, period)

    # -------------------------------------------------------------------------------------- themes

    def _theme_group_counts(self, grouping: Grouping, chosen: list[Theme]) -> dict[tuple[int, str], int]:
        codings = self.codings
        if len(chosen) < len(self.themes):
            codings = codings.filter(theme_id__in=[theme.pk for theme in chosen])
        per_theme: dict[tuple[int, str], int] = defaultdict(int)
        if grouping.through:
            column = f"contribution__{grouping.through}_id"
            rows = list(codings.values("theme_id", column).annotate(n=Count("pk")))
            related = self._related(grouping.through, {row[column] for row in rows})
            for row in rows:
                key, _ = self._named(grouping, row[column], related)
                per_theme[(row["theme_id"], key)] += row["n"]
        else:
            fields = ["contribution__" + name for name in grouping.fields]
            for row in codings.values("theme_id", *fields).annotate(n=Count("pk")):
                key, _ = grouping.key({name: row["contribution__" + name] for name in grouping.fields})
                per_theme[(row["theme_id"], key)] += row["n"]
        return per_theme

    def theme_prevalence(
        self, by: str | None = None, *, only: Iterable[str] | None = None, level: float = LEVEL
    ) -> list[Prevalence]:
        """Each theme's share of contributions (of the themes `only` names, when given), overall or within
        each group of `by`, with Wilson intervals: see the module's `theme_prevalence`."""
        wanted = None if only is None else set(only)
        chosen = [theme for theme in self.themes if wanted is None or theme.slug in wanted]
        if not chosen:
            return []
        if by is None:
            groups = [GroupCount("all", "All contributions", self.total)]
            if wanted is None and "theme_months" in self.__dict__:
                # Every theme, with the counts per month already taken (filtered, for the change over
                # time): summed from them instead of a second join of the codings to the contributions.
                per_theme = defaultdict(int)
                for (theme_id, _), n in self.theme_months.items():
                    per_theme[(theme_id, "all")] += n
            else:
                rows = (
                    self.codings.filter(theme_id__in=[theme.pk for theme in chosen])
                    if wanted
                    else self.codings
                )
                per_theme = {
                    (row["theme_id"], "all"): row["n"]
                    for row in rows.values("theme_id").annotate(n=Count("pk"))
                }
        else:
            groups = self.counts_by(by)
            per_theme = self._theme_group_counts(GROUPINGS[by], chosen)
        return _prevalence_from(chosen, groups, per_theme, level)

    def _theme_months(self, since: datetime.date | None = None) -> dict[tuple[int, str], int]:
        """(theme id, 'YYYY-MM') -> contributions in that month raising that theme, from `since` on."""
        # Through the programme even when nothing is filtered: SQLite then starts from the contributions'
        # (programme, activity) index, several times faster than from the codings.
        codings = self._codings_joined
        if since is not None:
            codings = codings.filter(contribution__activity__date__gte=since)
        rows = (
            codings.annotate(month=YearMonth("contribution__activity__date"))
            .values("theme_id", "month")
            .annotate(n=Count("pk"))
        )
        return {(row["theme_id"], row["month"]): row["n"] for row in rows if row["month"]}

    @cached_property
    def coverage(self) -> Coverage:
        """How many of these contributions are coded, and how many of those a person checked
        (coding.queries.coding_coverage), summed from the counts per activity."""
        rows = self._per_activity_rows
        return coverage_from({name: sum(row[name] for row in rows) for name in COVERAGE_COUNTS})

    def theme_trend(self, period: str = "quarter", level: float = LEVEL) -> dict[str, list[Prevalence]]:
        periods = [p for p in self.counts_over_time(period) if p.count]
        if not self.themes or not periods:
            return {}
        return _trend(self.themes, periods, self._theme_months(), period, level)

    @cached_property
    def theme_months(self) -> dict[tuple[int, str], int]:
        return self._theme_months()

    def theme_changes(self, period: str = "quarter", level: float = LEVEL) -> list[ThemeChange]:
        """Each theme's latest period against the one before; only those two periods' codings are counted
        (unless every month's are counted already)."""
        periods = [p for p in self.counts_over_time(period) if p.count][-2:]
        if not self.themes or len(periods) < 2:
            return []
        since = datetime.date.fromisoformat(periods[0].key)
        if "theme_months" in self.__dict__:
            theme_months = {key: n for key, n in self.theme_months.items() if key[1] >= f"{since:%Y-%m}"}
        else:
            theme_months = {}
            for group in periods:
                start = datetime.date.fromisoformat(group.key)
                for theme_id, n in self._theme_counts(self._activities_in(start, period)).items():
                    theme_months[(theme_id, f"{start:%Y-%m}")] = n
        return _changes(_trend(self.themes, periods, theme_months, period, level), level)

    def _activities_in(self, start: datetime.date, period: str) -> list[int]:
        """The ids of the activities (of these contributions) in the period that starts on `start`."""
        starts = {month: _period_start(month, period) for month in set(self._activity_months.values())}
        return [pk for pk, month in self._activity_months.items() if starts[month] == start]

    def _theme_counts(self, activity_ids: list[int]) -> dict[int, int]:
        """theme id -> these contributions raising it, among those heard at the activities given: a join of
        the codings to the contributions only (the activities are picked by id), never to the activities."""
        codings = self._codings_joined.filter(contribution__activity_id__in=activity_ids)
        return {row["theme_id"]: row["n"] for row in codings.values("theme_id").annotate(n=Count("pk"))}


def evidence(
    programme: Programme, filters: Filters, codebook: Codebook | None = None
) -> QuerySet[Contribution]:
    """The programme's contributions narrowed by the filters (including the theme filter)."""
    return Evidence(programme, filters, codebook).contributions


def total(programme: Programme, filters: Filters) -> int:
    return Evidence(programme, filters).total


def counts_by(programme: Programme, filters: Filters, grouping: str) -> list[GroupCount]:
    """Contributions per group, largest first ("not known" last)."""
    return Evidence(programme, filters).counts_by(grouping)


def counts_over_time(programme: Programme, filters: Filters, period: str = "month") -> list[GroupCount]:
    """Contributions per month or quarter of the activity where they were heard, oldest first, no gaps."""
    return Evidence(programme, filters).counts_over_time(period)


# ------------------------------------------------------------------------------------------------ themes


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
    return Evidence(programme, filters, codebook).theme_prevalence(by, level=level)


def top_themes(
    programme: Programme, filters: Filters, limit: int = 10, codebook: Codebook | None = None
) -> list[Prevalence]:
    """The most-raised themes overall, most first."""
    return _most_raised(theme_prevalence(programme, filters, codebook=codebook), limit)


def _most_raised(prevalence: Iterable[Prevalence], limit: int) -> list[Prevalence]:
    return sorted((p for p in prevalence if p.count > 0), key=lambda p: (-p.count, p.theme_name))[:limit]


def theme_trend(
    programme: Programme,
    filters: Filters,
    period: str = "quarter",
    codebook: Codebook | None = None,
    level: float = LEVEL,
) -> dict[str, list[Prevalence]]:
    """For each theme slug, its prevalence in each period (group = period start, label like '2026 Q1')."""
    return Evidence(programme, filters, codebook).theme_trend(period, level)


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
    return Evidence(programme, filters, codebook).theme_changes(period, level)


def emerging_issues(programme: Programme) -> list[EmergingCluster]:
    """Clusters from the latest discovery run that nobody has yet made a theme of."""
    latest = programme.emerging_clusters.order_by("-created_at", "-id").first()
    if latest is None:
        return []
    clusters = programme.emerging_clusters.filter(promoted_to=None)
    clusters = clusters.filter(run=latest.run) if latest.run_id else clusters.filter(run=None)
    return list(clusters.order_by("number"))


def coding_summary(programme: Programme, filters: Filters, codebook: Codebook | None = None) -> Coverage:
    """How many of the programme's contributions under the filters are coded, and how many of those a
    person checked: what every theme share is a share of (coding.queries.coding_coverage)."""
    return coding_coverage(evidence(programme, filters, codebook))


# ------------------------------------------------------------------------------------------------ dashboard


SECTIONS = ("summary", "wards", "time", "groups")


@dataclass(frozen=True)
class DashboardFigures:
    """Everything a dashboard page shows, from a fixed handful of grouped queries. A page asks only for its
    `sections`; figures of the others are left empty (and cost nothing)."""

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
    coverage: Coverage | None = None
    coded_shares: list[Prevalence] = field(default_factory=list)  # top themes as shares of coded ones


def coded_shares(
    prevalence: Iterable[Prevalence], coded: int, limit: int, level: float = LEVEL
) -> list[Prevalence]:
    """The most raised themes as shares of the contributions that hold any theme (not of all of them:
    contributions nobody has coded yet say nothing either way), with Wilson intervals."""
    if not coded:
        return []
    group = GroupCount("coded", "Contributions with a theme", coded)
    return [
        Prevalence(row.theme, row.theme_name, group.key, group.label, row.count, coded, row.count / coded,
                   *wilson_ci(row.count, coded, level))
        for row in _most_raised(prevalence, limit)
    ]  # fmt: skip


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
    sections: Iterable[str] = SECTIONS,
) -> DashboardFigures:
    """The dashboard's figures from one `Evidence`, the same computation as counts_by, counts_over_time,
    theme_prevalence and theme_changes, with its counts shared between figures: contributions counted once
    per activity and per ward; codings per theme, per theme and month over the last two quarters only (all
    that the change needs), and by group or ward only for the one theme broken down or shaded on the map.
    Only the figures of the `sections` asked for are worked out."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    wanted = set(sections)
    found = Evidence(programme, filters, codebook)
    # Counts the page needs anyway, first: the total is then summed from them, not counted again.
    if "time" in wanted:
        found.counts_over_time(period)
    if "groups" in wanted and breakdown in GROUPINGS:
        found.counts_by(breakdown)
    by_ward = found.counts_by("ward") if wanted & {"summary", "wards"} else []
    prevalence: list[Prevalence] = []
    breakdown_rows: list[Prevalence] = []
    map_rows: list[Prevalence] = []
    changes: list[ThemeChange] = []
    coverage = None
    shares: list[Prevalence] = []
    focus = ""
    if found.themes and found.total:
        slugs = {theme.slug for theme in found.themes}
        if "summary" in wanted:
            changes = found.theme_changes("quarter", level)  # first: the shares below reuse its counts
        if wanted & {"summary", "groups"}:
            prevalence = found.theme_prevalence(level=level)
        if "summary" in wanted:
            coverage = found.coverage
            shares = coded_shares(prevalence, coverage.coded, 10, level)
        raised = _most_raised(prevalence, 1)
        focus = focus_theme if focus_theme in slugs else (raised[0].theme if raised else found.themes[0].slug)
        shaded = map_theme if map_theme in slugs and "wards" in wanted else None
        broken_down = "groups" in wanted
        wards_wanted = {shaded} - {None} | ({focus} if broken_down and breakdown == "ward" else set())
        by_theme_and_ward = (
            found.theme_prevalence("ward", only=wards_wanted, level=level) if wards_wanted else []
        )
        if broken_down:
            if breakdown == "ward":
                breakdown_rows = [row for row in by_theme_and_ward if row.theme == focus]
            else:
                breakdown_rows = found.theme_prevalence(breakdown, only={focus}, level=level)
        map_rows = [row for row in by_theme_and_ward if row.theme == shaded]

    timed = "time" in wanted
    return DashboardFigures(
        total=found.total,
        over_time=found.counts_over_time(period) if timed else [],
        by_kind=found.counts_by("activity_kind") if timed else [],
        by_partner=found.counts_by("partner") if timed else [],
        by_ward=by_ward,
        prevalence=prevalence,
        top_themes=_most_raised(prevalence, 10),
        focus_theme=focus,
        breakdown=breakdown_rows,
        map_prevalence=map_rows,
        changes=changes,
        emerging=emerging_issues(programme) if "summary" in wanted else [],
        coverage=coverage,
        coded_shares=shares,
    )
