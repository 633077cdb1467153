"""Withdrawal of consent takes effect everywhere and leaves no words behind."""

import json

import pytest
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.actions import ActionError, withdraw_consent
from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.engagement.rules import visible_contributions

from support.world import PASSWORD


@pytest.mark.django_db
def test_withdrawing_quote_consent_clears_only_that_consent(world):
    withdraw_consent(world.by_connector, "quote", by=world.connector)
    world.by_connector.refresh_from_db()
    assert world.by_connector.consent_quote is False
    assert world.by_connector.consent_recontact is True
    event = AuditEvent.objects.get(action="consent.withdrawn")
    assert event.details == {"contribution_id": world.by_connector.pk, "scope": "quote"}


@pytest.mark.django_db
def test_withdrawing_analysis_consent_removes_the_words_everywhere(world):
    pk, activity_id = world.by_partner_a.pk, world.by_partner_a.activity_id
    withdraw_consent(world.by_partner_a, "analysis", by=world.analyst)
    assert not Contribution.objects.filter(pk=pk).exists()
    assert Activity.objects.filter(pk=activity_id).exists()  # the activity still happened
    for user in world.users:
        assert not visible_contributions(user).filter(text__icontains="damp in our flat").exists()
    everything_logged = json.dumps(list(AuditEvent.objects.values("details", "object_id", "action")))
    assert "damp" not in everything_logged
    assert AuditEvent.objects.filter(action="consent.withdrawn", details__contribution_id=pk).exists()


@pytest.mark.django_db
def test_unknown_consent_scope_is_refused(world):
    with pytest.raises(ActionError, match="Unknown consent"):
        withdraw_consent(world.by_connector, "marketing", by=world.connector)


@pytest.mark.django_db
def test_connector_withdraws_consent_from_the_page(client, world):
    client.login(username=world.connector.username, password=PASSWORD)
    url = reverse("withdraw-consent", args=[world.by_connector.pk])
    response = client.post(url, {"scope": "analysis"}, follow=True)
    assert response.status_code == 200
    assert "has been removed" in response.content.decode()
    assert not Contribution.objects.filter(pk=world.by_connector.pk).exists()


@pytest.mark.django_db
def test_partner_member_cannot_withdraw_consent_they_did_not_take(client, world):
    client.login(username=world.partner_a_member.username, password=PASSWORD)
    # partner A sees its own record, but consent belongs to the person who took it and the programme team
    world.by_partner_a.recorded_by = None
    world.by_partner_a.save()
    response = client.post(reverse("withdraw-consent", args=[world.by_partner_a.pk]), {"scope": "quote"})
    assert response.status_code == 403
    world.by_partner_a.refresh_from_db()
    assert world.by_partner_a.consent_quote is True


@pytest.mark.django_db
def test_withdraw_without_choosing_shows_an_error(client, world):
    client.login(username=world.connector.username, password=PASSWORD)
    response = client.post(reverse("withdraw-consent", args=[world.by_connector.pk]), {})
    assert "Select which consent the resident has withdrawn" in response.content.decode()
