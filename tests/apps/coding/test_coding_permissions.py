"""Who may code a programme: each role, the list of programmes to code, and the people offered as coders."""

import pytest

from chorus.apps.coding.rules import coders, coding_programmes

from support.permissions import (
    ADMINISTRATORS,
    ANALYSTS,
    OTHER_PROGRAMME,
    allowed,
    assert_list_agrees,
    everyone,
)

pytestmark = pytest.mark.django_db


def test_analysts_and_administrators_code_a_programme(world):
    people = everyone(world)
    assert allowed(people, "coding.code_programme", world.programme) == ANALYSTS
    assert allowed(people, "coding.code_programme", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "coding.code_programme", None) == ADMINISTRATORS


def test_the_programmes_to_code_are_those_the_person_may_code(world):
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(everyone(world), "coding.code_programme", programmes, coding_programmes)


def test_the_coders_offered_for_a_sample_are_the_people_who_may_code_it(world):
    """Administrators by role count, as superusers do (the choice once offered superusers only)."""
    people = everyone(world)
    for programme in (world.programme, world.other_programme):
        offered = {name for name, user in people.items() if user in coders(programme)}
        assert offered == allowed(people, "coding.code_programme", programme), programme.slug
