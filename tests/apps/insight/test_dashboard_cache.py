import os
from datetime import date

import pytest
import redis
from django.urls import reverse
from django.utils import timezone

from chorus.apps.coding.models import Codebook, Coding, CodingStatus, Theme
from chorus.apps.engagement.actions import create_contribution, withdraw_consent
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight.cache import evidence_stamp, remembered
from chorus.site.cache_url import cache_settings

from support.processes import chorus_environment, database_url_for_other_processes, run_python
from support.world import voice

# Redis database 8 of the machine's Redis: the tests' own, emptied before use.
TEST_REDIS = os.environ.get("CHORUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def total_on_dashboard(client, world) -> int:
    return client.get(reverse("insight:dashboard", args=[world.programme.slug])).context["figures"].total


def test_figures_are_worked_out_once_while_the_evidence_is_unchanged(world):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remembered(world.programme, None, {"by": "ward"}, compute) == 1
    assert remembered(world.programme, None, {"by": "ward"}, compute) == 1
    assert remembered(world.programme, None, {"by": "sex"}, compute) == 2


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def add_contribution(programme, by) -> None:
    activity = Activity.objects.create(
        programme=programme, kind=ActivityKind.CONVERSATION, title="More", date=date(2026, 10, 3)
    )
    create_contribution(activity, voice("The lifts are broken again", already_redacted=True), by=by)


def test_a_contribution_to_one_programme_leaves_another_programmes_figures_cached(world):
    compute = counting()
    assert remembered(world.other_programme, None, {"by": "ward"}, compute) == 1
    assert remembered(world.programme, None, {"by": "ward"}, compute) == 2

    add_contribution(world.programme, by=world.analyst)

    assert remembered(world.other_programme, None, {"by": "ward"}, compute) == 1
    assert remembered(world.programme, None, {"by": "ward"}, compute) == 3


def test_a_coding_under_one_codebook_leaves_another_programmes_figures_cached(world):
    ours = Codebook.objects.create(programme=world.programme, name="Ours")
    theirs = Codebook.objects.create(programme=world.other_programme, name="Theirs")
    transport = Theme.objects.create(codebook=ours, slug="transport", name="Transport")
    compute = counting()
    assert remembered(world.other_programme, theirs, {}, compute) == 1
    assert remembered(world.programme, ours, {}, compute) == 2

    Coding.objects.create(
        contribution=world.by_connector,
        theme=transport,
        made_at=timezone.now(),
        status=CodingStatus.SUGGESTED,
    )

    assert remembered(world.other_programme, theirs, {}, compute) == 1
    assert remembered(world.programme, ours, {}, compute) == 3


def test_a_cache_that_does_not_answer_costs_working_the_figures_out_never_the_page(world, client, settings):
    settings.CACHES = {"default": cache_settings("redis://127.0.0.1:1/0")}  # nothing listens on port 1
    compute = counting()
    assert remembered(world.programme, None, {}, compute) == 1
    assert remembered(world.programme, None, {}, compute) == 2
    client.force_login(world.analyst)
    assert total_on_dashboard(client, world) == 3


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_figures_through_redis(world, tmp_path):
    """The second web process reuses what the first worked out; the figures here are the process id."""
    environment = chorus_environment(
        tmp_path,
        DATABASE_URL=database_url_for_other_processes(tmp_path),
        CACHE_URL=TEST_REDIS,
    )
    script = (
        "from chorus.apps.insight.cache import remembered\n"
        "from chorus.apps.programmes.models import Programme\n"
        f"programme = Programme.objects.get(slug={world.programme.slug!r})\n"
        "print('figures from', remembered(programme, None, {'by': 'ward'}, os.getpid))\n"
    )
    test_redis = redis.Redis.from_url(TEST_REDIS)
    # `make test` runs the SQLite and PostgreSQL suites at once: one of them at a time uses database 8.
    lock = "chorus-tests-lock"
    with test_redis.lock(lock, timeout=300, blocking_timeout=300):
        left = [key for key in test_redis.scan_iter() if key != lock.encode()]
        if left:
            test_redis.delete(*left)  # figures an earlier run left
        first = run_python(script, environment, tmp_path)
        second = run_python(script, environment, tmp_path)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    figures = [line for line in first.stdout.splitlines() if line.startswith("figures from")]
    assert len(figures) == 1
    assert figures[0] in second.stdout.splitlines()


def test_a_new_contribution_or_a_withdrawal_shows_at_once(world, client):
    client.force_login(world.analyst)
    assert total_on_dashboard(client, world) == 3
    activity = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.CONVERSATION, title="More", date=date(2026, 10, 3)
    )
    added = create_contribution(
        activity, voice("The lifts are broken again", already_redacted=True), by=world.analyst
    )
    assert total_on_dashboard(client, world) == 4
    withdraw_consent(added.contribution, "analysis", by=world.analyst)
    assert total_on_dashboard(client, world) == 3


def test_the_stamp_moves_with_an_audited_action_on_the_programme(world):
    before = evidence_stamp(world.programme, None)
    withdraw_consent(world.by_connector, "quote", by=world.analyst)
    assert evidence_stamp(world.programme, None) != before
