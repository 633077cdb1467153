"""Who may define local indicators and enter their values: each role against the one permission."""

import pytest

from support.permissions import ADMINISTRATORS, ANALYSTS, OTHER_PROGRAMME, allowed, everyone

pytestmark = pytest.mark.django_db


def test_analysts_and_administrators_manage_a_programmes_indicators(world):
    people = everyone(world)
    assert allowed(people, "places.manage_indicators", world.programme) == ANALYSTS
    assert allowed(people, "places.manage_indicators", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "places.manage_indicators", None) == ADMINISTRATORS
