"""The seven-step path: completing a step needs evidence, the current step is the highest completed with
evidence, and the timeline shows every neighbourhood."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chorus.apps.delivery import actions
from chorus.apps.delivery.models import Neighbourhood, StepRecord
from chorus.apps.delivery.seven_steps import StepState, current_step


@pytest.fixture
def kursaal(world):
    return Neighbourhood.objects.create(programme=world.programme, name="Kursaal")


def test_current_step_is_the_highest_completed_with_evidence():
    states = [
        StepState(1, date(2026, 1, 1), date(2026, 2, 1), True),
        StepState(2, date(2026, 2, 1), date(2026, 3, 1), True),
        StepState(3, date(2026, 3, 1), None, True),  # under way
        StepState(4, None, date(2026, 4, 1), False),  # no evidence
    ]
    assert current_step(states) == 2
    assert current_step([]) == 0
    assert [s.status for s in states] == ["completed", "completed", "in-progress", "not-started"]


def test_a_step_cannot_be_completed_without_evidence(world, kursaal):
    with pytest.raises(actions.ActionError, match="Add evidence"):
        actions.record_step(
            kursaal, 1, started_on=date(2026, 1, 1), completed_on=date(2026, 2, 1), by=world.analyst
        )
    assert not StepRecord.objects.exists()
    actions.record_step(kursaal, 1, started_on=date(2026, 1, 1), completed_on=None, by=world.analyst)
    assert kursaal.current_step == 0
    actions.record_step(
        kursaal,
        1,
        started_on=date(2026, 1, 1),
        completed_on=date(2026, 2, 1),
        evidence="Steering group of 8 met on 30 January",
        by=world.analyst,
    )
    assert kursaal.current_step == 1
    assert StepRecord.objects.get().recorded_by == world.analyst


def test_a_link_or_a_file_is_evidence_too(world, kursaal, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    actions.record_step(
        kursaal,
        1,
        started_on=None,
        completed_on=date(2026, 2, 1),
        evidence_link="https://example.org/minutes",
        by=world.analyst,
    )
    actions.record_step(
        kursaal,
        2,
        started_on=None,
        completed_on=date(2026, 3, 1),
        evidence_file=SimpleUploadedFile("plan.txt", b"workshop plan"),
        by=world.analyst,
    )
    assert kursaal.current_step == 2
    client.force_login(world.decision_maker)
    url = f"/delivery/{world.programme.slug}/path/{kursaal.pk}/"
    assert url + "evidence/2/" in client.get(url).content.decode()
    assert b"".join(client.get(url + "evidence/2/").streaming_content) == b"workshop plan"
    assert client.get(url + "evidence/1/").status_code == 404  # a link, not a file
    client.force_login(world.partner_a_member)
    assert client.get(url + "evidence/2/").status_code == 404


def test_dates_are_checked(world, kursaal):
    with pytest.raises(actions.ActionError, match="before it started"):
        actions.record_step(
            kursaal,
            3,
            started_on=date(2026, 3, 1),
            completed_on=date(2026, 2, 1),
            evidence="Event held",
            by=world.analyst,
        )
    with pytest.raises(actions.ActionError, match="1 to 7"):
        actions.record_step(kursaal, 8, started_on=None, completed_on=None, by=world.analyst)


def test_timeline_shows_each_neighbourhood_at_its_step(world, kursaal, client):
    milton = Neighbourhood.objects.create(programme=world.programme, name="Milton")
    for step in (1, 2, 3):
        actions.record_step(
            kursaal,
            step,
            started_on=date(2026, step, 1),
            completed_on=date(2026, step, 20),
            evidence="Done",
            by=world.analyst,
        )
    actions.record_step(milton, 1, started_on=date(2026, 5, 1), completed_on=None, by=world.analyst)
    client.force_login(world.decision_maker)
    page = client.get(f"/delivery/{world.programme.slug}/path/").content.decode()
    assert "Kursaal</a>: step 3 of 7" in page
    assert "Milton</a>: step 0 of 7" in page
    assert page.count("chorus-step--completed") == 3 + 1  # three steps and the key
    assert "Started May 2026" in page
    client.force_login(world.partner_a_member)
    assert client.get(f"/delivery/{world.programme.slug}/path/").status_code == 404


def test_leads_record_steps_through_the_page(world, kursaal, client):
    client.force_login(world.analyst)
    url = f"/delivery/{world.programme.slug}/path/{kursaal.pk}/"
    no_evidence = client.post(url, {"step": "1", "started_on": "2026-01-01", "completed_on": "2026-02-01"})
    assert no_evidence.status_code == 400 and "Add evidence" in no_evidence.content.decode()
    done = client.post(
        url, {"step": "1", "started_on": "2026-01-01", "completed_on": "2026-02-01", "evidence": "Minutes"}
    )
    assert done.status_code == 302 and kursaal.current_step == 1
    client.force_login(world.decision_maker)
    assert client.get(url).status_code == 200
    assert client.post(url, {"step": "2", "evidence": "x"}).status_code == 404
