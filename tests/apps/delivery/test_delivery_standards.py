"""Common Standards: every standard scored 1-5 by residents and by staff, compared over time."""

from datetime import date

import pytest

from chorus.apps.delivery import actions
from chorus.apps.delivery.standards import STANDARDS, Score, compare


def _scores(value: int) -> dict:
    return {key: (value, "Seen at the partnership meeting") for key in STANDARDS}


def test_compare_gives_latest_means_change_and_gap():
    scores = [
        Score(date(2025, 11, 1), "resident", "working-together", 2),
        Score(date(2025, 11, 1), "resident", "working-together", 3),
        Score(date(2026, 10, 1), "resident", "working-together", 4),
        Score(date(2025, 11, 1), "staff", "working-together", 4),
    ]
    working = compare(scores)[0]
    assert working.label == "Working together"
    assert working.latest["resident"].mean == 4.0 and working.previous["resident"].mean == 2.5
    assert working.change == {"resident": 1.5, "staff": None}
    assert working.gap == 0.0
    assert compare(scores)[1].latest["resident"].mean is None


def test_an_assessment_needs_every_standard_scored_1_to_5(world):
    partial = _scores(3)
    del partial["social-model"]
    with pytest.raises(actions.ActionError, match="Social model"):
        actions.record_assessment(
            programme=world.programme,
            assessed_on=date(2026, 1, 1),
            assessor="staff",
            scores=partial,
            by=world.analyst,
        )
    with pytest.raises(actions.ActionError, match="from 1 to 5"):
        actions.record_assessment(
            programme=world.programme,
            assessed_on=date(2026, 1, 1),
            assessor="staff",
            scores=_scores(6),
            by=world.analyst,
        )


def test_the_page_compares_residents_and_staff_over_time(world, client):
    for when, resident, staff in ((date(2025, 11, 1), 2, 3), (date(2026, 10, 1), 4, 3)):
        actions.record_assessment(
            programme=world.programme,
            assessed_on=when,
            assessor="resident",
            scores=_scores(resident),
            by=world.analyst,
        )
        actions.record_assessment(
            programme=world.programme,
            assessed_on=when,
            assessor="staff",
            scores=_scores(staff),
            by=world.analyst,
        )
    client.force_login(world.decision_maker)
    page = client.get(f"/delivery/{world.programme.slug}/standards/").content.decode()
    assert page.count(">+2.0<") == 5 and page.count(">0.0<") == 5
    assert "Tackling inequality" in page


def test_leads_add_assessments_through_the_form(world, client):
    client.force_login(world.analyst)
    url = f"/delivery/{world.programme.slug}/standards/add/"
    data = {"assessor": "resident", "assessed_on": "2026-10-01"}
    assert client.post(url, data).status_code == 400
    data |= {f"score_{key}": "4" for key in STANDARDS}
    assert client.post(url, data).status_code == 302
    client.force_login(world.decision_maker)
    assert client.get(url).status_code == 404
