"""Importing measurement tables: counts, published percentages, row-level problems, good rows on request."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from chorus.apps.audit.models import AuditEvent
from chorus.apps.evaluation.actions.measurements import import_measurements
from chorus.apps.evaluation.measurement_table import Layout
from chorus.apps.evaluation.models import Measurement, MeasurementSource

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = (
    "partner,date,eligible,with_outcome\n"
    "VCKC,2025-09-30,1700,1111\n"  # row 2: good
    "Nobody Trust,2025-09-30,100,50\n"  # row 3: unknown partner
    "Kursaal Community Hub,30/09/2025,90,95\n"  # row 4: more with the outcome than eligible
    "westborough-family-centre,next week,lots,5\n"  # row 5: bad date and eligible (slug is fine)
)


def bowel(intervention):
    return intervention.indicators.get(name="Bowel screening uptake")


def test_counts_import_and_records_an_audit_event(world, screening):
    content = (
        b"partner,date,eligible,with_outcome\n"
        b"VCKC,2025-09-30,1700,1111\n"
        b"Other Southend practices,2025-09-30,21000,12800\n"
    )
    result = import_measurements(
        screening, bowel(screening), content, "counts.csv", Layout.COUNTS, by=world.analyst
    )
    assert (result.imported, result.problems) == (2, [])
    stored = Measurement.objects.get(partner__organisation__name="VCKC", date="2025-09-30")
    assert (stored.with_outcome, stored.eligible, stored.source) == (1111, 1700, MeasurementSource.COUNTS)
    assert Measurement.objects.filter(comparator__name="Other Southend practices", date="2025-09-30").exists()
    event = AuditEvent.objects.get(action="evaluation.measurements_imported")
    assert event.details["imported"] == 2 and event.actor == world.analyst


def test_a_file_with_problems_imports_nothing_and_reports_each_row_and_column(world, screening):
    before = Measurement.objects.count()
    result = import_measurements(
        screening, bowel(screening), GOOD_AND_BAD.encode(), "table.csv", Layout.COUNTS, by=world.analyst
    )
    assert result.imported == 0 and Measurement.objects.count() == before
    found = {(p.row, p.column) for p in result.problems}
    assert found == {(3, "partner"), (4, "with_outcome"), (5, "date"), (5, "eligible")}
    assert "95 is more than the 90 eligible people" in {p.what for p in result.problems}
    assert (result.good_rows, result.rows_with_problems) == (1, 3)


def test_good_rows_are_imported_when_the_user_chooses_to(world, screening):
    result = import_measurements(
        screening,
        bowel(screening),
        GOOD_AND_BAD.encode(),
        "table.csv",
        Layout.COUNTS,
        import_good_rows=True,
        by=world.analyst,
    )
    assert result.imported == 1
    assert Measurement.objects.filter(partner__organisation__name="VCKC", date="2025-09-30").count() == 1


def test_published_percentages_become_counts_or_are_quarantined(world, screening):
    content = (
        b"partner,date,eligible,percentage\n"
        b"VCKC,2025-09-30,1712,59.0%\n"
        b"Kursaal Community Hub,2025-09-30,257,35.6\n"
    )
    result = import_measurements(screening, bowel(screening), content, "pub.csv", Layout.PERCENTAGES, by=None)
    assert result.imported == 0
    assert [str(p) for p in result.problems] == [
        "Row 3, column percentage: 35.6% of 257 is impossible: 91/257 = 35.41%, 92/257 = 35.80%"
    ]
    result = import_measurements(
        screening, bowel(screening), content, "pub.csv", Layout.PERCENTAGES, import_good_rows=True, by=None
    )
    stored = Measurement.objects.get(partner__organisation__name="VCKC", date="2025-09-30")
    assert (stored.with_outcome, stored.eligible) == (1010, 1712)
    assert stored.source == MeasurementSource.RECONSTRUCTED and float(stored.published_percentage) == 59.0


def test_xlsx_with_dates_and_numbers_from_excel(world, screening):
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Partner", "Date", "Eligible", "With outcome"])
    sheet.append(["VCKC", datetime(2025, 9, 30), 1700, 1111])
    sheet.append(["Kursaal Community Hub", datetime(2025, 9, 30), 2400.0, 1300.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_measurements(
        screening, bowel(screening), buffer.getvalue(), "t.xlsx", Layout.COUNTS, by=None
    )
    assert (result.imported, result.problems) == (2, [])


def test_missing_columns_and_measurements_already_stored_are_problems(world, screening):
    result = import_measurements(
        screening,
        bowel(screening),
        b"partner,when,n\nVCKC,2025-09-30,3\n",
        "x.csv",
        Layout.COUNTS,
        import_good_rows=True,
        by=None,
    )
    assert result.imported == 0
    assert [(p.row, p.column) for p in result.problems] == [(1, "date, eligible, with_outcome")]
    again = b"partner,date,eligible,with_outcome\nVCKC,2024-03-31,1712,1010\n"
    result = import_measurements(screening, bowel(screening), again, "x.csv", Layout.COUNTS, by=None)
    assert result.imported == 0
    assert "VCKC already has a measurement on 31 Mar 2024" in result.problems[0].what


def test_import_page_shows_problems_then_imports_the_good_rows(client, world, screening):
    client.force_login(world.analyst)
    url = reverse("evaluation:import", args=[screening.programme.slug, screening.slug])
    upload = SimpleUploadedFile("table.csv", GOOD_AND_BAD.encode(), content_type="text/csv")
    response = client.post(
        url, {"indicator": bowel(screening).pk, "layout": "counts", "decimals": "1", "file": upload}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing has been imported yet" in content
    assert "is not a partner or comparator of this intervention" in content
    assert "Import the 1 good row and skip the rest" in content
    assert not Measurement.objects.filter(date="2025-09-30").exists()
    token = client.session["evaluation-pending-import"]["token"]
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert Measurement.objects.filter(date="2025-09-30").count() == 1


def test_import_form_needs_a_file_and_comes_back_filled(client, world, screening):
    client.force_login(world.analyst)
    url = reverse("evaluation:import", args=[screening.programme.slug, screening.slug])
    response = client.post(url, {"indicator": bowel(screening).pk, "layout": "percentages", "decimals": "1"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose a CSV or Excel file to import" in content
    assert 'value="percentages" checked' in content


def test_an_unknown_or_expired_good_rows_token_imports_nothing(client, world, screening):
    client.force_login(world.analyst)
    url = reverse("evaluation:import", args=[screening.programme.slug, screening.slug])
    before = Measurement.objects.count()
    response = client.post(url, {"token": "not-a-pending-import"})
    assert response.status_code == 302 and response["Location"].endswith("/import/")
    assert Measurement.objects.count() == before
