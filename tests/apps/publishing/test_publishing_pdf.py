"""The PDF of a board report: made by the background task on the "reports" queue, with its charts as
images on the pages (checked with poppler's pdfimages and pdftoppm). Slow, so one test."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from chorus.apps.publishing.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "reports"],
        }
    }


def test_public_report_pdf_is_made_by_the_task_with_its_charts_on_the_pages(
    evidence, client, django_capture_on_commit_callbacks, tmp_path
):
    for tool in ("pdfimages", "pdftoppm", "pdftotext"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} (poppler-utils) is needed to check the PDF")
    programme = evidence.world.programme
    client.force_login(evidence.world.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("publishing:report-new", args=[programme.slug]),
            {"period_start": "2026-01-01", "period_end": "2026-03-31", "audience": "public", "filters": ""},
        )
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE, report.error
    assert report.progress_done == report.progress_total == 6 and report.rendered_at
    assert report.html.count('<img class="publishing-chart" src="data:image/png;base64,') == 4

    response = Client().get(reverse("publishing:public-report-pdf", args=[programme.slug, report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(response.content)

    listing = subprocess.run(
        ["pdfimages", "-list", "report.pdf"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    images = [line.split() for line in listing if line.strip()]
    assert len([row for row in images if row[2] == "image"]) == 4  # the four charts, nothing else

    text = subprocess.run(
        ["pdftotext", "-layout", "report.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout
    assert "Methods and caveats" in text and "Wilson score intervals" in text
    assert "Published version" in text and "Warm, dry homes" in text

    subprocess.run(["pdftoppm", "-r", "40", "-png", "report.pdf", "page"], cwd=tmp_path, check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 3 <= len(pages) <= 15
    blue = 0
    for page in pages:
        image = Image.open(page).convert("RGB")
        # NHS blue (#005eb8) bars, points and whiskers: far from white, grey and black.
        blue += sum(1 for r, g, b in image.get_flattened_data() if b > 140 and r < 60 and 60 < g < 130)
    assert blue > 300
