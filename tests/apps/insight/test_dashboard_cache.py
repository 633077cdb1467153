from datetime import date

from django.urls import reverse

from chorus.apps.engagement.actions import create_contribution, withdraw_consent
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight.cache import evidence_stamp, remembered

from support.world import voice


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
