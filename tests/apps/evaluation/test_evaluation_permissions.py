"""Who may see and change evaluations: each role against each permission, each permission against the list
the pages use, and which partners' rows each person reads."""

import pytest

from chorus.apps.evaluation.models import Intervention
from chorus.apps.evaluation.rules import (
    partner_scope,
    programmes_for_new_interventions,
    visible_interventions,
)

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
def interventions(world) -> dict[str, Intervention]:
    def make(programme, slug, *, public=False):
        return Intervention.objects.create(programme=programme, slug=slug, name=slug, report_is_public=public)

    return {
        "here": make(world.programme, "screening"),
        "here, published": make(world.programme, "walking", public=True),
        "elsewhere": make(world.other_programme, "dentists"),
        "elsewhere, published": make(world.other_programme, "pharmacy", public=True),
    }


def test_members_read_an_evaluation_and_analysts_change_it(world, interventions):
    people = everyone(world)
    for perm, expected in (
        ("evaluation.view_intervention", MEMBERS),
        ("evaluation.change_intervention", ANALYSTS),
    ):
        assert allowed(people, perm, interventions["here"]) == expected, perm
        assert allowed(people, perm, interventions["elsewhere"]) == OTHER_PROGRAMME, perm
        assert allowed(people, perm, None) == ADMINISTRATORS, perm


def test_the_public_report_is_for_the_programme_until_published_then_for_anyone(world, interventions):
    people = everyone(world)
    perm = "evaluation.view_public_report"
    assert allowed(people, perm, interventions["here"]) == MEMBERS
    assert allowed(people, perm, interventions["elsewhere"]) == OTHER_PROGRAMME
    assert allowed(people, perm, interventions["here, published"]) == set(people)
    assert allowed(people, perm, interventions["elsewhere, published"]) == set(people)


def test_analysts_and_administrators_start_an_evaluation_in_their_programme(world):
    people = everyone(world)
    assert allowed(people, "evaluation.add_intervention", world.programme) == ANALYSTS
    assert allowed(people, "evaluation.add_intervention", world.other_programme) == OTHER_PROGRAMME


def test_each_permission_agrees_with_its_list(world, interventions):
    people = everyone(world)
    assert_list_agrees(people, "evaluation.view_intervention", interventions.values(), visible_interventions)
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(people, "evaluation.add_intervention", programmes, programmes_for_new_interventions)


def test_a_partner_member_reads_only_their_own_organisations_rows(world, interventions):
    people = everyone(world)
    screening = interventions["here"]
    scopes = {name: partner_scope(user, screening) for name, user in people.items() if user.is_authenticated}
    assert scopes.pop("partner-a") == {world.partner_a.pk}
    assert scopes.pop("partner-b") == {world.partner_b.pk}
    assert scopes.pop("other-analyst") == scopes.pop("no-role") == set()  # not members: no partner's rows
    assert set(scopes.values()) == {None}  # everyone else who may read it reads every partner's rows
