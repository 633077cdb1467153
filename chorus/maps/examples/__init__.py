"""Example maps shipped with Chorus (see README.md beside this file for where they come from)."""

from __future__ import annotations

from importlib.resources import files

from chorus.maps.formats import read_edge_list_csv
from chorus.maps.model import FuzzyCognitiveMap, MapError

EXAMPLES = ("plymouth_connectedness",)


def read_example(name: str) -> FuzzyCognitiveMap:
    """An example edge list as a map whose id is its name: read_example("plymouth_connectedness")."""
    if name not in EXAMPLES:
        raise MapError(f"unknown example {name!r}; choose one of {', '.join(EXAMPLES)}")
    with files(__name__).joinpath(f"{name}.csv").open(encoding="utf-8") as handle:
        return read_edge_list_csv(handle, map_id=name)
