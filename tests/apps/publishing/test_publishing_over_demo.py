"""Over the whole demo, no count from 1 to 7 leaves in a public page, public report or open-data file."""

import json

import pytest
from django.urls import reverse

from chorus.apps.programmes.models import Programme
from chorus.apps.publishing import opendata
from chorus.apps.publishing.models import Report
from chorus.apps.web.demo import load_demo


@pytest.fixture
def demo(db, shared_data):
    assert load_demo(shared_data, scale=0.03, fft_limit=150, out=lambda line: None)


@pytest.mark.slow
def test_no_count_from_one_to_seven_in_any_public_output_over_the_demo(demo, client, public_checks):
    public = list(Programme.objects.filter(is_public=True))
    assert public, "the demo should have public programmes"
    figures_checked = 0
    for programme in public:
        page = client.get(reverse("publishing:public", args=[programme.slug]))
        assert page.status_code == 200
        figures_checked += public_checks.html(page.content.decode())

        said = client.get(reverse("accountability:you-said-we-did", args=[programme.slug]))
        assert said.status_code == 200
        figures_checked += public_checks.html(said.content.decode())

        for table in opendata.TABLES:
            csv_file = client.get(reverse("publishing:open-data", args=[programme.slug, table.name, "csv"]))
            json_file = client.get(reverse("publishing:open-data", args=[programme.slug, table.name, "json"]))
            assert csv_file.status_code == json_file.status_code == 200
            checked, _ = public_checks.open_data(
                csv_file.content.decode("utf-8-sig"), json.loads(json_file.content)
            )
            figures_checked += checked

        for report in Report.objects.filter(programme=programme, is_public=True):
            figures_checked += public_checks.figures(report.figures)
            html = client.get(reverse("publishing:public-report", args=[programme.slug, report.pk]))
            assert html.status_code == 200
            figures_checked += public_checks.html(html.content.decode())

    assert Report.objects.filter(is_public=True).exists(), "the demo should publish a report"
    assert figures_checked > 100
