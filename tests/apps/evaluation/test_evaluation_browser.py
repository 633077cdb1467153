"""In Debian's headless Chromium: the evaluation pages on a phone, and axe on every evaluation page.

Few tests, each doing a whole journey: every transactional test reloads the places, which is slow.
"""

import random

import pytest

from chorus.apps.evaluation import demo

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGE = "/evaluation/southend-connectors/cancer-screening-uptake/"


@pytest.fixture
def screening_live(world):
    demo.load(random.Random(7), lambda line: None)


def test_analyst_reads_the_evaluation_and_meets_an_impossible_percentage_on_a_phone(
    live_server, screening_live, phone, tmp_path
):
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(live_server.url + PAGE)
    phone.get_by_role("heading", name="Cancer screening uptake", level=1).wait_for()
    phone.screenshot(path="test-results/evaluation-phone.png", full_page=True)
    table = phone.get_by_role("region", name="Bowel screening uptake by partner and date")
    assert "+6.02" in table.inner_text()
    charts = phone.locator("img.evaluation-chart")
    assert charts.count() == 4
    assert max(charts.evaluate_all("imgs => imgs.map(i => i.getBoundingClientRect().right)")) <= 390
    assert axe_violations(phone) == []

    csv = tmp_path / "table.csv"
    csv.write_text("partner,date,eligible,percentage\nVCKC,2025-09-30,257,35.6\n")
    phone.goto(live_server.url + PAGE + "import/")
    phone.get_by_label("Published percentages").check()
    phone.get_by_label("Measurement table").set_input_files(str(csv))
    phone.get_by_role("button", name="Check and import").click()
    phone.get_by_role("heading", name="Problems in the file").wait_for()
    phone.screenshot(path="test-results/evaluation-import-phone.png", full_page=True)
    assert "35.6% of 257 is impossible: 91/257 = 35.41%, 92/257 = 35.80%" in phone.content()
    assert phone.get_by_label("Published percentages").is_checked()  # the form comes back filled
    assert axe_violations(phone) == []


def test_evaluation_pages_have_no_serious_accessibility_violations(live_server, screening_live, desktop):
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    pages = [
        "/evaluation/",
        "/evaluation/new/",
        PAGE + "report/",
        PAGE + "public/",
        PAGE + "case-studies/add/",
    ]
    pages += [PAGE + "import/", PAGE + "manage/", PAGE + "partners/add/", PAGE + "reach/add/"]
    pages += [PAGE + "measurements/add/", PAGE + "indicators/add/"]
    for path in pages:
        desktop.goto(live_server.url + path)
        assert axe_violations(desktop) == [], path


def test_analyst_adds_reach_on_a_phone_and_a_mistake_keeps_what_was_typed(live_server, screening_live, phone):
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(live_server.url + PAGE)
    phone.get_by_role("link", name="Set up the evaluation").click()
    phone.get_by_role("heading", name="Set up: Cancer screening uptake", level=1).wait_for()
    phone.get_by_role("link", name="Add residents reached").click()
    phone.get_by_label("Partner").select_option(label="Westborough Family Centre")
    phone.get_by_label("First day of the period").fill("2025-04-01")
    phone.get_by_label("Last day of the period").fill("2025-03-01")
    phone.get_by_label("Residents reached").fill("120")
    phone.get_by_label("How they were counted").fill("Sign-in sheets")
    phone.get_by_role("button", name="Add reach").click()
    phone.get_by_role("heading", name="There is a problem").wait_for()
    assert phone.get_by_label("How they were counted").input_value() == "Sign-in sheets"
    assert phone.get_by_label("Residents reached").input_value() == "120"
    assert axe_violations(phone) == []
    phone.get_by_label("Last day of the period").fill("2025-09-30")
    phone.get_by_role("button", name="Add reach").click()
    phone.get_by_role("heading", name="Set up: Cancer screening uptake", level=1).wait_for()
    assert "Reach added." in phone.content()
    assert "120 residents" in phone.content()
