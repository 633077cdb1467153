"""Making people and giving them roles: each is refused with a reason when it cannot be done, and audited
with who did it."""

import pytest

from chorus.apps.accounts import actions
from chorus.apps.accounts.models import Role, User
from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.core.predicates import programme_ids_where


def test_creating_a_person_records_who_made_them(world):
    person = actions.create_user(
        "new-connector", display_name="New connector", email="n@example.org", password="pw", by=world.admin
    )
    assert person.check_password("pw") and not person.is_superuser and str(person) == "New connector"
    event = AuditEvent.objects.get(action="accounts.user_created", object_id=str(person.pk))
    assert event.actor == world.admin


def test_a_username_already_taken_is_refused_whatever_its_case(world):
    with pytest.raises(ActionError) as refused:
        actions.create_user("ADMIN", display_name="", email="", password="pw", by=world.admin)
    assert refused.value.field == "username"
    assert not AuditEvent.objects.filter(action="accounts.user_created").exists()


def test_only_the_first_administrator_is_made_by_nobody(db):
    first = actions.create_administrator("first", display_name="", email="", password="pw", by=None)
    assert first.is_superuser
    assert AuditEvent.objects.get(action="accounts.user_created").actor == first
    with pytest.raises(ActionError):
        actions.create_administrator("second", display_name="", email="", password="pw", by=None)
    someone = User.objects.create_user("someone")
    with pytest.raises(ActionError):
        actions.create_administrator("third", display_name="", email="", password="pw", by=someone)
    second = actions.create_administrator("second", display_name="", email="", password="pw", by=first)
    assert AuditEvent.objects.get(action="accounts.user_created", object_id=str(second.pk)).actor == first


def test_a_role_is_given_once_and_a_partner_member_needs_their_organisation(world):
    person = actions.create_user("someone", display_name="", email="", password="pw", by=world.admin)
    with pytest.raises(ActionError) as refused:
        actions.create_membership(person, role=Role.PARTNER, programme=world.programme, by=world.admin)
    assert refused.value.field == "organisation"
    membership = actions.create_membership(
        person, role=Role.PARTNER, programme=world.programme, organisation=world.partner_a, by=world.admin
    )
    assert programme_ids_where(person, Role.PARTNER) == {world.programme.pk}
    event = AuditEvent.objects.get(action="accounts.membership_created")
    assert (event.actor, event.object_id, event.programme) == (
        world.admin,
        str(membership.pk),
        world.programme,
    )
    with pytest.raises(ActionError):
        actions.create_membership(
            person, role=Role.PARTNER, programme=world.programme, organisation=world.partner_a, by=world.admin
        )
    with pytest.raises(ActionError):
        actions.create_membership(person, role="chief", programme=world.programme, by=world.admin)
