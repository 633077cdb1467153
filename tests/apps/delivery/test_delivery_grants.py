"""Partners and grants: milestones and reports due, the overdue ones flagged, activity per partner."""

from datetime import date

from chorus.apps.delivery.models import GrantMilestone, GrantReport
from chorus.apps.programmes.models import Grant


def _grant(world, organisation, pounds):
    return Grant.objects.create(
        programme=world.programme,
        organisation=organisation,
        amount_pence=pounds * 100,
        purpose="Listening",
        start_date=date(2025, 6, 1),
        end_date=date(2027, 3, 31),
    )


def test_grants_page_totals_flags_overdue_reports_and_counts_partner_activity(world, client):
    kursaal = _grant(world, world.partner_a, 19_000)
    milton = _grant(world, world.partner_b, 40_000)
    GrantReport.objects.create(grant=kursaal, title="Annual report", due_on=date(2026, 7, 15))
    GrantReport.objects.create(grant=milton, title="Final report", due_on=date(2099, 1, 1))
    GrantReport.objects.create(
        grant=milton, title="Six-month report", due_on=date(2026, 1, 15), submitted_on=date(2026, 1, 10)
    )
    GrantMilestone.objects.create(grant=milton, title="Listening event held", due_on=date(2026, 1, 31))
    assert [r.title for r in GrantReport.objects.all() if r.overdue] == ["Annual report"]

    client.force_login(world.decision_maker)
    page = client.get(f"/delivery/{world.programme.slug}/grants/").content.decode()
    assert "2 grants, £59,000 in total." in page
    assert "Kursaal Community Hub: Annual report, due 15 July 2026" in page
    assert page.count("nhsuk-tag--red") == 2  # the overdue report and the overdue milestone
    assert "Contributions </span>1<" in page
    client.force_login(world.partner_a_member)
    assert client.get(f"/delivery/{world.programme.slug}/grants/").status_code == 404


def test_a_partner_sees_only_their_own_grants_in_the_portal(world, client):
    _grant(world, world.partner_a, 19_000)
    _grant(world, world.partner_b, 40_000)
    client.force_login(world.partner_a_member)
    page = client.get(f"/delivery/{world.programme.slug}/partners/{world.partner_a.slug}/").content.decode()
    assert "£19,000 to Kursaal Community Hub" in page and "£40,000" not in page
