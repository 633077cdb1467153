"""chorus.ingest.location.AreaLookup fed from places.Area, loaded once per import."""

from __future__ import annotations

from chorus.apps.places.models import Area, Level
from chorus.ingest.location import normalise_area_name


class AreaTableLookup:
    """Wards by code (current or former) and name, LSOAs to their ward, IMD deciles of LSOAs.

    Scoped to one local authority when the programme has one, so a ward name shared by two councils
    resolves to the programme's ward. No postcode directory is loaded, so full postcodes and districts
    resolve only through a ward or LSOA given beside them."""

    def __init__(self, local_authority: Area | None = None) -> None:
        wards = Area.objects.filter(level=Level.WARD)
        lsoas = Area.objects.filter(level=Level.LSOA)
        if local_authority is not None:
            wards = wards.filter(parent=local_authority)
            lsoas = lsoas.filter(parent__parent=local_authority)
        self.ward_ids: dict[str, int] = {}
        self._current: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        for pk, code, name, former in wards.values_list("pk", "code", "name", "former_codes"):
            self.ward_ids[code] = pk
            self._current[code] = code
            for old in former or []:
                self._current.setdefault(old, code)
            self._by_name.setdefault(normalise_area_name(name), []).append(code)
        self.lsoa_ids: dict[str, int] = {}
        self._lsoa_ward: dict[str, str] = {}
        self._deciles: dict[str, int] = {}
        for pk, code, ward_code, decile in lsoas.values_list("pk", "code", "parent__code", "imd_decile"):
            self.lsoa_ids[code] = pk
            if ward_code:
                self._lsoa_ward[code] = ward_code
            if decile is not None:
                self._deciles[code] = decile

    def current_ward(self, ward_code: str) -> str | None:
        return self._current.get(ward_code)

    def ward_exists(self, ward_code: str) -> bool:
        return ward_code in self._current

    def wards_named(self, name: str) -> list[str]:
        return list(self._by_name.get(normalise_area_name(name), []))

    def ward_of_lsoa(self, lsoa_code: str) -> str | None:
        return self._lsoa_ward.get(lsoa_code)

    def lsoa_of_postcode(self, postcode: str) -> str | None:
        return None

    def wards_of_district(self, district: str) -> list[str]:
        return []

    def imd_decile(self, lsoa_code: str) -> int | None:
        return self._deciles.get(lsoa_code)
