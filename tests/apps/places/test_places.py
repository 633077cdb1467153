"""Places load from the shipped ONS and IMD files; boundary mismatches are reported, never hidden."""

import pytest

from chorus.apps.places.actions import load_places
from chorus.apps.places.models import Area, Level
from chorus.geo.places import CORE20_MAX_RANK, build_local_authority, imd_by_lsoa


@pytest.mark.django_db
def test_southend_loads_wards_and_lsoas_with_deprivation(southend):
    wards = Area.objects.filter(level=Level.WARD, parent=southend)
    lsoas = Area.objects.filter(level=Level.LSOA, parent__parent=southend)
    assert wards.count() == 17
    assert lsoas.count() == 107
    assert not Area.objects.filter(level=Level.LSOA, parent=None).exists()
    for lsoa in lsoas:
        assert lsoa.core20 == (lsoa.imd_rank <= CORE20_MAX_RANK)
        assert lsoa.imd_decile in range(1, 11)
    assert southend.population == sum(lsoas.values_list("population", flat=True))
    kursaal = wards.get(name="Kursaal")
    assert 0 < kursaal.core20_population_share <= 1


def test_imd_covers_all_of_england():
    imd = imd_by_lsoa()
    assert len(imd) == 32844
    assert imd["E01000001"] == (29199, 9)


def test_westminster_redrawn_wards_are_placed_by_centroid_and_reported():
    place = build_local_authority("E09000033")
    lsoas = [a for a in place.areas if a.level == "lsoa"]
    moved = [a for a in lsoas if a.parent_method == "centroid"]
    assert moved, "Westminster's 2019 ward codes should not match its 2025 boundaries"
    assert len(place.report) >= len(moved)
    assert all(a.parent_code for a in lsoas)
    wards = [a for a in place.areas if a.level == "ward"]
    assert any(w.former_codes for w in wards)


def test_unknown_local_authority_is_refused():
    with pytest.raises(ValueError, match="not one of the shipped places"):
        build_local_authority("E06000999")


@pytest.mark.django_db
def test_loading_twice_changes_nothing(southend):
    before = Area.objects.count()
    load_places(["E06000033"], by=None)
    assert Area.objects.count() == before


def test_loading_places_is_audited_with_who_loaded_them(world):
    from chorus.apps.audit.models import AuditEvent

    load_places(["E06000033"], by=world.admin)
    event = AuditEvent.objects.filter(action="places.loaded").latest("pk")
    assert event.actor == world.admin and event.details["areas"] == Area.objects.count()
