"""Who sees which map: the `rules` permission and the `visible_maps` list filter, held together.

An individual map is one resident's account, so it follows the contribution's own rule; workshop, imported
and community maps are shared with the whole programme, decision-makers included.
"""

from __future__ import annotations

import pytest

from chorus.apps.maps import actions
from chorus.apps.maps.actions import Strength
from chorus.apps.maps.rules import visible_maps

pytestmark = pytest.mark.django_db


@pytest.fixture
def maps(world) -> dict:
    def coded(contribution, quote):
        return actions.code_link_from_contribution(
            contribution, "damp", "health", Strength(-1, "strong"), quote=quote, by=world.analyst
        ).map

    by_a = coded(world.by_partner_a, "The damp in our flat")
    by_connector = coded(world.by_connector, "Since the bus was cut")
    workshop = actions.create_map(world.programme, "Workshop", by=world.analyst)
    community = actions.combine_maps(world.programme, [by_a, by_connector], "Community", by=world.analyst)
    elsewhere = actions.create_map(world.other_programme, "Elsewhere", by=world.other_analyst)
    return {
        "by_a": by_a,
        "by_connector": by_connector,
        "workshop": workshop,
        "community": community,
        "elsewhere": elsewhere,
    }


SHARED = {"workshop", "community"}
EXPECTED = {
    "admin": {"by_a", "by_connector", "workshop", "community", "elsewhere"},
    "analyst": {"by_a", "by_connector", "workshop", "community"},
    "other-analyst": {"elsewhere"},
    "partner-a": {"by_a"} | SHARED,  # the partner that gathered the contribution
    "partner-b": SHARED,
    "connector": {"by_connector"} | SHARED,  # the connector who recorded it
    "other-connector": SHARED,
    "decision-maker": SHARED,  # the combined picture, never one resident's map
}


def test_permission_and_list_filter_agree_for_every_user_and_map(world, maps):
    for user in world.users:
        allowed = {
            name for name, experience_map in maps.items() if user.has_perm("maps.view_maps", experience_map)
        }
        listed = {name for name, experience_map in maps.items() if experience_map in visible_maps(user)}
        assert allowed == listed == EXPECTED[user.username], user.username


def test_only_analysts_and_administrators_change_maps(world, maps):
    changers = {user.username for user in world.users if user.has_perm("maps.change_maps", maps["workshop"])}
    assert changers == {"admin", "analyst"}
