"""The whole chain: contributions -> priority -> proposal -> meeting decision -> action -> feedback sent ->
assessment recorded -> the public page and feed show it, without any personal data."""

import re
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability import reporting
from chorus.apps.accountability.actions.action_items import create_action, record_progress
from chorus.apps.accountability.actions.feedback import (
    owe_what_we_heard,
    record_contact,
    send_feedback,
)
from chorus.apps.accountability.actions.meetings import create_decision_body, create_meeting
from chorus.apps.accountability.actions.priorities import create_priority, create_proposal
from chorus.apps.accountability.models import (
    Assessment,
    AssessmentSource,
    BodyKind,
    Channel,
    FeedbackItem,
    FeedbackKind,
    Outcome,
    Priority,
)
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import withdraw_consent
from chorus.apps.engagement.models import Activity, ActivityKind

from support.world import PASSWORD, ward

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = timezone.make_aware(datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def sms(settings, notify):
    settings.NOTIFY_EMAIL_TEMPLATE_ID = ""  # emails by Django's mail, texts by the local Notify
    return notify


def test_from_what_residents_said_to_the_public_page(client, world, sms, django_capture_on_commit_callbacks):
    notify = sms
    programme = world.programme
    # A resident who no longer agrees to be quoted or contacted: their words must never reach the public.
    unquotable = world.by_partner_b
    withdraw_consent(unquotable, "quote", by=world.analyst)
    withdraw_consent(unquotable, "recontact", by=world.analyst)
    secret_words = unquotable.text

    # An analyst turns the evidence into a priority (through the page, as they would).
    client.force_login(world.analyst)
    response = client.post(
        reverse("accountability:priority-new"),
        {
            "programme": programme.pk,
            "title": "Warm, dry homes",
            "theme": "Damp and mould",
            "summary": "Residents in private rented flats live with damp that makes them ill.",
            "words": "damp",
            "contribution_ids": f"{world.by_connector.pk}, {unquotable.pk}",
            "quote_ids": f"{world.by_partner_a.pk}",
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    priority = Priority.objects.get(title="Warm, dry homes")
    assert set(priority.contributions.all()) == {world.by_partner_a, unquotable, world.by_connector}
    assert list(priority.quotes.all()) == [world.by_partner_a]

    proposal = create_proposal(
        by=world.analyst,
        priority=priority,
        title="A damp hotline run with tenants",
        description="One number to report damp, with a visit within two weeks.",
        group="Kursaal tenants' group",
    )

    body = create_decision_body(
        by=world.analyst, programme=programme, name="Southend Health and Wellbeing Board", kind=BodyKind.HWBB
    )
    meeting = create_meeting(
        by=world.analyst,
        body=body,
        title="Health and Wellbeing Board",
        date=date(2026, 11, 11),
        priorities=[priority],
        proposals=[proposal],
    )

    # The facilitator records the decision on the meeting's page.
    response = client.post(
        reverse("accountability:decision-new", args=[meeting.pk, priority.pk]),
        {
            "outcome": Outcome.ACCEPTED,
            "summary": "The council will fund a damp hotline with the tenants' group.",
            "proposal": proposal.pk,
            "owner": world.partner_a.pk,
            "due_date": "2027-03-31",
            "feedback_channel": Channel.EMAIL,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    decision = priority.decisions.get()
    what_happened = FeedbackItem.objects.get(decision=decision, kind=FeedbackKind.WHAT_HAPPENED)
    # 11 November + 10 days = Saturday 21 November, so due Monday 23 November.
    assert what_happened.due_date == date(2026, 11, 23)

    action = create_action(
        by=world.analyst,
        priority=priority,
        decision=decision,
        title="Open the damp hotline",
        owner=world.partner_a,
        due_date=date(2027, 1, 31),
    )
    record_progress(
        by=world.analyst, action=action, status="in-progress", note="Phone line bought.", today=NOW.date()
    )

    # Residents who asked to hear back: one by email, one by text. The one who did not agree cannot be added.
    record_contact(by=world.analyst, contribution=world.by_partner_a, contact="resident@example.net")
    record_contact(by=world.connector, contribution=world.by_connector, contact="07400 123456")
    with pytest.raises(ActionError):
        record_contact(by=world.analyst, contribution=unquotable, contact="x@example.net")

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_feedback(
            by=world.analyst,
            item=what_happened,
            message="You told us about damp. The board agreed a damp hotline, open by March.",
            now=NOW,
            base_url="https://chorus.example",
        )
    assert sent.queued == 1
    assert mail.outbox[0].to == ["resident@example.net"]  # by Django's mail: Notify has no email template
    link = re.search(r"https://chorus\.example(/h/[A-Z0-9]{8})\b", mail.outbox[0].body).group(1)

    # Sending again reaches nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_feedback(by=world.analyst, item=what_happened, message="Again", now=NOW).queued == 0
    assert len(mail.outbox) == 1

    # "What we heard" after the connector's conversation goes by text message, through Notify.
    conversation = world.by_connector.activity
    heard = owe_what_we_heard(by=world.analyst, activity=conversation, channel=Channel.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_feedback(by=world.analyst, item=heard, message="We heard you.", now=NOW).queued == 1
    [text] = notify.sent
    assert text.to == "+447400123456" and "/h/" in text.personalisation["body"]

    # The resident answers from their own link, without signing in.
    client.logout()
    assert client.get(link).status_code == 200
    response = client.post(link, {"listened": "yes", "difference": "2", "comment": "Thank you"})
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.contribution == world.by_partner_a
    assert assessment.ward == ward("Kursaal")
    assert assessment.source == AssessmentSource.LINK

    # The public page and feed: anonymous, with the chain and without personal data.
    page = client.get(reverse("accountability:you-said-we-did", args=[programme.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("Warm, dry homes", "damp hotline with the tenants", "Open the damp hotline", "Accepted"):
        assert shown in html
    assert "The damp in our flat makes my chest bad" in html  # quoted with consent
    feed = client.get(reverse("accountability:you-said-we-did-feed", args=[programme.slug]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert "You said: Warm, dry homes" in titles
    assert any(t.startswith("We decided (accepted)") for t in titles)
    assert any(t.startswith("We did (in progress)") for t in titles)

    text = html + feed.content.decode()
    assert secret_words not in text and "GP appointment" not in text
    assert "Thank you" not in text  # residents' comments stay private
    for user in world.users:
        assert user.email not in text
    for username in ("partner-a", "partner-b", "other-connector", "decision-maker"):
        assert username not in text
    assert "resident@example.net" not in text and "123456" not in text
    # Three residents raised it: a count of 1-7 is never published.
    assert "A few people raised this." in html and 'data-figure="count">3<' not in html
    assert re.search(r"Residents who raised it: \*", feed.content.decode())


def test_the_public_page_is_hidden_until_something_is_published(client, world):
    url = reverse("accountability:you-said-we-did", args=[world.programme.slug])
    assert client.get(url).status_code == 404
    create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Draft",
        theme="t",
        summary="s",
        contributions=[world.by_partner_b],
    )
    assert client.get(url).status_code == 404
    world.programme.is_public = True
    world.programme.save()
    response = client.get(url)
    assert response.status_code == 200 and "Draft" not in response.content.decode()


def test_withdrawn_consent_to_quote_removes_the_quote_from_the_public_page(client, world):
    create_priority(
        by=world.analyst,
        programme=world.programme,
        title="GP access",
        theme="GP access",
        summary="Hard to get an appointment.",
        quotes=[world.by_partner_b],
        is_public=True,
    )
    url = reverse("accountability:you-said-we-did", args=[world.programme.slug])
    assert "appointment for weeks" in client.get(url).content.decode()
    withdraw_consent(world.by_partner_b, "quote", by=world.analyst)
    assert "appointment for weeks" not in client.get(url).content.decode()


def test_sign_in_is_needed_for_the_team_pages(client, world):
    response = client.get(reverse("accountability:priorities"))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    client.login(username="analyst", password=PASSWORD)
    assert client.get(reverse("accountability:priorities")).status_code == 200


def test_activity_kinds_used_here_exist():
    assert set(reporting.GATHERINGS) <= set(ActivityKind.values)
    assert Activity._meta.get_field("kind")


def test_the_public_page_names_a_ward_only_where_eight_or_more_residents_raised_it(client, world):
    from chorus.apps.engagement.models import Contribution

    milton = ward("Milton")
    many = [
        Contribution.objects.create(
            programme=world.programme,
            activity=world.by_partner_b.activity,
            text="No GP",
            ward=milton,
            consent_analysis=True,
            consent_quote=False,
            consent_open_data=False,
            consent_recontact=False,
            consent_taken_at=timezone.now(),
        )
        for _ in range(8)
    ]
    create_priority(
        by=world.analyst,
        programme=world.programme,
        title="GP access",
        theme="GP",
        summary="s",
        contributions=[*many, world.by_partner_a],
        is_public=True,
    )
    html = client.get(reverse("accountability:you-said-we-did", args=[world.programme.slug])).content.decode()
    assert 'Where: Milton (<span data-figure="count">10</span>), and other wards.' in html
    assert "Kursaal" not in html  # only one resident there
