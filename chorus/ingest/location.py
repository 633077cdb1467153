"""Where a contribution comes from: postcodes, LSOA and ward codes, and resolving them to areas.

Data-free: resolve() asks an AreaLookup (provided by the caller, fed from the Areas table on the Django
side, or from the ONS lookup files in a notebook) for anything that needs geography.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# Outward code: area (1-2 letters) + district (digit, then an optional digit or letter).
# Inward code: digit + 2 letters.
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INWARD = r"[0-9][A-Z]{2}"
_FULL_POSTCODE = re.compile(rf"({_OUTWARD})({_INWARD})")
_DISTRICT = re.compile(_OUTWARD)
_SECTOR = re.compile(rf"({_OUTWARD})([0-9])")
_LSOA_CODE = re.compile(r"E01[0-9]{6}")
_WARD_CODE = re.compile(r"E05[0-9]{6}")

CORE20_DECILES = frozenset({1, 2})


@dataclass(frozen=True, slots=True)
class Postcode:
    """A UK postcode, or the part of one that was given. `full` is None for a district or sector alone."""

    district: str  # outward code, e.g. "SS1"
    sector: str | None = None  # e.g. "SS1 1"
    full: str | None = None  # e.g. "SS1 1AA"

    @property
    def area(self) -> str:
        """Postcode area, the leading letters: "SS" for "SS1"."""
        return re.match(r"[A-Z]+", self.district).group()


def _squash(value: str) -> str:
    return "".join(value.split()).upper()


def parse_postcode(value: str) -> Postcode | None:
    """Parse a full postcode ("ss1 1aa", "SS11AA"), a sector ("SS1 1") or a district ("SS1").

    A letter O typed for the zero that starts the inward code ("SS1 OAA") is corrected. Returns None when the
    value is not a postcode or part of one.
    """
    squashed = _squash(value)
    if not squashed or len(squashed) > 8:
        return None
    if len(squashed) >= 5 and squashed[-3] == "O":
        squashed = squashed[:-3] + "0" + squashed[-2:]
    if match := _FULL_POSTCODE.fullmatch(squashed):
        outward, inward = match.groups()
        return Postcode(district=outward, sector=f"{outward} {inward[0]}", full=f"{outward} {inward}")
    words = value.split()
    if len(words) == 2 and len(words[1]) == 1 and (match := _SECTOR.fullmatch(squashed)):
        outward, digit = match.groups()
        return Postcode(district=outward, sector=f"{outward} {digit}")
    if _DISTRICT.fullmatch(squashed):
        return Postcode(district=squashed)
    return None


def normalise_postcode(value: str) -> str | None:
    """'ss11aa' -> 'SS1 1AA'; None unless it is a full postcode."""
    parsed = parse_postcode(value)
    return parsed.full if parsed else None


def is_lsoa_code(value: str) -> bool:
    return bool(_LSOA_CODE.fullmatch(value.strip().upper()))


def is_ward_code(value: str) -> bool:
    return bool(_WARD_CODE.fullmatch(value.strip().upper()))


def normalise_area_name(name: str) -> str:
    """Compare ward names ignoring case, punctuation, '&' versus 'and', and a trailing 'ward'."""
    plain = name.lower().replace("&", " and ").replace("'", "").replace("’", "")
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    if words and words[-1] == "ward":
        words = words[:-1]
    return " ".join(words)


class AreaLookup(Protocol):
    """What resolve() needs to know about geography. Every method returns None / [] when it does not know."""

    def ward_exists(self, ward_code: str) -> bool: ...

    def wards_named(self, name: str) -> list[str]:
        """Ward codes whose name matches (compared with normalise_area_name)."""
        ...

    def ward_of_lsoa(self, lsoa_code: str) -> str | None: ...

    def lsoa_of_postcode(self, postcode: str) -> str | None:
        """LSOA of a full postcode ("SS1 1AA"), when a postcode directory is loaded."""
        ...

    def wards_of_district(self, district: str) -> list[str]:
        """Candidate wards for a postcode district ("SS1")."""
        ...

    def imd_decile(self, lsoa_code: str) -> int | None: ...


@dataclass
class DictLookup:
    """An AreaLookup held in dictionaries: for notebooks, tests, and as the shape the Django side fills."""

    ward_names: dict[str, str] = field(default_factory=dict)  # ward code -> name
    lsoa_wards: dict[str, str] = field(default_factory=dict)  # LSOA code -> ward code
    postcode_lsoas: dict[str, str] = field(default_factory=dict)  # "SS1 1AA" -> LSOA code
    district_wards: dict[str, list[str]] = field(default_factory=dict)  # "SS1" -> ward codes
    imd_deciles: dict[str, int] = field(default_factory=dict)  # LSOA code -> IMD 2019 decile
    _codes_by_name: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for code, name in self.ward_names.items():
            self._codes_by_name.setdefault(normalise_area_name(name), []).append(code)

    def ward_exists(self, ward_code: str) -> bool:
        return ward_code in self.ward_names

    def wards_named(self, name: str) -> list[str]:
        return list(self._codes_by_name.get(normalise_area_name(name), []))

    def ward_of_lsoa(self, lsoa_code: str) -> str | None:
        return self.lsoa_wards.get(lsoa_code)

    def lsoa_of_postcode(self, postcode: str) -> str | None:
        return self.postcode_lsoas.get(postcode)

    def wards_of_district(self, district: str) -> list[str]:
        return list(self.district_wards.get(district, []))

    def imd_decile(self, lsoa_code: str) -> int | None:
        return self.imd_deciles.get(lsoa_code)


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a record was placed and how. method is one of: lsoa, ward-code, ward-name, postcode,
    postcode-district, or "" when nothing could be resolved. note explains ambiguity or a conflict."""

    ward_code: str | None = None
    lsoa_code: str | None = None
    method: str = ""
    imd_decile: int | None = None
    core20: bool | None = None
    note: str = ""


def resolve(record: Any, lookup: AreaLookup) -> Resolution:
    """Place a record (a CleanRecord, or a dict) by its ward, postcode, postcode_district and lsoa."""
    if isinstance(record, Mapping):
        values = {name: record.get(name) for name in ("ward", "postcode", "postcode_district", "lsoa")}
    else:
        values = {
            name: getattr(record, name, None) for name in ("ward", "postcode", "postcode_district", "lsoa")
        }
    return resolve_place(lookup, **values)


def resolve_place(
    lookup: AreaLookup,
    *,
    ward: str | None = None,
    postcode: str | None = None,
    postcode_district: str | None = None,
    lsoa: str | None = None,
) -> Resolution:
    """Place a record in a ward and LSOA, most specific evidence first: LSOA, full postcode, ward, district.

    IMD decile and Core20 (most deprived 20% nationally: decile 1 or 2) come from the LSOA, so they are only
    known when an LSOA is.
    """
    lsoa_code, ward_code, method, notes = None, None, "", []

    if lsoa and is_lsoa_code(lsoa):
        lsoa_code, method = lsoa.strip().upper(), "lsoa"
    elif postcode and (full := normalise_postcode(postcode)):
        if found := lookup.lsoa_of_postcode(full):
            lsoa_code, method = found, "postcode"
    if lsoa_code:
        ward_code = lookup.ward_of_lsoa(lsoa_code)

    stated_ward = _ward_from_text(lookup, ward, notes) if ward else None
    if stated_ward:
        if ward_code and ward_code != stated_ward:
            notes.append(
                f"the ward given ({ward}) differs from the ward of the LSOA; the LSOA's ward is used"
            )
        elif not ward_code:
            ward_code = stated_ward
            method = method or ("ward-code" if is_ward_code(ward) else "ward-name")

    if not ward_code:
        parsed = parse_postcode(postcode) if postcode else None
        district = postcode_district or (parsed.district if parsed else None)
        if district:
            candidates = lookup.wards_of_district(_squash(district))
            if len(candidates) == 1:
                ward_code, method = candidates[0], method or "postcode-district"
            elif len(candidates) > 1:
                notes.append(f"postcode district {_squash(district)} spans {len(candidates)} wards")

    decile = lookup.imd_decile(lsoa_code) if lsoa_code else None
    return Resolution(
        ward_code=ward_code,
        lsoa_code=lsoa_code,
        method=method,
        imd_decile=decile,
        core20=(decile in CORE20_DECILES) if decile is not None else None,
        note="; ".join(notes),
    )


def _ward_from_text(lookup: AreaLookup, ward: str, notes: list[str]) -> str | None:
    if is_ward_code(ward):
        code = ward.strip().upper()
        if lookup.ward_exists(code):
            return code
        notes.append(f"ward code {code} is not a known ward")
        return None
    codes = lookup.wards_named(ward)
    if len(codes) == 1:
        return codes[0]
    if len(codes) > 1:
        notes.append(f"ward name {ward!r} matches {len(codes)} wards")
    else:
        notes.append(f"ward name {ward!r} is not a known ward")
    return None
