"""Open data: a public programme's anonymised aggregate tables as CSV and JSON, with a Frictionless Data
Package descriptor (datapackage.json).

Only contributions whose residents agreed to be included in anonymised open data are counted (the
consent_open_data answer), and every count goes through disclosure control: 0 stays 0, 1 to 7 is
suppressed, anything else is rounded to the nearest 5. A suppressed value is "*" in CSV and null in JSON;
percentages and their intervals are worked out from the published (rounded) counts, so they give back
nothing the counts do not, and are suppressed with them. The
descriptor says all this, so the files can be read without this page.

Licence: Open Government Licence v3.0, the licence UK public bodies (councils, the NHS, Healthwatch)
publish under and the one the ward and deprivation data Chorus uses already carry.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from chorus.apps.engagement.models import ActivityKind, Contribution
from chorus.apps.imports.protection import open_data_rows
from chorus.apps.insight import aggregates
from chorus.apps.programmes.models import Programme
from chorus.ingest.safety import SafeDictWriter
from chorus.privacy.disclosure import SUPPRESSED, display_count, display_interval, display_percentage

LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
CSV_MISSING = ["", SUPPRESSED]
DISCLOSURE_NOTE = (
    "Disclosure control: only residents who agreed to anonymised open data are counted. Counts are rounded "
    "to the nearest 5; counts of 1 to 7 are suppressed. Percentages and their 95% intervals are worked out "
    "from the published (rounded) counts, and are suppressed when either count is 1 to 7. A suppressed value "
    "is * in the CSV files and null in the JSON files."
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, yearmonth
    title: str
    description: str = ""
    suppressible: bool = False

    def schema(self, missing: str) -> dict:
        description = self.description
        if self.suppressible:
            description = (description + " " if description else "") + f"Suppressed values are {missing}."
        schema = {"name": self.name, "type": self.type, "title": self.title}
        if description:
            schema["description"] = description
        if self.type in ("integer", "number"):
            schema["constraints"] = {"minimum": 0}
        return schema


def _count_column(title: str, description: str) -> Column:
    return Column("contributions", "integer", title, description, suppressible=True)


PREVALENCE_COLUMNS = [
    Column("theme", "string", "Theme id", "The theme's stable id in the programme's codebook."),
    Column("theme_name", "string", "Theme"),
    Column(
        "contributions_with_theme",
        "integer",
        "Contributions raising the theme",
        "Rounded to the nearest 5.",
        suppressible=True,
    ),
    Column(
        "contributions", "integer", "Contributions", "All contributions in the group, rounded to 5.", True
    ),
    Column("percent", "number", "Share, %", "Share of the group's contributions raising it.", True),
    Column("lower_95", "number", "95% interval, lower, %", "Wilson score interval.", True),
    Column("upper_95", "number", "95% interval, upper, %", "Wilson score interval.", True),
]
WARD_COLUMNS = [
    Column(
        "ward_code", "string", "Ward code", "ONS code of the electoral ward (E05…); empty when not known."
    ),
    Column("ward_name", "string", "Ward"),
]
QUINTILE_COLUMNS = [
    Column("imd_quintile", "string", "IMD 2019 quintile", "1 = most deprived 20% (Core20) to 5; not-known."),
    Column("imd_quintile_label", "string", "IMD 2019 quintile, in words"),
]


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[Programme, QuerySet], list[dict]]


@dataclass
class Table:
    spec: TableSpec
    rows: list[dict] = field(default_factory=list)  # released values: a number, "*" or None


# ------------------------------------------------------------------------------------------------ the figures


def open_contributions(programme: Programme) -> QuerySet[Contribution]:
    return open_data_rows(Contribution.objects.filter(programme=programme))


def _grouped(contributions: QuerySet, grouping: str) -> list[aggregates.GroupCount]:
    spec = aggregates.GROUPINGS[grouping]
    counts: dict[str, list] = {}
    for row in contributions.order_by().values(*spec.fields).annotate(n=Count("pk")):
        key, label = spec.key({name: row[name] for name in spec.fields})
        entry = counts.setdefault(key, [label, 0])
        entry[1] += row["n"]
    return [aggregates.GroupCount(key, label, n) for key, (label, n) in counts.items()]


def _percent_and_interval(count: int, total: int) -> dict:
    percent = display_percentage(count, total)
    interval = display_interval(count, total)
    if not isinstance(percent, float) or not isinstance(interval, tuple):
        return {"percent": percent, "lower_95": percent, "upper_95": percent}
    return {"percent": percent, "lower_95": interval[0], "upper_95": interval[1]}


def _by_month(programme: Programme, contributions: QuerySet) -> list[dict]:
    rows = (
        contributions.order_by()
        .annotate(month=TruncMonth("activity__date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    found = {row["month"]: row["n"] for row in rows if row["month"] is not None}
    if not found:
        return []
    months, current, last = [], min(found), max(found)
    while current <= last:
        months.append(current)
        current = current.replace(year=current.year + current.month // 12, month=current.month % 12 + 1)
    return [{"month": f"{m:%Y-%m}", "contributions": display_count(found.get(m, 0))} for m in months]


def _by_ward(programme: Programme, contributions: QuerySet) -> list[dict]:
    groups = sorted(_grouped(contributions, "ward"), key=lambda g: (g.key == aggregates.NOT_KNOWN, g.label))
    return [
        {
            "ward_code": "" if group.key == aggregates.NOT_KNOWN else group.key,
            "ward_name": group.label,
            "contributions": display_count(group.count),
        }
        for group in groups
    ]


def _by_activity_type(programme: Programme, contributions: QuerySet) -> list[dict]:
    counts = {group.key: group.count for group in _grouped(contributions, "activity_kind")}
    return [
        {"activity_type": kind, "activity_type_label": label, "contributions": display_count(counts[kind])}
        for kind, label in ActivityKind.choices
        if kind in counts
    ]


def _prevalence(
    programme: Programme, contributions: QuerySet, grouping: str | None, group_columns: Callable
) -> list[dict]:
    codebook = aggregates.codebook_for(programme)
    theme_list = aggregates.themes(codebook)
    if not theme_list:
        return []
    codings = aggregates.theme_codings(codebook).filter(contribution__in=contributions)
    if grouping is None:
        groups = [aggregates.GroupCount("all", "All", contributions.count())]
        per_theme = {
            (row["theme_id"], "all"): row["n"]
            for row in codings.order_by().values("theme_id").annotate(n=Count("pk"))
        }
    else:
        spec = aggregates.GROUPINGS[grouping]
        groups = sorted(
            _grouped(contributions, grouping), key=lambda g: (g.key == aggregates.NOT_KNOWN, g.key)
        )
        per_theme: dict = {}
        fields = ["contribution__" + name for name in spec.fields]
        for row in codings.order_by().values("theme_id", *fields).annotate(n=Count("pk")):
            key, _ = spec.key({name: row["contribution__" + name] for name in spec.fields})
            per_theme[(row["theme_id"], key)] = per_theme.get((row["theme_id"], key), 0) + row["n"]
    rows = []
    for group in groups:
        if not group.count:
            continue
        for theme in theme_list:
            count = per_theme.get((theme.pk, group.key), 0)
            rows.append(
                {
                    **group_columns(group),
                    "theme": theme.slug,
                    "theme_name": theme.name,
                    "contributions_with_theme": display_count(count),
                    "contributions": display_count(group.count),
                    **_percent_and_interval(count, group.count),
                }
            )
    return rows


def _ward_columns(group: aggregates.GroupCount) -> dict:
    return {"ward_code": "" if group.key == aggregates.NOT_KNOWN else group.key, "ward_name": group.label}


def _quintile_columns(group: aggregates.GroupCount) -> dict:
    return {"imd_quintile": group.key, "imd_quintile_label": group.label}


TABLES = [
    TableSpec(
        "contributions-by-month",
        "Contributions by month",
        "Contributions by the month of the activity where they were heard (months with none are 0).",
        [Column("month", "yearmonth", "Month"), _count_column("Contributions", "Rounded to the nearest 5.")],
        _by_month,
    ),
    TableSpec(
        "contributions-by-ward",
        "Contributions by ward",
        "Contributions by the resident's electoral ward (2025 boundaries).",
        WARD_COLUMNS + [_count_column("Contributions", "Rounded to the nearest 5.")],
        _by_ward,
    ),
    TableSpec(
        "contributions-by-activity-type",
        "Contributions by activity type",
        "Contributions by the kind of activity where they were heard.",
        [
            Column("activity_type", "string", "Activity type id"),
            Column("activity_type_label", "string", "Activity type"),
            _count_column("Contributions", "Rounded to the nearest 5."),
        ],
        _by_activity_type,
    ),
    TableSpec(
        "theme-prevalence",
        "Theme prevalence",
        "Share of contributions raising each theme, with 95% Wilson intervals.",
        PREVALENCE_COLUMNS,
        lambda programme, contributions: _prevalence(programme, contributions, None, lambda group: {}),
    ),
    TableSpec(
        "theme-prevalence-by-ward",
        "Theme prevalence by ward",
        "Share of each ward's contributions raising each theme, with 95% Wilson intervals.",
        WARD_COLUMNS + PREVALENCE_COLUMNS,
        lambda programme, contributions: _prevalence(programme, contributions, "ward", _ward_columns),
    ),
    TableSpec(
        "theme-prevalence-by-imd-quintile",
        "Theme prevalence by deprivation quintile",
        "Share of contributions raising each theme by the IMD 2019 quintile of the resident's neighbourhood.",
        QUINTILE_COLUMNS + PREVALENCE_COLUMNS,
        lambda programme, contributions: _prevalence(
            programme, contributions, "imd_quintile", _quintile_columns
        ),
    ),
]
SPECS = {spec.name: spec for spec in TABLES}


def build_table(programme: Programme, name: str) -> Table:
    spec = SPECS[name]
    return Table(spec, spec.rows(programme, open_contributions(programme)))


# ------------------------------------------------------------------------------------------------ the files


def csv_text(table: Table) -> str:
    """The table as CSV: suppressed values as *, every cell formula-safe."""
    stream = io.StringIO()
    writer = SafeDictWriter(stream, fieldnames=[column.name for column in table.spec.columns])
    writer.writeheader()
    for row in table.rows:
        writer.writerow({name: "" if value is None else value for name, value in row.items()})
    return stream.getvalue()


def json_document(table: Table, programme: Programme) -> dict:
    """The table as JSON: {"notes": ..., "data": [{column: value}]}, suppressed values as null."""
    return {
        "title": f"{programme.name}: {table.spec.title}",
        "licence": LICENCE["title"],
        "notes": DISCLOSURE_NOTE,
        "data": [
            {name: None if value == SUPPRESSED else value for name, value in row.items()}
            for row in table.rows
        ],
    }


def json_text(table: Table, programme: Programme) -> str:
    return json.dumps(json_document(table, programme), ensure_ascii=False, indent=1)


def descriptor(programme: Programme) -> dict:
    """The Frictionless Data Package descriptor for the programme's open data."""
    resources = []
    for spec in TABLES:
        resources.append(
            {
                "name": spec.name,
                "path": f"{spec.name}.csv",
                "title": spec.title,
                "description": f"{spec.description} Suppressed values are *.",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [column.schema("*") for column in spec.columns],
                    "missingValues": CSV_MISSING,
                },
            }
        )
        resources.append(
            {
                "name": f"{spec.name}-json",
                "path": f"{spec.name}.json",
                "title": f"{spec.title} (JSON)",
                "description": f"{spec.description} Rows are under “data”; suppressed values are null.",
                "profile": "tabular-data-resource",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "dialect": {"json": {"property": "data", "keyed": True}},
                "schema": {"fields": [column.schema("null") for column in spec.columns]},
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"chorus-{programme.slug}",
        "title": f"{programme.name}: what residents told us (open data)",
        "description": (
            "Anonymised aggregate tables of what residents told the programme, made by Chorus. "
            + DISCLOSURE_NOTE
        ),
        "licenses": [LICENCE],
        "keywords": ["community engagement", "health inequalities", "Core20PLUS5", "open data"],
        "resources": resources,
    }


def descriptor_text(programme: Programme) -> str:
    return json.dumps(descriptor(programme), ensure_ascii=False, indent=1)
