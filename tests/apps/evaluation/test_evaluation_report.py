"""The evaluation report renders as HTML and as a PDF with its charts on the pages."""

import re
import subprocess

import pytest
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def test_report_renders_to_pdf_with_the_charts(client, world, screening, tmp_path):
    client.force_login(world.analyst)
    args = [screening.programme.slug, screening.slug]
    html = client.get(reverse("evaluation:report", args=args)).content.decode()
    assert html.count('<img class="evaluation-chart" src="data:image/png;base64,') == 4  # 2 uptake, 2 funnels
    assert "Methods and caveats" in html and "conservative" in html

    response = client.get(reverse("evaluation:report-pdf", args=args))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 4  # the charts went in as image XObjects
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "report.pdf", "page"], cwd=tmp_path, check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 2 <= len(pages) <= 12
    text = subprocess.run(
        ["pdftotext", "report.pdf", "-"], cwd=tmp_path, check=True, capture_output=True
    ).stdout
    assert b"+6.02" in text and b"Significant" in text and b"Difference in differences" in text
    coloured = 0
    for page in pages:
        image = Image.open(page).convert("RGB")
        # NHS blue bars and points: pixels far from white and grey.
        coloured += sum(1 for r, g, b in image.get_flattened_data() if b > 120 and r < 60 and g < 130)
    assert coloured > 200
