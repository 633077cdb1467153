"""Programme dashboard with 100,000 contributions on SQLite: response time through Django's test Client.

Generates its own data into a fresh SQLite file under a temporary folder: Southend's real wards and LSOAs
(with IMD deciles and Core20), 6 partners, ~4,000 activities over two years, 100,000 contributions with
equality answers, a 20-theme codebook with ~2 codings per contribution (some accepted or rejected by a
person, two themes rising over time) and a few emerging clusters. Then it signs in an analyst and times
GET /insight/<slug>/ (median and p95 of N requests after a warm-up), for every breakdown, with filters
and with the map shaded by a theme. Target from issue 5: under 500 ms median.

    .venv/bin/python -m bench.insight_dashboard [--contributions 100000] [--requests 20] [--db PATH]

`--db PATH` keeps the generated database at PATH and reuses it on the next run (generation takes a while).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SLUG = "bench-dashboard"
SOUTHEND = "E06000033"
START = date(2024, 11, 1)
DAYS = 730
THEMES = [
    "GP access", "Hospital waiting", "Dentists", "Pharmacy", "Mental health", "Loneliness", "Housing damp",
    "Cost of living", "Food", "Transport", "Safety", "Green spaces", "Caring", "Children's services",
    "Older people's care", "Disability access", "Language and interpreting", "Digital exclusion",
    "Employment", "Community groups",
]  # fmt: skip
RISING = {"Cost of living", "Housing damp"}
OPENINGS = ["The bus", "My GP", "The pharmacy", "The food bank", "Our landlord", "The dentist", "The library"]
ENDINGS = ["never answers", "helped me", "closed early", "costs too much", "is too far", "made my week"]
PARTNERS = [
    "Kursaal Community Hub", "Milton Voices", "Shoebury Carers", "Victoria Youth Trust",
    "Westborough Pantry", "Southchurch Neighbours",
]  # fmt: skip
KINDS = [
    ("conversation", 40), ("survey", 20), ("focus-group", 10), ("listening-event", 10), ("workshop", 5),
    ("event", 5), ("patient-feedback", 5), ("interview", 3), ("other", 2),
]  # fmt: skip


def configure(database: Path) -> None:
    """Point Django at the benchmark's own SQLite file, with production-like settings (DEBUG off)."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chorus.site.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "CHORUS_VAR_DIR": str(database.parent),
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "DEBUG": "0",
            "CHORUS_LOCAL_HTTP": "1",
            "CHORUS_STATIC_MANIFEST": "0",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            # The analyst is signed in with force_login, which skips the second step; the page is timed.
            "CHORUS_2FA_ROLES": "",
        }
    )
    import django

    django.setup()


def generate(contributions: int, seed: int = 20261201) -> None:
    """Write the benchmark data straight into the tables with bulk_create.

    This bypasses engagement.actions.create_contribution and the coding actions (no redaction, no audit rows,
    no per-row validation) on purpose: the point is to fill the database fast, not to test the writes.
    """
    from django.core.management import call_command
    from django.db import transaction

    from chorus.apps.accounts.models import Membership, Role, User
    from chorus.apps.coding.models import Codebook, Coding, CodingStatus, EmergingCluster, Theme
    from chorus.apps.engagement.models import Activity, Contribution
    from chorus.apps.places.actions import load_places
    from chorus.apps.places.models import Area, Level
    from chorus.apps.programmes.models import Organisation, OrganisationKind, Partnership, Programme
    from chorus.equality import AGE_BANDS, ETHNICITIES, SEXES, YES_NO

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    load_places([SOUTHEND], by=None)
    southend = Area.objects.get(code=SOUTHEND)
    wards = list(Area.objects.filter(level=Level.WARD, parent=southend))
    lsoas_of = {w.pk: list(Area.objects.filter(level=Level.LSOA, parent=w)) for w in wards}
    ward_weights = [rng.uniform(0.3, 3.0) for _ in wards]

    with transaction.atomic():
        programme = Programme.objects.create(slug=SLUG, name="Dashboard benchmark", local_authority=southend)
        partners = [
            Organisation.objects.create(name=name, slug=f"bench-{i}", kind=OrganisationKind.VCS)
            for i, name in enumerate(PARTNERS)
        ]
        for partner in partners:
            Partnership.objects.create(programme=programme, organisation=partner)
        analyst = User.objects.create_user(username="bench-analyst", password="bench-password-123")
        Membership.objects.create(user=analyst, role=Role.ANALYST, programme=programme)

        activities = []
        for number in range(contributions // 25):
            activities.append(
                Activity(
                    programme=programme,
                    kind=rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0],
                    title=f"Activity {number}",
                    date=START + timedelta(days=int(DAYS * rng.random() ** 0.8)),
                    area=rng.choices(wards, ward_weights)[0],
                    partner=rng.choice(partners) if rng.random() < 0.7 else None,
                    recorded_by=analyst,
                    participants=rng.randint(1, 40),
                )
            )
        activities = Activity.objects.bulk_create(activities, batch_size=2000)

        ethnicities = [code for code, _ in ETHNICITIES]
        now = datetime.now(UTC)
        rows = []
        for number in range(contributions):
            activity = rng.choice(activities)
            roll = rng.random()
            where = (
                activity.area if roll < 0.75 else None if roll > 0.95 else rng.choices(wards, ward_weights)[0]
            )
            lsoa = rng.choice(lsoas_of[where.pk]) if where is not None and lsoas_of[where.pk] else None
            rows.append(
                Contribution(
                    programme=programme,
                    activity=activity,
                    text=f"{rng.choice(OPENINGS)} {rng.choice(ENDINGS)} ({number})",
                    ward=where,
                    lsoa=lsoa,
                    imd_decile=lsoa.imd_decile if lsoa else None,
                    core20=lsoa.core20 if lsoa else None,
                    recorded_by=analyst,
                    age_band=rng.choice([c for c, _ in AGE_BANDS] + ["", ""]),
                    sex=rng.choice([c for c, _ in SEXES] + [""]),
                    ethnicity=rng.choice(ethnicities[:3] * 8 + ethnicities + [""] * 4),
                    disability=rng.choice([c for c, _ in YES_NO] + [""]),
                    carer=rng.choice([c for c, _ in YES_NO] + [""]),
                    consent_analysis=True,
                    consent_quote=rng.random() < 0.7,
                    consent_open_data=rng.random() < 0.5,
                    consent_recontact=rng.random() < 0.3,
                    consent_taken_at=now,
                )
            )
        rows = Contribution.objects.bulk_create(rows, batch_size=2000)

        codebook = Codebook.objects.create(programme=programme, name="Benchmark codebook")
        themes = Theme.objects.bulk_create(
            [
                Theme(
                    codebook=codebook,
                    slug=name.lower().replace(" ", "-").replace("'", ""),
                    name=name,
                    position=i,
                )
                for i, name in enumerate(THEMES)
            ]
        )
        popularity = [1 / (rank + 1) ** 0.7 for rank in range(len(themes))]
        date_of = {a.pk: a.date for a in activities}
        codings = []
        for contribution in rows:
            progress = (date_of[contribution.activity_id] - START).days / DAYS
            weights = [
                w * (0.5 + 2 * progress if t.name in RISING else 1)
                for t, w in zip(themes, popularity, strict=True)
            ]
            chosen = set(rng.choices(themes, weights, k=rng.choice([1, 2, 2, 2, 3])))
            for theme in chosen:
                roll = rng.random()
                status = (
                    CodingStatus.REJECTED
                    if roll < 0.05
                    else CodingStatus.ACCEPTED
                    if roll < 0.15
                    else CodingStatus.SUGGESTED
                )
                codings.append(
                    Coding(
                        contribution=contribution,
                        theme=theme,
                        confidence=rng.random(),
                        made_by_user=analyst if status != CodingStatus.SUGGESTED else None,
                        made_by_model="" if status != CodingStatus.SUGGESTED else "bench@1",
                        made_at=now,
                        status=status,
                        current=True,
                    )
                )
        Coding.objects.bulk_create(codings, batch_size=5000)
        for number in range(1, 6):
            EmergingCluster.objects.create(
                programme=programme,
                number=number,
                name=f"Emerging issue {number}",
                key_terms=["term"],
                size=rng.randint(20, 300),
                trend=rng.choice(["rising", "steady", "falling"]),
            )
    print(f"generated {len(rows):,} contributions, {len(codings):,} codings", flush=True)


# Indexes the dashboard needs at this size, proposed for the engagement and coding models (the insight
# engineer may not edit those apps). Until a migration adds them, the benchmark times the page as migrated,
# then creates these itself and times it again; once they exist it finds them and says so.
PROPOSED_INDEXES = [
    (
        "bench_contribution_prog_act_ward",
        "engagement_contribution",
        ("programme_id", "activity_id", "ward_id"),
    ),
    (
        "bench_coding_contrib_status_theme",
        "coding_coding",
        ("contribution_id", "current", "status", "theme_id"),
    ),
]


def missing_indexes() -> list[tuple[str, str, tuple[str, ...]]]:
    """The proposed indexes whose columns no existing index starts with."""
    from django.db import connection

    missing = []
    with connection.cursor() as cursor:
        for name, table, columns in PROPOSED_INDEXES:
            found = False
            for index in cursor.execute(f"PRAGMA index_list({table})").fetchall():
                if index[1] == name:
                    continue
                have = [row[2] for row in cursor.execute(f"PRAGMA index_info({index[1]})").fetchall()]
                found = found or tuple(have[: len(columns)]) == columns
            if not found:
                missing.append((name, table, columns))
    return missing


def set_indexes(indexes: list[tuple[str, str, tuple[str, ...]]], present: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for name, table, columns in indexes:
            if present:
                quoted = ", ".join(f'"{column}"' for column in columns)
                cursor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({quoted})')
            else:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _timed(client, url: str) -> tuple[float, float, object]:
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return 1000 * (time.perf_counter() - started), 1000 * (time.process_time() - started_cpu), response


def time_requests(client, url: str, requests: int) -> dict:
    """Each round: a cold request (cache emptied, as after new evidence arrives), then a warm one (the same
    page again with the evidence unchanged, served from the figures cache)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm-up: templates, imports
        _timed(client, url)
    cold, cold_cpu, warm = [], [], []
    for _ in range(requests):
        cache.clear()
        wall, cpu, response = _timed(client, url)
        cold.append(wall)
        cold_cpu.append(cpu)
        warm.append(_timed(client, url)[0])
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    cold.sort()
    return {
        "median": statistics.median(cold),
        "p95": cold[min(len(cold) - 1, round(0.95 * (len(cold) - 1)))],
        "cpu": statistics.median(cold_cpu),  # this process's CPU time: less sensitive to a busy machine
        "warm": statistics.median(warm),
        "queries": len(queries),
        "kib": len(response.content) / 1024,
    }


def run(contributions: int, requests: int, database: Path) -> tuple[list[tuple[str, dict]], str]:
    fresh = not database.exists()
    configure(database)
    if fresh:
        started = time.perf_counter()
        generate(contributions)
        print(f"generation took {time.perf_counter() - started:.0f} s", flush=True)

    from django.test import Client
    from django.urls import reverse

    from chorus.apps.accounts.models import User
    from chorus.apps.engagement.models import Contribution

    total = Contribution.objects.filter(programme__slug=SLUG).count()
    client = Client()
    client.force_login(User.objects.get(username="bench-analyst"))
    base = reverse("insight:dashboard", args=[SLUG])
    cases = [("default (no filters, breakdown by ward, monthly)", "")]
    if has_sections():
        # Summary first (issue 16): breakdowns are pages of their own, each timed with and without filters.
        cases = [("summary (no filters)", "")]
        filtered = [
            ("one year", "from=2025-06-01&to=2026-05-31"),
            ("Core20 only, conversations", "core20=yes&kind=conversation"),
            ("theme raised", "theme=gp-access"),
        ]
        cases += [(f"summary, filtered: {label}", f"?{query}") for label, query in filtered]
        ward_page = reverse("insight:dashboard-wards", args=[SLUG])
        time_page = reverse("insight:dashboard-time", args=[SLUG])
        group_page = reverse("insight:dashboard-groups", args=[SLUG])
        cases += [
            ("by ward", ward_page),
            ("by ward, map shaded by a theme", ward_page + "?shade=cost-of-living"),
        ]
        cases += [(f"by ward, filtered: {label}", f"{ward_page}?{query}") for label, query in filtered]
        cases += [("over time, monthly", time_page), ("over time, quarterly", time_page + "?period=quarter")]
        cases += [(f"over time, filtered: {label}", f"{time_page}?{query}") for label, query in filtered]
        for by in ("ward", "age_band", "sex", "ethnicity", "disability", "carer", "imd_quintile", "core20"):
            cases.append((f"theme by {by}", f"{group_page}?by={by}"))
        cases += [
            (f"theme by group, filtered: {label}", f"{group_page}?{query}") for label, query in filtered
        ]
        return _run_cases(client, base, cases, requests, total)
    for by in ("age_band", "sex", "ethnicity", "disability", "carer", "imd_quintile", "core20"):
        cases.append((f"breakdown by {by}", f"?by={by}"))
    cases += [
        ("quarterly", "?period=quarter"),
        ("map shaded by a theme", "?shade=cost-of-living"),
        ("filtered: one year", "?from=2025-06-01&to=2026-05-31"),
        ("filtered: Core20 only, conversations", "?core20=yes&kind=conversation"),
        ("filtered: theme raised", "?theme=gp-access"),
    ]
    return _run_cases(client, base, cases, requests, total)


def has_sections() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("insight:dashboard-wards", args=[SLUG])
    except NoReverseMatch:
        return False
    return True


def _run_cases(client, base: str, cases: list[tuple[str, str]], requests: int, total: str):
    results = []
    missing = missing_indexes()
    if missing:
        set_indexes(missing, present=False)
        result = time_requests(client, base, requests)
        print(f"as migrated, without the proposed indexes: {result}", flush=True)
        results.append(("default, as migrated (without the proposed indexes)", result))
        set_indexes(missing, present=True)
    for label, query in cases:
        url = query if query.startswith("/") else base + query
        result = time_requests(client, url, requests if not query else max(10, requests // 2))
        print(f"{label}: {result}", flush=True)
        results.append((label, result))
    return results, f"{total:,}", missing


def load_average() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests for the default page")
    parser.add_argument("--db", type=Path, help="keep (and reuse) the generated SQLite database here")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/README.md alone")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    before = load_average()
    if args.db:
        results, total, missing = run(args.contributions, args.requests, args.db.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="chorus-dashboard-bench-") as folder:
            results, total, missing = run(args.contributions, args.requests, Path(folder) / "bench.sqlite3")
    after = load_average()
    default = next(
        result
        for label, result in results
        if label.startswith(("default (no filters", "summary (no filters"))
    )
    slowest_label, slowest = max(
        ((label, result) for label, result in results if "as migrated" not in label),
        key=lambda item: item[1]["median"],
    )
    verdict = "meets" if default["median"] < 500 else "misses"
    warm_verdict = "meets" if default["warm"] < 500 else "misses"
    lines = [
        "## Programme dashboard (insight)",
        "",
        f"{total} contributions (~2 codings each, 20 themes, Southend's 17 wards) in a fresh SQLite file; "
        "GET /insight/<slug>/ through Django's test Client as a signed-in analyst, DEBUG off. "
        "Target from issue 5: under 500 ms median. Figures are cached until the programme's evidence "
        "changes (chorus/apps/insight/cache.py), so two numbers matter: a **cold** request, the first after "
        "new evidence, works everything out; a **warm** one, the same page again, reads the cache. "
        f"Default page, cold: **{verdict}** the target at **{default['median']:.0f} ms median** "
        f"({default['p95']:.0f} ms p95); warm: **{warm_verdict}** it at **{default['warm']:.0f} ms median**. "
        f"Slowest page, cold: {slowest_label}, {slowest['median']:.0f} ms median "
        f"({slowest['cpu']:.0f} ms CPU).",
        "",
        "| page | cold median ms | cold p95 ms | cold CPU ms | warm median ms | queries (cold) | page KiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in results:
        median, p95, cpu, queries = result["median"], result["p95"], result["cpu"], result["queries"]
        lines.append(
            f"| {label} | {median:.0f} | {p95:.0f} | {cpu:.0f} | {result['warm']:.0f} | {queries} "
            f"| {result['kib']:.0f} |"
        )
    if missing:
        lines += [
            "",
            "The first row is the schema as migrated; every other row adds the indexes proposed for the "
            "engagement and coding models (not yet in their migrations): "
            + "; ".join(f"`{table}({', '.join(columns)})`" for _, table, columns in missing)
            + ".",
        ]
    lines += [
        "",
        f"Default page: {args.requests} cold and {args.requests} warm requests; other rows "
        f"{max(10, args.requests // 2)} of each, after 2 warm-up requests. The data generator writes with "
        "bulk_create, bypassing the actions (no redaction or audit), to fill the database fast.",
        "",
        f"Load before: `{before}`; after: `{after}` (2 shared cores). Wall time grows with the load; "
        "on a quiet machine it is close to the CPU time column (SQLite runs in-process).",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if not args.no_write:
        from bench._readme import write_section

        write_section("insight_dashboard", markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
