from datetime import date, timedelta
from pathlib import Path

import pytest

from chorus.equality import AGE_BANDS, ETHNICITIES
from chorus.ingest.location import DictLookup
from chorus.ingest.mapping import Mapping, guess_mapping
from chorus.ingest.readers import CELL_LIMIT, open_table
from chorus.ingest.validate import (
    CleanRecord,
    MappingError,
    Quarantine,
    age_band_code,
    parse_date,
    validate_row,
    validate_rows,
)

FIXTURES = Path(__file__).with_name("fixtures")
HEADERS = [
    "Comment ID", "Comment", "Date", "Ward", "Postcode", "LSOA", "Age", "Age band", "Sex", "Gender same",
    "Ethnicity", "Disability", "Carer", "Consent", "Consent to quote", "Activity", "Connector notes",
]  # fmt: skip
MAPPING = Mapping(
    columns={
        "external_id": "Comment ID",
        "text": "Comment",
        "date": "Date",
        "ward": "Ward",
        "postcode": "Postcode",
        "lsoa": "LSOA",
        "age": "Age",
        "age_band": "Age band",
        "sex": "Sex",
        "gender_identity_same": "Gender same",
        "ethnicity": "Ethnicity",
        "disability": "Disability",
        "carer": "Carer",
        "consent_analysis": "Consent",
        "consent_quote": "Consent to quote",
        "activity_type": "Activity",
    },  # fmt: skip
    headers=HEADERS,
)


def row(**values):
    raw = dict.fromkeys(HEADERS, "")
    raw.update({"Comment ID": "C-1", "Comment": "The bus stopped running.", "Consent": "Yes"})
    raw.update({key.replace("_", " "): value for key, value in values.items()})
    return raw


def check(raw, mapping=MAPPING, number=14):
    return validate_row(raw, mapping, number)


def clean(**values) -> CleanRecord:
    outcome = check(row(**values))
    assert isinstance(outcome, CleanRecord), getattr(outcome, "messages", outcome)
    return outcome


def quarantined(**values) -> list[str]:
    outcome = check(row(**values))
    assert isinstance(outcome, Quarantine), outcome
    return outcome.messages


def test_a_complete_row_is_clean_and_normalised():
    record = clean(
        Date="05/03/2024", Ward="Kursaal", Postcode="ss11aa", Age="37", Sex="F", Ethnicity="White British",
        Disability="No", Carer="Yes, 9 hours a week or less", Activity="Focus group",
        **{"Consent to quote": "Y"},
    )  # fmt: skip
    assert (
        record.row_number == 14 and record.external_id == "C-1" and record.text == "The bus stopped running."
    )
    assert record.date == date(2024, 3, 5)
    assert (record.postcode, record.postcode_district, record.ward) == ("SS1 1AA", "SS1", "Kursaal")
    assert (record.age, record.age_band, record.sex, record.ethnicity) == (
        37,
        "35-44",
        "female",
        "white-british",
    )
    assert (record.disability, record.carer, record.consent_analysis, record.consent_quote) == (
        "no",
        "yes",
        "yes",
        "yes",
    )
    assert record.activity_type == "focus-group"


def test_unmapped_columns_are_kept_as_answers():
    record = clean(**{"Connector notes": "met at the food bank"})
    assert record.answers == {"Connector notes": "met at the food bank"}


def test_age_message_names_row_column_and_value():
    assert quarantined(Age="2O") == ["row 14, column 'Age': '2O' is not a number"]


@pytest.mark.parametrize("age", ["-3", "150", "1e9"])
def test_implausible_age_is_quarantined(age):
    assert "is not a plausible age" in quarantined(Age=age)[0]


@pytest.mark.parametrize(
    ("age", "band"),
    [
        ("37", "35-44"),
        ("37.0", "35-44"),
        ("15", "under-16"),
        ("16", "16-24"),
        ("75", "75-plus"),
        ("40 years", "35-44"),
    ],
)
def test_age_gives_its_band(age, band):
    assert clean(Age=age).age_band == band


def test_band_typed_in_the_age_column_is_accepted_as_a_band():
    record = clean(Age="35-44")
    assert record.age is None and record.age_band == "35-44"


def test_age_and_a_contradicting_band_are_quarantined():
    assert (
        "the age is not in the age band given (45 to 54)" in quarantined(Age="37", **{"Age band": "45-54"})[0]
    )


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("35 to 44", "35-44"), ("35-44", "35-44"), ("35 – 44", "35-44"), ("35_44", "35-44"),
        ("18-24", "16-24"),
        ("Under 16", "under-16"), ("0-15", "under-16"), ("75 or over", "75-plus"), ("75+", "75-plus"),
        ("85+", "75-plus"), ("Prefer not to say", "prefer-not-to-say"), ("75-plus", "75-plus"),
    ],
)  # fmt: skip
def test_age_band_labels_are_normalised(label, code):
    assert age_band_code(label) == code


def test_every_equality_age_band_label_is_accepted():
    assert [age_band_code(label) for _, label in AGE_BANDS] == [code for code, _ in AGE_BANDS]


def test_band_spanning_two_bands_is_quarantined_with_the_bands_named():
    message = quarantined(**{"Age band": "65+"})[0]
    assert "'65+' spans more than one of Chorus's age bands (65 to 74, 75 or over)" in message


@pytest.mark.parametrize(
    ("value", "code"),
    [("F", "female"), ("female", "female"), ("Woman", "female"), ("M", "male"), ("Man", "male"),
     ("MALE ", "male"), ("Prefer not to say", "prefer-not-to-say")],
)  # fmt: skip
def test_sex_variants_are_normalised(value, code):
    assert clean(Sex=value).sex == code


def test_unknown_category_lists_the_allowed_values():
    assert quarantined(Sex="Other") == [
        "row 14, column 'Sex': 'Other' is not one of the allowed values: Female, Male, Prefer not to say"
    ]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("White British", "white-british"),
        ("English, Welsh, Scottish, Northern Irish or British", "white-british"),
        ("White: English, Welsh, Scottish, Northern Irish or British", "white-british"),
        ("Asian or Asian British: Indian", "asian-indian"),
        ("Black, Black British, Black Welsh, Caribbean or African: African", "black-african"),
        ("Black Caribbean", "black-caribbean"),
        ("Mixed - White and Black Caribbean", "mixed-white-black-caribbean"),
        ("White and Asian", "mixed-white-asian"),
        ("Any other White background", "white-other"),
        ("Other White", "white-other"),
        ("Gypsy or Irish Traveller", "white-gypsy-traveller"),
        ("Roma", "white-roma"),
        ("Arab", "other-arab"),
        ("Chinese", "asian-chinese"),
        ("Pakistani", "asian-pakistani"),
        ("asian_bangladeshi", "asian-bangladeshi"),
        ("asian-indian", "asian-indian"),
        ("A", "white-british"),
        ("N", "black-african"),
        ("Z", "prefer-not-to-say"),
        ("Any other ethnic group", "other-any"),
    ],
)
def test_ethnicity_labels_variants_and_codes_are_normalised(value, code):
    assert clean(Ethnicity=value).ethnicity == code


def test_every_ons_ethnicity_label_and_code_is_accepted():
    for code, label in ETHNICITIES:
        assert clean(Ethnicity=label).ethnicity == code
        assert clean(Ethnicity=code).ethnicity == code


def test_unknown_ethnicity_is_quarantined_with_the_ons_labels():
    message = quarantined(Ethnicity="Martian")[0]
    assert message.startswith(
        "row 14, column 'Ethnicity': 'Martian' is not one of the allowed values: Bangladeshi,"
    )
    assert "Any other ethnic group" in message


@pytest.mark.parametrize("value", ["yes", "Y", "TRUE", "1", "I agree", "Yes, a little", "✓"])
def test_yes_variants(value):
    assert clean(Disability=value).disability == "yes"


@pytest.mark.parametrize("value", ["no", "N", "false", "0", "No, but I used to"])
def test_no_variants(value):
    assert clean(Carer=value).carer == "no"


def test_gender_identity_same_accepts_yes_no_and_prefer_not_to_say():
    assert clean(**{"Gender same": "Prefer not to say"}).gender_identity_same == "prefer-not-to-say"
    assert "allowed values: Yes, No, Prefer not to say" in quarantined(**{"Gender same": "maybe"})[0]


def test_no_consent_to_analysis_is_quarantined():
    assert quarantined(Consent="No") == [
        "row 14, column 'Consent': resident did not consent to analysis, so the row is not imported"
    ]


def test_blank_consent_to_analysis_is_quarantined_when_the_column_is_mapped():
    assert "consent to analysis is blank" in quarantined(Consent="")[0]


def test_without_a_consent_column_rows_are_imported():
    mapping = Mapping(columns={"text": "Comment"})
    assert isinstance(validate_row({"Comment": "hello"}, mapping, 2), CleanRecord)


def test_refusing_to_be_quoted_still_imports_the_row():
    assert clean(**{"Consent to quote": "No"}).consent_quote == "no"


def test_empty_text_is_quarantined():
    assert quarantined(Comment="   ") == [
        "row 14, column 'Comment': no text: the row has nothing a resident said"
    ]


def test_oversized_cell_is_quarantined_with_a_short_preview():
    outcome = check(row(Comment="word " * (CELL_LIMIT // 4)))
    assert isinstance(outcome, Quarantine)
    problem = outcome.problems[0]
    assert problem.column == "Comment" and len(problem.value_preview) <= 40
    assert f"the limit is {CELL_LIMIT:,}" in problem.message


def test_ten_megabyte_cell_in_a_file_is_quarantined_and_the_rest_imports():
    data = ("Comment,Ward\n" + '"' + "x" * (10 * 1024 * 1024) + '",Leigh\nfine,Milton\n').encode()
    table = open_table(data, "big.csv")
    outcomes = list(validate_rows(table, guess_mapping(table.headers)))
    assert isinstance(outcomes[0], Quarantine) and "10,485,760 characters" in outcomes[0].messages[0]
    assert isinstance(outcomes[1], CleanRecord) and outcomes[1].text == "fine"


def test_previews_never_carry_the_whole_text():
    long_value = "My neighbour, Mrs Smith at 4 Acacia Avenue, told me " * 5
    outcome = check(row(Sex=long_value))
    assert outcome.problems[0].value_preview.endswith("…") and len(outcome.problems[0].value_preview) == 40


def test_all_problems_in_a_row_are_reported_together():
    messages = quarantined(Comment="", Age="old", Sex="?")
    assert len(messages) == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03-05T14:21:40.117+01:00", date(2024, 3, 5)),  # Kobo
        ("2024-03-05T13:21:44", date(2024, 3, 5)),  # Kobo _submission_time
        ("2024-03-05T10:12:44.512Z", date(2024, 3, 5)),  # ODK
        ("05/03/2024", date(2024, 3, 5)),  # UK day first
        ("5/3/24", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        ("05-03-2024 14:30", date(2024, 3, 5)),
        ("5 March 2024", date(2024, 3, 5)),
        ("5th Mar 2024", date(2024, 3, 5)),
        ("05-Mar-2024", date(2024, 3, 5)),
        ("March 5, 2024", date(2024, 3, 5)),
        ("45356", date(2024, 3, 5)),  # Excel serial
        ("45356.5", date(2024, 3, 5)),
    ],
)
def test_dates_are_parsed(value, expected):
    assert parse_date(value) == expected


def test_month_first_date_is_refused_when_the_mapping_says_day_first():
    mapping = Mapping(columns=dict(MAPPING.columns), headers=HEADERS, date_order="dmy")
    message = check(row(Date="03/25/2024"), mapping).messages[0]
    assert "day/month/year expected; if this file writes month first" in message
    mapping.date_order = "mdy"
    assert check(row(Date="03/25/2024"), mapping).date == date(2024, 3, 25)


def test_date_that_shows_its_order_is_read_that_way_by_default():
    assert clean(Date="03/25/2024").date == date(2024, 3, 25)
    assert clean(Date="04/05/2024").date == date(2024, 5, 4)  # no evidence: UK order


def test_impossible_and_future_dates_are_quarantined():
    assert "is not a valid date" in quarantined(Date="31/02/2024")[0]
    assert "is not a date" in quarantined(Date="last Tuesday")[0]
    future = (date.today() + timedelta(days=30)).isoformat()
    assert "is in the future" in quarantined(Date=future)[0]


def test_postcode_district_typed_as_postcode_becomes_the_district():
    record = clean(Postcode="ss1")
    assert record.postcode is None and record.postcode_district == "SS1"


def test_bad_postcode_and_lsoa_are_quarantined():
    assert "'NOT A PC' is not a UK postcode" in quarantined(Postcode="NOT A PC")[0]
    assert "is not an LSOA code (E01 followed by six digits)" in quarantined(LSOA="Southend 012C")[0]


def test_ward_code_is_upper_cased():
    assert clean(Ward="e05002216").ward == "E05002216"


def test_value_maps_decided_by_a_person_are_applied():
    mapping = Mapping(
        columns=dict(MAPPING.columns), headers=HEADERS, value_maps={"ethnicity": {"Somali": "black-african"}}
    )
    assert check(row(Ethnicity="somali "), mapping).ethnicity == "black-african"


def test_constants_fill_fields_the_file_does_not_have():
    mapping = Mapping(
        columns={"text": "Comment"}, constants={"activity_type": "Listening event", "date": "2024-05-01"}
    )
    record = validate_row({"Comment": "hello"}, mapping, 2)
    assert record.activity_type == "listening-event" and record.date == date(2024, 5, 1)


def test_validate_rows_refuses_a_mapping_without_text():
    table = open_table(FIXTURES / "community_utf8.csv")
    with pytest.raises(MappingError, match="Choose the column that holds what residents said"):
        list(validate_rows(table, Mapping(columns={"ward": "Ward"})))
    with pytest.raises(MappingError, match="no column called 'Remarks'"):
        list(validate_rows(table, Mapping(columns={"text": "Remarks"})))


def test_validate_rows_resolves_places_with_a_lookup():
    lookup = DictLookup(
        ward_names={"E05002216": "Kursaal", "E05002218": "Milton", "E05002222": "Shoeburyness"},
        district_wards={"SS3": ["E05002222"]},
    )
    table = open_table(FIXTURES / "community_utf8.csv")
    records = list(validate_rows(table, guess_mapping(table.headers), lookup=lookup))
    assert [record.place.ward_code for record in records[:2]] == ["E05002216", "E05002218"]
    assert records[0].place.method == "ward-name"
    assert records[3].place.ward_code == "E05002222" and records[3].place.method == "ward-code"


def test_unreadable_row_is_quarantined_with_the_reading_problem_only():
    table = open_table(FIXTURES / "misquoted.csv")
    outcomes = list(validate_rows(table, guess_mapping(table.headers)))
    assert isinstance(outcomes[0], Quarantine) and len(outcomes[0].problems) == 1
    assert outcomes[0].messages[0].startswith("row 2, column '(whole row)': this row could not be read")
    assert isinstance(outcomes[1], CleanRecord)


@pytest.mark.parametrize(
    "name",
    ["kobo_rest_submission.json", "kobo_api_results.json", "kobo_export.csv", "kobo_export_labels.xlsx",
     "odk_odata.json", "community.xlsx", "community_cp1252.csv", "community_utf16.txt"],
)  # fmt: skip
def test_every_fixture_imports_with_its_guessed_mapping(name):
    table = open_table(FIXTURES / name)
    outcomes = list(validate_rows(table, guess_mapping(table.headers)))
    assert outcomes and all(isinstance(outcome, CleanRecord) for outcome in outcomes), [
        outcome.messages for outcome in outcomes if isinstance(outcome, Quarantine)
    ]


def test_odk_csv_row_without_consent_is_quarantined():
    table = open_table(FIXTURES / "odk_submissions.csv")
    outcomes = list(validate_rows(table, guess_mapping(table.headers)))
    assert [type(outcome).__name__ for outcome in outcomes] == ["CleanRecord", "CleanRecord", "Quarantine"]
    assert "did not consent to analysis" in outcomes[2].messages[0]
