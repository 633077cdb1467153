"""The demo loads on top of a small core demo (two programmes, their leads, a few voices)."""

import random
from datetime import date

import pytest
from django.db.models import Count
from django.utils import timezone

from chorus.apps.accountability import demo
from chorus.apps.accountability.actions.feedback import recipients
from chorus.apps.accountability.models import (
    Action,
    Assessment,
    Channel,
    DecisionBody,
    FeedbackItem,
    Meeting,
    Priority,
)
from chorus.apps.accounts.models import Membership, Role, User
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.imports.models import Participant
from chorus.apps.programmes.models import Organisation, OrganisationKind, Programme

SAID = [
    "The damp and mould in the bedroom is making my son's asthma worse",
    "I rang the GP at 8am and could not get an appointment",
    "Since they cut the bus on Sundays I am lonely and stuck at home",
]


def core_demo(southend) -> None:
    lead = Organisation.objects.create(name="Council", slug="council", kind=OrganisationKind.COUNCIL)
    for slug, username in demo.PROGRAMMES.items():
        programme = Programme.objects.create(
            slug=slug, name=slug, local_authority=southend, lead_organisation=lead, is_public=True
        )
        user = User.objects.create_user(username=username)
        Membership.objects.create(user=user, role=Role.ANALYST, programme=programme)
        for day in (date(2026, 9, 2), date(2026, 10, 7)):
            event = Activity.objects.create(
                programme=programme, kind=ActivityKind.LISTENING_EVENT, title="Listening event", date=day
            )
            for i in range(12):
                Contribution.objects.create(
                    programme=programme,
                    activity=event,
                    text=SAID[i % 3],
                    consent_analysis=True,
                    consent_quote=i % 2 == 0,
                    consent_open_data=False,
                    consent_recontact=i % 4 != 3,
                    consent_taken_at=timezone.now(),
                )
        chat = Activity.objects.create(
            programme=programme, kind=ActivityKind.CONVERSATION, title="Conversations", date=date(2026, 11, 1)
        )
        for _ in range(8):
            Contribution.objects.create(
                programme=programme,
                activity=chat,
                text="The play park needs new swings",
                consent_analysis=True,
                consent_quote=False,
                consent_open_data=False,
                consent_recontact=True,
                consent_taken_at=timezone.now(),
            )


def test_demo_loads_and_is_deterministic(southend):
    core_demo(southend)
    lines: list[str] = []
    demo.load(random.Random(7), lines.append)
    assert Priority.objects.count() == 6
    damp = Priority.objects.get(programme__slug="southend-connectors", theme="Damp and mould")
    assert damp.contributions.count() == 8 and all(q.consent_quote for q in damp.quotes.all())
    today = date(2026, 11, 22)
    assert sum(a.deadline(today).overdue for a in Action.objects.all()) == 2  # one per programme
    items = FeedbackItem.objects.filter(programme__slug="southend-connectors")
    assert items.exclude(sent_on=None).count() == 3
    assert sum(i.deadline(today).overdue for i in items) >= 1
    assert Assessment.objects.exists()
    assert any("/public/southend-connectors/you-said-we-did/" in line for line in lines)
    first = sorted(Assessment.objects.values_list("listened", "difference", "contribution__text"))

    Priority.objects.all().delete()
    Assessment.objects.all().delete()
    FeedbackItem.objects.all().delete()
    Meeting.objects.all().delete()
    DecisionBody.objects.all().delete()
    demo.load(random.Random(7), lines.append)
    assert sorted(Assessment.objects.values_list("listened", "difference", "contribution__text")) == first


def test_demo_says_what_is_missing(db):
    with pytest.raises(RuntimeError, match="southend-connectors"):
        demo.load(random.Random(1), print)


def test_demo_residents_wait_to_hear_back_by_email_and_text_with_example_contacts(southend, client):
    core_demo(southend)
    demo.load(random.Random(7), print)
    programme = Programme.objects.get(slug="southend-connectors")
    emailed = FeedbackItem.objects.get(programme=programme, channel=Channel.EMAIL, sent_on=None)
    texted = FeedbackItem.objects.get(programme=programme, channel=Channel.SMS, sent_on=None)

    emails = [p.contact for p in recipients(emailed)]
    mobiles = [p.contact for p in recipients(texted)]
    assert len(emails) == demo.EMAILS_PER_PROGRAMME and all(e.endswith("@example.org") for e in emails)
    assert len(mobiles) == demo.MOBILES_PER_PROGRAMME
    assert all(m.startswith("+447700900") for m in mobiles)  # Ofcom's drama numbers: nobody's real phone
    # One resident spoke twice and gave the same address: one participant, messaged once.
    twice = Participant.objects.filter(programme=programme, contact_channel="email").annotate(
        spoke=Count("contributions")
    )
    assert sorted(p.spoke for p in twice)[-1] == 2 and twice.count() == demo.EMAILS_PER_PROGRAMME
    raw = repr(list(Participant.objects.values_list("contact_encrypted", flat=True)))
    assert "example.org" not in raw and "7700" not in raw  # encrypted at rest, demo or not

    # The feedback page shows the team who will be told and how, and that nothing can be sent yet.
    client.force_login(User.objects.get(username=demo.PROGRAMMES["southend-connectors"]))
    page = client.get(texted.get_absolute_url()).content.decode()
    assert f"Who will be messaged ({demo.MOBILES_PER_PROGRAMME})" in page and "+447700900101" in page
    assert "This cannot be sent yet" in page
