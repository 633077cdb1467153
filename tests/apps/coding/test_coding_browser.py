"""In Debian's headless Chromium: the review queue on a phone, by keyboard, and its accessibility."""

from __future__ import annotations

import re

import pytest

from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.runs import run_coding
from chorus.apps.coding.models import CodingStatus, ModelRun
from chorus.apps.coding.queries import current_codebook, current_codings, review_queue

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coded(world):
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=codebook)
    run_coding(run.pk, by=world.analyst)
    return world


def test_review_queue_by_keyboard_on_a_phone_with_no_accessibility_violations(live_server, coded, phone):
    codebook = current_codebook(coded.programme)
    first = review_queue(codebook, coded.programme.contributions.all()).first()
    suggested = [c.theme for c in current_codings(first, codebook)]
    assert suggested, "the damp/GP/bus contributions should get zero-shot suggestions"

    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(f"{live_server.url}/coding/{coded.programme.slug}/review/")
    phone.get_by_role("heading", name="Which themes apply?").wait_for()
    phone.screenshot(path="test-results/coding-review-phone.png", full_page=True)
    assert axe_violations(phone) == []

    # r rejects every suggestion, 1 ticks the first suggested theme again, Enter saves and moves on.
    phone.keyboard.press("r")
    assert phone.locator('input[name="themes"]:checked').count() == 0
    phone.keyboard.press("1")
    assert phone.locator('input[data-key="1"]').is_checked()
    phone.keyboard.press("Enter")
    phone.wait_for_url(lambda url: f"/review/{first.pk}/" not in url)

    current = {c.theme_id: c.status for c in current_codings(first, codebook)}
    key_one = suggested[0]
    assert current[key_one.pk] == CodingStatus.ACCEPTED
    assert all(current[theme.pk] == CodingStatus.REJECTED for theme in suggested[1:])


def test_programme_coding_page_has_no_accessibility_violations(live_server, coded, desktop):
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    for path in (
        f"/coding/{coded.programme.slug}/",
        f"/coding/{coded.programme.slug}/emerging/",
        "/coding/search/?q=damp",
    ):
        desktop.goto(live_server.url + path)
        assert axe_violations(desktop) == [], path


def test_theme_editing_by_keyboard_with_no_accessibility_violations(live_server, world, desktop):
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    theme = codebook.themes.get(slug="transport/hospital-travel")
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    desktop.goto(f"{live_server.url}/coding/{world.programme.slug}/themes/{theme.pk}/")
    desktop.get_by_role("heading", name="Name and description").wait_for()
    assert axe_violations(desktop) == []

    # Rename with the keyboard only: focus the name, replace it, Enter submits its form.
    desktop.get_by_label("Name", exact=True).focus()
    desktop.keyboard.press("Control+A")
    desktop.keyboard.type("Getting to hospital")
    desktop.keyboard.press("Enter")
    desktop.get_by_role("heading", name="Getting to hospital").wait_for()
    theme.refresh_from_db()
    assert theme.name == "Getting to hospital"

    # Delete: the link leads to a confirmation, reached and confirmed by keyboard.
    desktop.screenshot(path="test-results/coding-theme-edit.png", full_page=True)
    desktop.get_by_role("link", name=re.compile(r"^Delete this theme")).focus()
    desktop.keyboard.press("Enter")
    desktop.get_by_role("heading", name="Delete the theme “Getting to hospital”?").wait_for()
    assert axe_violations(desktop) == []
    assert codebook.themes.filter(pk=theme.pk).exists()
    desktop.get_by_role("button", name="Delete the theme").focus()
    desktop.keyboard.press("Enter")
    desktop.wait_for_url(f"{live_server.url}/coding/{world.programme.slug}/")
    assert not codebook.themes.filter(pk=theme.pk).exists()


def test_teach_chorus_by_keyboard_on_a_phone_without_sideways_scrolling(live_server, coded, phone):
    from chorus.apps.coding.models import TeachAnswer

    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(f"{live_server.url}/coding/{coded.programme.slug}/teach/")
    phone.get_by_role("heading", name="Which themes does this contribution raise?").wait_for()
    phone.screenshot(path="test-results/coding-teach-phone.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []
    asked = int(phone.locator('input[name="contribution"]').input_value())

    # 1 ticks the first theme, Enter saves the answer and asks the next question.
    phone.keyboard.press("1")
    first_theme = int(phone.locator('input[data-key="1"]').input_value())
    phone.keyboard.press("Enter")
    phone.get_by_text("After 1 answer, the model agreed with you on").wait_for()

    answer = TeachAnswer.objects.get()
    assert answer.contribution_id == asked and answer.chosen == [first_theme]
