"""In Debian's headless Chromium: a facilitator records a meeting's decisions; a resident answers "did we
listen?" on a phone from their link; axe finds no serious or critical problems on these pages."""

from datetime import date

import pytest
from django.utils import timezone

from chorus.apps.accountability import tokens
from chorus.apps.accountability.actions.action_items import create_action
from chorus.apps.accountability.actions.feedback import (
    owe_what_we_heard,
    record_contact,
    send_feedback,
)
from chorus.apps.accountability.actions.meetings import create_decision_body, create_meeting, record_decision
from chorus.apps.accountability.actions.priorities import create_priority, create_proposal
from chorus.apps.accountability.models import Assessment, BodyKind, Channel, Decision, FeedbackKind, Outcome

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def agenda(world):
    damp = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Warm, dry homes",
        theme="Damp and mould",
        summary="Damp in rented flats.",
        contributions=[world.by_partner_a],
        quotes=[world.by_partner_a],
        is_public=True,
    )
    buses = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Buses that let people get out",
        theme="Buses",
        summary="Evening buses were cut.",
        contributions=[world.by_connector],
        is_public=True,
    )
    body = create_decision_body(
        by=world.analyst,
        programme=world.programme,
        name="Southend Health and Wellbeing Board",
        kind=BodyKind.HWBB,
    )
    meeting = create_meeting(
        by=world.analyst,
        body=body,
        title="Health and Wellbeing Board",
        date=date(2026, 11, 11),
        priorities=[damp, buses],
    )
    return meeting, damp, buses


def test_a_facilitator_records_the_meetings_decisions(live_server, world, desktop):  # noqa: F811
    meeting, damp, buses = agenda(world)
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    desktop.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    assert axe_violations(desktop) == []

    desktop.get_by_role("link", name="Record a decision on Warm, dry homes").click()
    desktop.get_by_label("Accepted").check()
    desktop.get_by_label("The decision in plain words").fill("Fund a damp hotline with the tenants.")
    desktop.get_by_label("Owner").select_option(label="Kursaal Community Hub")
    desktop.get_by_label("Due date").fill("2027-03-31")
    assert "calendar days" in desktop.content()
    assert axe_violations(desktop) == []
    desktop.get_by_role("button", name="Save decision").click()
    desktop.get_by_text("Decision on “Warm, dry homes” recorded").wait_for()

    # Declined without a reason: the form comes back filled, with an error summary, until the reason is given.
    desktop.get_by_role("link", name="Record a decision on Buses that let people get out").click()
    desktop.get_by_label("Declined").check()
    desktop.get_by_label("The decision in plain words").fill("Not this year.")
    desktop.get_by_role("button", name="Save decision").click()
    desktop.get_by_role("heading", name="There is a problem").wait_for()
    assert desktop.get_by_label("The decision in plain words").input_value() == "Not this year."
    assert axe_violations(desktop) == []
    desktop.get_by_role("link", name="Enter the reason: residents are told why").click()
    desktop.get_by_label("Reason").fill("The bus contract is the county's; we will ask them.")
    desktop.get_by_role("button", name="Save decision").click()
    desktop.get_by_text("Decision on “Buses that let people get out” recorded").wait_for()
    desktop.screenshot(path="test-results/accountability-meeting.png", full_page=True)

    outcomes = dict(Decision.objects.values_list("priority__title", "outcome"))
    assert outcomes == {
        "Warm, dry homes": Outcome.ACCEPTED,
        "Buses that let people get out": Outcome.DECLINED,
    }
    assert Decision.objects.get(outcome=Outcome.ACCEPTED).due_date == date(2027, 3, 31)
    assert Decision.objects.filter(feedback__kind=FeedbackKind.WHAT_HAPPENED).count() == 2

    desktop.goto(f"{live_server.url}/public/{world.programme.slug}/you-said-we-did/")
    assert "Fund a damp hotline" in desktop.content()
    assert axe_violations(desktop) == []


def test_a_resident_answers_on_a_phone(live_server, world, phone):  # noqa: F811
    meeting, damp, _ = agenda(world)
    participant = record_contact(by=world.analyst, contribution=world.by_partner_a, contact="r@example.net")
    decision = record_decision(
        by=world.analyst,
        meeting=meeting,
        priority=damp,
        outcome=Outcome.ACCEPTED,
        summary="Damp hotline.",
        owner=world.partner_a,
        due_date=date(2027, 3, 31),
        feedback_channel=Channel.EMAIL,
    )
    item = decision.feedback.get()
    send_feedback(by=world.analyst, item=item, message="The board agreed a hotline.", now=timezone.now())
    link = f"{live_server.url}/have-your-say/{tokens.make_token(item.pk, participant.pk)}/"

    phone.goto(link)
    phone.get_by_role("heading", name="Did we listen?").wait_for()
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_role("heading", name="There is a problem").wait_for()
    phone.screenshot(path="test-results/accountability-have-your-say-error.png", full_page=True)
    phone.get_by_role("group", name="Did you feel listened to?").get_by_label("Partly").check()
    phone.get_by_role("group", name="Did it make a difference?").get_by_label(
        "It made some difference"
    ).check()
    phone.get_by_label("Anything else you want to tell us? (optional)").fill("Good to hear back so quickly")
    phone.screenshot(path="test-results/accountability-have-your-say.png", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_role("heading", name="Thank you").wait_for()
    assert phone.viewport_size["width"] == 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    answer = Assessment.objects.get()
    assert (answer.listened, answer.difference, answer.contribution) == ("partly", 1, world.by_partner_a)


def test_the_teams_pages_have_no_serious_accessibility_problems(live_server, world, desktop):  # noqa: F811
    meeting, damp, _ = agenda(world)
    create_action(
        by=world.analyst,
        priority=damp,
        title="Write to landlords",
        owner=world.partner_a,
        due_date=date(2026, 10, 31),
    )
    item = owe_what_we_heard(by=world.analyst, activity=world.by_partner_a.activity, channel="newsletter")
    send_feedback(by=world.analyst, item=item, message="What we heard.", now=timezone.now())
    sign_in(desktop, live_server.url, "analyst", PASSWORD)
    for path in [
        damp.get_absolute_url(),
        "/priorities/new/",
        "/meetings/new/",
        "/actions/",
        "/feedback/",
        item.get_absolute_url(),
        f"/feedback/{item.pk}/assessments/new/",
        "/feedback/assessments/",
        f"/priorities/{damp.pk}/edit/",
        f"/priorities/{damp.pk}/evidence/?q=damp",
        f"/meetings/{meeting.pk}/edit/",
        f"/actions/{damp.actions.get().pk}/edit/",
        "/decision-bodies/",
        "/decision-bodies/new/",
        f"/decision-bodies/{meeting.body_id}/edit/",
    ]:
        desktop.goto(live_server.url + path)
        assert axe_violations(desktop) == [], path


def test_a_lead_sets_up_a_board_and_its_agenda_without_the_admin(live_server, world, desktop):  # noqa: F811
    damp = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Warm, dry homes",
        theme="Damp and mould",
        summary="Damp in rented flats.",
    )
    create_proposal(
        by=world.analyst, priority=damp, title="Damp hotline", description="One number.", group="Tenants"
    )
    sign_in(desktop, live_server.url, "analyst", PASSWORD)

    # Evidence: find what residents said and link it, quoting one who agreed.
    desktop.goto(f"{live_server.url}{damp.get_absolute_url()}")
    desktop.get_by_role("link", name="Link evidence and choose quotes").click()
    desktop.get_by_label("Find contributions in Southend community connectors").fill("damp")
    desktop.get_by_role("button", name="Search").click()
    assert axe_violations(desktop) == []
    desktop.get_by_label(f"Link contribution {world.by_partner_a.pk}", exact=False).check()
    desktop.get_by_role("button", name="Save evidence").click()
    desktop.get_by_text("Evidence updated: 1 linked").wait_for()
    desktop.get_by_label(f"Quote contribution {world.by_partner_a.pk}", exact=True).check()
    desktop.get_by_role("button", name="Save evidence").click()
    desktop.get_by_text("1 quoted").wait_for()
    assert axe_violations(desktop) == []
    assert list(damp.quotes.all()) == [world.by_partner_a]

    # The board itself, then a meeting whose agenda holds the priority and the residents' proposal.
    desktop.goto(f"{live_server.url}/meetings/new/")
    desktop.get_by_role("link", name="Add a decision body").first.click()
    desktop.get_by_label("Name").fill("Southend Health and Wellbeing Board")
    desktop.get_by_label("Health and Wellbeing Board", exact=True).check()
    assert axe_violations(desktop) == []
    desktop.get_by_role("button", name="Save decision body").click()
    desktop.get_by_role("cell", name="Health and Wellbeing Board", exact=True).wait_for()
    assert axe_violations(desktop) == []

    desktop.goto(f"{live_server.url}/meetings/new/")
    desktop.get_by_label("Meeting").fill("Health and Wellbeing Board")
    desktop.get_by_label("Date").fill("2026-11-11")
    desktop.get_by_label("Damp hotline (for “Warm, dry homes”)").check()
    desktop.get_by_role("button", name="Save meeting").click()
    # A proposal without its priority: the form comes back filled, with the reason.
    desktop.get_by_role("heading", name="There is a problem").wait_for()
    assert desktop.get_by_label("Meeting").input_value() == "Health and Wellbeing Board"
    assert axe_violations(desktop) == []
    desktop.get_by_label("Warm, dry homes", exact=True).check()
    desktop.get_by_role("button", name="Save meeting").click()
    desktop.get_by_role("link", name="Edit the meeting and agenda").click()
    desktop.get_by_label("Where").fill("Civic Centre")
    desktop.get_by_role("button", name="Save meeting").click()
    desktop.get_by_text("Meeting updated.").wait_for()
    assert "Civic Centre" in desktop.content() and "Damp hotline" in desktop.content()
    assert desktop.get_by_role("link", name="Record a decision on Warm, dry homes").is_visible()
