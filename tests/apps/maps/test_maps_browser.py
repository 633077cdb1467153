"""In Debian's headless Chromium: the map pages are accessible and usable on a phone."""

import pytest

from chorus.apps.maps import actions
from chorus.apps.maps.demo import EXAMPLE

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plymouth_map(world):
    experience_map = actions.import_map(
        world.programme, "Plymouth", "edge-list", EXAMPLE.read_bytes(), by=world.analyst
    )
    actions.code_link_from_contribution(
        world.by_connector,
        "bus routes",
        "going out",
        actions.Strength(-1, "strong"),
        quote="Since the bus was cut",
        by=world.analyst,
    )
    return experience_map


def test_map_detail_has_no_serious_accessibility_violations(live_server, world, plymouth_map, desktop):  # noqa: F811
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    desktop.goto(f"{live_server.url}/maps/{plymouth_map.pk}/")
    desktop.get_by_role("heading", name="Plymouth").wait_for()
    assert axe_violations(desktop) == []
    desktop.goto(f"{live_server.url}/maps/contribution/{world.by_connector.pk}/code/")
    assert axe_violations(desktop) == []


def test_selecting_the_residents_words_fills_the_quote(live_server, world, plymouth_map, desktop):  # noqa: F811
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    desktop.goto(f"{live_server.url}/maps/contribution/{world.by_connector.pk}/code/")
    desktop.evaluate(
        """() => {
            const text = document.querySelector("[data-quote-source]").firstChild;
            const range = document.createRange();
            range.setStart(text, 0);
            range.setEnd(text, 21);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    desktop.wait_for_function("document.getElementById('id_quote').value === 'Since the bus was cut'")
    desktop.get_by_label("Cause", exact=True).fill("bus")
    desktop.get_by_label("Effect", exact=True).fill("staying in")
    desktop.get_by_label("Positive: more of the cause").check()
    desktop.get_by_label("Very strong").check()
    desktop.get_by_role("button", name="Save link").click()
    desktop.get_by_text("Link saved: bus → staying in.").wait_for()
    link = world.by_connector.map_links.get(source__name="bus")
    assert link.quote == "Since the bus was cut" and link.weight == 1.0 * (0.75 + 1 + 1) / 3


def test_scenario_on_a_phone(live_server, world, plymouth_map, phone):  # noqa: F811
    sign_in(phone, live_server.url, "decision-maker", PASSWORD)
    phone.goto(f"{live_server.url}/maps/{plymouth_map.pk}/")
    phone.screenshot(path="test-results/maps-detail-phone.png", full_page=True)
    assert phone.locator("img[src$='map.svg']").evaluate("img => img.naturalWidth") > 0
    phone.get_by_role("link", name="Try a scenario").click()
    phone.wait_for_url(f"**/maps/{plymouth_map.pk}/scenario/")  # loaded: its script now listens to the slider
    slider = phone.get_by_label("Level for bus routes")
    slider.fill("0.6")  # moving the slider ticks "Hold" and shows the level
    assert phone.get_by_label("Hold bus routes").is_checked()
    assert phone.locator(f"output[for='{slider.get_attribute('id')}']").inner_text() == "0.60"
    phone.get_by_role("button", name="Run scenario").click()
    phone.get_by_role("table", name="What rises and falls").wait_for()
    phone.screenshot(path="test-results/maps-scenario-phone.png", full_page=True)
    assert phone.get_by_label("Level for bus routes").input_value() == "0.6"
    assert axe_violations(phone) == []
