"""The connector pipeline: allowed transitions, the reason for leaving, history and funnel counts."""

from datetime import date

import pytest

from chorus.apps.delivery import actions, pipeline
from chorus.apps.delivery.figures import activity_per_connector, funnel
from chorus.apps.delivery.models import StatusChange
from chorus.apps.delivery.pipeline import Stage, TransitionError, check_transition


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("recruited", "trained"),
        ("trained", "available"),
        ("available", "active"),
        ("active", "available"),
        ("active", "left"),
        ("recruited", "left"),
    ],
)
def test_allowed_transitions(current, new):
    check_transition(current, new, reason="Moved away")


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("recruited", "active"),
        ("recruited", "available"),
        ("trained", "active"),
        ("available", "trained"),
        ("active", "recruited"),
        ("left", "active"),
        ("left", "recruited"),
        ("active", "active"),
    ],
)
def test_transitions_that_are_not_allowed(current, new):
    with pytest.raises(TransitionError):
        check_transition(current, new, reason="x")


def test_leaving_needs_a_reason():
    with pytest.raises(TransitionError, match="why they left"):
        check_transition("active", "left", reason="  ")


def test_funnel_counts_who_ever_reached_each_stage_and_who_is_there_now():
    people = [
        (["recruited"], "recruited"),
        (["recruited", "trained"], "trained"),
        (["recruited", "trained", "available"], "available"),
        (["recruited", "trained", "available", "active"], "active"),
        # back from active to available: still counted once as having been active
        (["recruited", "trained", "available", "active", "available", "active", "available"], "available"),
        (["recruited", "trained", "left"], "left"),
        (["recruited", "trained", "available", "active", "left"], "left"),
    ]
    rows, left = pipeline.funnel(people)
    assert [(r.stage, r.ever, r.now) for r in rows] == [
        (Stage.RECRUITED, 7, 1),
        (Stage.TRAINED, 6, 1),
        (Stage.AVAILABLE, 4, 2),
        (Stage.ACTIVE, 3, 1),
    ]
    assert left == 2


def _recruit(world, name, user=None):
    return actions.recruit_connector(
        by=world.analyst, programme=world.programme, name=name, recruited_on=date(2026, 1, 5), user=user
    )


def test_status_changes_are_kept_as_history_and_counted_per_programme(world):
    ada = _recruit(world, "Ada", user=world.connector)
    ben = _recruit(world, "Ben")
    for stage, day in (("trained", 10), ("available", 12), ("active", 20), ("available", 27)):
        actions.change_connector_status(ada, stage, on=date(2026, 2, day), by=world.analyst)
    actions.change_connector_status(ben, "left", on=date(2026, 1, 6), reason="Found work", by=world.analyst)

    ada.refresh_from_db()
    ben.refresh_from_db()
    assert ada.status == "available"
    assert list(ada.status_changes.values_list("to_status", flat=True)) == [
        "recruited",
        "trained",
        "available",
        "active",
        "available",
    ]
    assert ben.status == "left" and ben.left_reason == "Found work"
    rows, left = funnel(world.programme)
    assert [(r.ever, r.now) for r in rows] == [(2, 0), (1, 0), (1, 1), (1, 0)]
    assert left == 1
    assert funnel(world.other_programme) == (
        [pipeline.FunnelRow(s, 0, 0) for s in pipeline.FUNNEL_STAGES],
        0,
    )


def test_a_change_the_pipeline_forbids_changes_nothing(world):
    ben = _recruit(world, "Ben")
    with pytest.raises(actions.ActionError, match="can only move to"):
        actions.change_connector_status(ben, "active", on=date(2026, 1, 6), by=world.analyst)
    with pytest.raises(actions.ActionError, match="why they left"):
        actions.change_connector_status(ben, "left", on=date(2026, 1, 6), by=world.analyst)
    ben.refresh_from_db()
    assert ben.status == "recruited"
    assert StatusChange.objects.filter(profile=ben).count() == 1


def test_activity_per_connector_counts_what_they_recorded(world):
    _recruit(world, "Connector", user=world.connector)
    _recruit(world, "No account yet")
    counts = {
        a.profile.name: (a.activities, a.contributions) for a in activity_per_connector(world.programme)
    }
    assert counts == {"Connector": (1, 1), "No account yet": (0, 0)}


def test_connector_pages_are_for_leads_and_supervision_notes_private(world, client):
    profile = _recruit(world, "Ada", user=world.connector)
    actions.create_supervision_note(
        profile, met_on=date(2026, 2, 1), note="Wants to shadow a focus group", by=None
    )
    client.force_login(world.analyst)
    page = client.get(f"/delivery/{world.programme.slug}/connectors/{profile.pk}/")
    assert page.status_code == 200 and "Wants to shadow a focus group" in page.content.decode()
    for user in (world.decision_maker, world.connector, world.partner_a_member, world.other_analyst):
        client.force_login(user)
        assert client.get(f"/delivery/{world.programme.slug}/connectors/{profile.pk}/").status_code == 404
    client.force_login(world.decision_maker)
    funnel_page = client.get(f"/delivery/{world.programme.slug}/connectors/").content.decode()
    assert "Ever reached" in funnel_page and "Ada" not in funnel_page


def test_status_form_rejects_leaving_without_a_reason_and_comes_back_filled(world, client):
    profile = _recruit(world, "Ada")
    client.force_login(world.analyst)
    url = f"/delivery/{world.programme.slug}/connectors/{profile.pk}/status/"
    response = client.post(url, {"status": "left", "on": "2026-01-07", "reason": ""})
    assert response.status_code == 400
    assert "Enter why they left" in response.content.decode()
    response = client.post(url, {"status": "trained", "on": "2026-01-07"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == "trained"


def test_programme_overview_says_its_connector_counts_are_where_people_are_now_and_how_many_in_all(
    world, client
):
    ada = _recruit(world, "Ada", user=world.connector)
    _recruit(world, "Ben")
    actions.change_connector_status(ada, "trained", on=date(2026, 2, 10), by=world.analyst)
    client.force_login(world.analyst)
    page = client.get(f"/delivery/{world.programme.slug}/").content.decode()

    assert "Now 1 recruited, 1 trained, 0 available, 0 active; 0 left. 2 recruited in all." in page
