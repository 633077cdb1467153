"""Factors, causal links and the fuzzy cognitive map that holds them.

Convention used everywhere in chorus.maps: in the weight matrix W, W[i][j] is the effect of factor i (the
cause) on factor j (the effect), so a row is what a factor drives and a column is what drives a factor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    import networkx as nx


class MapError(ValueError):
    """A map, a file describing one, or a request about one that cannot be used as given."""


@dataclass(frozen=True)
class Factor:
    """A concept on the map ("loneliness", "bus routes"). `id` is stable; `name` is what people read."""

    id: str
    name: str


@dataclass(frozen=True)
class Link:
    """A causal link: a change in `source` changes `target` by `weight` (signed; -1..1 for simulation).

    `provenance` holds ids of what the link came from (contributions, quotes, source maps) so a view can
    show the evidence; `quote` keeps a supporting quote's text when a file supplied one.
    """

    source: str
    target: str
    weight: float
    provenance: tuple[str, ...] = ()
    quote: str = ""

    @property
    def sign(self) -> int:
        return int(np.sign(self.weight))


@dataclass(frozen=True)
class AggregatedLink(Link):
    """A link of a community map, built from many individual maps.

    `maps` are the ids of the maps that hold the link; `ratings` has one weight per aggregated map (0 where
    the map lacks the link); `agreement` is how many maps hold it; `entropy` is the Shannon entropy (bits)
    of the ratings, 0 when every map gave the same rating.
    """

    maps: tuple[str, ...] = ()
    ratings: tuple[float, ...] = ()
    agreement: int = 0
    entropy: float = 0.0


class FuzzyCognitiveMap:
    """An ordered set of factors and the signed, weighted links between them."""

    def __init__(self, factors: Iterable[Factor], links: Iterable[Link] = (), id: str = "") -> None:
        self.id = id
        self.factors: tuple[Factor, ...] = tuple(factors)
        self._index: dict[str, int] = {}
        for position, factor in enumerate(self.factors):
            if factor.id in self._index:
                raise MapError(f"factor id {factor.id!r} appears more than once")
            self._index[factor.id] = position
        self.links: tuple[Link, ...] = tuple(links)
        seen: set[tuple[str, str]] = set()
        for link in self.links:
            for end in (link.source, link.target):
                if end not in self._index:
                    raise MapError(f"link {link.source!r} -> {link.target!r} names unknown factor {end!r}")
            if (link.source, link.target) in seen:
                raise MapError(f"link {link.source!r} -> {link.target!r} appears more than once")
            seen.add((link.source, link.target))

    def __repr__(self) -> str:
        return f"FuzzyCognitiveMap(id={self.id!r}, factors={len(self.factors)}, links={len(self.links)})"

    @property
    def ids(self) -> list[str]:
        return [factor.id for factor in self.factors]

    @property
    def names(self) -> list[str]:
        return [factor.name for factor in self.factors]

    def index(self, factor_id: str) -> int:
        try:
            return self._index[factor_id]
        except KeyError:
            raise MapError(f"unknown factor {factor_id!r}") from None

    def factor(self, factor_id: str) -> Factor:
        return self.factors[self.index(factor_id)]

    def id_for_name(self, name: str) -> str:
        matches = [factor.id for factor in self.factors if factor.name == name]
        if len(matches) != 1:
            problem = "is ambiguous" if matches else "is not on the map"
            raise MapError(f"factor name {name!r} {problem}")
        return matches[0]

    def link(self, source: str, target: str) -> Link | None:
        for link in self.links:
            if link.source == source and link.target == target:
                return link
        return None

    def weight_matrix(self) -> np.ndarray:
        """Dense N x N matrix, W[i][j] = effect of factor i on factor j."""
        matrix = np.zeros((len(self.factors), len(self.factors)))
        for link in self.links:
            matrix[self._index[link.source], self._index[link.target]] = link.weight
        return matrix

    def sparse_weight_matrix(self) -> sparse.csr_array:
        rows = [self._index[link.source] for link in self.links]
        cols = [self._index[link.target] for link in self.links]
        weights = [link.weight for link in self.links]
        size = len(self.factors)
        return sparse.csr_array((weights, (rows, cols)), shape=(size, size))

    @classmethod
    def from_matrix(cls, names: Sequence[str], matrix: np.ndarray, id: str = "") -> FuzzyCognitiveMap:
        """A map whose factor ids are its names; every non-zero cell becomes a link."""
        matrix = np.asarray(matrix, dtype=float)
        if matrix.shape != (len(names), len(names)):
            raise MapError(f"the matrix has shape {matrix.shape} but there are {len(names)} names")
        factors = [Factor(id=name, name=name) for name in names]
        rows, cols = np.nonzero(matrix)
        links = [Link(names[i], names[j], float(matrix[i, j])) for i, j in zip(rows, cols, strict=True)]
        return cls(factors, links, id=id)

    def to_networkx(self) -> nx.DiGraph:
        """Directed graph with factor ids as nodes (attribute `name`) and `weight` on each edge."""
        import networkx as nx  # imported here: it is slow to load and `chorus maps simulate` never needs it

        graph = nx.DiGraph()
        for factor in self.factors:
            graph.add_node(factor.id, name=factor.name)
        for link in self.links:
            graph.add_edge(link.source, link.target, weight=link.weight, provenance=link.provenance)
        return graph
