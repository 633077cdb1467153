"""Build the areas of a local authority from the shipped ONS and IMD files.

Wards are the current (2025) boundaries residents recognise; each LSOA (2011) is placed in a ward by the ONS
best-fit lookup (2019) where that ward code still exists, else in the 2025 ward containing the LSOA's
centroid. Every LSOA placed the second way is reported, never silently.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "geo"
CORE20_MAX_RANK = 6568  # national IMD quintile 1 of 32,844 LSOAs
ENGLAND_CODE = "E92000001"
# IoD 2019 File 6 population by broad age band (mid-2015, excluding prisoners): field name -> column.
AGE_BAND_COLUMNS = {
    "population_0_15": "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
    "population_16_59": "Population aged 16-59: mid 2015 (excluding prisoners)",
    "population_60_plus": "Older population aged 60 and over: mid 2015 (excluding prisoners)",
}
SEED_LOCAL_AUTHORITIES = {
    "E06000033": "Southend-on-Sea",
    "E06000026": "Plymouth",
    "E09000012": "Hackney",
    "E09000033": "Westminster",
    "E09000020": "Kensington and Chelsea",
}


@dataclass
class AreaRecord:
    code: str
    name: str
    level: str  # "ctry" | "lad" | "ward" | "lsoa"
    parent_code: str | None = None
    population: int | None = None
    population_0_15: int | None = None
    population_16_59: int | None = None
    population_60_plus: int | None = None
    imd_rank: int | None = None
    imd_decile: int | None = None
    core20: bool | None = None
    core20_population_share: float | None = None
    parent_method: str = ""  # "lookup" | "centroid" for LSOAs
    former_codes: list[str] = field(default_factory=list)


@dataclass
class PlaceSet:
    areas: list[AreaRecord]
    report: list[str]


def _read_gz_csv(name: str) -> Iterator[dict[str, str]]:
    with gzip.open(DATA_DIR / name, "rt", encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _int(text: str) -> int:
    return int(text.replace(",", "").strip())


@cache
def imd_by_lsoa() -> dict[str, tuple[int, int]]:
    """LSOA code -> (IMD rank, IMD decile), all of England."""
    return {
        row["LSOA code (2011)"]: (
            _int(row["Index of Multiple Deprivation (IMD) Rank"]),
            _int(row["Index of Multiple Deprivation (IMD) Decile"]),
        )
        for row in _read_gz_csv("imd2019_lsoa.csv.gz")
    }


@cache
def population_by_lsoa() -> dict[str, int]:
    column = "Total population: mid 2015 (excluding prisoners)"
    return {
        row["LSOA code (2011)"]: _int(row[column]) for row in _read_gz_csv("iod2019_population_lsoa.csv.gz")
    }


@cache
def age_populations_by_lsoa() -> dict[str, dict[str, int]]:
    """LSOA code -> {"population_0_15": n, "population_16_59": n, "population_60_plus": n}, all of England."""
    return {
        row["LSOA code (2011)"]: {name: _int(row[column]) for name, column in AGE_BAND_COLUMNS.items()}
        for row in _read_gz_csv("iod2019_population_lsoa.csv.gz")
    }


def _age_sums(codes: Iterable[str], ages: dict[str, dict[str, int]]) -> dict[str, int | None]:
    """Each age band summed over the LSOAs; None for a band when no LSOA has figures."""
    known = [ages[code] for code in codes if code in ages]
    return {name: (sum(bands[name] for bands in known) if known else None) for name in AGE_BAND_COLUMNS}


def england_record() -> AreaRecord:
    """England as a whole: the benchmark that local indicators are compared with."""
    ages = age_populations_by_lsoa()
    return AreaRecord(
        code=ENGLAND_CODE,
        name="England",
        level="ctry",
        population=sum(population_by_lsoa().values()),
        **_age_sums(ages, ages),
    )


def is_core20(imd_rank: int) -> bool:
    return imd_rank <= CORE20_MAX_RANK


def _geojson(kind: str, la_code: str) -> dict:
    path = DATA_DIR / kind / f"{la_code}.geojson.gz"
    if not path.exists():
        raise FileNotFoundError(f"no {kind} boundaries shipped for {la_code}")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(io.StringIO(handle.read()))


def ward_boundaries(la_code: str) -> dict:
    """The 2025 ward boundaries of a local authority as GeoJSON (for maps)."""
    return _geojson("wards", la_code)


def build_local_authority(la_code: str) -> PlaceSet:
    if la_code not in SEED_LOCAL_AUTHORITIES:
        raise ValueError(f"{la_code} is not one of the shipped places: {', '.join(SEED_LOCAL_AUTHORITIES)}")
    imd = imd_by_lsoa()
    population = population_by_lsoa()
    ages = age_populations_by_lsoa()
    report: list[str] = []

    wards = {
        f["properties"]["WD25CD"]: (f["properties"]["WD25NM"].strip(), prep(shape(f["geometry"])))
        for f in ward_boundaries(la_code)["features"]
    }
    lsoa_centroids = {
        f["properties"]["LSOA11CD"]: (
            f["properties"]["LSOA11NM"],
            f["properties"]["LONG"],
            f["properties"]["LAT"],
        )
        for f in _geojson("lsoa11", la_code)["features"]
    }
    lookup = [row for row in _read_gz_csv("lsoa11_to_ward19.csv.gz") if row["LAD19CD"] == la_code]
    la_name = lookup[0]["LAD19NM"] if lookup else SEED_LOCAL_AUTHORITIES[la_code]

    lsoas: list[AreaRecord] = []
    former: dict[str, dict[str, int]] = {}  # 2025 ward -> {2019 code: LSOAs moved}
    for row in lookup:
        code = row["LSOA11CD"]
        rank, decile = imd[code]
        ward_code, method = row["WD19CD"], "lookup"
        if ward_code not in wards:
            name, lon, lat = lsoa_centroids[code]
            point = Point(float(lon), float(lat))
            matches = [c for c, (_, polygon) in wards.items() if polygon.contains(point)]
            if not matches:
                report.append(f"{la_code}: LSOA {code} ({name}) is in no 2025 ward; left without a ward")
                ward_code, method = None, "none"
            else:
                old = row["WD19CD"]
                ward_code, method = matches[0], "centroid"
                former.setdefault(ward_code, {}).setdefault(old, 0)
                former[ward_code][old] += 1
                report.append(
                    f"{la_code}: LSOA {code} ({name}): 2019 ward {old} ({row['WD19NM']}) "
                    "has no 2025 boundary; "
                    f"placed in {ward_code} ({wards[ward_code][0]}) by centroid"
                )
        lsoas.append(
            AreaRecord(
                code=code,
                name=row["LSOA11NM"],
                level="lsoa",
                parent_code=ward_code,
                population=population.get(code),
                **ages.get(code, {}),
                imd_rank=rank,
                imd_decile=decile,
                core20=is_core20(rank),
                parent_method=method,
            )
        )

    ward_records = []
    for code, (name, _) in sorted(wards.items(), key=lambda item: item[1][0]):
        members = [lsoa for lsoa in lsoas if lsoa.parent_code == code]
        total = sum(lsoa.population or 0 for lsoa in members)
        core20_people = sum(lsoa.population or 0 for lsoa in members if lsoa.core20)
        if not members:
            report.append(f"{la_code}: ward {code} ({name}) has no LSOA assigned")
        ward_records.append(
            AreaRecord(
                code=code,
                name=name,
                level="ward",
                parent_code=la_code,
                population=total or None,
                **_age_sums((lsoa.code for lsoa in members), ages),
                core20_population_share=(core20_people / total) if total else None,
                former_codes=sorted(former.get(code, {})),
            )
        )
    la_population = sum(lsoa.population or 0 for lsoa in lsoas)
    authority = AreaRecord(
        code=la_code,
        name=la_name,
        level="lad",
        population=la_population or None,
        **_age_sums((lsoa.code for lsoa in lsoas), ages),
    )
    return PlaceSet(areas=[authority, *ward_records, *lsoas], report=report)


def build_places(la_codes: Iterable[str] = SEED_LOCAL_AUTHORITIES) -> PlaceSet:
    areas: list[AreaRecord] = []
    report: list[str] = []
    for code in la_codes:
        place = build_local_authority(code)
        areas += place.areas
        report += place.report
    return PlaceSet(areas=areas, report=report)
