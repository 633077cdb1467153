"""Safeguarding: a concern raised from a contribution goes to the named lead at once by email (a link, not
the words); only the lead and administrators read it; its words never reach the contribution, lists, the
audit log, logs, exports or analysis."""

import logging

import pytest
from django.core import mail

from chorus.apps.audit.models import AuditEvent
from chorus.apps.delivery import actions
from chorus.apps.delivery.models import SafeguardingConcern
from chorus.apps.engagement.models import Contribution

WORDS = "She said her partner takes her bank card and she is frightened to go home"


@pytest.fixture
def lead(world):
    actions.change_safeguarding_lead(world.programme, world.analyst, by=world.analyst)
    return world.analyst


def _raise(world, caplog):
    with caplog.at_level(logging.DEBUG):
        return actions.raise_concern(
            by=world.connector, programme=world.programme, concern=WORDS, contribution=world.by_connector
        )


def test_the_lead_is_emailed_at_once_with_a_link_and_without_the_words(world, lead, caplog):
    before = world.by_connector.text
    concern = _raise(world, caplog)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [lead.email]
    assert f"/delivery/safeguarding/{concern.pk}/" in email.body
    assert "frightened" not in email.body and "frightened" not in email.subject
    assert concern.lead_notified_at is not None
    # the contribution it came from stays as it was
    assert Contribution.objects.get(pk=world.by_connector.pk).text == before


def test_the_words_reach_no_contribution_audit_event_or_log(world, lead, caplog):
    contributions = Contribution.objects.count()
    _raise(world, caplog)
    assert Contribution.objects.count() == contributions  # a concern is not a voice to analyse
    assert not Contribution.objects.filter(text__icontains="frightened").exists()
    assert not any("frightened" in str(e.details) for e in AuditEvent.objects.all())
    assert "frightened" not in caplog.text
    assert SafeguardingConcern.objects.get().concern == WORDS


def test_the_words_are_not_in_contribution_pages_for_anyone_but_the_lead(world, lead, caplog, client):
    concern = _raise(world, caplog)
    for user in (world.analyst, world.connector, world.admin):
        client.force_login(user)
        for url in ("/contributions/", f"/contributions/{world.by_connector.pk}/"):
            assert "frightened" not in client.get(url).content.decode()
    client.force_login(world.analyst)
    assert WORDS in client.get(f"/delivery/safeguarding/{concern.pk}/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("analyst", 200),  # the named lead
        ("admin", 200),
        ("connector", 404),  # raised it, but does not read it back
        ("other_connector", 404),
        ("partner_a_member", 404),
        ("decision_maker", 404),
        ("other_analyst", 404),
    ],
)
def test_only_the_lead_and_administrators_read_a_concern(world, lead, caplog, client, who, status):
    concern = _raise(world, caplog)
    client.force_login(getattr(world, who))
    assert client.get(f"/delivery/safeguarding/{concern.pk}/").status_code == status
    listing = client.get("/delivery/safeguarding/").content.decode()
    assert (f"Concern {concern.pk}" in listing) == (status == 200)


def test_no_lead_means_the_concern_is_refused_loudly(world):
    with pytest.raises(actions.ActionError, match="no safeguarding lead"):
        actions.raise_concern(by=world.connector, programme=world.programme, concern=WORDS)
    assert not SafeguardingConcern.objects.exists() and not mail.outbox


def test_raising_from_the_contribution_link(world, lead, client):
    client.force_login(world.connector)
    url = f"/delivery/safeguarding/raise/?contribution={world.by_connector.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"concern": WORDS, "contribution": world.by_connector.pk})
    assert response.status_code == 200 and "Concern sent" in response.content.decode()
    concern = SafeguardingConcern.objects.get()
    assert concern.contribution == world.by_connector and concern.raised_by == world.connector
    # someone who cannot see the contribution cannot raise a concern from it
    client.force_login(world.partner_b_member)
    assert client.get(url).status_code == 404
