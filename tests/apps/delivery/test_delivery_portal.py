"""The partner portal: a partner member records activities and sees only their own organisation's data and
the programme's disclosure-controlled figures; another partner's portal and activities are a 404."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from chorus.apps.audit.models import AuditEvent
from chorus.apps.delivery import actions
from chorus.apps.delivery.figures import programme_figures
from chorus.apps.engagement.models import Activity

from support.world import ward


def _portal(world, organisation):
    return f"/delivery/{world.programme.slug}/partners/{organisation.slug}/"


def _record(world, by, organisation, **extra):
    data = {
        "by": by,
        "programme": world.programme,
        "organisation": organisation,
        "kind": "focus-group",
        "title": "Coffee morning",
        "when": date(2026, 11, 2),
        "ward": ward("Kursaal"),
        "participants": 12,
    } | extra
    return actions.record_partner_activity(**data)


def test_a_partner_member_records_an_activity_for_their_organisation(world):
    activity = _record(world, world.partner_a_member, world.partner_a)
    assert (activity.partner, activity.recorded_by, activity.participants) == (
        world.partner_a,
        world.partner_a_member,
        12,
    )
    event = AuditEvent.objects.get(action="delivery.activity_recorded")
    assert event.object_id == str(activity.pk) and "Coffee" not in str(event.details)


@pytest.mark.parametrize("who", ["partner_b_member", "connector", "decision_maker", "other_analyst"])
def test_nobody_else_records_for_a_partner(world, who):
    with pytest.raises(actions.ActionError, match="cannot record"):
        _record(world, getattr(world, who), world.partner_a)
    assert not Activity.objects.filter(title="Coffee morning").exists()


def test_activity_checks(world):
    member = world.partner_a_member
    with pytest.raises(actions.ActionError, match="today or in the past"):
        _record(world, member, world.partner_a, when=timezone.localdate() + timedelta(days=1))
    with pytest.raises(actions.ActionError, match="1 or more"):
        _record(world, member, world.partner_a, participants=0)
    with pytest.raises(actions.ActionError, match="kind"):
        _record(world, member, world.partner_a, kind="patient-feedback")


@pytest.mark.parametrize(
    ("who", "partner", "status"),
    [
        ("partner_a_member", "partner_a", 200),
        ("partner_a_member", "partner_b", 404),
        ("partner_b_member", "partner_b", 200),
        ("partner_b_member", "partner_a", 404),
        ("analyst", "partner_a", 200),
        ("admin", "partner_b", 200),
        ("other_analyst", "partner_a", 404),
        ("connector", "partner_a", 404),
        ("decision_maker", "partner_a", 404),
    ],
)
def test_portal_permission_matrix(world, client, who, partner, status):
    client.force_login(getattr(world, who))
    organisation = getattr(world, partner)
    assert client.get(_portal(world, organisation)).status_code == status
    assert client.get(_portal(world, organisation) + "record/").status_code == status


def test_portal_shows_own_activities_and_contributions_only(world, client):
    mine = _record(world, world.partner_a_member, world.partner_a, title="Our walking group")
    theirs = _record(world, world.partner_b_member, world.partner_b, title="Their lunch club")
    client.force_login(world.partner_a_member)
    page = client.get(_portal(world, world.partner_a)).content.decode()
    assert "Our walking group" in page and "Their lunch club" not in page
    assert world.by_partner_a.text in page
    assert world.by_partner_b.text not in page and world.by_connector.text not in page
    url = _portal(world, world.partner_a) + f"activities/{mine.pk}/"
    assert client.get(url).status_code == 200
    # another partner's activity: not under our portal, and their portal is not there for us
    assert client.get(_portal(world, world.partner_a) + f"activities/{theirs.pk}/").status_code == 404
    assert client.get(_portal(world, world.partner_b) + f"activities/{theirs.pk}/").status_code == 404


def test_programme_figures_are_disclosure_controlled(world, client):
    for _ in range(9):
        _record(world, world.partner_b_member, world.partner_b, participants=3)
    figures = programme_figures(world.programme)
    # 3 world activities + 9 = 12 activities -> rounded to 10; 3 contributions -> *; 27 + 3 people -> 30
    assert (figures.activities, figures.contributions, figures.participants, figures.partners) == (
        10,
        "*",
        30,
        "*",
    )
    client.force_login(world.partner_a_member)
    page = client.get(_portal(world, world.partner_a)).content.decode()
    assert "Counts of 1 to 7 are shown as *" in page


def test_recording_through_the_form_redirects_to_the_activity_and_errors_come_back_filled(world, client):
    client.force_login(world.partner_a_member)
    url = _portal(world, world.partner_a) + "record/"
    bad = client.post(url, {"kind": "focus-group", "title": "Chat and chips", "date": "2026-11-02"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "There is a problem" in body and 'value="Chat and chips"' in body
    good = client.post(
        url,
        {
            "kind": "focus-group",
            "title": "Chat and chips",
            "date": "2026-11-02",
            "ward": ward("Kursaal").pk,
            "participants": "8",
        },
    )
    activity = Activity.objects.get(title="Chat and chips")
    assert good.status_code == 302 and good.url.endswith(f"/activities/{activity.pk}/")
    assert activity.partner == world.partner_a and activity.area == ward("Kursaal")
