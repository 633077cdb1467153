"""Open data: aggregate tables as CSV and JSON with a Frictionless descriptor, under disclosure control."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import frictionless
import pytest
from django.test import Client
from django.urls import reverse

from chorus.apps.publishing import opendata

from support.world import ward

pytestmark = pytest.mark.django_db

SLUG = "southend-connectors"


def fetch(name: str, extension: str) -> bytes:
    response = Client().get(reverse("publishing:open-data", args=[SLUG, name, extension]))
    assert response.status_code == 200
    return response.content


def csv_rows(name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(fetch(name, "csv").decode("utf-8"))))


def json_rows(name: str) -> list[dict]:
    return json.loads(fetch(name, "json"))["data"]


def test_every_open_data_file_has_no_count_from_one_to_seven(evidence, public_checks):
    checked = suppressed = 0
    for spec in opendata.TABLES:
        counts = public_checks.open_data(
            fetch(spec.name, "csv").decode("utf-8"), json.loads(fetch(spec.name, "json"))
        )
        checked, suppressed = checked + counts[0], suppressed + counts[1]
    assert checked > 50 and suppressed > 10


def test_only_residents_who_agreed_to_open_data_are_counted_and_rounded(evidence):
    wards = {row["ward_name"]: row for row in csv_rows("contributions-by-ward")}
    # Kursaal: 23 agreed in the plan (the world's resident there did not) -> 25; Milton: 15 of 17 -> 15;
    # Victoria: 3 -> suppressed.
    assert wards["Kursaal"]["contributions"] == "25" and wards["Kursaal"]["ward_code"] == ward("Kursaal").code
    assert wards["Milton"]["contributions"] == "15"
    assert wards["Victoria"]["contributions"] == "*"
    months = {row["month"]: row["contributions"] for row in csv_rows("contributions-by-month")}
    assert months == {"2026-01": "15", "2026-02": "20", "2026-03": "10"}
    housing = next(row for row in csv_rows("theme-prevalence") if row["theme"] == "housing")
    # 17 of the 41 who agreed raised it (41.5%, which would give 17 and 41 back): the percent and its interval
    # come from the published 15 of 40.
    assert (housing["contributions_with_theme"], housing["contributions"], housing["percent"]) == (
        "15",
        "40",
        "37.5",
    )
    assert (housing["lower_95"], housing["upper_95"]) == ("24.2", "53.0")


def test_the_data_package_validates_with_frictionless(evidence, tmp_path):
    response = Client().get(reverse("publishing:open-data-zip", args=[SLUG]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / f"chorus-{SLUG}"
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "OGL-UK-3.0"
    assert {r["format"] for r in descriptor["resources"]} == {"csv", "json"}
    assert "null in the JSON" in descriptor["description"] and "* in the" in descriptor["description"]
    served = Client().get(reverse("publishing:datapackage", args=[SLUG]))
    assert json.loads(served.content) == descriptor

    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == 2 * len(opendata.TABLES)
    rows = (
        frictionless.Package(str(folder / "datapackage.json"))
        .get_resource("contributions-by-ward")
        .read_rows()
    )
    assert {row["ward_name"]: row["contributions"] for row in rows}["Victoria"] is None  # "*" is missing

    # The test can fail: a count that is not a whole number breaks the schema.
    broken = (folder / "contributions-by-month.csv").read_text().replace(",15", ",fifteen")
    (folder / "contributions-by-month.csv").write_text(broken)
    assert not frictionless.validate(str(folder / "datapackage.json")).valid


def test_csv_cells_cannot_run_as_formulas(evidence):
    theme = evidence.themes["loneliness"]
    theme.name = '=HYPERLINK("http://example.org")'
    theme.save()
    text = fetch("theme-prevalence", "csv").decode("utf-8")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_open_data_only_for_public_programmes(evidence):
    programme = evidence.world.programme
    programme.is_public = False
    programme.save()
    client = Client()
    assert client.get(reverse("publishing:datapackage", args=[SLUG])).status_code == 404
    assert (
        client.get(reverse("publishing:open-data", args=[SLUG, "theme-prevalence", "csv"])).status_code == 404
    )
    assert client.get(reverse("publishing:open-data-zip", args=[SLUG])).status_code == 404
    programme.is_public = True
    programme.save()
    assert client.get(reverse("publishing:open-data", args=[SLUG, "nonsense", "csv"])).status_code == 404
    assert (
        client.get(reverse("publishing:open-data", args=[SLUG, "theme-prevalence", "xlsx"])).status_code
        == 404
    )
