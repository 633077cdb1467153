"""Write actions for places."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from chorus.geo.places import SEED_LOCAL_AUTHORITIES, build_places

from .models import Area


@transaction.atomic
def load_places(la_codes: Iterable[str] = SEED_LOCAL_AUTHORITIES) -> list[str]:
    """Create or update the areas of the given local authorities; returns the mismatch report."""
    place_set = build_places(la_codes)
    by_code: dict[str, Area] = {}
    for record in place_set.areas:  # authorities, then wards, then LSOAs: parents always come first
        area, _ = Area.objects.update_or_create(
            code=record.code,
            defaults={
                "name": record.name,
                "level": record.level,
                "parent": by_code.get(record.parent_code) if record.parent_code else None,
                "population": record.population,
                "imd_rank": record.imd_rank,
                "imd_decile": record.imd_decile,
                "core20": record.core20,
                "core20_population_share": record.core20_population_share,
                "parent_method": record.parent_method,
                "former_codes": record.former_codes,
            },
        )
        by_code[record.code] = area
    return place_set.report
