import re

import numpy as np
import pytest

from chorus.coding.discovery import describe, discover_themes
from tests.coding.test_emerging import BINS, ODD_ONES_OUT, PARKING, PHARMACY, TEXTS, tfidf_svd_vectors

E = np.eye(8)


def near(direction: np.ndarray, count: int, generator: np.random.Generator) -> np.ndarray:
    return direction / np.linalg.norm(direction) + 0.03 * generator.normal(size=(count, len(direction)))


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return tfidf_svd_vectors(TEXTS)


def test_the_same_seed_proposes_the_same_themes_with_the_same_scores(vectors):
    first = discover_themes(TEXTS, vectors, min_size=4, seed=3)
    second = discover_themes(TEXTS, vectors, min_size=4, seed=3)
    assert [(t.name, t.members, t.quotes, t.stability) for t in first.themes] == [
        (t.name, t.members, t.quotes, t.stability) for t in second.themes
    ]
    assert [sorted(theme.members) for theme in first.themes] == [
        list(range(0, 6)),
        list(range(6, 12)),
        list(range(12, 18)),
    ]


def test_another_seed_finds_the_same_themes_and_each_has_a_stability_score(vectors):
    first = discover_themes(TEXTS, vectors, min_size=4, seed=3)
    other = discover_themes(TEXTS, vectors, min_size=4, seed=11)
    assert [t.members for t in first.themes] == [t.members for t in other.themes]
    for theme in first.themes:
        assert 0.5 <= theme.stability <= 1.0


def test_a_theme_found_whole_in_every_rerun_is_fully_stable():
    generator = np.random.default_rng(0)
    tight = np.vstack([near(E[0], 10, generator), near(E[1], 10, generator)])
    noise = generator.normal(size=(10, 8))
    texts = [f"parking fine {i}" for i in range(10)] + [f"bins rubbish {i}" for i in range(10)]
    texts += [f"other {i}" for i in range(10)]
    found = discover_themes(texts, np.vstack([tight, noise]), min_size=5, seed=1, distance_threshold=0.5)
    assert [theme.stability for theme in found.themes] == [1.0, 1.0]
    assert set(range(10)) <= set(found.themes[0].members) and set(range(10, 20)) <= set(
        found.themes[1].members
    )
    assert len(found.unassigned) >= 8


def test_near_duplicate_groups_are_merged_into_one_theme():
    generator = np.random.default_rng(0)
    vectors = np.vstack(
        [near(E[0], 6, generator), near(E[0] + 0.35 * E[1], 6, generator)]
        + [near(E[k], 6, generator) for k in (2, 3, 4)]
    )
    texts = [f"parking fine at the clinic {i}" for i in range(6)] + [
        f"car park charges {i}" for i in range(6)
    ]
    texts += [f"bins rubbish {i}" for i in range(6)] + [f"pharmacy queue {i}" for i in range(6)]
    texts += [f"bus stop moved {i}" for i in range(6)]
    apart = discover_themes(texts, vectors, min_size=3, distance_threshold=0.05, merge_similarity=1.01)
    merged = discover_themes(texts, vectors, min_size=3, distance_threshold=0.05)
    assert len(apart.themes) == 5 and apart.merged == 0
    assert len(merged.themes) == 4 and merged.merged == 1
    assert merged.themes[0].members == list(range(12)) and merged.themes[0].merged_from == 2


def test_groups_below_the_minimum_support_are_dropped_and_counted_unassigned(vectors):
    found = discover_themes(TEXTS, vectors, min_size=7)
    assert found.themes == [] and found.dropped >= 3
    assert found.unassigned_share == 1.0
    share = discover_themes(TEXTS, vectors, min_size=1, min_support=0.25)  # 25% of 21 texts: 6
    assert [theme.size for theme in share.themes] == [6, 6, 6]
    assert found.total == share.total == len(TEXTS)
    assert share.unassigned == [18, 19, 20] and share.unassigned_share == pytest.approx(3 / 21)


def _said_by_members(name: str, texts: list[str]) -> bool:
    parts = name.lower().split(" and ") if " and " in name else [name.lower()]
    return all(any(part in text.lower() for text in texts) for part in parts)


def test_names_are_phrases_residents_wrote_not_comma_lists(vectors):
    found = discover_themes(TEXTS, vectors, min_size=4)
    for theme in found.themes:
        assert "," not in theme.name and theme.name[0].isupper()
        assert _said_by_members(theme.name, [TEXTS[index] for index in theme.members])
    assert "car park" in found.themes[0].name.lower()


def test_a_phrase_said_across_the_group_names_it():
    texts = [
        "The pharmacy in town closed last month and I travel miles now",
        "Since the pharmacy in town closed my prescriptions are late",
        "Closed pharmacy in town means queues at the one left",
        "The pharmacy in town shut, nobody told us",
    ]
    generator = np.random.default_rng(0)
    vectors = np.vstack([near(E[0], 4, generator), near(E[1], 4, generator)])
    others = ["Bus times changed", "Bus stop moved again", "No bus on Sunday", "The bus is late"]
    found = discover_themes(texts + others, vectors, min_size=3, distance_threshold=0.5)
    assert found.themes[0].name == "Pharmacy in town"
    assert found.themes[0].description.startswith("Contributions mentioning “pharmacy in town”")


def test_quotes_are_verbatim_and_only_from_consented_contributions(vectors):
    consented = [index % 2 == 0 for index in range(len(TEXTS))]
    found = discover_themes(TEXTS, vectors, min_size=4, quotable=consented)
    for theme in found.themes:
        assert len(theme.quotes) == 3
        assert set(theme.quotes) <= set(theme.members)
        assert all(consented[index] for index in theme.quotes)
    nobody = discover_themes(TEXTS, vectors, min_size=4, quotable=[False] * len(TEXTS))
    assert all(theme.quotes == [] for theme in nobody.themes)


def test_size_and_trend_per_month(vectors):
    dates = ["2026-01-10"] * 3 + ["2026-06-10"] * 3 + ["2026-03-01"] * 15
    found = discover_themes(TEXTS, vectors, dates, min_size=4)
    parking = found.themes[0]
    assert parking.size == 6
    assert [period for period, _ in parking.periods] == [f"2026-0{m}" for m in range(1, 7)]
    assert dict(parking.periods)["2026-01"] == 3 and dict(parking.periods)["2026-06"] == 3


def test_description_is_one_line_naming_what_else_is_mentioned():
    line = describe("Car park", ["car park", "parking", "fines", "clinic", "car"])
    assert line == "Contributions mentioning “car park”, often with parking, fines and clinic."
    assert "\n" not in line and not re.search(r"\bcar\b.*\bcar\b.*\bcar\b", line)


def test_no_texts_no_themes():
    found = discover_themes([], np.zeros((0, 4)))
    assert found.themes == [] and found.unassigned_share == 0.0


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="quotable"):
        discover_themes(["a", "b"], np.ones((2, 3)), quotable=[True])
    with pytest.raises(ValueError, match="min_support"):
        discover_themes(["a", "b"], np.ones((2, 3)), min_support=1.5)


_ = (BINS, ODD_ONES_OUT, PARKING, PHARMACY)


def test_copies_of_one_comment_count_once_when_naming():
    copied = ["My mums blister packs came from the chemist round the corner"] * 6
    said = [
        "Since the chemist closed I take the bus",
        "Our chemist closed in the summer",
        "Another chemist closed this month",
        "The chemist closed without a word to anyone",
    ]
    generator = np.random.default_rng(0)
    vectors = np.vstack([near(E[0], 10, generator), near(E[1], 4, generator)])
    others = ["Bus times changed", "Bus stop moved again", "No bus on Sunday", "The bus is late"]
    found = discover_themes(copied + said + others, vectors, min_size=3, distance_threshold=0.5)
    assert found.themes[0].name == "Chemist closed"


def test_groups_with_nothing_in_common_to_name_are_not_merged_by_name():
    generator = np.random.default_rng(0)
    vectors = np.vstack([near(E[0], 4, generator), near(E[1], 4, generator)])
    found = discover_themes(["?"] * 8, vectors, min_size=3, distance_threshold=0.5)
    assert [theme.size for theme in found.themes] == [4, 4] and found.merged == 0
