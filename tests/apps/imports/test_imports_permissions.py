"""Who may import and read residents' original words: each role, and the list of programmes to import into."""

import pytest

from chorus.apps.imports.rules import importable_programmes

from support.permissions import (
    ADMINISTRATORS,
    ANALYSTS,
    OTHER_PROGRAMME,
    allowed,
    assert_list_agrees,
    everyone,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("perm", ["imports.manage", "imports.view_original_text"])
def test_analysts_and_administrators_import_and_read_original_words(world, perm):
    people = everyone(world)
    assert allowed(people, perm, world.programme) == ANALYSTS
    assert allowed(people, perm, world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, perm, None) == ADMINISTRATORS


def test_the_programmes_to_import_into_are_those_the_person_may_import_into(world):
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(everyone(world), "imports.manage", programmes, importable_programmes)
