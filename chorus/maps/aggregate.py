"""Combine many people's maps into one community map that remembers where each link came from.

Maps are aligned on factor ids; a map that lacks a link (or a factor) rates it 0. Methods:
    mean_with_zeros     mean over every map, zeros included (the usual community-map average)
    mean_without_zeros  mean over the maps that hold the link
    median              median over the maps that hold the link (over all maps most links of sparse
                        individual maps would get a median of 0)
    count               how many maps hold the link (a count, not a -1..1 weight: rank or normalise it
                        before simulating)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from chorus.maps.model import AggregatedLink, Factor, FuzzyCognitiveMap, MapError

METHODS = ("mean_with_zeros", "mean_without_zeros", "median", "count")


def aggregate_weights(ratings: Sequence[float], method: str = "mean_with_zeros") -> float:
    """One weight from one link's ratings, one rating per map (0 where a map lacks the link)."""
    values = np.asarray(ratings, dtype=float)
    held = values[values != 0]
    if method == "mean_with_zeros":
        return float(values.mean()) if values.size else 0.0
    if method == "mean_without_zeros":
        return float(held.mean()) if held.size else 0.0
    if method == "median":
        return float(np.median(held)) if held.size else 0.0
    if method == "count":
        return float(held.size)
    raise MapError(f"unknown aggregation method {method!r}; choose one of {', '.join(METHODS)}")


def rating_entropy(ratings: Sequence[float]) -> float:
    """Shannon entropy in bits of the distribution of ratings: 0 when all maps agree."""
    # Two lines of numpy rather than scipy.stats.entropy: importing scipy.stats costs seconds per CLI call.
    counts = np.array(list(Counter(round(float(rating), 6) for rating in ratings).values()), dtype=float)
    shares = counts / counts.sum() if counts.size else counts
    return abs(float((shares * np.log2(shares)).sum()))


def aggregate_maps(
    maps: Sequence[FuzzyCognitiveMap], method: str = "mean_with_zeros", map_id: str = ""
) -> FuzzyCognitiveMap:
    """The community map of `maps`; each link is an AggregatedLink carrying provenance and agreement.

    A map without an id is known by its position ("1", "2", ...). Every link held by at least one map is
    kept, even when its aggregated weight is 0 (people disagree on its sign): that disagreement is evidence.
    """
    if method not in METHODS:
        raise MapError(f"unknown aggregation method {method!r}; choose one of {', '.join(METHODS)}")
    if not maps:
        raise MapError("there are no maps to aggregate")
    map_ids = [fcm.id or str(position) for position, fcm in enumerate(maps, start=1)]
    repeated = sorted({map_id for map_id in map_ids if map_ids.count(map_id) > 1})
    if repeated:
        raise MapError(f"map ids appear more than once: {', '.join(repeated)}")

    factors: dict[str, Factor] = {}
    pairs: dict[tuple[str, str], None] = {}
    for fcm in maps:
        for factor in fcm.factors:
            factors.setdefault(factor.id, factor)
        for link in fcm.links:
            pairs.setdefault((link.source, link.target))

    lookups = [{(link.source, link.target): link for link in fcm.links} for fcm in maps]
    links = []
    for pair in pairs:
        ratings = tuple(lookup[pair].weight if pair in lookup else 0.0 for lookup in lookups)
        holders = [
            (map_id, lookup[pair])
            for map_id, lookup in zip(map_ids, lookups, strict=True)
            if pair in lookup and lookup[pair].weight != 0
        ]
        if not holders:
            continue
        provenance = dict.fromkeys(item for _, link in holders for item in link.provenance)
        links.append(
            AggregatedLink(
                source=pair[0],
                target=pair[1],
                weight=aggregate_weights(ratings, method),
                provenance=tuple(provenance),
                maps=tuple(map_id for map_id, _ in holders),
                ratings=ratings,
                agreement=len(holders),
                entropy=rating_entropy(ratings),
            )
        )
    return FuzzyCognitiveMap(factors.values(), links, id=map_id)
