"""The feedback-owed page with 1,000 items due on SQLite: response time through Django's test Client.

Generates its own data into a fresh SQLite file under a temporary folder: one programme in Southend with
1,000 listening events and workshops over the last year, each with "what we heard" planned and not sent yet
(a third by email, a third by text message, the rest by newsletter or event), 20 contributions per event of
which a third asked to hear back and gave an email address or mobile number (kept encrypted on a participant,
some residents met at two events), and 300 more events with no feedback planned. Then it signs in an analyst
and times GET /feedback/ unfiltered, filtered by channel, by status and by activity, and a later page (median
and p95 of N requests after a warm-up). Target from issue 16: under 1 s with 1,000 items due.

    .venv/bin/python -m bench.feedback_page [--items 1000] [--requests 20] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SLUG = "bench-feedback"
SOUTHEND = "E06000033"
TARGET_MS = 1000


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
            # The benchmark's analyst signs in with force_login: the second sign-in step is not what is timed.
            "CHORUS_2FA_ROLES": "administrator",
        }
    )
    import django

    django.setup()


def generate(items: int, seed: int = 20261204) -> None:
    """Write the data straight into the tables with bulk_create (no redaction, no audit rows): the point is
    to fill the database fast, not to test the writes."""
    from django.core.management import call_command
    from django.db import transaction

    from chorus.apps.accountability.deadlines import feedback_due
    from chorus.apps.accountability.models import Channel, FeedbackItem, FeedbackKind
    from chorus.apps.accounts.models import Membership, Role, User
    from chorus.apps.engagement.models import Activity, Contribution
    from chorus.apps.imports import protection
    from chorus.apps.imports.models import Participant
    from chorus.apps.places.actions import load_places
    from chorus.apps.places.models import Area, Level
    from chorus.apps.programmes.models import Programme

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    load_places([SOUTHEND], by=None)
    southend = Area.objects.get(code=SOUTHEND)
    wards = list(Area.objects.filter(level=Level.WARD, parent=southend))
    today = datetime.now(UTC).date()
    channels = [Channel.EMAIL, Channel.SMS, Channel.EMAIL, Channel.SMS, Channel.NEWSLETTER, Channel.EVENT]
    now = datetime.now(UTC)
    with transaction.atomic():
        programme = Programme.objects.create(slug=SLUG, name="Feedback benchmark", local_authority=southend)
        analyst = User.objects.create_user(username="bench-analyst", password="bench-password-123")
        Membership.objects.create(user=analyst, role=Role.ANALYST, programme=programme)
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    programme=programme,
                    kind=rng.choice(["listening-event", "workshop", "focus-group"]),
                    title=f"{rng.choice(['Listening event', 'Workshop', 'Focus group'])} at "
                    f"{rng.choice(wards).name} {number}",
                    date=today - timedelta(days=rng.randint(0, 365)),
                    area=rng.choice(wards),
                )
                for number in range(items + 300)
            ],
            batch_size=500,
        )
        planned = activities[:items]
        FeedbackItem.objects.bulk_create(
            [
                FeedbackItem(
                    programme=programme,
                    kind=FeedbackKind.WHAT_WE_HEARD,
                    activity=activity,
                    channel=channels[number % len(channels)],
                    title=f"What we heard: {activity.title}",
                    due_date=feedback_due(activity.date, programme.feedback_days),
                )
                for number, activity in enumerate(planned)
            ],
            batch_size=500,
        )
        residents = Participant.objects.bulk_create(
            [
                Participant(
                    programme=programme,
                    pseudonym=f"P-B{number:05d}",
                    ref_hash=f"bench-{number}",
                    contact_channel="email" if number % 2 else "sms",
                    contact_encrypted=protection.encrypt(
                        f"resident{number}@example.net" if number % 2 else f"+4774001{number:05d}"
                    ),
                    contact_hash=f"bench-contact-{number}",
                )
                for number in range(items * 6)
            ],
            batch_size=1000,
        )
        contributions = []
        for activity in planned:
            for place in range(20):
                hears_back = place % 3 == 0
                contributions.append(
                    Contribution(
                        programme=programme,
                        activity=activity,
                        text="What matters to me is getting a GP appointment.",
                        ward=activity.area,
                        participant=rng.choice(residents) if hears_back else None,
                        consent_analysis=True,
                        consent_quote=False,
                        consent_open_data=False,
                        consent_recontact=hears_back,
                        consent_taken_at=now,
                    )
                )
        Contribution.objects.bulk_create(contributions, batch_size=1000)


def _timed(client, url: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return 1000 * (time.perf_counter() - started), response


def time_requests(client, url: str, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm-up: templates, imports
        _timed(client, url)
    times = []
    for _ in range(requests):
        wall, response = _timed(client, url)
        times.append(wall)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": len(queries),
        "kib": len(response.content) / 1024,
    }


def run(items: int, requests: int, database: Path) -> list[tuple[str, dict]]:
    fresh = not database.exists()
    configure(database)
    if fresh:
        started = time.perf_counter()
        generate(items)
        print(f"generation took {time.perf_counter() - started:.0f} s", flush=True)

    from django.test import Client
    from django.urls import reverse

    from chorus.apps.accountability.models import FeedbackItem
    from chorus.apps.accounts.models import User

    owed = FeedbackItem.objects.filter(programme__slug=SLUG, sent_on=None).count()
    print(f"{owed:,} feedback items due", flush=True)
    client = Client()
    client.force_login(User.objects.get(username="bench-analyst"))
    base = reverse("accountability:feedback")
    cases = [
        ("unfiltered, first page (overdue first)", ""),
        ("filtered: text messages", "?channel=sms"),
        ("filtered: overdue", "?status=overdue"),
        ("filtered: activity name", "?activity=workshop"),
        ("page 5", "?page=5"),
    ]
    results = []
    for name, query in cases:
        result = time_requests(client, base + query, requests)
        print(f"{name}: {result}", flush=True)
        results.append((name, result))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--db", type=Path, help="keep the generated database here and reuse it")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as folder:
        database = args.db or Path(folder) / "feedback.sqlite3"
        results = run(args.items, args.requests, database)
    rows = "\n".join(
        f"| {name} | {r['median']:.0f} | {r['p95']:.0f} | {r['queries']} | {r['kib']:.0f} | "
        f"{'yes' if r['median'] < TARGET_MS else 'no'} |"
        for name, r in results
    )
    markdown = (
        f"## Feedback owed page (bench/feedback_page.py)\n\n"
        f"GET /feedback/ through Django's test Client as a signed-in analyst, DEBUG off, SQLite, with "
        f"{args.items:,} items due (plus 300 activities with nothing planned, 20 contributions per event, a "
        f"third asking to hear back). {args.requests} requests per row after a warm-up. The page shows 50 "
        "items a page grouped by due date (activity order within a day) and 25 activities with nothing "
        f"planned. Target (issue 16): under {TARGET_MS:,} ms.\n\n"
        "| request | median ms | p95 ms | queries | KiB | under target |\n|---|---:|---:|---:|---:|---|\n"
        f"{rows}\n"
    )
    print(markdown)
    if not args.no_readme:
        from bench._readme import write_section

        write_section("feedback_page", markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
