"""A person's roles are read once per user object, however many permissions a page checks, and read again when
a membership changes."""

import pytest

from chorus.apps.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db

PERMS = [
    "programmes.view_programme",
    "programmes.change_programme",
    "coding.code_programme",
    "publishing.create_report",
    "delivery.view_programme",
    "maps.change_maps",
]


def test_many_permission_checks_read_the_roles_once(world, django_assert_num_queries):
    user = world.decision_maker
    with django_assert_num_queries(1):
        for perm in PERMS:
            user.has_perm(perm, world.programme)
    with django_assert_num_queries(0):
        for perm in PERMS:
            user.has_perm(perm, world.other_programme)


def test_a_role_given_or_taken_away_counts_at_once_for_the_same_user_object(world):
    user = world.decision_maker
    assert not user.has_perm("coding.code_programme", world.programme)
    given = Membership.objects.create(user=user, role=Role.ANALYST, programme=world.programme)
    assert user.has_perm("coding.code_programme", world.programme)
    given.delete()
    assert not user.has_perm("coding.code_programme", world.programme)
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR)
    assert user.is_administrator
    assert user.has_perm("coding.code_programme", world.other_programme)
