"""The delivery demo, loaded on top of the small world plus the two seed programmes' names and leads."""

import random

import pytest
from django.core import mail
from django.db import transaction

from chorus.apps.accounts.models import Membership, Role
from chorus.apps.delivery import demo
from chorus.apps.delivery.figures import funnel
from chorus.apps.delivery.models import (
    Attendance,
    ConnectorProfile,
    GrantReport,
    SafeguardingConcern,
    StandardsAssessment,
)
from chorus.apps.programmes.models import Grant, Programme

from support.world import make_user


def _seed(world) -> Programme:
    plymouth = Programme.objects.create(
        slug="plymouth-connected", name="Plymouth", local_authority=world.programme.local_authority
    )
    plymouth.partnerships.create(organisation=world.partner_b)
    make_user("lead-southend", (Role.ANALYST, world.programme, None))
    make_user("analyst-plymouth", (Role.ANALYST, plymouth, None))
    Membership.objects.create(user=world.connector, role=Role.CONNECTOR, programme=plymouth)
    return plymouth


@pytest.fixture
def seeded(world):
    plymouth = _seed(world)
    lines: list[str] = []
    demo.load(random.Random(3), lines.append)
    return world.programme, plymouth, lines


def test_demo_shows_grants_pipeline_safeguarding_path_standards_and_events(seeded):
    southend, plymouth, lines = seeded
    for programme, recruits in ((southend, 30), (plymouth, 22)):
        grants = Grant.objects.filter(programme=programme)
        assert grants.count() == programme.partnerships.count()
        assert all(19_000_00 <= g.amount_pence <= 40_000_00 for g in grants)
        overdue = [r for r in GrantReport.objects.filter(grant__programme=programme) if r.overdue]
        assert len(overdue) == 1
        rows, left = funnel(programme)
        ever = [r.ever for r in rows]
        assert ever[0] == recruits and ever == sorted(ever, reverse=True) and ever[-1] >= 1
        assert ConnectorProfile.objects.filter(programme=programme, user__isnull=False).exists()
        assert programme.safeguarding_lead.user.username in {"lead-southend", "analyst-plymouth"}
        steps = sorted(n.current_step for n in programme.neighbourhoods.all())
        assert len(set(steps)) == len(steps) > 2  # neighbourhoods at different steps
        rounds = StandardsAssessment.objects.filter(programme=programme, neighbourhood=None)
        assert rounds.values("assessed_on").distinct().count() == 2
        assert set(rounds.values_list("assessor", flat=True)) == {"resident", "staff"}
        assert Attendance.objects.filter(event__programme=programme, signed_in=True).count() > 20
    assert SafeguardingConcern.objects.filter(programme=southend).count() == 1
    assert len(mail.outbox) == 1 and "concern" not in mail.outbox[0].body.split("\n\n")[-1]
    assert any("/delivery/southend-connectors/" in line for line in lines)


def test_demo_is_deterministic(world):
    _seed(world)

    def pipeline_and_grants() -> tuple[list, list]:
        with transaction.atomic():
            demo.load(random.Random(11), lambda line: None)
            people = list(ConnectorProfile.objects.order_by("pk").values_list("name", "status", "languages"))
            grants = list(Grant.objects.order_by("pk").values_list("amount_pence", flat=True))
            transaction.set_rollback(True)
        return people, grants

    first = pipeline_and_grants()
    assert len(first[0]) == 52
    assert pipeline_and_grants() == first


def test_demo_says_what_is_missing_before_changing_anything(world):
    with pytest.raises(RuntimeError, match="lead-southend"):
        demo.load(random.Random(3), print)
    assert not ConnectorProfile.objects.exists() and not Grant.objects.exists()
