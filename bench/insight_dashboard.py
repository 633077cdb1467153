"""Programme dashboard with 100,000 contributions: response time through Django's test Client, on SQLite
and PostgreSQL, before and after a change in the same run.

Generates its own data (into a fresh SQLite file under a temporary folder, or the PostgreSQL database given):
Southend's real wards and LSOAs (with IMD deciles and Core20), 6 partners, ~4,000 activities over two years,
100,000 contributions with equality answers, a 20-theme codebook with ~2 codings per contribution (some
accepted or rejected by a person, two themes rising over time) and a few emerging clusters. Then it signs in
an analyst and times every dashboard page (summary, by ward, over time, theme by group), each unfiltered and
filtered: the median and p95 of N cold requests (the figures cache emptied first) and warm ones.
Target from issue 16: every view under 500 ms median cold.

    .venv/bin/python -m bench.insight_dashboard [--contributions 100000] [--requests 20] [--db PATH]
        [--database-url postgres://...] [--baseline PATH-TO-A-CHECKOUT-OF-THE-CODE-BEFORE]

`--db PATH` keeps the generated SQLite database at PATH and reuses it on the next run (generation takes a
while); `--database-url` generates into (or reuses) that database instead. `--baseline` times the same pages
with the code of another checkout first (a subprocess importing `chorus` from there), on the same data.
"""

from __future__ import annotations

import argparse
import json
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


def configure(database: Path, database_url: str = "") -> None:
    """Point Django at the benchmark's own database (a SQLite file, or `database_url`), with production-like
    settings (DEBUG off)."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chorus.site.settings",
            "DATABASE_URL": database_url or f"sqlite:///{database}",
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
        try:  # the coding actions keep each contribution's coverage flags; bulk_create bypassed them
            from chorus.apps.coding.actions.coverage import update_coverage
        except ImportError:  # code from before the flags
            pass
        else:
            update_coverage(programme)
        for number in range(1, 6):
            EmergingCluster.objects.create(
                programme=programme,
                number=number,
                name=f"Emerging issue {number}",
                key_terms=["term"],
                size=rng.randint(20, 300),
                trend=rng.choice(["rising", "steady", "falling"]),
            )
    from django.db import connection

    if connection.vendor == "postgresql":  # as autovacuum would: statistics, and index-only scans
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
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
    """The proposed indexes whose columns no existing index starts with (checked on SQLite only)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
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


def run(requests: int, other_requests: int = 10, only: str = "") -> tuple[list[tuple[str, dict]], str, list]:
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
        cases = [(label, query) for label, query in cases if label.startswith(only)]
        return _run_cases(client, base, cases, requests, other_requests, total)
    for by in ("age_band", "sex", "ethnicity", "disability", "carer", "imd_quintile", "core20"):
        cases.append((f"breakdown by {by}", f"?by={by}"))
    cases += [
        ("quarterly", "?period=quarter"),
        ("map shaded by a theme", "?shade=cost-of-living"),
        ("filtered: one year", "?from=2025-06-01&to=2026-05-31"),
        ("filtered: Core20 only, conversations", "?core20=yes&kind=conversation"),
        ("filtered: theme raised", "?theme=gp-access"),
    ]
    return _run_cases(client, base, cases, requests, other_requests, total)


def _fresh(database: Path, database_url: str) -> bool:
    """Whether the benchmark's data still has to be generated."""
    if not database_url:
        return not database.exists()
    from django.db import connection

    if "programmes_programme" not in connection.introspection.table_names():
        return True
    from chorus.apps.programmes.models import Programme

    return not Programme.objects.filter(slug=SLUG).exists()


def has_sections() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("insight:dashboard-wards", args=[SLUG])
    except NoReverseMatch:
        return False
    return True


def _run_cases(client, base: str, cases: list[tuple[str, str]], requests: int, other_requests: int, total):
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
        result = time_requests(client, url, requests if not query else other_requests)
        print(f"{label}: {result}", flush=True)
        results.append((label, result))
    return results, f"{total:,}", missing


def load_average() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _baseline(args, database: Path) -> list[tuple[str, dict]]:
    """The same pages timed with another checkout's code on the same data, in a subprocess."""
    with tempfile.TemporaryDirectory(prefix="chorus-dashboard-baseline-") as folder:
        out = Path(folder) / "results.json"
        command = [sys.executable, "-m", "bench.insight_dashboard", "--code", str(args.baseline.resolve())]
        command += ["--db", str(database), "--json", str(out), "--no-write", "--requests", str(args.requests)]
        command += ["--other-requests", str(args.other_requests), "--only", args.only]
        if args.database_url:
            command += ["--database-url", args.database_url]
        subprocess.run(command, cwd=REPO, check=True)
        return [tuple(row) for row in json.loads(out.read_text())]


def _engine(database_url: str) -> str:
    return "PostgreSQL" if database_url.startswith("postgres") else "SQLite"


def _table(results: list[tuple[str, dict]], before: dict[str, dict]) -> list[str]:
    head = "| page | cold median ms | cold p95 ms | cold CPU ms | warm median ms | queries (cold) | KiB |"
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if before:
        head = "| page | before: cold median ms | before: cold CPU ms " + head.removeprefix("| page ")
        rule = "|---|---:|---:" + rule.removeprefix("|---")
    lines = [head, rule]
    for label, result in results:
        median, p95, cpu, queries = result["median"], result["p95"], result["cpu"], result["queries"]
        was = before.get(label)
        earlier = ""
        if before:
            earlier = f" {was['median']:.0f} | {was['cpu']:.0f} |" if was else " – | – |"
        lines.append(
            f"| {label} |{earlier} {median:.0f} | {p95:.0f} | {cpu:.0f} | {result['warm']:.0f} | {queries} "
            f"| {result['kib']:.0f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests for the default page")
    parser.add_argument("--db", type=Path, help="keep (and reuse) the generated SQLite database here")
    parser.add_argument("--database-url", default="", help="generate into (or reuse) this database instead")
    parser.add_argument("--baseline", type=Path, help="a checkout of the code before: timed first, same data")
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)  # import chorus from here (baseline)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # results for the parent process
    parser.add_argument("--other-requests", type=int, default=10, help="timed requests for the other pages")
    parser.add_argument("--only", default="", help="time only the pages whose label starts with this")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/README.md alone")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    engine = _engine(args.database_url)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="chorus-dashboard-bench-") as folder:
        database = args.db.resolve() if args.db else Path(folder) / "bench.sqlite3"
        configure(database, args.database_url)
        if not args.code and _fresh(database, args.database_url):
            started = time.perf_counter()
            generate(args.contributions)  # with this code, before either run: both time the same data
            print(f"generation took {time.perf_counter() - started:.0f} s", flush=True)
        before = dict(_baseline(args, database)) if args.baseline else {}
        results, total, missing = run(args.requests, args.other_requests, args.only)
    if args.json:
        args.json.write_text(json.dumps(results))
        return 0
    load_after = load_average()
    summary = next(result for label, result in results if label.startswith("summary (no filters"))
    slowest_label, slowest = max(
        ((label, result) for label, result in results if "as migrated" not in label),
        key=lambda item: item[1]["median"],
    )
    slowest_cpu_label, slowest_cpu = max(results, key=lambda item: item[1]["cpu"])
    under = sum(1 for _, result in results if result["median"] < 500)
    under_cpu = sum(1 for _, result in results if result["cpu"] < 500)
    lines = [
        f"## Programme dashboard (insight) on {engine}",
        "",
        f"{total} contributions (~2 codings each, 20 themes, Southend's 17 wards) in a "
        f"{'fresh SQLite file' if engine == 'SQLite' else 'PostgreSQL database'}; every dashboard page "
        "through Django's test Client as a signed-in analyst, DEBUG off. Target from issue 16: every view, "
        "filtered or not, under 500 ms median **cold** (the figures cache emptied before each request, as "
        "after new evidence arrives); **warm** is the same page again, read from the cache "
        "(chorus/apps/insight/cache.py). "
        f"Cold median under 500 ms: **{under} of {len(results)} views**; cold CPU time under 500 ms: "
        f"**{under_cpu} of {len(results)}**. Summary, unfiltered: {summary['median']:.0f} ms median cold "
        f"({summary['cpu']:.0f} ms CPU). Slowest, cold: {slowest_label}, {slowest['median']:.0f} ms median; "
        f"most CPU: {slowest_cpu_label}, {slowest_cpu['cpu']:.0f} ms.",
        "",
    ]
    if before:
        lines += [
            f"**Before** is the code at `{args.baseline}` timed on the same data just before (a subprocess), "
            "**after** this checkout's.",
            "",
        ]
    lines += _table(results, before)
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
        f"Summary: {args.requests} cold and {args.requests} warm requests; other rows "
        f"{args.other_requests} of each, after 2 warm-up requests. The data generator writes with "
        "bulk_create, bypassing the actions (no redaction or audit), to fill the database fast.",
        "",
        f"Load before: `{load_before}`; after: `{load_after}` (2 shared cores). Wall time grows with the "
        "load; on a quiet machine it is close to the CPU time column (SQLite runs in-process; "
        "PostgreSQL's own time is in the wall time only).",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if not args.no_write:
        from bench._readme import write_section

        write_section("insight_dashboard" if engine == "SQLite" else "insight_dashboard_postgresql", markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
