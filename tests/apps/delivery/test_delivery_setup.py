"""Setting up what a programme runs: grants' milestones and reports, and neighbourhoods on the path. Each is
audited with who did it; a neighbourhood is refused wards from elsewhere."""

from datetime import date

import pytest

from chorus.apps.audit.models import AuditEvent
from chorus.apps.delivery import actions
from chorus.apps.delivery.actions import ActionError
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Grant

from support.world import ward


def _grant(world) -> Grant:
    return Grant.objects.create(
        programme=world.programme,
        organisation=world.partner_a,
        amount_pence=19_000_00,
        purpose="Listening",
        start_date=date(2025, 6, 1),
        end_date=date(2027, 3, 31),
    )


def test_milestones_and_reports_are_added_to_a_grant_and_audited(world):
    grant = _grant(world)
    milestone = actions.create_grant_milestone(
        grant, title="First event", due_on=date(2026, 1, 31), by=world.analyst
    )
    report = actions.create_grant_report(
        grant,
        title="Annual report",
        due_on=date(2026, 7, 15),
        submitted_on=date(2026, 7, 1),
        by=world.analyst,
    )
    assert (list(grant.milestones.all()), list(grant.reports.all())) == ([milestone], [report])
    assert milestone.overdue and not report.overdue
    events = AuditEvent.objects.filter(actor=world.analyst, programme=world.programme)
    assert set(events.values_list("action", flat=True)) == {
        "delivery.grant_milestone_created",
        "delivery.grant_report_created",
    }
    with pytest.raises(ActionError):
        actions.create_grant_report(grant, title=" ", due_on=date(2026, 7, 15), by=world.analyst)


def test_a_neighbourhood_is_made_of_the_programmes_wards_once(world):
    kursaal = ward("Kursaal")
    neighbourhood = actions.create_neighbourhood(
        world.programme, name="Kursaal", areas=[kursaal], by=world.analyst
    )
    assert list(neighbourhood.areas.all()) == [kursaal]
    assert AuditEvent.objects.get(action="delivery.neighbourhood_created").actor == world.analyst
    with pytest.raises(ActionError):
        actions.create_neighbourhood(world.programme, name="kursaal", by=world.analyst)
    with pytest.raises(ActionError):
        england = Area.objects.get(level=Level.COUNTRY)
        actions.create_neighbourhood(world.programme, name="Everywhere", areas=[england], by=world.analyst)
