import csv
import json

import pytest

from chorus.ingest.mapping import (
    TARGETS,
    Mapping,
    find_mapping,
    guess_mapping,
    score_heading,
    shape_signature,
)


def best_target(heading):
    candidates = score_heading(heading)
    return candidates[0][2] if candidates else None


@pytest.mark.parametrize(
    ("heading", "target"),
    [
        ("What matters to you?", "text"),
        ("comment", "text"),
        ("FFT answer", "text"),
        ("Feedback", "text"),
        ("What matters most to you about your health?", "text"),
        ("group_story/what_matters", "text"),
        ("story-what_matters", "text"),
        ("Ward", "ward"),
        ("ward_name", "ward"),
        ("Postcode", "postcode"),
        ("Your postcode (optional)", "postcode"),
        ("Age", "age"),
        ("age_band", "age_band"),
        ("Age group", "age_band"),
        ("Ethnicity", "ethnicity"),
        ("Ethnic group", "ethnicity"),
        ("Sex", "sex"),
        ("consent_analysis", "consent_analysis"),
        ("Consent", "consent_analysis"),
        ("consent_quote", "consent_quote"),
        ("Consent - open data", "consent_open_data"),
        ("consent_recontact", "consent_recontact"),
        ("Do you agree to us analysing what you tell us?", "consent_analysis"),
        ("Are you happy to be quoted?", "consent_quote"),
        ("Do you consent to us contacting you again?", "consent_recontact"),
        ("_uuid", "external_id"),
        ("meta/instanceID", "external_id"),
        ("KEY", "external_id"),
        ("__id", "external_id"),
        ("Comment ID", "external_id"),
        ("Respondent ID", "participant_ref"),
        ("Date", "date"),
        ("_submission_time", "date"),
        ("Ethnicty", "ethnicity"),  # a typo still matches, with lower confidence
        ("Postocde", "postcode"),
    ],
)
def test_headings_are_recognised(heading, target):
    assert best_target(heading) == target


@pytest.mark.parametrize("heading", ["_notes", "_status", "Comment sentiment", "Service type 1", "Trust"])
def test_unrelated_headings_are_not_mapped(heading):
    assert best_target(heading) is None


def test_exact_match_is_more_confident_than_a_typo():
    assert score_heading("Postcode")[0][0] > score_heading("Postocde")[0][0]


def test_nhs_fft_file_maps_its_text_id_date_and_respondent(shared_data):
    with (shared_data / "feedback" / "nhs_fft_dev.csv").open(newline="", encoding="utf-8") as stream:
        headers = next(csv.reader(stream))
    mapping = guess_mapping(headers)
    assert mapping.columns == {
        "external_id": "Comment ID",
        "text": "FFT answer",
        "date": "Date",
        "participant_ref": "Respondent ID",
    }
    assert len(mapping.unmapped(headers)) == len(headers) - 4


def test_kobo_export_prefers_the_stable_uuid_and_the_date_question():
    headers = [
        "start",
        "end",
        "today",
        "group_story/what_matters",
        "_id",
        "_uuid",
        "_submission_time",
        "_notes",
    ]
    mapping = guess_mapping(headers)
    assert mapping.columns["external_id"] == "_uuid"
    assert mapping.columns["date"] == "today"
    assert mapping.columns["text"] == "group_story/what_matters"
    assert "_notes" in mapping.unmapped(headers)


def test_odk_csv_prefers_key_over_the_current_instance_id():
    mapping = guess_mapping(["SubmissionDate", "story-what_matters", "meta-instanceID", "KEY"])
    assert mapping.columns["external_id"] == "KEY"


def test_each_heading_feeds_one_target_at_most():
    mapping = guess_mapping(["Comment", "Comments", "Age", "Age band"])
    values = list(mapping.columns.values())
    assert len(values) == len(set(values))
    assert mapping.columns["text"] == "Comment" and mapping.columns["age_band"] == "Age band"


def test_shape_signature_ignores_order_case_and_spacing():
    assert shape_signature(["Comment", "Ward ", "AGE"]) == shape_signature(["age", "comment", "ward"])
    assert shape_signature(["Comment", "Ward"]) != shape_signature(["Comment", "Ward", "Age"])


def test_mapping_round_trips_through_json():
    mapping = guess_mapping(["Comment", "Ward", "Ethnicity"])
    mapping.constants["activity_type"] = "survey"
    mapping.value_maps["ethnicity"] = {"Somali": "black-african"}
    restored = Mapping.from_json(json.dumps(json.loads(mapping.to_json())))
    assert restored == mapping
    assert restored.value_maps == {"ethnicity": {"Somali": "black-african"}}


def test_saved_mapping_is_found_for_a_file_of_the_same_shape():
    first = guess_mapping(["Notes from the day", "Area", "Age"])
    first.columns = {"text": "Notes from the day", "ward": "Area", "age": "Age"}  # a person corrected it
    saved = [guess_mapping(["Other", "File"]).to_dict(), first.to_dict()]
    found = find_mapping(["AGE", "area", "Notes from the day"], saved)
    assert found is not None
    assert found.columns == {"text": "Notes from the day", "ward": "area", "age": "AGE"}
    assert find_mapping(["Something", "else"], saved) is None


def test_mapping_problems_explain_what_to_fix():
    mapping = Mapping(columns={"ward": "Area", "postcode": "Area"}, headers=["Area"])
    problems = mapping.problems()
    assert "Choose the column that holds what residents said (the text)." in problems
    assert "The column 'Area' is chosen for both ward and postcode." in problems


def test_unknown_target_is_refused():
    with pytest.raises(ValueError, match="unknown target field"):
        Mapping(columns={"shoe_size": "Shoe"})


def test_every_target_field_from_the_issue_exists():
    assert list(TARGETS) == [
        "external_id", "text", "date", "activity_type", "ward", "postcode", "postcode_district", "lsoa",
        "age", "age_band", "sex", "gender_identity_same", "ethnicity", "disability", "carer",
        "consent_analysis", "consent_quote", "consent_open_data", "consent_recontact", "participant_ref",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("heading", "target"),
    [
        ("What is your age?", "age"),
        ("How old are you?", "age"),
        ("Which best describes your ethnicity?", "ethnicity"),
        ("Do you consider yourself to have a disability?", "disability"),
        ("Is there anything else you would like to tell us?", "text"),
        ("Any other comments?", "text"),
        ("Visit date", "date"),
        ("Tell us your postcode", "postcode"),
    ],
)
def test_question_style_headings_are_recognised(heading, target):
    assert best_target(heading) == target


@pytest.mark.parametrize(
    "heading",
    ["Date of birth", "Postcode of GP practice", "Feedback type", "Feedback category", "Feedback score"],
)
def test_lookalike_headings_are_not_mistaken_for_a_field(heading):
    assert best_target(heading) is None
