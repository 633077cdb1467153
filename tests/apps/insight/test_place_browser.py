"""In Debian's headless Chromium on a phone: from the ward index to a place profile, then who we heard from;
axe finds no serious or critical violation on any of them, nor on the indicator pages."""

import random
from datetime import date

import pytest

from chorus.apps.coding.actions.review import apply_theme
from chorus.apps.coding.models import Codebook, Theme
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.places import demo

from support.browser import axe_violations, sign_in
from support.world import PASSWORD, voice, ward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kursaal_heard(world):
    demo.load(random.Random(5), lambda line: None)
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    damp = Theme.objects.create(codebook=codebook, slug="damp", name="Damp and mould", position=1)
    kursaal = ward("Kursaal")
    activity = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.LISTENING_EVENT,
        title="Kursaal listening event",
        date=date(2026, 10, 20),
        area=kursaal,
        recorded_by=world.connector,
    )
    lsoa = kursaal.children.first()
    for text, age in [("Black mould on every wall since the winter", "25-34"), ("Damp again", "75-plus")]:
        contribution = create_contribution(
            activity,
            voice(text, ward=kursaal, lsoa=lsoa, age_band=age, already_redacted=True),
            by=world.connector,
        ).contribution
        apply_theme(contribution, damp, by=world.analyst)
    return world, kursaal


def test_analyst_reads_a_place_profile_on_a_phone(live_server, kursaal_heard, phone):
    world, kursaal = kursaal_heard
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(f"{live_server.url}/insight/{world.programme.slug}/places/?kind=listening-event")
    phone.get_by_role("heading", name="Place profiles", level=1).wait_for()
    assert axe_violations(phone) == []
    phone.get_by_role("link", name="Kursaal", exact=True).click()
    phone.get_by_role("heading", name="Kursaal", level=1).wait_for()
    assert "kind=listening-event" in phone.url
    phone.screenshot(path="test-results/place-profile-phone.png", full_page=True)
    text = phone.inner_text("main")
    assert "Damp and mould" in text
    assert "“Damp again”" in text  # the most recent consented quote for the top theme
    assert "Smoking prevalence in adults (15+), recorded by GPs (QOF)" in text
    assert "Illustrative" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []

    phone.get_by_role("link", name="Who we heard from in Kursaal").click()
    phone.get_by_role("heading", name="Who we heard from", level=1).wait_for()
    assert "ward=" in phone.url and "kind=listening-event" in phone.url
    assert "Kursaal ward" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []


def test_indicator_pages_have_no_serious_accessibility_violations(live_server, kursaal_heard, desktop):
    world, _ = kursaal_heard
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    base = f"{live_server.url}/insight/{world.programme.slug}/indicators/"
    for path in ("", "new/", "values/new/", "import/"):
        desktop.goto(base + path)
        assert axe_violations(desktop) == [], path
    desktop.goto(base + "values/new/")
    desktop.get_by_role("button", name="Save value").click()
    desktop.get_by_text("There is a problem").wait_for()
    assert axe_violations(desktop) == []
