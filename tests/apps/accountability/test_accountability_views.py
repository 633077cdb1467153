"""Pages for the programme team and board: who may see and do what; the board pack as HTML and PDF."""

import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability.actions.action_items import create_action, record_progress
from chorus.apps.accountability.actions.feedback import owe_what_we_heard, send_feedback
from chorus.apps.accountability.actions.meetings import create_decision_body, create_meeting
from chorus.apps.accountability.actions.priorities import create_priority, create_proposal
from chorus.apps.accountability.models import BodyKind, Channel, Decision, Outcome


@pytest.fixture
def chain(world):
    priority = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Warm, dry homes",
        theme="Damp and mould",
        summary="Damp in rented flats.",
        contributions=[world.by_partner_a, world.by_partner_b, world.by_connector],
        quotes=[world.by_partner_a],
        is_public=True,
    )
    create_proposal(
        by=world.analyst, priority=priority, title="Damp hotline", description="One number.", group="Tenants"
    )
    body = create_decision_body(
        by=world.analyst, programme=world.programme, name="Southend HWBB", kind=BodyKind.HWBB
    )
    meeting = create_meeting(
        by=world.analyst, body=body, title="Board", date=date(2026, 11, 11), priorities=[priority]
    )
    create_action(
        by=world.analyst,
        priority=priority,
        title="Write to landlords",
        owner=world.partner_a,
        due_date=date(2026, 10, 31),
    )
    return priority, meeting


def pages(priority, meeting) -> list[str]:
    return [
        reverse("accountability:priorities"),
        reverse("accountability:priority", args=[priority.pk]),
        reverse("accountability:meetings"),
        reverse("accountability:meeting", args=[meeting.pk]),
        reverse("accountability:actions"),
        reverse("accountability:feedback"),
        reverse("accountability:assessments"),
    ]


@pytest.mark.parametrize("username", ["analyst", "decision-maker", "connector", "partner-a", "admin"])
def test_programme_members_read_every_page(client, world, chain, username):
    client.force_login(next(u for u in world.users if u.username == username))
    for url in pages(*chain):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Warm, dry homes" in response.content.decode() or "priorit" not in url


def test_another_programme_sees_nothing_of_it(client, world, chain):
    priority, meeting = chain
    client.force_login(world.other_analyst)
    assert client.get(reverse("accountability:priority", args=[priority.pk])).status_code == 404
    assert client.get(reverse("accountability:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("accountability:board-pack", args=[meeting.pk])).status_code == 404
    assert "Warm, dry homes" not in client.get(reverse("accountability:priorities")).content.decode()
    assert "Write to landlords" not in client.get(reverse("accountability:actions")).content.decode()


def test_only_the_lead_records_decisions(client, world, chain):
    priority, meeting = chain
    url = reverse("accountability:decision-new", args=[meeting.pk, priority.pk])
    client.force_login(world.decision_maker)
    assert client.get(url).status_code == 403
    assert "Record a decision" not in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(world.analyst)
    assert "Record a decision" in client.get(meeting.get_absolute_url()).content.decode()
    response = client.post(
        url, {"outcome": Outcome.DECLINED, "summary": "No money", "feedback_channel": "event"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Enter the reason" in html and "No money" in html
    assert not Decision.objects.exists()


def test_the_analyst_sees_exact_counts_and_the_board_sees_rounded_ones(client, world, chain):
    priority, _ = chain
    client.force_login(world.analyst)
    assert (
        "Residents who raised it: <strong>3</strong>"
        in client.get(priority.get_absolute_url()).content.decode()
    )
    client.force_login(world.decision_maker)
    html = client.get(priority.get_absolute_url()).content.decode()
    assert "Residents who raised it: <strong>*</strong>" in html
    assert "Can&#x27;t get a GP appointment" not in html  # no raw contributions for the board


def test_a_connector_records_an_answer_for_a_resident(client, world, chain):
    item = owe_what_we_heard(by=world.analyst, activity=world.by_connector.activity, channel=Channel.EVENT)
    send_feedback(by=world.analyst, item=item, message="What we heard", now=timezone.now())
    client.force_login(world.connector)
    url = reverse("accountability:assessment-record", args=[item.pk])
    response = client.post(url, {"listened": "partly", "difference": "0", "ward": ""})
    assert response.status_code == 302
    assert item.assessments.get().recorded_by == world.connector
    client.force_login(world.decision_maker)
    assert client.get(url).status_code == 403


def test_the_lead_plans_and_sends_feedback_from_the_pages(client, world):
    client.force_login(world.analyst)
    activity = world.by_partner_a.activity  # a focus group in October: feedback is overdue
    html = client.get(reverse("accountability:feedback")).content.decode()
    assert "Overdue by" in html and "calendar days" in html
    response = client.post(
        reverse("accountability:feedback-plan", args=[activity.pk]), {"channel": "newsletter"}
    )
    item = activity.feedback.get()
    assert response["Location"] == item.get_absolute_url()
    response = client.post(item.get_absolute_url(), {"message": "Here is what we heard in October."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.sent_on == timezone.localdate()
    assert "/h/" in client.get(item.get_absolute_url()).content.decode()


def test_board_pack_html_and_pdf(client, world, chain, tmp_path):
    priority, meeting = chain
    client.force_login(world.decision_maker)
    html = client.get(reverse("accountability:board-pack", args=[meeting.pk])).content.decode()
    assert "Warm, dry homes" in html and "Write to landlords" in html and "overdue by" in html
    assert "The damp in our flat makes my chest bad" in html  # quoted with consent
    assert "GP appointment" not in html  # not quoted
    assert "data:image/png;base64," in html
    response = client.get(reverse("accountability:board-pack-pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    pdf = tmp_path / "board-pack.pdf"
    pdf.write_bytes(response.content)
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm (poppler-utils) is needed to check the PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    assert sorted(p.name for p in tmp_path.glob("page-*.png"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Warm, dry homes" in text and "Write to landlords" in text


def test_feed_and_page_404_for_an_unknown_programme(client, db):
    assert client.get(reverse("accountability:you-said-we-did", args=["nowhere"])).status_code == 404
    assert client.get(reverse("accountability:you-said-we-did-feed", args=["nowhere"])).status_code == 404


def test_public_page_updates_with_an_action(client, world, chain):
    priority, _ = chain
    action = priority.actions.get()
    record_progress(
        by=world.analyst, action=action, status="done", note="Letters sent", today=date(2026, 11, 20)
    )
    html = client.get(reverse("accountability:you-said-we-did", args=[world.programme.slug])).content.decode()
    assert "Write to landlords" in html and "Done" in html


@pytest.mark.django_db
def test_a_link_that_cannot_be_read_says_how_long_links_last(client, settings):
    settings.CHORUS_ASSESSMENT_LINK_DAYS = 90

    response = client.get(reverse("accountability:have-your-say", args=["not-a-real-link"]))

    assert response.status_code == 404
    assert "works for 90 days after we send it" in response.content.decode()
