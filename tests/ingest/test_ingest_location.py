import csv
import gzip

import pytest

from chorus.geo.places import DATA_DIR as GEO_DIR
from chorus.ingest.location import (
    DictLookup,
    Postcode,
    is_lsoa_code,
    is_ward_code,
    normalise_area_name,
    normalise_postcode,
    parse_postcode,
    resolve,
    resolve_place,
)
from chorus.ingest.validate import CleanRecord


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SS1 1AA", Postcode("SS1", "SS1 1", "SS1 1AA")),
        ("ss11aa", Postcode("SS1", "SS1 1", "SS1 1AA")),
        (" pl4  8aa ", Postcode("PL4", "PL4 8", "PL4 8AA")),
        ("E8 1DY", Postcode("E8", "E8 1", "E8 1DY")),
        ("W1A 1AA", Postcode("W1A", "W1A 1", "W1A 1AA")),
        ("EC1V 9HX", Postcode("EC1V", "EC1V 9", "EC1V 9HX")),
        ("SW1A 2AA", Postcode("SW1A", "SW1A 2", "SW1A 2AA")),
        ("SS1 OAA", Postcode("SS1", "SS1 0", "SS1 0AA")),  # letter O typed for zero
        ("SS1", Postcode("SS1")),
        ("ss0", Postcode("SS0")),
        ("SS1 1", Postcode("SS1", "SS1 1")),
    ],
)
def test_postcodes_and_parts_are_parsed(raw, expected):
    assert parse_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "hello", "12345", "SS1 1AAA", "1SS 1AA", "Southend"])
def test_non_postcodes_are_refused(raw):
    assert parse_postcode(raw) is None


def test_postcode_area_and_normalisation():
    assert parse_postcode("EC1V 9HX").area == "EC"
    assert normalise_postcode("sw1a2aa") == "SW1A 2AA"
    assert normalise_postcode("SS1") is None


def test_area_codes_are_recognised():
    assert is_lsoa_code("E01015829") and is_lsoa_code(" e01015829 ")
    assert not is_lsoa_code("E05002214") and not is_lsoa_code("E0101582")
    assert is_ward_code("E05002214") and not is_ward_code("E01015829")


def test_ward_names_compare_loosely():
    assert normalise_area_name("St. Luke's") == normalise_area_name("st lukes") == "st lukes"
    assert normalise_area_name("Blenheim Park Ward") == "blenheim park"
    assert normalise_area_name("Haggerston & Dalston") == "haggerston and dalston"


@pytest.fixture(scope="module")
def southend():
    """A lookup built from the shipped ONS/MHCLG files (chorus/data/geo), for Southend-on-Sea only."""
    ward_names, lsoa_wards, deciles = {}, {}, {}
    with gzip.open(GEO_DIR / "lsoa11_to_ward19.csv.gz", "rt", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if row["LAD19CD"] == "E06000033":
                ward_names[row["WD19CD"]] = row["WD19NM"]
                lsoa_wards[row["LSOA11CD"]] = row["WD19CD"]
    imd = GEO_DIR / "imd2019_lsoa.csv.gz"
    with gzip.open(imd, "rt", encoding="utf-8-sig") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        decile_column = next(i for i, name in enumerate(header) if "Decile" in name)
        for row in reader:
            if row[0] in lsoa_wards:
                deciles[row[0]] = int(row[decile_column])
    return DictLookup(
        ward_names=ward_names,
        lsoa_wards=lsoa_wards,
        district_wards={"SS3": ["E05002222", "E05002228"], "SS0": ["E05002214"]},
        postcode_lsoas={"SS0 8EJ": "E01015829"},
        imd_deciles=deciles,
    )


def test_lsoa_gives_ward_imd_decile_and_core20(southend):
    place = resolve_place(southend, lsoa="E01015829")
    assert (place.ward_code, place.lsoa_code, place.method) == ("E05002214", "E01015829", "lsoa")
    assert place.imd_decile == southend.imd_deciles["E01015829"]
    assert place.core20 == (place.imd_decile <= 2)


def test_core20_is_true_for_the_most_deprived_deciles(southend):
    deprived = next(lsoa for lsoa, decile in southend.imd_deciles.items() if decile == 1)
    assert resolve_place(southend, lsoa=deprived).core20 is True


def test_ward_by_name_or_code(southend):
    assert resolve_place(southend, ward="Kursaal") == resolve_place(southend, ward="kursaal ward")
    assert resolve_place(southend, ward="Kursaal").ward_code == "E05002216"
    assert resolve_place(southend, ward="Kursaal").method == "ward-name"
    place = resolve_place(southend, ward="E05002216")
    assert (place.ward_code, place.method, place.imd_decile) == ("E05002216", "ward-code", None)


def test_full_postcode_uses_the_postcode_directory_when_it_knows(southend):
    place = resolve_place(southend, postcode="ss0 8ej")
    assert (place.lsoa_code, place.ward_code, place.method) == ("E01015829", "E05002214", "postcode")


def test_postcode_district_with_one_ward_resolves_and_with_several_says_so(southend):
    assert resolve_place(southend, postcode_district="SS0").ward_code == "E05002214"
    assert resolve_place(southend, postcode="SS0 1ZZ").method == "postcode-district"
    place = resolve_place(southend, postcode_district="SS3")
    assert place.ward_code is None and "spans 2 wards" in place.note


def test_unknown_ward_and_conflicts_are_noted_not_hidden(southend):
    unknown = resolve_place(southend, ward="Atlantis")
    assert unknown.ward_code is None and "not a known ward" in unknown.note
    conflict = resolve_place(southend, lsoa="E01015829", ward="Kursaal")
    assert conflict.ward_code == "E05002214" and "differs from the ward of the LSOA" in conflict.note


def test_nothing_to_go_on_resolves_to_nothing(southend):
    assert resolve_place(southend) == resolve_place(DictLookup())
    assert resolve_place(southend).method == ""


def test_resolve_takes_a_record_or_a_dict(southend):
    record = CleanRecord(row_number=2, text="hello", ward="Kursaal", postcode_district="SS1")
    assert resolve(record, southend).ward_code == "E05002216"
    assert resolve({"lsoa": "E01015829"}, southend).ward_code == "E05002214"
