"""Leads invite people to their programme (an email with a link to choose a password) and change members'
roles; both are audited, and only the programme's leads and administrators may do them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from chorus.apps.accounts.actions import change_role, invite_person
from chorus.apps.accounts.models import Membership, Role, User
from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError

pytestmark = pytest.mark.django_db


def test_a_lead_invites_someone_who_chooses_a_password_from_the_email(
    world, django_capture_on_commit_callbacks
):
    lead = Client()
    lead.force_login(world.analyst)
    url = reverse("people", args=[world.programme.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(
            url, {"display_name": "Asha Patel", "email": "asha@example.org", "role": Role.DECISION_MAKER}
        )
    assert response.status_code == 302
    invited = User.objects.get(email="asha@example.org")
    assert not invited.has_usable_password()
    assert invited.memberships.get().role == Role.DECISION_MAKER
    (email,) = mail.outbox
    assert email.to == ["asha@example.org"] and world.programme.name in email.subject
    link = re.search(r"http://testserver(/accounts/password-reset/\S+)", email.body).group(1)

    visitor = Client()
    form = visitor.get(link, follow=True)
    assert form.status_code == 200
    chosen = visitor.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
    )
    assert chosen.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("a long new passphrase 42")
    event = AuditEvent.objects.get(action="accounts.person_invited")
    assert event.actor == world.analyst and "asha" not in str(event.details)


def test_a_partner_invitation_needs_one_of_the_programme_partners(world):
    with pytest.raises(ActionError, match="partner organisation"):
        invite_person(
            world.programme,
            email="p@example.org",
            display_name="P",
            role=Role.PARTNER,
            by=world.analyst,
            base_url="http://x/",
        )
    membership = invite_person(
        world.programme,
        email="p@example.org",
        display_name="P",
        role=Role.PARTNER,
        organisation=world.partner_a,
        by=world.analyst,
        base_url="http://x/",
    )
    assert membership.organisation == world.partner_a


def test_only_leads_and_administrators_invite_or_change_roles(world):
    for user in (world.decision_maker, world.connector, world.partner_a_member, world.other_analyst):
        with pytest.raises(ActionError, match="leads and administrators"):
            invite_person(
                world.programme,
                email="x@example.org",
                display_name="X",
                role=Role.CONNECTOR,
                by=user,
                base_url="http://x/",
            )
        client = Client()
        client.force_login(user)
        assert client.get(reverse("people", args=[world.programme.slug])).status_code == 404
    with pytest.raises(ActionError, match="roles offered"):
        invite_person(
            world.programme,
            email="x@example.org",
            display_name="X",
            role=Role.ADMINISTRATOR,
            by=world.analyst,
            base_url="http://x/",
        )
    admin = Client()
    admin.force_login(world.admin)
    assert admin.get(reverse("people", args=[world.programme.slug])).status_code == 200


def test_a_lead_changes_a_members_role_audited(world):
    membership = Membership.objects.get(user=world.connector, programme=world.programme)
    lead = Client()
    lead.force_login(world.analyst)
    url = reverse("change-role", args=[world.programme.slug, membership.pk])
    assert lead.post(url, {f"m{membership.pk}-role": Role.DECISION_MAKER}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.DECISION_MAKER
    event = AuditEvent.objects.get(action="accounts.role_changed")
    assert event.details["before"] == Role.CONNECTOR and event.details["after"] == Role.DECISION_MAKER
    own = Membership.objects.get(user=world.analyst, programme=world.programme)
    with pytest.raises(ActionError, match="your own lead role"):
        change_role(own, role=Role.CONNECTOR, by=world.analyst)
    with pytest.raises(ActionError, match="leads and administrators"):
        change_role(membership, role=Role.CONNECTOR, by=world.decision_maker)
