"""Who may see and change maps of experience: each role against each permission, on a programme's maps page
and on each kind of map, and the permission against the list the pages use (test_maps_rules.py says why)."""

import pytest

from chorus.apps.maps import actions
from chorus.apps.maps.actions import Strength
from chorus.apps.maps.rules import map_programmes, visible_maps

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


@pytest.fixture
def maps(world) -> dict:
    def individual(contribution, quote):
        return actions.code_link_from_contribution(
            contribution, "damp", "health", Strength(-1, "strong"), quote=quote, by=world.analyst
        ).map

    by_a = individual(world.by_partner_a, "The damp in our flat")
    by_connector = individual(world.by_connector, "Since the bus was cut")
    return {
        "by partner a": by_a,
        "by the connector": by_connector,
        "workshop": actions.create_map(world.programme, "Workshop", by=world.analyst),
        "community": actions.combine_maps(
            world.programme, [by_a, by_connector], "Community", by=world.analyst
        ),
        "elsewhere": actions.create_map(world.other_programme, "Elsewhere", by=world.other_analyst),
    }


def test_who_reads_each_map(world, maps):
    people = everyone(world)
    expected = {
        "by partner a": ANALYSTS | {"partner-a"},  # whoever may see the contribution it was coded from
        "by the connector": ANALYSTS | {"connector"},
        "workshop": MEMBERS,
        "community": MEMBERS,
        "elsewhere": OTHER_PROGRAMME,
    }
    for name, experience_map in maps.items():
        assert allowed(people, "maps.view_maps", experience_map) == expected[name], name
    assert allowed(people, "maps.view_maps", world.programme) == MEMBERS
    assert allowed(people, "maps.view_maps", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "maps.view_maps", None) == ADMINISTRATORS  # no object: no programme's member


def test_analysts_and_administrators_change_maps(world, maps):
    people = everyone(world)
    for target in (world.programme, maps["workshop"], maps["by partner a"]):
        assert allowed(people, "maps.change_maps", target) == ANALYSTS, target
    assert allowed(people, "maps.change_maps", maps["elsewhere"]) == OTHER_PROGRAMME
    assert allowed(people, "maps.change_maps", None) == ADMINISTRATORS


def test_the_map_list_is_the_maps_each_person_may_read(world, maps):
    assert_list_agrees(everyone(world), "maps.view_maps", maps.values(), visible_maps)


def test_the_maps_index_lists_the_programmes_whose_maps_page_each_person_may_open(world):
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(everyone(world), "maps.view_maps", programmes, map_programmes)
