import json
from pathlib import Path

import pytest

from chorus.ingest.fieldtools import (
    detect_source,
    flatten,
    instance_id,
    instance_id_column,
    kobo_form_id,
    normalise_instance_id,
    odata_submissions,
    records_from_json,
)
from chorus.ingest.readers import open_table

FIXTURES = Path(__file__).with_name("fixtures")


def load(name):
    return json.loads((FIXTURES / name).read_text())


def test_kobo_rest_submission_is_one_flat_record_keyed_by_its_root_uuid():
    source, records = records_from_json(load("kobo_rest_submission.json"))
    assert source == "kobo" and len(records) == 1
    record = records[0]
    assert record["group_story/what_matters"].startswith("Since the library started")
    assert instance_id(record) == "4b8e2d6f-90a1-4c3b-8d7e-6f5a4b3c2d1e"
    assert record["_attachments"] == "voice_note-14_20_02.m4a"
    assert record["_geolocation"] == "51.5393 0.6841"
    assert record["_tags"] == "" and record["_submission_time"] == "2024-07-02T13:21:44"


def test_kobo_data_api_results_are_read_as_records():
    source, records = records_from_json(load("kobo_api_results.json"))
    assert source == "kobo"
    assert [instance_id(record) for record in records] == [
        "4b8e2d6f-90a1-4c3b-8d7e-6f5a4b3c2d1e",
        "c0ffee00-1234-4abc-9def-0123456789ab",
    ]
    assert records[0]["_geolocation"] == ""  # [null, null] before a fix is taken


def test_odk_odata_groups_flatten_to_slash_paths_and_system_fields_are_kept():
    source, records = records_from_json(load("odk_odata.json"))
    assert source == "odk" and len(records) == 2
    first = records[0]
    assert first["story/what_matters"].startswith("Our street floods")
    assert first["about_you/age"] == "34"
    assert first["__system/submissionDate"] == "2024-06-10T15:44:21.309Z"
    assert first["about_you/location"] == "50.3712 -4.1302 21.5 4.8"  # GeoJSON -> ODK "lat lon alt accuracy"
    assert not any("@odata" in key for key in first)


def test_edited_odk_submission_keeps_its_original_id():
    _, records = records_from_json(load("odk_odata.json"))
    edited = records[1]
    assert edited["meta/instanceID"] == "uuid:aa11bb22-cc33-4d44-8e55-ff6677889900"
    assert instance_id(edited) == "1e2d3c4b-5a69-4788-9a0b-cdef01234567"


def test_resent_submission_has_the_same_id_in_every_shape():
    """The same Kobo submission as a REST post, an API page and a CSV export is recognised as one."""
    _, rest = records_from_json(load("kobo_rest_submission.json"))
    _, api = records_from_json(load("kobo_api_results.json"))
    export = next(open_table(FIXTURES / "kobo_export.csv").rows()).values
    labels = next(open_table(FIXTURES / "kobo_export_labels.xlsx").rows()).values
    ids = {instance_id(rest[0]), instance_id(api[0]), instance_id(export), instance_id(labels)}
    assert ids == {"4b8e2d6f-90a1-4c3b-8d7e-6f5a4b3c2d1e"}


def test_odk_csv_key_column_is_the_instance_id():
    table = open_table(FIXTURES / "odk_submissions.csv")
    assert table.source == "odk" and table.id_column == "KEY"
    first = next(table.rows()).values
    assert instance_id(first) == "7f3c2a9e-4b1d-4e8a-9c2f-1a2b3c4d5e6f"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("uuid:7F3C2A9E-4B1D-4E8A-9C2F-1A2B3C4D5E6F", "7f3c2a9e-4b1d-4e8a-9c2f-1a2b3c4d5e6f"),
        ("  7f3c2a9e-4b1d-4e8a-9c2f-1a2b3c4d5e6f ", "7f3c2a9e-4b1d-4e8a-9c2f-1a2b3c4d5e6f"),
        (
            "uuid:7f3c2a9e-4b1d-4e8a-9c2f-1a2b3c4d5e6f/visits[2]",
            "7f3c2a9e-4b1d-4e8a-9c2f-1a2b3c4d5e6f/visits[2]",
        ),
        ("NEAS PTS 528 - Q1", "NEAS PTS 528 - Q1"),
    ],
)
def test_instance_ids_are_normalised(raw, expected):
    assert normalise_instance_id(raw) == expected


def test_repeat_groups_are_kept_as_json_and_select_multiple_as_words():
    flat = flatten(
        {"visits": [{"visits/where": "GP"}, {"visits/where": "A&E"}], "topics": ["damp", "transport"]}
    )
    assert json.loads(flat["visits"]) == [{"visits/where": "GP"}, {"visits/where": "A&E"}]
    assert flat["topics"] == "damp transport"


def test_source_is_detected_from_headings():
    assert detect_source(["start", "_uuid", "_submission_time", "q1"]) == "kobo"
    assert detect_source(["SubmissionDate", "q1", "KEY", "SubmitterID"]) == "odk"
    assert detect_source(["Comment ID", "Comment"]) == ""
    assert instance_id_column(["_id", "_uuid", "meta/instanceID"]) == "_uuid"


def test_json_that_holds_no_submissions_is_refused():
    with pytest.raises(ValueError, match="expected an object or a list"):
        records_from_json("just a string")
    with pytest.raises(ValueError, match="one object per submission"):
        records_from_json([{"a": 1}, 2])
    with pytest.raises(ValueError, match='"value" list'):
        odata_submissions({"value": None})


def test_kobo_rest_post_names_its_form_for_finding_the_saved_mapping():
    _, records = records_from_json(load("kobo_rest_submission.json"))
    assert kobo_form_id(records[0]) == "aBcD3fGh7iJkLmN9oPqRsT"
    assert kobo_form_id({"q": "1"}) is None
