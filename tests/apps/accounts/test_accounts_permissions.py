"""Who manages a programme's people: its leads (analysts) and administrators, nobody else."""

from __future__ import annotations

import pytest

from support.permissions import ANALYSTS, OTHER_PROGRAMME, allowed, everyone

pytestmark = pytest.mark.django_db


def test_leads_and_administrators_manage_a_programmes_people(world):
    people = everyone(world)
    assert allowed(people, "accounts.manage_people", world.programme) == ANALYSTS
    assert allowed(people, "accounts.manage_people", world.other_programme) == OTHER_PROGRAMME
