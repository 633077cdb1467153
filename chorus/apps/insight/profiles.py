"""Place profiles: what a ward's residents raised, beside the ward's (or its local authority's) health
indicators compared with England."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.db.models import QuerySet

from chorus.apps.coding.models import Codebook
from chorus.apps.engagement.models import Contribution
from chorus.apps.places.indicators import IndicatorComparison, latest_comparisons
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Programme

from .aggregates import Prevalence, codebook_for, evidence, theme_codings, top_themes
from .filters import Filters

QUOTE_CHARACTERS = 320


@dataclass(frozen=True)
class PlaceTheme:
    """A theme's prevalence among the ward's contributions, and across the programme for contrast."""

    here: Prevalence
    programme: Prevalence | None


@dataclass(frozen=True)
class Quote:
    text: str  # redacted at storage; shortened when long
    theme_name: str
    heard_in: datetime.date  # the activity's date, shown as a month


@dataclass(frozen=True)
class PlaceProfile:
    programme: Programme
    ward: Area
    filters: Filters  # the filters as given, for links (the ward is added for the figures)
    contributions: int
    themes: list[PlaceTheme]
    quotes: list[Quote]
    indicators: list[IndicatorComparison]

    @property
    def local_authority(self) -> Area | None:
        return self.ward.parent

    @property
    def ward_filters(self) -> Filters:
        return replace(self.filters, wards=(self.ward.code,))


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_CHARACTERS:
        return text
    return text[: QUOTE_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"


def _quotes(
    programme: Programme,
    filters: Filters,
    themes: list[Prevalence],
    quotes_from: QuerySet[Contribution],
    codebook: Codebook | None,
    limit: int,
) -> list[Quote]:
    """One quote for each of the top themes (the most recent that fits), only where quote consent was given
    and only from contributions in `quotes_from` (what the reader may see)."""
    allowed = evidence(programme, filters, codebook).filter(
        consent_quote=True, pk__in=quotes_from.values("pk")
    )
    quotes: list[Quote] = []
    used: set[int] = set()
    for prevalence in themes:
        if len(quotes) >= limit:
            break
        with_theme = theme_codings(codebook).filter(theme__slug=prevalence.theme).values("contribution_id")
        found = (
            allowed.filter(pk__in=with_theme)
            .exclude(pk__in=used)
            .select_related("activity")
            .order_by("-activity__date", "-pk")
            .first()
        )
        if found is not None:
            used.add(found.pk)
            quotes.append(Quote(_shorten(found.text), prevalence.theme_name, found.activity.date))
    return quotes


def place_profile(
    programme: Programme,
    ward_area: Area,
    filters: Filters,
    *,
    quotes_from: QuerySet[Contribution] | None = None,
    theme_limit: int = 5,
    quote_limit: int = 3,
) -> PlaceProfile:
    """A ward's profile under `filters` (the ward replaces any ward filter).

    Quotes come only from `quotes_from` (pass engagement.rules.visible_contributions(user)); without it, the
    profile has themes and figures but no quotes, as decision-makers and public outputs need.
    """
    if ward_area.level != Level.WARD:
        raise ValueError(f"{ward_area} is not a ward")
    here = replace(filters, wards=(ward_area.code,))
    codebook = codebook_for(programme)
    top = top_themes(programme, here, limit=theme_limit, codebook=codebook)
    across = {
        p.theme: p for p in top_themes(programme, filters.without("ward"), limit=1000, codebook=codebook)
    }
    quotes = []
    if quotes_from is not None and top:
        quotes = _quotes(programme, here, top, quotes_from, codebook, quote_limit)
    areas = [ward_area] + ([ward_area.parent] if ward_area.parent_id else [])
    return PlaceProfile(
        programme=programme,
        ward=ward_area,
        filters=filters,
        contributions=evidence(programme, here, codebook).count(),
        themes=[PlaceTheme(p, across.get(p.theme)) for p in top],
        quotes=quotes,
        indicators=latest_comparisons(areas),
    )
