"""The evaluation demo: what it needs, what it makes, and that loading twice changes nothing."""

import random

import pytest

from chorus.apps.evaluation import demo
from chorus.apps.evaluation.models import Intervention, Measurement
from chorus.apps.programmes.models import Grant

pytestmark = pytest.mark.django_db


def test_demo_needs_the_southend_programme(southend):
    with pytest.raises(RuntimeError, match="southend-connectors"):
        demo.load(random.Random(1), print)


def test_demo_has_three_funded_partners_a_comparator_and_vckc_figures(world, screening):
    assert [p.organisation.name for p in screening.partners.all()] == [
        "Kursaal Community Hub",
        "VCKC",
        "Westborough Family Centre",
    ]
    assert screening.comparators.count() == 1
    vckc = Measurement.objects.filter(
        partner__organisation__name="VCKC", indicator__name="Bowel screening uptake"
    ).order_by("date")
    assert [(m.with_outcome, m.eligible) for m in vckc] == [(1010, 1712), (1089, 1675)]
    assert Grant.objects.filter(programme=screening.programme, purpose=demo.GRANT_PURPOSE).count() == 3
    assert screening.case_studies.filter(published=True, consent_to_publish=True).count() == 2
    lines = []
    demo.load(random.Random(7), lines.append)
    assert Intervention.objects.filter(slug=demo.SLUG).count() == 1
    assert lines == ["  Evaluation demo already loaded."]


def test_demo_public_report_is_open_to_anyone_under_disclosure_control(client, screening):
    response = client.get(f"/evaluation/{screening.programme.slug}/{screening.slug}/public/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "This is the public version of the evaluation" in content
    assert "1,710" in content and "1,712" not in content  # VCKC's eligible people, rounded to 5
    # The change is worked out from the published counts (1010/1710 to 1090/1675: +6.01), not the exact
    # ones (1010/1712 to 1089/1675: +6.02), which it would give back.
    assert "+6.01" in content and "+6.02" not in content
