"""In Debian's headless Chromium: a connector on a phone records a conversation and finds it; axe finds no
serious or critical accessibility problems on the main pages."""

import pytest

from chorus.apps.engagement.models import Contribution

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connector_records_a_conversation_on_a_phone_and_finds_it(live_server, world, phone):
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/record/")
    said = "The mould in the bathroom keeps coming back and my little girl's asthma is worse"
    phone.get_by_label("What matters to them about their health and wellbeing?").fill(said)
    phone.get_by_label("Which ward do they live in?").select_option(label="Kursaal")
    phone.get_by_role("group", name="Do they agree that what they said can be used").get_by_label(
        "Yes"
    ).check()
    phone.get_by_role("group", name="Do they agree to be quoted").get_by_label("Yes").check()
    phone.get_by_role("group", name="anonymous open data").get_by_label("No").check()
    phone.get_by_role("group", name="Do they want to hear what happened").get_by_label("Yes").check()
    phone.get_by_role("button", name="Save conversation").click()
    phone.screenshot(path="test-results/connector-saved.png", full_page=True)
    phone.get_by_role("heading", name="Conversation saved").wait_for()

    phone.goto(f"{live_server.url}/contributions/?q=mould")
    assert "little girl's asthma" in phone.content()
    assert Contribution.objects.filter(text=said, recorded_by=world.connector).count() == 1


def test_form_comes_back_filled_when_a_consent_is_missing(live_server, world, phone):
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/record/")
    phone.get_by_label("What matters to them about their health and wellbeing?").fill("Buses stop at 7pm")
    phone.get_by_role("button", name="Save conversation").click()
    phone.get_by_role("heading", name="There is a problem").wait_for()
    assert phone.get_by_label("What matters to them about their health and wellbeing?").input_value() == (
        "Buses stop at 7pm"
    )
    assert not Contribution.objects.filter(text="Buses stop at 7pm").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/record/",
        "/contributions/",
        "/programmes/southend-connectors/",
        "/contributions/{contribution}/",
    ],
)
def test_main_pages_have_no_serious_accessibility_violations(live_server, world, desktop, path):
    if not path.startswith("/accounts/"):
        sign_in(desktop, live_server.url, "analyst", PASSWORD)
    desktop.goto(live_server.url + path.format(contribution=world.by_partner_a.pk))
    assert axe_violations(desktop) == []


@pytest.mark.parametrize("public", [True, False])
def test_welcome_page_fits_a_phone_is_keyboard_usable_and_has_no_serious_violations(
    live_server, world, phone, public
):
    world.programme.is_public = public
    world.programme.summary = "Listening to residents in Southend's most deprived wards."
    world.programme.save()
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("heading", level=1).wait_for()
    phone.screenshot(path=f"test-results/welcome-{'public' if public else 'none'}.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []
    assert world.other_programme.name not in phone.content()
    # By keyboard alone: the tab order reaches the programme's public page, then the way in for staff.
    reached = []
    for _ in range(12):
        phone.keyboard.press("Tab")
        reached.append(phone.evaluate("document.activeElement.textContent.trim()"))
        if reached[-1] == "Staff and connectors: sign in":
            break
    assert reached[-1] == "Staff and connectors: sign in"
    assert (world.programme.name in reached) is public
    phone.keyboard.press("Enter")
    phone.get_by_role("button", name="Sign in").wait_for()
