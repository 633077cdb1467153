"""In Debian's headless Chromium on a phone: the connector's form with no signal, and in Arabic.

Conversations saved offline stay on the phone (listed after a reload), are sent once each when the signal
returns, and one the server refuses stays on the phone with its reason until corrected and sent again.
"""

import pytest
from playwright.sync_api import expect

from chorus.apps.accounts.models import Membership, Role
from chorus.apps.engagement.models import Contribution

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENDING = 60_000  # the first texts sent load the redaction models


def save_conversation(page, said: str, programme: str, waiting: str) -> None:
    page.get_by_label("Programme").select_option(label=programme)
    page.get_by_label("What matters to them about their health and wellbeing?").fill(said)
    page.get_by_label("Which ward do they live in?").select_option(label="Kursaal")
    for question, answer in (
        ("Do they agree that what they said can be used", "Yes"),
        ("Do they agree to be quoted", "No"),
        ("anonymous open data", "No"),
        ("Do they want to hear what happened", "No"),
    ):
        page.get_by_role("group", name=question).get_by_label(answer).check()
    page.wait_for_timeout(1_100)  # the NHS.UK button ignores a second press within a second of the first
    page.get_by_role("button", name="Save conversation").click()
    expect(page.locator("#draft-status")).to_have_text(
        f"Saved on this phone. It will be sent when you have signal. {waiting}"
    )


def test_conversations_saved_offline_are_sent_once_and_a_refused_one_stays_with_its_reason(
    live_server, world, phone
):
    # The connector also works in a second programme, which they leave before the signal returns.
    leaving = Membership.objects.create(
        user=world.connector, role=Role.CONNECTOR, programme=world.other_programme
    )
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/record/")
    assert phone.evaluate("navigator.serviceWorker.ready.then((registration) => !!registration.active)")
    manifest = phone.request.get(f"{live_server.url}/record/manifest.webmanifest").json()
    assert (manifest["start_url"], manifest["display"]) == ("/record/", "standalone")

    phone.context.set_offline(True)
    first = "The damp in the flat is getting into my daughter's chest"
    second = "The pharmacy on the high street closes at five"
    third = "Nobody explains the forms at the job centre"
    save_conversation(phone, first, "Southend community connectors", "1 conversation waiting to send")
    save_conversation(phone, second, "Southend community connectors", "2 conversations waiting to send")
    save_conversation(phone, third, "Another programme", "3 conversations waiting to send")
    assert phone.get_by_label("What matters to them about their health and wellbeing?").input_value() == ""

    phone.reload()  # still no signal: the page comes from the phone, the conversations from IndexedDB
    expect(phone.locator("#outbox-count")).to_have_text("3 conversations waiting to send")
    for said in (first, second, third):
        expect(phone.locator("#outbox-list")).to_contain_text(said[:40])
    phone.screenshot(path="test-results/record-offline-waiting.png", full_page=True)
    assert not Contribution.objects.filter(recorded_by=world.connector, text__in=[first, second]).exists()

    leaving.delete()
    phone.context.set_offline(False)  # the online event sends what is waiting
    expect(phone.locator("#draft-status")).to_contain_text("2 conversations sent.", timeout=SENDING)
    refused = phone.locator("#outbox-list li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Not sent: You can no longer record conversations in this programme")
    expect(phone.locator("#outbox-count")).to_have_text("1 conversation to correct before it can be sent")
    phone.screenshot(path="test-results/record-offline-refused.png", full_page=True)
    for said in (first, second):
        stored = Contribution.objects.get(recorded_by=world.connector, text=said)
        assert (stored.programme, stored.ward.name, stored.language) == (world.programme, "Kursaal", "en")
    assert not Contribution.objects.filter(text=third).exists()

    phone.get_by_role("button", name="Send now").is_hidden()
    refused.get_by_role("button", name="Correct it").click()
    assert phone.get_by_label("What matters to them about their health and wellbeing?").input_value() == third
    phone.get_by_label("Programme").select_option(label="Southend community connectors")
    phone.get_by_role("button", name="Save conversation").click()
    expect(phone.locator("#draft-status")).to_contain_text("1 conversation sent.", timeout=SENDING)
    expect(phone.locator("#outbox")).to_be_hidden()
    assert (
        Contribution.objects.filter(recorded_by=world.connector, text__in=[first, second, third]).count() == 3
    )


def test_connector_switches_the_form_to_arabic_laid_out_right_to_left(live_server, world, phone):
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/record/")
    phone.get_by_role("button", name="العربيّة").click()
    html = phone.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(phone.get_by_role("heading", level=1)).to_have_text("تسجيل محادثة")
    assert phone.get_by_label("أي لغة تحدثوا بها؟").input_value() == "ar"
    assert axe_violations(phone) == []

    said = "الرطوبة في الشقة تجعل صدر ابنتي أسوأ"
    phone.get_by_label("ما الذي يهمهم بشأن صحتهم ورفاههم؟").fill(said)
    phone.get_by_role("group", name="هل يوافقون على استخدام ما قالوه").get_by_label("نعم").check()
    for question in ("هل يوافقون على الاقتباس", "بيانات مفتوحة", "هل يريدون معرفة"):
        phone.get_by_role("group", name=question).get_by_label("لا").check()
    phone.screenshot(path="test-results/record-arabic.png", full_page=True)
    phone.get_by_role("button", name="حفظ المحادثة").click()
    phone.get_by_role("heading", name="تم حفظ المحادثة").wait_for()
    assert Contribution.objects.get(recorded_by=world.connector, text=said).language == "ar"

    phone.get_by_role("link", name="سجّل محادثة أخرى").click()
    phone.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("dir", "ltr")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Record a conversation")


def test_with_no_signal_other_pages_show_the_offline_page_that_leads_to_the_form(live_server, world, phone):
    sign_in(phone, live_server.url, "connector", PASSWORD)
    phone.goto(f"{live_server.url}/contributions/")  # any page: the worker installs for the whole site
    assert (
        phone.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
        == f"{live_server.url}/"
    )
    phone.reload()  # now the worker controls the page
    assert phone.evaluate("!!navigator.serviceWorker.controller")

    phone.context.set_offline(True)
    for address in ("/", "/contributions/"):
        phone.goto(f"{live_server.url}{address}")
        expect(phone.get_by_role("heading", level=1)).to_have_text("No internet connection")
        assert phone.url == f"{live_server.url}{address}"
    kept_here = "What you record at Record a conversation is kept on this phone. It is sent when you are back"
    expect(phone.get_by_role("main")).to_contain_text(kept_here)
    phone.screenshot(path="test-results/offline-fallback.png", full_page=True)
    assert axe_violations(phone) == []

    phone.get_by_role("link", name="Record a conversation").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Record a conversation")
    assert phone.url == f"{live_server.url}/record/"
    expect(phone.get_by_label("What matters to them about their health and wellbeing?")).to_be_visible()


def test_the_phone_keeps_no_page_with_contributions_outside_the_form(live_server, world, phone):
    said = world.by_connector.text[:30]
    sign_in(phone, live_server.url, "connector", PASSWORD)
    for address in ("/contributions/", "/", "/record/", f"/contributions/{world.by_connector.pk}/"):
        phone.goto(f"{live_server.url}{address}")
        phone.evaluate("navigator.serviceWorker.ready")
    expect(phone.locator("main")).to_contain_text(said)  # the pages visited did show it
    kept = phone.evaluate(
        """async () => {
          const kept = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
              const body = await (await cache.match(request)).text();
              kept.push({ cache: name, path: new URL(request.url).pathname, body });
            }
          }
          return kept;
        }"""
    )
    assert {item["cache"][: len("chorus-record-")] for item in kept} == {"chorus-record-"}
    paths = {item["path"] for item in kept}
    assert {"/offline/", "/record/"} <= paths
    assert all(path in ("/offline/", "/record/") or path.startswith("/static/") for path in paths), paths
    assert all(said not in item["body"] for item in kept)
    offline_page = next(item["body"] for item in kept if item["path"] == "/offline/")
    assert "connector" not in offline_page and "Sign out" not in offline_page
