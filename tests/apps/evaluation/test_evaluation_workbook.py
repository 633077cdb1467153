"""The Excel workbook: figures are typed cells (percentages as fractions with a % format), read back with
openpyxl; names cannot run formulas; percentage-formatted cells in an imported workbook are understood."""

import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chorus.apps.evaluation.actions import measurements, populations
from chorus.apps.evaluation.measurement_table import Layout, read_rows
from chorus.apps.evaluation.models import Measurement, MeasurementSource
from chorus.apps.evaluation.workbook import PERCENT, POINTS, POUNDS, SIGNED_PERCENT

pytestmark = pytest.mark.django_db


def download(client, intervention, name="report-xlsx"):
    response = client.get(
        reverse(f"evaluation:{name}", args=[intervention.programme.slug, intervention.slug])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def rows_by(sheet, *keys):
    headers = [cell.value for cell in sheet[1]]
    found = {}
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(headers, row, strict=True))
        found[tuple(cells[key].value for key in keys)] = cells
    return found


def test_percentages_are_numbers_with_a_percent_format_not_text(client, world, screening):
    client.force_login(world.analyst)
    workbook = download(client, screening)
    assert workbook.sheetnames == [
        "About",
        "Uptake",
        "Difference in differences",
        "Reach and cost",
        "Surveys",
    ]
    uptake = rows_by(workbook["Uptake"], "Indicator", "Population", "Date")
    baseline = uptake[("Bowel screening uptake", "VCKC", datetime(2024, 3, 31))]
    assert baseline["Uptake"].value == pytest.approx(1010 / 1712)  # 0.58995..., shown as 59.0%
    assert baseline["Uptake"].data_type == "n" and baseline["Uptake"].number_format == PERCENT
    assert (baseline["Eligible"].value, baseline["With outcome"].value) == (1712, 1010)
    assert baseline["Date"].is_date

    after = uptake[("Bowel screening uptake", "VCKC", datetime(2025, 3, 31))]
    assert after["Uptake"].value == pytest.approx(1089 / 1675) and after["Uptake"].number_format == PERCENT
    assert round(after["Change (percentage points)"].value, 2) == 6.02
    assert after["Change (percentage points)"].number_format == POINTS
    assert (round(after["Change 95% CI lower"].value, 2), round(after["Change 95% CI upper"].value, 2)) == (
        2.75,
        9.27,
    )
    assert round(after["Relative change"].value, 3) == 0.102
    assert after["Relative change"].number_format == SIGNED_PERCENT
    assert round(after["z"].value, 2) == 3.61 and after["p"].value == pytest.approx(0.0003, abs=0.00005)
    assert after["Significant (p < 0.05)"].value == "Yes"

    reach = rows_by(workbook["Reach and cost"], "Partner")
    assert reach[("VCKC",)]["Grants"].value == 40_000 and reach[("VCKC",)]["Grants"].number_format == POUNDS
    assert reach[("VCKC",)]["Residents reached"].value == 612

    survey = next(workbook["Surveys"].iter_rows(min_row=2))
    share = survey[10]  # "Share agreeing after"
    assert isinstance(share.value, float) and 0 < share.value <= 1 and share.number_format == PERCENT


def test_a_partner_sees_only_its_own_rows_in_the_workbook(client, world, screening):
    client.force_login(world.partner_a_member)
    workbook = download(client, screening)
    populations = {row[1] for row in workbook["Uptake"].iter_rows(min_row=2, values_only=True)}
    assert populations == {"Kursaal Community Hub", "Other Southend practices"}


def test_a_name_cannot_run_a_formula_in_the_workbook(client, world, screening):
    populations.create_comparator(
        screening, name='=HYPERLINK("http://example.org")', population_kind="ward", by=None
    )
    comparator = screening.comparators.get(name__startswith="=")
    bowel = screening.indicators.get(name="Bowel screening uptake")
    measurements.record_measurement(
        bowel, comparator, when=date(2025, 3, 31), eligible=100, with_outcome=50, by=None
    )
    client.force_login(world.analyst)
    workbook = download(client, screening)
    cells = [row[1] for row in workbook["Uptake"].iter_rows(min_row=2) if "HYPERLINK" in str(row[1].value)]
    assert [(cell.value, cell.data_type) for cell in cells] == [('\'=HYPERLINK("http://example.org")', "s")]


def percentage_workbook(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["partner", "date", "eligible", "percentage"])
    for partner, when, eligible, fraction, number_format in rows:
        sheet.append([partner, when, eligible, fraction])
        sheet.cell(row=sheet.max_row, column=4).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_percentage_formatted_cells_are_read_as_the_percentage_shown():
    content = percentage_workbook(
        [
            ("VCKC", date(2025, 9, 30), 1712, 0.59, "0.0%"),  # typed as 59.0%
            ("VCKC", date(2025, 10, 31), 1712, 1010 / 1712, "0.0%"),  # a formula's full fraction, shown 59.0%
            ("VCKC", date(2025, 11, 30), 257, 0.356, "0.0%"),
            ("VCKC", date(2025, 12, 31), 257, 0.3541, "0.00%"),
        ]
    )
    rows = read_rows(content, "table.xlsx")
    assert [str(values["percentage"]) for _, values in rows] == ["59.0", "59.0", "35.6", "35.41"]


def test_import_of_percentage_formatted_excel_cells_reconstructs_the_counts(world, screening):
    content = percentage_workbook(
        [
            ("VCKC", date(2025, 9, 30), 1712, 0.59, "0.0%"),
            ("Kursaal Community Hub", date(2025, 9, 30), 257, 0.356, "0.0%"),
        ]
    )
    bowel = screening.indicators.get(name="Bowel screening uptake")
    result = measurements.import_measurements(
        screening, bowel, content, "table.xlsx", Layout.PERCENTAGES, by=None
    )
    assert [p.what for p in result.problems] == [
        "35.6% of 257 is impossible: 91/257 = 35.41%, 92/257 = 35.80%"
    ]
    result = measurements.import_measurements(
        screening, bowel, content, "table.xlsx", Layout.PERCENTAGES, import_good_rows=True, by=None
    )
    stored = Measurement.objects.get(
        indicator=bowel, partner__organisation__name="VCKC", date=date(2025, 9, 30)
    )
    assert (stored.with_outcome, stored.eligible, stored.source) == (
        1010,
        1712,
        MeasurementSource.RECONSTRUCTED,
    )
    assert str(stored.published_percentage) == "59.000"
