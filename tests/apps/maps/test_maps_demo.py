"""The demo builds Plymouth's social-connectedness map from coded conversations."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from chorus.apps.accounts.models import Membership, Role, User
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.maps import demo
from chorus.apps.maps.models import ExperienceMap, Link, MapKind
from chorus.apps.programmes.models import Programme

from support.world import voice

pytestmark = pytest.mark.django_db

SAID = [
    ("Since they cut the bus, I can't get out to see anyone.", True),
    ("I can't get out since my knee went, so I'm on my own all day.", True),
    ("Because I'm on my own all day, I worry about everything.", True),
    ("The buses are so unreliable, so I have to walk two miles to the surgery.", False),
    ("Lovely staff at the chemist.", True),
]


@pytest.fixture
def plymouth(southend) -> Programme:
    programme = Programme.objects.create(
        slug=demo.PROGRAMME, name="Plymouth connected", local_authority=southend
    )
    analyst = User.objects.create_user(username=demo.ANALYST, password="x")
    Membership.objects.create(user=analyst, role=Role.ANALYST, programme=programme)
    activity = Activity.objects.create(
        programme=programme, kind=ActivityKind.CONVERSATION, title="Conversations", date=date(2026, 9, 1)
    )
    for text, quotable in SAID:
        create_contribution(activity, replace(voice(text), consent_quote=quotable))
    return programme


def test_demo_builds_a_community_map_from_coded_conversations(plymouth):
    lines: list[str] = []
    demo.load(random.Random(7), lines.append)

    community = ExperienceMap.objects.get(programme=plymouth, name=demo.COMMUNITY_NAME)
    assert community.name == demo.COMMUNITY_NAME and community.aggregation_method == "mean_without_zeros"
    individual = ExperienceMap.objects.filter(programme=plymouth, kind=MapKind.INDIVIDUAL)
    assert individual.count() == 4 and set(community.sources.all()) == set(individual)
    pairs = {(link.source.name, link.target.name) for link in community.links.all()}
    assert {("bus routes", "mobility"), ("mobility", "loneliness"), ("loneliness", "anxiety")} <= pairs
    bus = community.links.get(source__name="bus routes", target__name="mobility")
    assert bus.agreement == 2 and bus.weight > 0
    evidence = {item.contribution.text: item.quote for item in bus.derived_from.all()}
    assert evidence[SAID[0][0]] == SAID[0][0]
    assert evidence[SAID[3][0]] == ""  # no consent to quote: the link counts, the words are not kept
    assert not Link.objects.filter(contribution__text=SAID[4][0]).exists()
    workshop = ExperienceMap.objects.get(programme=plymouth, kind=MapKind.WORKSHOP)
    combined = ExperienceMap.objects.get(programme=plymouth, name=demo.COMBINED_NAME)
    assert set(combined.sources.all()) == {*individual, workshop}
    assert combined.links.count() == workshop.links.count()  # every coded link is on the example map
    assert combined.links.get(source__name="bus routes", target__name="mobility").agreement == 3
    assert f"/maps/{community.pk}/" in lines[-1] and f"/maps/{combined.pk}/leverage/" in lines[-1]

    demo.load(random.Random(7), lines.append)  # a second run changes nothing
    assert ExperienceMap.objects.filter(programme=plymouth, kind=MapKind.COMMUNITY).count() == 2
    assert "already there" in lines[-1]


def test_demo_needs_the_core_demo_data(db):
    with pytest.raises(RuntimeError, match="plymouth-connected"):
        demo.load(random.Random(1), print)
