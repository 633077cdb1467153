"""In Debian's headless Chromium on a phone (390 px): a resident reads the public page, follows it to a
published report and to "you said, we did", and types the code from a leaflet; an analyst opens the Common
Standards page. No page scrolls sideways, logs an error of ours or has a serious axe violation."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.accountability.actions.feedback import assessment_link, owe_what_we_heard, send_feedback
from chorus.apps.accountability.models import Channel
from chorus.apps.insight.filters import Filters
from chorus.apps.publishing import actions

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_WIDTH = 390


def fits_the_phone(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=f"test-results/resident-{name}.png", full_page=True)
    assert width <= PHONE_WIDTH, f"{name} is {width} px wide on a {PHONE_WIDTH} px phone"
    assert axe_violations(page) == [], name


def test_a_resident_reads_what_was_heard_and_done_on_a_phone(live_server, evidence, phone):
    world = evidence.world
    programme = world.programme
    programme.contact_email = "listen@example.org"
    programme.save()
    report = actions.create_report(
        programme,
        date(2026, 1, 1),
        date(2026, 3, 31),
        Filters(),
        public=True,
        by=world.analyst,
        enqueue=False,
    )
    item = owe_what_we_heard(
        by=world.analyst, activity=evidence.contributions[0].activity, channel=Channel.EMAIL
    )
    send_feedback(by=world.analyst, item=item, message="Here is what we heard.", now=report.created_at)
    code = assessment_link(item).rsplit("/", 1)[1]

    errors: list[str] = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    phone.set_default_timeout(60_000)
    phone.goto(f"{live_server.url}{reverse('publishing:public', args=[programme.slug])}")
    phone.get_by_role("heading", name="What we heard", level=2).wait_for()
    fits_the_phone(phone, "public-page")

    phone.get_by_role("link", name="Version 1").click()
    phone.get_by_role("heading", name="Who we heard from", level=2).wait_for()
    fits_the_phone(phone, "public-report")
    assert phone.locator(".publishing-table-scroll[role=region]").count() >= 2
    phone.locator("header a.nhsuk-header__service-logo").click()  # to the welcome page, not to sign in
    phone.get_by_role("heading", name="Programmes", level=2).wait_for()
    fits_the_phone(phone, "welcome")
    phone.get_by_role("link", name=programme.name, exact=True).click()
    phone.get_by_role("heading", name="What we heard", level=2).wait_for()

    phone.get_by_role("link", name="Everything you said, what was decided and where things stand").click()
    phone.get_by_role("heading", name="You said, we did", level=1).wait_for()
    fits_the_phone(phone, "you-said-we-did")

    phone.goto(f"{live_server.url}{reverse('publishing:public', args=[programme.slug])}")
    phone.get_by_role("link", name="Tell us whether we listened").click()
    phone.get_by_label("Code from your leaflet or message").fill(code.lower())
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("heading", name="Did we listen?", level=1).wait_for()
    fits_the_phone(phone, "have-your-say")
    assert [error for error in errors if "assets.nhs.uk/fonts" not in error] == []


def test_the_common_standards_page_fits_a_phone(live_server, world, phone):
    phone.set_default_timeout(60_000)
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(f"{live_server.url}{reverse('delivery:standards', args=[world.programme.slug])}")
    phone.get_by_role("heading", name="Common Standards self-assessment", level=1).wait_for()
    fits_the_phone(phone, "common-standards")
