"""The partner portal: a partner member records activities and sees only their own organisation's data and
the programme's disclosure-controlled figures; another partner's portal and activities are a 404."""

import re
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


def _walks(world, count: int) -> None:
    """`count` more activities for partner A, Walk 01 the oldest; the world's own (1 Oct) is the newest."""
    for n in range(1, count + 1):
        Activity.objects.create(
            programme=world.programme,
            partner=world.partner_a,
            recorded_by=world.partner_a_member,
            kind="focus-group",
            title=f"Walk {n:02d}",
            date=date(2026, 8, 1) + timedelta(days=n),
        )


def _activity_titles(html: str) -> list[str]:
    return re.findall(r'/activities/\d+/">([^<]+)</a>', html)


def test_partner_portal_lists_activities_a_page_at_a_time(world, client):
    _walks(world, 44)  # with the world's own: 45 activities, 3 pages of 20, most recent first
    client.force_login(world.partner_a_member)

    first = client.get(_portal(world, world.partner_a)).content.decode()
    second = client.get(_portal(world, world.partner_a) + "?page=2").content.decode()
    third = client.get(_portal(world, world.partner_a) + "?page=3").content.decode()

    assert _activity_titles(first) == ["Activity"] + [f"Walk {n:02d}" for n in range(44, 25, -1)]
    assert _activity_titles(second) == [f"Walk {n:02d}" for n in range(25, 5, -1)]  # the 21st to the 40th
    assert _activity_titles(third) == [f"Walk {n:02d}" for n in range(5, 0, -1)]
    assert "45 activities recorded by Kursaal Community Hub" in second
    assert "Showing 21 to 40, page 2 of 3" in second
    nav = re.search(r'<nav class="nhsuk-pagination[^"]*"[^>]*>.*?</nav>', second, flags=re.S).group(0)
    assert 'aria-label="Pages of your activities"' in nav
    assert 'href="?page=1#activities" class="nhsuk-pagination__previous"' in nav
    assert 'href="?page=3#activities" class="nhsuk-pagination__next"' in nav
    assert 'Previous<span class="nhsuk-u-visually-hidden"> page</span>' in nav
    assert 'Next<span class="nhsuk-u-visually-hidden"> page</span>' in nav
    assert re.findall(r'aria-label="Page (\d)"( aria-current="page")?', nav) == [
        ("1", ""),
        ("2", ' aria-current="page"'),
        ("3", ""),
    ]


def test_a_portal_with_one_page_of_activities_shows_no_page_links(world, client):
    _walks(world, 19)
    client.force_login(world.partner_a_member)

    page = client.get(_portal(world, world.partner_a)).content.decode()

    assert len(_activity_titles(page)) == 20 and "nhsuk-pagination" not in page


@pytest.mark.parametrize(
    ("asked", "shown"), [("abc", 1), ("0", 1), ("-2", 1), ("", 1), ("3", 3), ("999", 3), ("2.5", 1)]
)
def test_a_page_number_that_is_no_page_gives_the_nearest_page(world, client, asked, shown):
    _walks(world, 44)
    client.force_login(world.partner_a_member)

    response = client.get(_portal(world, world.partner_a), {"page": asked})

    assert response.status_code == 200
    assert f"page {shown} of 3" in response.content.decode()


def test_page_links_keep_the_other_query_parameters(world, client):
    _walks(world, 44)
    client.force_login(world.partner_a_member)

    page = client.get(_portal(world, world.partner_a), {"page": "2", "from": "home"}).content.decode()

    assert 'href="?page=3&amp;from=home#activities" class="nhsuk-pagination__next"' in page
