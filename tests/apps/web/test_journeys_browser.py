"""Each role's main journey in Debian's headless Chromium, from its home page by clicking only: a connector,
a partner and a resident on a phone (390 px), a programme lead and a board member on a laptop (1366 px).

Every page on the way must be the site's own styled page (never a bare error page), fit the screen without
scrolling sideways, log no console error or failed request of ours, and have no serious or critical axe
violation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.accountability.actions.feedback import owe_what_we_heard, send_feedback
from chorus.apps.accountability.actions.short_links import short_link_for
from chorus.apps.accountability.models import (
    Action,
    BodyKind,
    Channel,
    Decision,
    DecisionBody,
    Meeting,
    Outcome,
    Priority,
)
from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.runs import run_coding
from chorus.apps.coding.models import ModelRun
from chorus.apps.engagement.models import Contribution
from chorus.apps.insight.filters import Filters
from chorus.apps.publishing import actions as publishing
from chorus.apps.publishing.story import default_period

from support.browser import axe_violations
from support.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
NHS_BLUE = "rgb(0, 94, 184)"
# The NHS.UK fonts come from assets.nhs.uk, which the test machine cannot reach: not an error of ours.
OUTSIDE = ("assets.nhs.uk",)
OFF_THIS_MACHINE = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])")
# Analysts' words a resident, partner or board member should not have to know, and field names leaking out.
JARGON = ("LSOA", "lsoa", "core20", "better than england")


@dataclass
class Journey:
    """One person's browser tab, checking every page it lands on."""

    page: object
    name: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not any(host in message.text for host in OUTSIDE):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _failed(self, request) -> None:
        if not any(host in request.url for host in OUTSIDE):
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400 and not any(host in response.url for host in OUTSIDE):
            self.problems.append(f"{response.status} for {response.url}")

    def check(self, step: str) -> None:
        """The page is styled by the NHS.UK stylesheet, fits the screen, speaks plainly and passes axe; a
        failing page is kept as a screenshot in test-results/."""
        page = self.page
        page.wait_for_load_state("load")
        self.visited.append(page.url)
        try:
            self._check(step)
        except AssertionError:
            page.screenshot(path=f"test-results/journey-{self.name}-{step}.png", full_page=True)
            raise

    def _check(self, step: str) -> None:
        page = self.page
        header = page.evaluate(
            "() => { const h = document.querySelector('header.nhsuk-header');"
            " return h ? getComputedStyle(h).backgroundColor : null; }"
        )
        assert header == NHS_BLUE, f"{step}: not the site's styled page ({page.url}, header {header})"
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"{step}: {width} px wide on a {inner} px screen ({page.url})"
        text = page.inner_text("main")
        jargon = [line for line in text.splitlines() if any(word in line for word in JARGON)]
        assert jargon == [], f"{step}: jargon on {page.url}"
        assert axe_violations(page) == [], f"{step}: {page.url}"
        assert self.problems == [], f"{step}: {self.problems}"


@pytest.fixture
def tab(browser, request):
    """A new tab of the given size: request.param is "phone" or "laptop"."""
    phone = request.param == "phone"
    context = browser.new_context(
        viewport=PHONE if phone else LAPTOP, has_touch=phone, is_mobile=phone, locale="en-GB"
    )
    # Requests off this machine fail at once rather than wait for a network the tests do not have.
    context.route(OFF_THIS_MACHINE, lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def sign_in_from_home(journey: Journey, base_url: str, username: str, check: bool = False) -> None:
    """Open the site's address (the only address typed), follow the welcome page's way in for staff, sign in,
    and land on the person's home."""
    page = journey.page
    page.goto(f"{base_url}/")
    page.get_by_role("heading", level=1).wait_for()
    if check:  # the same pages for everyone: checked once, on a phone
        journey.check("welcome")
    page.get_by_role("link", name="Staff and connectors: sign in").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    if check:
        journey.check("sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/sign-in/" not in url)


@pytest.fixture
def story_world(world: World) -> World:
    """The small world with coded voices, a public programme, a board paper, a priority the board decided
    and residents owed "what we heard"."""
    programme = world.programme
    programme.is_public = True
    programme.summary = "Listening to residents in Southend's most deprived wards."
    programme.save()
    codebook = create_starter_codebook(programme, "community_health", by=world.analyst)
    run_coding(ModelRun.objects.create(programme=programme, codebook=codebook).pk, by=world.analyst)
    priority = Priority.objects.create(
        programme=programme,
        title="Warm, dry homes",
        theme="Damp and mould",
        summary="Residents live with damp and mould.",
        is_public=True,
        created_by=world.analyst,
    )
    priority.contributions.set([world.by_partner_a])
    body = DecisionBody.objects.create(
        programme=programme, name="Health and Wellbeing Board", kind=BodyKind.HWBB
    )
    meeting = Meeting.objects.create(body=body, title="Board", date=date(2026, 10, 20))
    meeting.agenda_priorities.add(priority)
    decision = Decision.objects.create(
        meeting=meeting,
        priority=priority,
        outcome=Outcome.ACCEPTED,
        summary="Fund a damp hotline run with tenants.",
        owner=world.partner_a,
        due_date=date(2027, 3, 31),
    )
    Action.objects.create(
        priority=priority,
        decision=decision,
        title="Open the hotline",
        owner=world.partner_a,
        due_date=date(2027, 1, 31),
    )
    return world


def board_paper(world: World) -> None:
    start, end = default_period(world.programme)
    report = publishing.create_report(
        world.programme, start, end, Filters(), public=False, by=world.analyst, enqueue=False
    )
    publishing.render_report(report.pk)


@pytest.mark.parametrize("tab", ["phone"], indirect=True)
def test_connector_records_a_conversation_finds_it_and_corrects_it(live_server, world, tab):
    journey = Journey(tab, "connector")
    sign_in_from_home(journey, live_server.url, "connector", check=True)
    tab.get_by_role("heading", name="Your conversations").wait_for()
    journey.check("home")
    assert tab.get_by_text("Since the bus was cut").count() == 1
    for analyst_tool in ("/coding/", "/imports/", "/insight/", "/api/tokens/"):  # header and menu too
        assert tab.locator(f'a[href^="{analyst_tool}"]').count() == 0, analyst_tool
    assert tab.locator('a[href="/feedback/"]').count() == 0

    tab.locator("main").get_by_role("link", name="Record a conversation").click()
    tab.get_by_label("What matters to them about their health and wellbeing?").wait_for()
    journey.check("record")
    said = "The mould in the bathroom keeps coming back and my little girl's asthma is worse"
    tab.get_by_label("What matters to them about their health and wellbeing?").fill(said)
    tab.get_by_label("Which ward do they live in?").select_option(label="Kursaal")
    tab.get_by_role("group", name="Do they agree that what they said can be used").get_by_label("Yes").check()
    tab.get_by_role("group", name="Do they agree to be quoted").get_by_label("Yes").check()
    tab.get_by_role("group", name="anonymous open data").get_by_label("No").check()
    tab.get_by_role("group", name="Do they want to hear what happened").get_by_label("Yes").check()
    tab.get_by_role("button", name="Save conversation").click()
    tab.get_by_role("heading", name="Conversation saved").wait_for()
    journey.check("saved")

    tab.locator("header a.nhsuk-header__service-logo").click()
    tab.get_by_role("heading", name="Your conversations").wait_for()
    journey.check("home-again")
    assert tab.get_by_text("little girl's asthma").count() == 1
    tab.get_by_role("link", name="Correct this conversation").first.click()
    corrected = said + ", and the landlord will not come"
    box = tab.get_by_role("textbox").first
    box.wait_for()
    journey.check("correct")
    box.fill(corrected)
    tab.get_by_role("button", name="Save").click()
    tab.get_by_role("heading", name="Your conversations").wait_for()
    journey.check("corrected")
    assert Contribution.objects.filter(text=corrected, recorded_by=world.connector).count() == 1


@pytest.mark.parametrize("tab", ["phone"], indirect=True)
def test_partner_records_what_people_said_at_their_activity_and_sees_it(live_server, world, tab):
    journey = Journey(tab, "partner")
    sign_in_from_home(journey, live_server.url, "partner-a")
    tab.get_by_role("heading", name=world.partner_a.name, level=1).wait_for()
    journey.check("portal")

    tab.get_by_role("link", name="Activity", exact=True).click()
    tab.get_by_role("heading", name="What residents said").wait_for()
    journey.check("activity")
    tab.get_by_role("button", name="Record what someone said").click()
    question = tab.get_by_label("What matters to them about their health and wellbeing?")
    question.wait_for()
    journey.check("record")
    said = "Nobody told us the clinic had moved to the other side of town"
    question.fill(said)
    for group, answer in (
        ("Do they agree that what they said can be used", "Yes"),
        ("Do they agree to be quoted", "Yes"),
        ("anonymous open data", "No"),
        ("Do they want to hear what happened", "No"),
    ):
        tab.get_by_role("group", name=group).get_by_label(answer).check()
    tab.get_by_role("button", name="Save conversation").click()
    tab.get_by_role("heading", name="Conversation saved").wait_for()
    journey.check("saved")

    tab.get_by_role("link", name="Back to the activity").click()
    tab.get_by_role("heading", name="What residents said").wait_for()
    journey.check("activity-again")
    assert tab.get_by_role("link", name="Nobody told us the clinic").count() == 1
    tab.get_by_role("link", name="Nobody told us the clinic").click()
    tab.get_by_text(said).first.wait_for()
    journey.check("contribution")


@pytest.mark.parametrize("tab", ["phone"], indirect=True)
def test_resident_reads_what_was_heard_and_done_and_says_whether_we_listened(live_server, story_world, tab):
    world = story_world
    item = owe_what_we_heard(by=world.analyst, activity=world.by_partner_a.activity, channel=Channel.EMAIL)
    send_feedback(by=world.analyst, item=item, message="Here is what we heard.", now=item.created_at)
    code = short_link_for(item).code

    journey = Journey(tab, "resident")
    tab.goto(f"{live_server.url}{reverse('publishing:public', args=[world.programme.slug])}")
    tab.get_by_role("heading", name="What we heard", level=2).wait_for()
    journey.check("public-page")
    headings = [h for h in tab.locator("main h2").all_inner_texts() if h != "On this page"]
    assert headings[:2] == ["What we heard", "What we did"], headings

    tab.get_by_role("link", name="Everything you said, what was decided and where things stand").click()
    tab.get_by_role("heading", name="You said, we did", level=1).wait_for()
    journey.check("you-said-we-did")
    tab.go_back()
    tab.get_by_role("link", name="Tell us whether we listened").click()
    tab.get_by_label("Code from your leaflet or message").wait_for()
    journey.check("code")
    tab.get_by_label("Code from your leaflet or message").fill(code.lower())
    tab.get_by_role("button", name="Continue").click()
    tab.get_by_role("heading", name="Did we listen?", level=1).wait_for()
    journey.check("have-your-say")
    tab.locator("input[name=listened]").first.check()
    tab.locator("input[name=difference]").first.check()
    tab.get_by_role("button", name="Send my answers").click()
    tab.wait_for_url(lambda url: "thank-you" in url)
    journey.check("thanks")
    assert item.assessments.count() == 1


@pytest.mark.parametrize("tab", ["laptop"], indirect=True)
def test_lead_reviews_coding_reads_the_board_story_and_makes_the_report(live_server, story_world, tab):
    world = story_world
    journey = Journey(tab, "lead")
    sign_in_from_home(journey, live_server.url, "analyst")
    tab.get_by_role("heading", name="Your work").wait_for()
    journey.check("home")

    tab.get_by_role("link", name="to review").first.click()
    tab.get_by_role("heading", name="Which themes apply?").wait_for()
    journey.check("review")
    tab.get_by_role("button", name="Save").first.click()
    tab.get_by_text("Saved:").wait_for()
    journey.check("reviewed")

    tab.locator("header a.nhsuk-header__service-logo").click()
    tab.get_by_role("link", name="Board story and recommendations").click()
    tab.get_by_role("heading", name="Board story", level=1).wait_for()
    journey.check("story")
    tab.get_by_role("link", name="Make the board report for this period").click()
    tab.wait_for_url(lambda url: "/reports/new/" in url)
    journey.check("new-report")
    tab.locator("main form button[type=submit]").last.click()
    tab.wait_for_url(lambda url: re.search(r"/reports/\d+/$", url) is not None)
    journey.check("report")
    assert world.programme.reports.count() == 1


@pytest.mark.parametrize("tab", ["laptop"], indirect=True)
def test_board_member_lands_on_the_board_story_and_reads_the_report_and_decisions(
    live_server, story_world, tab
):
    world = story_world
    board_paper(world)
    journey = Journey(tab, "board")
    sign_in_from_home(journey, live_server.url, "decision-maker")
    tab.get_by_role("heading", name="Board story", level=1).wait_for()
    journey.check("home-story")

    tab.get_by_role("link", name="Read the full report").click()
    tab.wait_for_url(lambda url: re.search(r"/reports/\d+/$", url) is not None)
    journey.check("report")
    tab.go_back()
    tab.get_by_role("link", name="Meetings and board packs").click()
    tab.wait_for_url(lambda url: url.endswith("/meetings/"))
    journey.check("meetings")
    tab.get_by_role("link", name="Board", exact=True).first.click()
    tab.get_by_role("heading", name="Agenda").wait_for()
    journey.check("meeting")
    assert tab.get_by_text("Fund a damp hotline run with tenants.").count() == 1
    tab.locator("main").get_by_role("link", name="Priorities", exact=True).click()
    tab.get_by_role("link", name="Warm, dry homes").first.click()
    tab.get_by_role("heading", name="Warm, dry homes", level=1).wait_for()
    journey.check("priority")


@pytest.mark.parametrize("tab", ["phone"], indirect=True)
def test_pages_refused_to_a_connector_are_the_sites_own_and_lead_home(live_server, world, tab):
    journey = Journey(tab, "refused")
    sign_in_from_home(journey, live_server.url, "connector")
    tab.get_by_role("heading", name="Your conversations").wait_for()
    slug = world.programme.slug
    for path in (
        f"/coding/{slug}/",
        f"/imports/{slug}/",
        f"/programmes/{slug}/board-story/",
        f"/contributions/{world.by_partner_a.pk}/",
    ):
        response = tab.goto(live_server.url + path)
        assert response.status in (403, 404), path
        journey.problems.clear()  # the refusal itself is what is checked here
        journey.check(path.strip("/").replace("/", "-"))
        assert tab.locator("main h1").count() == 1, path
        assert tab.locator("header a.nhsuk-header__service-logo").get_attribute("href") == "/"
