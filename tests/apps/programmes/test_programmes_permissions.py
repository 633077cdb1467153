"""Who may see and change a programme: each role against each permission, and the list of programmes."""

import pytest

from chorus.apps.programmes.rules import member_programmes

from support.permissions import (
    ADMINISTRATORS,
    ANALYSTS,
    MEMBERS,
    OTHER_PROGRAMME,
    allowed,
    assert_list_agrees,
    everyone,
)

pytestmark = pytest.mark.django_db


def test_members_and_administrators_see_a_programme(world):
    people = everyone(world)
    assert allowed(people, "programmes.view_programme", world.programme) == MEMBERS
    assert allowed(people, "programmes.view_programme", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "programmes.view_programme", None) == ADMINISTRATORS


def test_analysts_and_administrators_change_a_programme(world):
    people = everyone(world)
    assert allowed(people, "programmes.change_programme", world.programme) == ANALYSTS
    assert allowed(people, "programmes.change_programme", world.other_programme) == OTHER_PROGRAMME


def test_the_programme_list_is_the_programmes_each_person_may_see(world):
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(everyone(world), "programmes.view_programme", programmes, member_programmes)
