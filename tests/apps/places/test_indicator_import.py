"""Local indicators: Fingertips-style import (all or nothing), comparison with England, who may edit."""

import pytest
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.places.actions import create_indicator_value, import_indicator_values
from chorus.apps.places.indicators import compare, england, latest_comparisons
from chorus.apps.places.models import Area, Indicator, IndicatorValue, Level

from support.world import PASSWORD, ward

HEADER = "Indicator name,Area code,Area name,Time period,Count,Denominator,Value\n"


@pytest.fixture
def smoking(db) -> Indicator:
    return Indicator.objects.create(
        name="Smoking prevalence (QOF)", unit="proportion", per=100, polarity="low-is-good", source="QOF"
    )


@pytest.fixture
def copd(db) -> Indicator:
    return Indicator.objects.create(
        name="COPD admissions", unit="rate", per=100_000, polarity="low-is-good", source="HES"
    )


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_southend_smoking_imports_and_compares_worse_than_england(world, smoking):
    result = import_indicator_values(
        world.programme,
        csv(
            "Smoking prevalence (QOF),E06000033,Southend-on-Sea,2019/20,28468,156589,18.18",
            "Smoking prevalence (QOF),E92000001,England,2019/20,,,16.46",
        ),
        "smoking.csv",
        by=world.analyst,
    )
    assert result.ok and (result.created, result.updated) == (2, 0)
    local = IndicatorValue.objects.get(area__code="E06000033")
    comparison = compare(local, IndicatorValue.objects.get(area__code="E92000001"))
    assert comparison.label == "worse"
    assert comparison.method == "Wilson score"
    assert (round(comparison.lower, 2), round(comparison.upper, 2)) == (17.99, 18.37)
    assert AuditEvent.objects.filter(action="places.indicator_values_imported", actor=world.analyst).exists()


def test_ward_without_a_value_falls_back_to_its_local_authority(world, smoking):
    import_indicator_values(
        world.programme,
        csv(
            "Smoking prevalence (QOF),E06000033,Southend-on-Sea,2019/20,28468,156589,18.18",
            "Smoking prevalence (QOF),E92000001,England,2019/20,,,16.46",
        ),
        "smoking.csv",
        by=world.analyst,
    )
    kursaal = ward("Kursaal")
    [comparison] = latest_comparisons([kursaal, kursaal.parent])
    assert comparison.local.area.code == "E06000033" and comparison.label == "worse"


def test_one_bad_row_imports_nothing_and_every_problem_is_named(world, smoking):
    kursaal = ward("Kursaal")
    result = import_indicator_values(
        world.programme,
        csv(
            "Smoking prevalence (QOF),E06000033,Southend-on-Sea,2019/20,28468,156589,18.18",
            f"Smoking prevalence (QOF),{kursaal.code},Kursaal,2019/20,lots,1000,",
            "Obesity,E92000001,England,2019/20,,,25.3",
            f"Smoking prevalence (QOF),{kursaal.code},Kursaal,2019/20,2000,1000,",
            "Smoking prevalence (QOF),E5,Nowhere,2019/20,,,12",
        ),
        "bad.csv",
        by=world.analyst,
    )
    assert not result.ok
    assert IndicatorValue.objects.count() == 0
    messages = [str(problem) for problem in result.problems]
    assert "Row 3, Count: “lots” is not a whole number of people or events." in messages
    assert any(
        m.startswith("Row 4, Indicator name: there is no indicator called “Obesity”") for m in messages
    )
    assert "Row 5, Count: 2,000 is more than the denominator 1,000." in messages
    assert any(m.startswith("Row 6, Area code: “E5” is not an ONS area code") for m in messages)


def test_a_repeated_row_in_the_file_is_a_problem_and_a_reimport_replaces(world, smoking):
    row = "Smoking prevalence (QOF),E06000033,Southend-on-Sea,2019/20,28468,156589,18.18"
    repeated = import_indicator_values(world.programme, csv(row, row), "twice.csv", by=world.analyst)
    assert [str(p) for p in repeated.problems] == [
        "Row 3: repeats the indicator, area and time period of row 2."
    ]
    assert IndicatorValue.objects.count() == 0

    first = import_indicator_values(world.programme, csv(row), "once.csv", by=world.analyst)
    again = import_indicator_values(
        world.programme,
        csv(row.replace("28468", "28000").replace("18.18", "")),
        "again.csv",
        by=world.analyst,
    )
    assert (first.created, again.created, again.updated) == (1, 0, 1)
    value = IndicatorValue.objects.get()
    assert value.numerator == 28000
    assert value.value == pytest.approx(100 * 28000 / 156589)  # worked out when the Value cell is blank


def test_other_areas_and_breakdowns_are_skipped_and_counted(world, smoking):
    content = (
        b"Indicator Name,Area Code,Area Name,Time period,Category,Count,Denominator,Value,Lower CI 95.0\n"
        b"Smoking prevalence (QOF),E06000033,Southend-on-Sea,2019/20,,28468,156589,18.18,17.99\n"
        b"Smoking prevalence (QOF),E06000026,Plymouth,2019/20,,30000,200000,15.0,14.8\n"
        b"Smoking prevalence (QOF),E06000033,Southend-on-Sea,2019/20,Male,15000,77000,19.5,19.2\n"
    )
    result = import_indicator_values(world.programme, content, "fingertips.csv", by=world.analyst)
    assert result.ok and result.created == 1
    assert result.outside == {"E06000026": 1} and result.breakdowns == 1


def test_a_file_without_the_needed_columns_is_refused_with_a_sentence(world, smoking):
    missing = "no “Indicator name” or “Area code” or “Time period” or “Value” column"
    with pytest.raises(ActionError, match=missing):
        import_indicator_values(world.programme, b"Name,Number\nA,1\n", "x.csv", by=world.analyst)
    assert IndicatorValue.objects.count() == 0


def test_rates_use_byars_from_ten_events_and_exact_poisson_below(world, copd):
    country, kursaal = england(), ward("Kursaal")
    benchmark = IndicatorValue.objects.create(indicator=copd, area=country, period="2023/24", value=415.0)
    many = IndicatorValue(indicator=copd, area=kursaal, period="2023/24", numerator=90, denominator=10_000)
    create_indicator_value(many, by=None)
    assert many.value == pytest.approx(900.0)
    result = compare(many, benchmark)
    assert (result.method, result.label) == ("Byar's", "worse")
    few = IndicatorValue(
        indicator=copd, area=ward("Milton"), period="2023/24", numerator=3, denominator=1_000
    )
    create_indicator_value(few, by=None)
    assert compare(few, benchmark).method == "exact Poisson"
    assert compare(few, benchmark).label == "similar"


def test_no_polarity_or_no_england_value_is_not_compared(world, smoking):
    southend = Area.objects.get(code="E06000033")
    local = IndicatorValue.objects.create(
        indicator=smoking, area=southend, period="2019/20", numerator=28468, denominator=156589, value=18.18
    )
    assert compare(local, None).label == "not compared"
    assert "no England value" in compare(local, None).method
    benchmark = IndicatorValue.objects.create(
        indicator=smoking, area=england(), period="2019/20", value=16.46
    )
    smoking.polarity = "none"
    smoking.save()
    local.refresh_from_db()
    assert compare(local, benchmark).label == "not compared"
    without_counts = IndicatorValue.objects.create(
        indicator=smoking, area=ward("Kursaal"), period="2019/20", value=20.0
    )
    assert compare(without_counts, benchmark).label == "not compared"


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("admin", True),
        ("analyst", True),
        ("other-analyst", False),
        ("decision-maker", False),
        ("partner-a", False),
        ("connector", False),
    ],
)
def test_only_programme_analysts_and_administrators_manage_indicators(
    client, world, smoking, username, allowed
):
    client.login(username=username, password=PASSWORD)
    slug = world.programme.slug
    for name in ("indicator_add", "indicator_value_add", "indicator_import"):
        assert client.get(reverse(f"insight:{name}", args=[slug])).status_code == (200 if allowed else 404)
    response = client.post(
        reverse("insight:indicator_value_add", args=[slug]),
        {
            "indicator": smoking.pk,
            "area": Area.objects.get(code="E06000033").pk,
            "period": "2019/20",
            "numerator": "28468",
            "denominator": "156589",
            "value": "",
        },
    )
    assert IndicatorValue.objects.exists() == allowed
    assert response.status_code == (302 if allowed else 404)


def test_value_form_keeps_what_was_typed_and_says_what_is_wrong(client, world, smoking):
    client.login(username="analyst", password=PASSWORD)
    kursaal = ward("Kursaal")
    response = client.post(
        reverse("insight:indicator_value_add", args=[world.programme.slug]),
        {
            "indicator": smoking.pk,
            "area": kursaal.pk,
            "period": "2019/20",
            "numerator": "500",
            "denominator": "400",
            "value": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The count cannot be more than the denominator" in page
    assert 'value="2019/20"' in page and 'value="500"' in page
    assert not IndicatorValue.objects.exists()


def test_an_area_outside_the_programme_cannot_be_given_a_value(client, world, smoking, southend):
    from chorus.apps.places.actions import load_places

    load_places(["E06000026"], by=None)
    plymouth = Area.objects.get(code="E06000026", level=Level.LOCAL_AUTHORITY)
    client.login(username="analyst", password=PASSWORD)
    response = client.post(
        reverse("insight:indicator_value_add", args=[world.programme.slug]),
        {"indicator": smoking.pk, "area": plymouth.pk, "period": "2019/20", "value": "15"},
    )
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()


def test_import_page_lists_problems_and_saves_nothing(client, world, smoking):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="analyst", password=PASSWORD)
    upload = SimpleUploadedFile(
        "values.csv", csv("Smoking prevalence (QOF),E06000033,Southend-on-Sea,2019/20,many,156589,18.18")
    )
    response = client.post(reverse("insight:indicator_import", args=[world.programme.slug]), {"file": upload})
    assert response.status_code == 400
    assert "Row 2, Count: “many” is not a whole number" in response.content.decode()
    assert not IndicatorValue.objects.exists()
