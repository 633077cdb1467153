"""Who may see and change the running of a programme: each role against each permission, and each permission
against the list the pages use (programmes, partner portals, safeguarding concerns)."""

import pytest

from chorus.apps.delivery.models import SafeguardingConcern, SafeguardingLead
from chorus.apps.delivery.rules import (
    concern_programmes,
    delivery_programmes,
    open_portals,
    own_portals,
    portal_organisations,
    visible_concerns,
)
from chorus.apps.programmes.models import Partnership

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
def portals(world) -> dict[str, Partnership]:
    """The world's two partnerships, and partner A also taking part in the other programme."""
    return {
        "a here": Partnership.objects.get(programme=world.programme, organisation=world.partner_a),
        "b here": Partnership.objects.get(programme=world.programme, organisation=world.partner_b),
        "a elsewhere": Partnership.objects.create(
            programme=world.other_programme, organisation=world.partner_a
        ),
    }


@pytest.fixture
def concerns(world) -> dict[str, SafeguardingConcern]:
    """A concern in each programme; the connector is the world programme's safeguarding lead."""
    SafeguardingLead.objects.create(programme=world.programme, user=world.connector)
    SafeguardingLead.objects.create(programme=world.other_programme, user=world.other_analyst)
    return {
        "here": SafeguardingConcern.objects.create(programme=world.programme, concern="A"),
        "elsewhere": SafeguardingConcern.objects.create(programme=world.other_programme, concern="B"),
    }


def test_analysts_manage_and_decision_makers_read_the_running_of_a_programme(world):
    people = everyone(world)
    assert allowed(people, "delivery.manage_programme", world.programme) == ANALYSTS
    assert allowed(people, "delivery.view_programme", world.programme) == ANALYSTS | {"decision-maker"}
    for perm in ("delivery.manage_programme", "delivery.view_programme"):
        assert allowed(people, perm, world.other_programme) == OTHER_PROGRAMME, perm
        assert allowed(people, perm, None) == ADMINISTRATORS, perm


def test_every_member_raises_a_concern_and_only_the_lead_and_administrators_read_it(world, concerns):
    people = everyone(world)
    assert allowed(people, "delivery.raise_concern", world.programme) == MEMBERS
    assert allowed(people, "delivery.raise_concern", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "delivery.view_concern", concerns["here"]) == ADMINISTRATORS | {"connector"}
    assert allowed(people, "delivery.view_concern", concerns["elsewhere"]) == OTHER_PROGRAMME


def test_a_partner_opens_only_their_own_portal_and_managers_open_every_portal(world, portals):
    people = everyone(world)
    assert allowed(people, "delivery.open_portal", portals["a here"]) == ANALYSTS | {"partner-a"}
    assert allowed(people, "delivery.open_portal", portals["b here"]) == ANALYSTS | {"partner-b"}
    # Partner A's member holds their role in the world's programme only.
    assert allowed(people, "delivery.open_portal", portals["a elsewhere"]) == OTHER_PROGRAMME


def test_each_permission_agrees_with_its_list(world, portals, concerns):
    people = everyone(world)
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(people, "delivery.view_programme", programmes, delivery_programmes)
    assert_list_agrees(people, "delivery.raise_concern", programmes, concern_programmes)
    assert_list_agrees(people, "delivery.view_concern", concerns.values(), visible_concerns)
    assert_list_agrees(people, "delivery.open_portal", portals.values(), open_portals)
    for name, user in people.items():
        for programme in programmes:
            may_open = {p.organisation for p in portals.values() if p.programme == programme}
            may_open = {
                o for o in may_open if user.has_perm("delivery.open_portal", _portal(portals, programme, o))
            }
            assert set(portal_organisations(user, programme)) == may_open, (name, programme.slug)


def _portal(portals, programme, organisation) -> Partnership:
    return next(p for p in portals.values() if (p.programme, p.organisation) == (programme, organisation))


def test_a_partners_own_portals_are_those_of_their_organisation(world, portals):
    people = everyone(world)
    own = {name: {p.pk for p in own_portals(user)} for name, user in people.items()}
    assert own.pop("partner-a") == {portals["a here"].pk}
    assert own.pop("partner-b") == {portals["b here"].pk}
    assert set(map(frozenset, own.values())) == {frozenset()}


def test_a_partner_membership_without_a_partnership_offers_no_portal(world):
    """The running-programmes page once listed every partner membership, and its link was a 404 when the
    organisation did not take part in the programme."""
    Partnership.objects.filter(programme=world.programme, organisation=world.partner_b).delete()
    assert not own_portals(world.partner_b_member).exists()
    assert not open_portals(world.partner_b_member).exists()
