"""Who may read and run "you said, we did": each role against each permission, on a programme and on the rows
that name one, and each permission against the list of programmes the pages use."""

from datetime import date

import pytest

from chorus.apps.accountability.models import (
    BodyKind,
    Channel,
    DecisionBody,
    FeedbackItem,
    FeedbackKind,
    Priority,
)
from chorus.apps.accountability.rules import managed_programmes
from chorus.apps.programmes.rules import member_programmes

from support.permissions import (
    ADMINISTRATORS,
    ANALYSTS,
    CONNECTORS,
    MEMBERS,
    OTHER_PROGRAMME,
    PARTNERS,
    allowed,
    assert_list_agrees,
    everyone,
)

pytestmark = pytest.mark.django_db


def rows(programme, activity) -> dict:
    """The rows a permission is asked about: the programme, a priority, a decision body, a feedback item."""
    return {
        "programme": programme,
        "priority": Priority.objects.create(programme=programme, title="Damp", theme="damp", summary="Damp."),
        "body": DecisionBody.objects.create(programme=programme, name="Board", kind=BodyKind.HWBB),
        "feedback": FeedbackItem.objects.create(
            programme=programme,
            kind=FeedbackKind.WHAT_WE_HEARD,
            activity=activity,
            channel=Channel.EMAIL,
            title="What we heard",
            due_date=date(2026, 11, 1),
        ),
    }


EXPECTED = {
    "accountability.view": MEMBERS,
    "accountability.manage": ANALYSTS,
    "accountability.record_assessment": ANALYSTS | PARTNERS | CONNECTORS,
}


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_each_role_on_each_row(world, perm):
    people = everyone(world)
    here = rows(world.programme, world.by_partner_a.activity)
    elsewhere = rows(world.other_programme, world.in_other_programme.activity)
    for name in here:
        assert allowed(people, perm, here[name]) == EXPECTED[perm], name
        assert allowed(people, perm, elsewhere[name]) == OTHER_PROGRAMME, name
    assert allowed(people, perm, None) == ADMINISTRATORS


def test_the_programme_lists_agree_with_the_permissions(world):
    people = everyone(world)
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(people, "accountability.view", programmes, member_programmes)
    assert_list_agrees(people, "accountability.manage", programmes, managed_programmes)
