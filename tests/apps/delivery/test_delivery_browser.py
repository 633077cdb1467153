"""In Debian's headless Chromium on a phone: a partner member records an activity and sees it, cannot reach
another partner's portal or activities (404), and axe finds no serious accessibility problem in the portal."""

from datetime import date, timedelta

import pytest

from chorus.apps.engagement.models import Activity, ActivityKind

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_member_records_an_activity_on_a_phone_and_sees_it(live_server, world, phone):
    sign_in(phone, live_server.url, "partner-a", PASSWORD)
    phone.goto(f"{live_server.url}/delivery/")
    phone.get_by_role("link", name="Kursaal Community Hub in Southend community connectors").click()
    phone.get_by_role("heading", name="Kursaal Community Hub", level=1).wait_for()
    phone.get_by_role("button", name="Record an activity").click()

    phone.get_by_role("button", name="Save activity").click()  # nothing filled in: errors, nothing saved
    phone.get_by_role("heading", name="There is a problem").wait_for()
    assert not Activity.objects.filter(partner=world.partner_a, title="Chair yoga and a cuppa").exists()

    phone.get_by_label("Focus group").check()
    phone.get_by_label("Name of the activity").fill("Chair yoga and a cuppa")
    phone.get_by_label("When did it take place?").fill("2026-11-03")
    phone.get_by_label("Which ward was it in?").select_option(label="Kursaal")
    phone.get_by_label("How many people took part?").fill("14")
    phone.screenshot(path="test-results/delivery-record-activity.png", full_page=True)
    phone.get_by_role("button", name="Save activity").click()
    phone.get_by_role("heading", name="Chair yoga and a cuppa").wait_for()

    activity = Activity.objects.get(title="Chair yoga and a cuppa")
    assert (activity.partner, activity.kind, activity.participants, activity.date) == (
        world.partner_a,
        ActivityKind.FOCUS_GROUP,
        14,
        date(2026, 11, 3),
    )
    phone.get_by_role("link", name="Back to Kursaal Community Hub").click()
    assert phone.get_by_role("link", name="Chair yoga and a cuppa").is_visible()
    phone.screenshot(path="test-results/delivery-portal.png", full_page=True)


def test_partner_member_cannot_reach_another_partners_data(live_server, world, phone):
    theirs = Activity.objects.filter(partner=world.partner_b).first()
    sign_in(phone, live_server.url, "partner-a", PASSWORD)
    base = f"{live_server.url}/delivery/{world.programme.slug}/partners"
    for url in (
        f"{base}/milton-voices/",
        f"{base}/milton-voices/record/",
        f"{base}/milton-voices/activities/{theirs.pk}/",
        f"{base}/kursaal-hub/activities/{theirs.pk}/",
    ):
        response = phone.goto(url)
        assert response.status == 404, url
    phone.goto(f"{base}/kursaal-hub/")
    assert world.by_partner_b.text not in phone.content()


def test_partner_portal_has_no_serious_accessibility_violations(live_server, world, phone):
    sign_in(phone, live_server.url, "partner-a", PASSWORD)
    for path in ("", "record/"):
        phone.goto(f"{live_server.url}/delivery/{world.programme.slug}/partners/kursaal-hub/{path}")
        assert axe_violations(phone) == [], path


def test_partner_member_reads_their_activities_a_page_at_a_time_on_a_phone_and_a_laptop(
    live_server, world, phone, browser
):
    for n in range(1, 45):  # with the world's own activity: 45, three pages of 20
        Activity.objects.create(
            programme=world.programme,
            partner=world.partner_a,
            recorded_by=world.partner_a_member,
            kind=ActivityKind.FOCUS_GROUP,
            title=f"Walk {n:02d}",
            date=date(2026, 8, 1) + timedelta(days=n),
        )
    portal = f"{live_server.url}/delivery/{world.programme.slug}/partners/kursaal-hub/"
    sign_in(phone, live_server.url, "partner-a", PASSWORD)
    phone.goto(portal)
    pages = phone.get_by_role("navigation", name="Pages of your activities")
    assert pages.get_by_role("link", name="Page 1").get_attribute("aria-current") == "page"
    assert phone.get_by_role("link", name="Walk 26").is_visible()  # the 20th
    assert phone.get_by_role("link", name="Walk 25").count() == 0  # the 21st is on page 2

    pages.get_by_role("link", name="Next page").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url("**?page=2#activities")
    assert phone.get_by_role("link", name="Walk 25").is_visible()
    assert pages.get_by_role("link", name="Page 2").get_attribute("aria-current") == "page"
    assert pages.get_by_role("link", name="Previous page").is_visible()
    assert axe_violations(phone) == []
    phone.screenshot(path="test-results/delivery-portal-page-2-phone.png", full_page=True)

    phone.goto(f"{portal}?page=999")
    assert phone.get_by_role("link", name="Walk 01").is_visible()  # the last page
    assert pages.get_by_role("link", name="Page 3").get_attribute("aria-current") == "page"

    laptop = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(laptop, live_server.url, "partner-a", PASSWORD)
    laptop.goto(f"{portal}?page=2#activities")
    assert laptop.get_by_role("link", name="Walk 25").is_visible()
    laptop.screenshot(path="test-results/delivery-portal-page-2-laptop.png", full_page=True)
    laptop.context.close()
