"""A small world for the Django tests: one Southend programme, two partners, people in every role."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import pytest

from chorus.apps.accounts.models import Membership, Role, User
from chorus.apps.engagement.actions import ContributionInput, create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.places.actions import load_places
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Organisation, OrganisationKind, Partnership, Programme

SOUTHEND = "E06000033"
PASSWORD = "correct-horse-battery-staple"

os.environ.setdefault("CHORUS_LOCAL_HTTP", "1")


@pytest.fixture
def southend(db) -> Area:
    if not Area.objects.filter(code=SOUTHEND).exists():
        load_places([SOUTHEND], by=None)
    return Area.objects.get(code=SOUTHEND)


def ward(name: str) -> Area:
    return Area.objects.get(level=Level.WARD, name=name, parent__code=SOUTHEND)


@dataclass
class World:
    programme: Programme
    other_programme: Programme
    partner_a: Organisation
    partner_b: Organisation
    admin: User
    analyst: User
    other_analyst: User
    partner_a_member: User
    partner_b_member: User
    connector: User
    other_connector: User
    decision_maker: User
    by_partner_a: Contribution
    by_partner_b: Contribution
    by_connector: Contribution
    in_other_programme: Contribution

    @property
    def users(self) -> list[User]:
        return [
            self.admin,
            self.analyst,
            self.other_analyst,
            self.partner_a_member,
            self.partner_b_member,
            self.connector,
            self.other_connector,
            self.decision_maker,
        ]

    @property
    def contributions(self) -> list[Contribution]:
        return [self.by_partner_a, self.by_partner_b, self.by_connector, self.in_other_programme]


def make_user(username: str, *memberships: tuple) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    for role, programme, organisation in memberships:
        Membership.objects.create(user=user, role=role, programme=programme, organisation=organisation)
    return user


def voice(text: str, **extra) -> ContributionInput:
    return ContributionInput(
        text=text, consent_quote=True, consent_open_data=False, consent_recontact=True, **extra
    )


@pytest.fixture
def world(southend) -> World:
    programme = Programme.objects.create(
        slug="southend-connectors", name="Southend community connectors", local_authority=southend
    )
    other = Programme.objects.create(slug="other", name="Another programme", local_authority=southend)
    partner_a = Organisation.objects.create(
        name="Kursaal Community Hub", slug="kursaal-hub", kind=OrganisationKind.VCS
    )
    partner_b = Organisation.objects.create(
        name="Milton Voices", slug="milton-voices", kind=OrganisationKind.VCS
    )
    for org in (partner_a, partner_b):
        Partnership.objects.create(programme=programme, organisation=org)

    admin = User.objects.create_superuser(username="admin", password=PASSWORD, email="admin@example.org")
    analyst = make_user("analyst", (Role.ANALYST, programme, None))
    other_analyst = make_user("other-analyst", (Role.ANALYST, other, None))
    member_a = make_user("partner-a", (Role.PARTNER, programme, partner_a))
    member_b = make_user("partner-b", (Role.PARTNER, programme, partner_b))
    connector = make_user("connector", (Role.CONNECTOR, programme, None))
    other_connector = make_user("other-connector", (Role.CONNECTOR, programme, None))
    decision_maker = make_user("decision-maker", (Role.DECISION_MAKER, programme, None))

    def activity(programme, partner=None, by=None, kind=ActivityKind.FOCUS_GROUP, area=None):
        return Activity.objects.create(
            programme=programme,
            kind=kind,
            title="Activity",
            date=date(2026, 10, 1),
            partner=partner,
            recorded_by=by,
            area=area,
        )

    kursaal, milton = ward("Kursaal"), ward("Milton")
    by_a = create_contribution(
        activity(programme, partner_a, member_a, area=kursaal),
        voice("The damp in our flat makes my chest bad", ward=kursaal),
        by=member_a,
    ).contribution
    by_b = create_contribution(
        activity(programme, partner_b, member_b, area=milton),
        voice("Can't get a GP appointment for weeks", ward=milton),
        by=member_b,
    ).contribution
    by_connector = create_contribution(
        activity(programme, by=connector, kind=ActivityKind.CONVERSATION, area=milton),
        voice("Since the bus was cut I hardly go out", ward=milton),
        by=connector,
    ).contribution
    in_other = create_contribution(
        activity(other, by=other_analyst), voice("Dentist list closed"), by=other_analyst
    ).contribution
    return World(
        programme,
        other,
        partner_a,
        partner_b,
        admin,
        analyst,
        other_analyst,
        member_a,
        member_b,
        connector,
        other_connector,
        decision_maker,
        by_a,
        by_b,
        by_connector,
        in_other,
    )
