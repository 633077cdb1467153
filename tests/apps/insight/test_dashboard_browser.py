"""In Debian's headless Chromium: the dashboard draws its ward map, passes axe, and the keyboard reaches
the filter form, on a desktop and on a phone."""

from __future__ import annotations

from datetime import date

import pytest

from chorus.apps.coding.actions.review import apply_theme
from chorus.apps.coding.models import Codebook, Theme
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.browser import axe_violations, sign_in
from support.world import PASSWORD, voice, ward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coded_live(world):
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    access = Theme.objects.create(codebook=codebook, slug="gp-access", name="GP access", position=1)
    Theme.objects.create(codebook=codebook, slug="housing", name="Housing", position=2)
    # A long name, as real codebooks have: the filter's theme list must not widen the page on a phone.
    Theme.objects.create(
        codebook=codebook,
        slug="waiting",
        name="Waiting lists for hospital appointments, operations and mental health services",
        position=3,
    )
    activity = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.CONVERSATION, title="Listening", date=date(2026, 7, 1)
    )
    for number in range(6):
        contribution = create_contribution(
            activity, voice(f"Conversation {number}", ward=ward("Victoria"), already_redacted=True)
        ).contribution
        if number % 2:
            apply_theme(contribution, access, by=world.analyst)
    return world


def open_dashboard(page, base_url: str, query: str = "") -> None:
    """Signs in, opens the summary and follows its link to the ward breakdown (with `query`)."""
    sign_in(page, base_url, "decision-maker", PASSWORD)
    page.goto(f"{base_url}/insight/southend-connectors/")
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    page.get_by_role("heading", name="What people raised most", level=2).wait_for()  # the summary comes first
    kind = "desktop" if page.viewport_size["width"] > 640 else "phone"
    page.screenshot(path=f"test-results/insight-dashboard-summary-{kind}.png", full_page=True)
    page.get_by_role("link", name="By ward and map").click()
    page.get_by_role("heading", name="By ward", level=1).wait_for()
    if query:
        page.goto(page.url + query)


def test_dashboard_draws_the_ward_map_passes_axe_and_keyboard_reaches_the_filters(
    live_server, coded_live, desktop, phone
):
    desktop.set_viewport_size({"width": 1366, "height": 900})  # a laptop
    for page in (desktop, phone):
        page.set_default_timeout(60_000)  # the shared machine can be slow to serve the first pages
    errors: list[str] = []
    desktop.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    open_dashboard(desktop, live_server.url, "?shade=gp-access")
    wards = desktop.locator("#ward-map path.leaflet-interactive")
    wards.first.wait_for()
    assert wards.count() == 17
    assert desktop.locator("#ward-map").is_visible()
    fills = set(wards.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))"))
    assert len(fills) >= 2  # Victoria is shaded differently from wards nobody was heard in
    # No script error or CSP violation of ours (NHS.UK's stylesheet asks for fonts from its CDN: not ours).
    assert [error for error in errors if "assets.nhs.uk/fonts" not in error] == []
    desktop.screenshot(path="test-results/insight-dashboard-desktop.png", full_page=True)
    assert axe_violations(desktop) == []

    # The keyboard reaches the filter form: tab from the top of the page to the first date field.
    desktop.goto(f"{live_server.url}/insight/southend-connectors/by-ward/")
    desktop.locator("#ward-map path.leaflet-interactive").first.wait_for()
    for _ in range(150):
        desktop.keyboard.press("Tab")
        if desktop.evaluate("document.activeElement.id") == "filter-from":
            break
    assert desktop.evaluate("document.activeElement.id") == "filter-from"
    desktop.locator("#filter-from").fill("2026-08-01")
    desktop.locator("#filter-from").press("Enter")  # submits the form
    desktop.wait_for_url("**from=2026-08-01**")
    desktop.get_by_role("link", name="Summary").click()  # the filters carry over
    desktop.wait_for_url("**/southend-connectors/?**from=2026-08-01**")
    assert (
        desktop.locator('[data-figure="total"]').inner_text() == "3"
    )  # the world's October three, not the July six

    open_dashboard(phone, live_server.url)
    phone.locator("#ward-map path.leaflet-interactive").first.wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the page does not scroll sideways on a phone"
    phone.screenshot(path="test-results/insight-dashboard-phone.png", full_page=True)
    assert axe_violations(phone) == []
