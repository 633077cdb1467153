"""In Debian's headless Chromium: on a phone a connector's contributions come first, their filters folded into
"Filter contributions"; opened and applied by keyboard, the filters stay open showing what is applied."""

from datetime import date, timedelta

import pytest

from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.browser import PHONE, axe_violations, sign_in
from support.world import PASSWORD, voice, ward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _conversations(world, count: int) -> None:
    for n in range(count):
        activity = Activity.objects.create(
            programme=world.programme,
            kind=ActivityKind.CONVERSATION if n % 2 else ActivityKind.FOCUS_GROUP,
            title=f"Chat {n}",
            date=date(2026, 9, 1) + timedelta(days=n),
            recorded_by=world.connector,
        )
        words = f"Chat {n}: the buses stop at six so I cannot get to the evening club"
        create_contribution(activity, voice(words, ward=ward("Milton")), by=world.connector)


def test_a_connectors_contributions_come_before_their_folded_filters_on_a_phone(live_server, world, phone):
    _conversations(world, 30)
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/contributions/")

    summary = phone.locator("summary", has_text="Filter contributions")
    assert phone.locator("details").filter(has=summary).get_attribute("open") is None
    assert not phone.get_by_label("Words").is_visible()
    first = phone.locator(".nhsuk-card").first
    assert first.bounding_box()["y"] < PHONE["height"] - 100  # the list starts on the first screen
    phone.screenshot(path="test-results/contributions-phone-folded.png")

    summary.focus()
    phone.keyboard.press("Enter")
    phone.get_by_label("Words").fill("buses")
    phone.get_by_label("Activity").select_option(label="Conversation")
    phone.get_by_label("Words").press("Enter")
    phone.wait_for_url("**/contributions/?q=buses*")

    assert phone.locator("details").filter(has=summary).get_attribute("open") is not None
    assert phone.get_by_label("Words").input_value() == "buses"
    assert phone.get_by_role("status").inner_text().startswith("15 contributions")
    assert axe_violations(phone) == []
    phone.screenshot(path="test-results/contributions-phone-filtered.png", full_page=True)


def test_a_connectors_contributions_on_a_laptop(live_server, world, browser):
    _conversations(world, 30)
    laptop = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(laptop, live_server.url, "connector", PASSWORD)
    laptop.goto(f"{live_server.url}/contributions/")
    assert axe_violations(laptop) == []
    laptop.screenshot(path="test-results/contributions-laptop-folded.png", full_page=True)
    laptop.goto(f"{live_server.url}/contributions/?q=buses&page=2")
    assert laptop.locator("details[open]").get_by_label("Words").input_value() == "buses"
    assert laptop.get_by_role("link", name="Page 2").get_attribute("aria-current") == "page"
    laptop.screenshot(path="test-results/contributions-laptop-filtered.png", full_page=True)
    laptop.context.close()
