import random

import pytest

from chorus.privacy.kanonymity import QuasiIdentifiers, anonymise, measure_k

NO_AREA = QuasiIdentifiers(area=None)


def person(age="25-34", sex="female", ethnicity="white-british", district="SS1", **extra):
    return {"age_band": age, "sex": sex, "ethnicity": ethnicity, "postcode_district": district, **extra}


def test_measure_k_is_the_smallest_class():
    rows = [person()] * 12 + [person(sex="male")] * 3
    assert measure_k(rows, NO_AREA) == 3
    assert measure_k([], NO_AREA) == 0


def test_already_safe_table_is_released_unchanged():
    rows = [person(answer=i) for i in range(10)] + [person(sex="male", answer=i) for i in range(11)]
    released, report = anonymise(rows, NO_AREA)
    assert released == rows
    assert report.steps == []
    assert (report.k_before, report.k_after, report.rows_suppressed) == (10, 10, 0)


def test_detailed_ethnicity_is_grouped_to_the_ons_high_level_group():
    rows = (
        [person(ethnicity="asian-indian")] * 5
        + [person(ethnicity="asian-pakistani")] * 5
        + [person(ethnicity="white-british")] * 6
        + [person(ethnicity="white-irish")] * 4
    )
    released, report = anonymise(rows, NO_AREA)
    assert report.k_before == 4
    assert report.steps == ["ethnicity: ethnicity grouped to ONS high-level groups"]
    assert report.rows_suppressed == 0 and report.k_after == 10
    assert {row["ethnicity"] for row in released} == {"Asian, Asian British or Asian Welsh", "White"}
    assert {row["age_band"] for row in released} == {"25-34"}  # not generalised needlessly


def test_age_and_postcode_are_generalised_together_when_neither_alone_is_enough():
    rows = [
        person(age=age, district=district)
        for age in ("25-34", "35-44")
        for district in ("SS1", "SS2")
        for _ in range(3)
    ]
    released, report = anonymise(rows, NO_AREA)
    assert report.steps == [
        "age_band: age bands widened to 16-24 / 25-44 / 45-64 / 65-plus",
        "postcode_district: postcode district generalised to postcode area",
    ]
    assert report.levels == {"age_band": 1, "sex": 0, "ethnicity": 0, "postcode_district": 1}
    assert all(row["age_band"] == "25-44" and row["postcode_district"] == "SS" for row in released)
    assert report.rows_released == 12


def test_area_is_generalised_to_the_parent_the_caller_gives():
    rows = [{"sex": "female", "area": "E05000001"}] * 6 + [{"sex": "female", "area": "E05000002"}] * 6
    parents = {"E05000001": "E06000033", "E05000002": "E06000033"}
    only_sex_and_area = QuasiIdentifiers(age_band=None, ethnicity=None, postcode_district=None)
    released, report = anonymise(rows, only_sex_and_area, area_parents=parents)
    assert report.steps == ["area: area generalised to parent area"]
    assert {row["area"] for row in released} == {"E06000033"}


def test_rows_that_generalisation_cannot_save_are_suppressed():
    rows = [person(answer=i) for i in range(20)] + [person(sex="prefer-not-to-say", answer="rare")]
    released, report = anonymise(rows, NO_AREA, max_suppressed_fraction=0.0)
    assert report.rows_suppressed == 1
    assert all(row["answer"] != "rare" for row in released)
    assert report.steps == []  # generalising could not help, so it was undone
    assert measure_k(released, NO_AREA) >= 10


def test_suppression_after_generalisation_leaves_every_class_at_least_k():
    rng = random.Random(7)
    ages = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-plus"]
    ethnicities = ["white-british", "white-other", "asian-indian", "black-african", "mixed-other"]
    rows = [
        person(
            age=rng.choice(ages),
            sex=rng.choice(["female", "male"]),
            ethnicity=rng.choice(ethnicities),
            district=rng.choice(["SS1", "SS2", "SS9", "CM1"]),
        )
        for _ in range(400)
    ]
    released, report = anonymise(rows, NO_AREA, k=10)
    assert report.rows_released + report.rows_suppressed == 400
    # Too many rows at risk for the 5% budget, so every hierarchy is used to its top before suppressing.
    assert report.levels == {"age_band": 2, "sex": 0, "ethnicity": 1, "postcode_district": 1}
    assert report.rows_suppressed > 0.05 * 400
    assert measure_k(released, NO_AREA) >= 10
    assert report.k_after >= 10


def test_release_is_deterministic_whatever_the_row_order():
    rows = [
        person(age=age, ethnicity=eth, answer=f"{age}{eth}{i}")
        for age in ("16-24", "25-34")
        for eth in (
            "asian-indian",
            "asian-chinese",
        )
        for i in range(4)
    ]
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    first, first_report = anonymise(rows, NO_AREA)
    second, second_report = anonymise(shuffled, NO_AREA)
    assert first_report == second_report
    assert sorted(r["answer"] for r in first) == sorted(r["answer"] for r in second)
    assert anonymise(rows, NO_AREA) == (first, first_report)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([person(age="20-29")], "unknown age band"),
        ([person(ethnicity="martian")], "unknown ethnicity"),
        ([person(district="not a postcode")], "not a postcode district"),
        ([{"sex": "female"}], "no quasi-identifier column"),
    ],
)
def test_unknown_codes_are_refused_with_a_clear_message(rows, message):
    with pytest.raises(ValueError, match=message):
        anonymise(rows, NO_AREA)


def test_area_without_a_parent_is_refused():
    with pytest.raises(ValueError, match="no parent"):
        anonymise([person(area="E05999999")], area_parents={"E05000001": "E06000033"})


def test_k_must_be_a_positive_whole_number():
    with pytest.raises(ValueError, match="k must be"):
        anonymise([person()], NO_AREA, k=0)
