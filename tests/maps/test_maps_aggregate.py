import numpy as np
import pytest

from chorus.maps import (
    AggregatedLink,
    Factor,
    FuzzyCognitiveMap,
    Link,
    MapError,
    aggregate_maps,
    aggregate_weights,
    rating_entropy,
)


def test_mean_with_zeros_counts_every_map():
    assert aggregate_weights([1, 0.25, 0.75, 0.5], "mean_with_zeros") == pytest.approx(0.625)


def test_mean_without_zeros_counts_only_maps_holding_the_link():
    assert aggregate_weights([1, 0, 0, 0.5], "mean_without_zeros") == pytest.approx(0.75)


def test_median_and_count_use_the_maps_holding_the_link():
    assert aggregate_weights([0.25, 0, 0, 0.5, 1], "median") == pytest.approx(0.5)
    assert aggregate_weights([0.25, 0, 0, 0.5, 1], "count") == 3


def test_unknown_method_is_refused():
    with pytest.raises(MapError, match="unknown aggregation method"):
        aggregate_weights([1], "mode")


def test_entropy_is_zero_when_all_agree_and_one_bit_for_an_even_split():
    assert rating_entropy([0.5, 0.5, 0.5]) == 0
    assert rating_entropy([0.5, -0.5]) == pytest.approx(1.0)


def person(map_id: str, links: list[tuple[str, str, float, tuple[str, ...]]]) -> FuzzyCognitiveMap:
    names = sorted({end for source, target, _, _ in links for end in (source, target)})
    return FuzzyCognitiveMap(
        [Factor(name, name.title()) for name in names],
        [Link(source, target, weight, provenance=ids) for source, target, weight, ids in links],
        id=map_id,
    )


@pytest.fixture
def three_people() -> list[FuzzyCognitiveMap]:
    return [
        person("contribution:1", [("bus", "groups", 0.75, ("quote:11",)), ("groups", "lonely", -1.0, ())]),
        person("contribution:2", [("bus", "groups", 0.5, ("quote:21",)), ("cost", "groups", -0.5, ())]),
        person("contribution:3", [("groups", "lonely", 1.0, ("quote:31",))]),
    ]


def test_community_map_unites_factors_and_carries_provenance(three_people):
    community = aggregate_maps(three_people, "mean_with_zeros", map_id="community:plymouth")
    assert community.id == "community:plymouth"
    assert set(community.ids) == {"bus", "groups", "lonely", "cost"}
    bus = community.link("bus", "groups")
    assert isinstance(bus, AggregatedLink)
    assert bus.weight == pytest.approx(1.25 / 3)
    assert bus.maps == ("contribution:1", "contribution:2")
    assert bus.provenance == ("quote:11", "quote:21")
    assert bus.ratings == (0.75, 0.5, 0.0)
    assert bus.agreement == 2


def test_contested_link_is_kept_with_its_disagreement(three_people):
    lonely = aggregate_maps(three_people, "mean_without_zeros").link("groups", "lonely")
    assert lonely.weight == 0
    assert lonely.agreement == 2
    assert lonely.entropy == pytest.approx(np.log2(3))


def test_count_method_gives_mentions(three_people):
    community = aggregate_maps(three_people, "count")
    assert community.link("bus", "groups").weight == 2
    assert community.link("cost", "groups").weight == 1


def test_maps_without_ids_are_known_by_position():
    maps = [person("", [("a", "b", 0.5, ())]), person("", [("a", "b", 0.5, ())])]
    assert aggregate_maps(maps).link("a", "b").maps == ("1", "2")


def test_repeated_map_ids_are_refused():
    maps = [person("same", [("a", "b", 0.5, ())]), person("same", [("a", "b", 0.5, ())])]
    with pytest.raises(MapError, match="more than once: same"):
        aggregate_maps(maps)
