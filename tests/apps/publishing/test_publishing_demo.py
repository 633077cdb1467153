"""The publishing demo needs the core demo's Southend programme and its lead."""

import random
from datetime import date
from html import unescape

import pytest

from chorus.apps.publishing import demo

from support.world import voice

pytestmark = pytest.mark.django_db


def test_demo_needs_the_southend_programme_and_its_lead(world):
    with pytest.raises(RuntimeError, match="lead-southend"):
        demo.load(random.Random(1), print)


def test_demo_makes_an_internal_and_a_public_version_ready_to_read(world):
    from chorus.apps.accounts.models import Membership, Role, User
    from chorus.apps.publishing.models import Report, ReportStatus

    lead = User.objects.create_user(username="lead-southend")
    Membership.objects.create(user=lead, role=Role.ANALYST, programme=world.programme)
    lines: list[str] = []
    demo.load(random.Random(1), lines.append)
    reports = list(Report.objects.order_by("version"))
    assert [(r.version, r.is_public, r.status) for r in reports] == [
        (1, False, ReportStatus.DONE),
        (2, True, ReportStatus.DONE),
    ]
    assert all(r.pdf and r.html for r in reports)
    assert any("/public/southend-connectors/" in line for line in lines)


def test_demo_board_paper_asks_the_board_to_do_what_the_lead_recommends(world):
    from chorus.apps.accounts.models import Membership, Role, User
    from chorus.apps.publishing.models import Report

    lead = User.objects.create_user(username="lead-southend")
    Membership.objects.create(user=lead, role=Role.ANALYST, programme=world.programme)
    demo.load(random.Random(1), print)
    internal = Report.objects.get(is_public=False)
    html = unescape(internal.html)

    assert "has not written recommendations" not in html
    for text in demo.recommendations(world.programme):
        assert text in html


def test_demo_recommends_on_the_theme_the_period_raised_most(world):
    from chorus.apps.coding.actions.review import apply_theme
    from chorus.apps.coding.models import Codebook, Theme
    from chorus.apps.engagement.actions import create_contribution
    from chorus.apps.engagement.models import Activity, ActivityKind

    codebook = Codebook.objects.create(programme=world.programme, name="Health")
    damp = Theme.objects.create(codebook=codebook, slug="damp", name="Damp and mould", position=1)
    gp = Theme.objects.create(codebook=codebook, slug="gp", name="Getting a GP appointment", position=2)
    activity = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.CONVERSATION, title="Chat", date=date(2026, 5, 1)
    )
    in_period = [
        create_contribution(activity, voice(text)).contribution
        for text in ("No GP appointments for weeks", "Cannot get through to the GP", "Mould in the flat")
    ]
    for contribution, theme in zip(in_period, (gp, gp, damp), strict=True):
        apply_theme(contribution, theme, by=world.analyst)

    first = demo.recommendations(world.programme)[0]
    assert "lead on getting a GP appointment" in first and "raised most" in first
