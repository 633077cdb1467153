from datetime import date, datetime

import numpy as np
import pytest
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from chorus.coding.codebook import Codebook, Theme, codebook_to_qdc, validate_qdc
from chorus.coding.emerging import (
    EmergingCluster,
    KnownTheme,
    class_key_terms,
    find_emerging_issues,
    name_from_terms,
    promote_to_theme,
    trend_of,
)

PARKING = [
    "Parking at the clinic is impossible and I got a parking fine.",
    "The car park charges at the clinic are a disgrace.",
    "No parking spaces near the clinic so I missed my appointment.",
    "Parking fines outside the clinic every week.",
    "The clinic car park is always full, parking is a nightmare.",
    "Parking costs at the clinic car park keep going up.",
]
BINS = [
    "The bins have not been collected and rubbish is everywhere.",
    "Rubbish bins overflowing on our street, rats everywhere.",
    "Bin collection missed again, the rubbish stinks.",
    "Overflowing bins and rubbish bags attract rats.",
    "The council never collects the bins on time, rubbish piles up.",
    "Rats in the rubbish because bins are not emptied.",
]
PHARMACY = [
    "The pharmacy never has my prescription ready.",
    "Prescription delays at the pharmacy every month.",
    "Long queues at the pharmacy for a prescription.",
    "The pharmacy ran out of my prescription medicine again.",
    "Waiting at the pharmacy for my prescription for an hour.",
    "The pharmacy lost my repeat prescription.",
]
ODD_ONES_OUT = [
    "My cat enjoyed the sunshine.",
    "The football match was exciting.",
    "Library opening hours changed.",
]
TEXTS = PARKING + BINS + PHARMACY + ODD_ONES_OUT


def tfidf_svd_vectors(texts: list[str]) -> np.ndarray:
    tfidf = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return TruncatedSVD(n_components=8, random_state=0).fit_transform(tfidf)


def test_three_obvious_groups_are_found_with_sensible_names():
    found = find_emerging_issues(TEXTS, tfidf_svd_vectors(TEXTS), min_cluster_size=4)
    assert [sorted(cluster.members) for cluster in found.clusters] == [
        list(range(0, 6)),
        list(range(6, 12)),
        list(range(12, 18)),
    ]
    assert found.unclustered == [18, 19, 20]
    parking, bins, pharmacy = found.clusters
    assert "park" in parking.name.lower()
    assert {"bins", "rubbish"} & set(bins.name.lower().split())
    assert "pharmacy" in pharmacy.name.lower()
    # Key phrases residents wrote, not comma lists of terms.
    assert all("," not in cluster.name for cluster in found.clusters)
    assert parking.name == "Car park"
    assert [cluster.size for cluster in found.clusters] == [6, 6, 6]
    assert [cluster.number for cluster in found.clusters] == [1, 2, 3]


def test_representative_quotes_come_from_the_cluster_nearest_its_centre_first():
    found = find_emerging_issues(TEXTS, tfidf_svd_vectors(TEXTS), min_cluster_size=4, quotes=2)
    for cluster in found.clusters:
        assert len(cluster.quotes) == 2
        assert set(cluster.representatives) <= set(cluster.members)
        assert cluster.quotes == [TEXTS[index] for index in cluster.representatives]


def test_repeated_texts_are_quoted_once():
    texts = ["Bins not collected again."] * 4 + ["Bins overflowing, not collected."] * 2 + PHARMACY
    found = find_emerging_issues(texts, tfidf_svd_vectors(texts), min_cluster_size=3, quotes=3)
    bins = next(cluster for cluster in found.clusters if 0 in cluster.members)
    assert len(bins.quotes) == len(set(bins.quotes)) == 2


def test_results_are_deterministic():
    vectors = tfidf_svd_vectors(TEXTS)
    first = find_emerging_issues(TEXTS, vectors, min_cluster_size=4)
    second = find_emerging_issues(TEXTS, vectors.copy(), min_cluster_size=4)
    assert first == second


def test_groups_smaller_than_the_minimum_are_unclustered():
    found = find_emerging_issues(TEXTS, tfidf_svd_vectors(TEXTS), min_cluster_size=7)
    assert found.clusters == []
    assert found.unclustered == list(range(len(TEXTS)))


def test_tiny_and_empty_inputs_do_not_fail():
    assert find_emerging_issues([], np.zeros((0, 4))).clusters == []
    single = find_emerging_issues(["Only one comment"], np.ones((1, 4)), min_cluster_size=1)
    assert [cluster.members for cluster in single.clusters] == [[0]]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"vectors": np.zeros((2, 3))}, "one vector per text"),
        ({"dates": [None]}, "one date"),
        ({"min_cluster_size": 0}, "min_cluster_size"),
        ({"distance_threshold": 3.0}, "cosine distance"),
        ({"period": "year"}, "period"),
    ],
)
def test_bad_arguments_are_refused_clearly(kwargs, message):
    arguments = {"texts": TEXTS, "vectors": tfidf_svd_vectors(TEXTS), **kwargs}
    with pytest.raises(ValueError, match=message):
        find_emerging_issues(**arguments)


def test_counts_per_month_cover_the_whole_span_and_give_the_trend():
    # Parking complaints are spread out and then stop; pharmacy ones arrive in the last months.
    parking_dates = [
        date(2024, 1, 5),
        date(2024, 1, 20),
        date(2024, 2, 3),
        date(2024, 2, 9),
        date(2024, 3, 1),
        None,
    ]
    pharmacy_dates = [
        date(2024, 5, 2),
        "2024-06-01",
        datetime(2024, 6, 3, 10, 30),
        date(2024, 6, 9),
        None,
        None,
    ]
    dates = parking_dates + [None] * 6 + pharmacy_dates + [None] * 3
    found = find_emerging_issues(TEXTS, tfidf_svd_vectors(TEXTS), dates, min_cluster_size=4)
    by_first_member = {min(cluster.members): cluster for cluster in found.clusters}
    parking, bins, pharmacy = by_first_member[0], by_first_member[6], by_first_member[12]
    months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert [period for period, _ in parking.periods] == months
    assert [count for _, count in parking.periods] == [2, 2, 1, 0, 0, 0]
    assert [count for _, count in pharmacy.periods] == [0, 0, 0, 0, 1, 3]
    assert [count for _, count in bins.periods] == [0] * 6
    assert (parking.trend, pharmacy.trend, bins.trend) == ("falling", "rising", "stable")


def test_weekly_periods_use_iso_weeks():
    texts = PHARMACY
    dates = [
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 1, 6),
        date(2025, 1, 7),
        date(2025, 1, 8),
        None,
    ]
    found = find_emerging_issues(
        texts, tfidf_svd_vectors(texts + PARKING)[:6], dates, min_cluster_size=3, period="week", center=False
    )
    [cluster] = found.clusters
    assert cluster.periods == [("2025-W01", 2), ("2025-W02", 3)]


def test_without_dates_the_trend_is_unknown():
    found = find_emerging_issues(TEXTS, tfidf_svd_vectors(TEXTS), min_cluster_size=4)
    assert all(cluster.trend == "unknown" and cluster.periods == [] for cluster in found.clusters)


@pytest.mark.parametrize(
    "counts, trend",
    [
        ([0, 0, 0, 1, 3, 5], "rising"),  # 9 recent vs 0 earlier
        ([5, 4, 6, 1, 0, 1], "falling"),
        ([3, 4, 3, 4, 3, 4], "stable"),
        ([0, 0, 0, 0, 1, 1], "stable"),  # doubled, but only by 2: too few to call
        ([1, 4], "rising"),  # short span: halves of one period each
        ([2, 2, 2, 2, 2, 2, 2, 0, 0, 0], "falling"),  # only the last two windows count
        ([7], "unknown"),
        ([], "unknown"),
    ],
)
def test_trend_rule(counts, trend):
    assert trend_of(counts) == trend


def test_key_terms_favour_words_frequent_in_the_cluster_and_rare_elsewhere():
    groups = [list(range(0, 6)), list(range(6, 12))]
    parking_terms, bins_terms = class_key_terms(TEXTS, groups, rest=list(range(12, 21)))
    assert parking_terms[0] in {"parking", "clinic"}
    assert "the" not in parking_terms and "pharmacy" not in parking_terms
    assert bins_terms[0] in {"rubbish", "bins"}


def test_names_skip_terms_that_repeat_a_chosen_word():
    assert name_from_terms(["bin", "bins collected", "rats", "rubbish", "street"]) == "Bin, rats, rubbish"
    assert name_from_terms([]) == "Unnamed issue"


def test_promoting_a_cluster_adds_a_theme_with_examples_to_the_codebook():
    found = find_emerging_issues(TEXTS, tfidf_svd_vectors(TEXTS), min_cluster_size=4)
    parking = found.clusters[0]
    book = Codebook(name="local", themes=[Theme("transport", "Transport and getting about")])
    theme = promote_to_theme(parking, book, parent_id="transport")
    assert theme in book.themes
    assert theme.parent_id == "transport"
    assert theme.id.startswith("transport/") and "park" in theme.id
    assert theme.name == parking.name
    assert theme.examples == parking.quotes[:3]
    assert parking.key_terms[0] in theme.description and "6 contributions" in theme.description
    again = promote_to_theme(parking, book, parent_id="transport")
    assert again.id == theme.id + "-2"
    assert validate_qdc(codebook_to_qdc(book)) == []


def test_promoted_examples_are_short_single_line_quotes():
    long_quote = "The parking | the fines\n and the " + "very " * 60 + "long wait."
    cluster = EmergingCluster(
        number=1,
        name="Parking, fines",
        key_terms=["parking"],
        members=[0, 1],
        representatives=[0],
        quotes=[long_quote],
    )
    theme = promote_to_theme(cluster, name="Parking fines", theme_id="parking-fines")
    [example] = theme.examples
    assert "\n" not in example and " | " not in example
    assert len(example) <= 160 and example.endswith("…")
    assert theme.id == "parking-fines" and theme.name == "Parking fines"


# ---------------------------------------------------------------- which groups are emerging issues


def _known(name: str, rows: list[int], vectors: np.ndarray) -> KnownTheme:
    return KnownTheme(name, vectors[rows].mean(axis=0, keepdims=True))


def test_a_group_close_to_an_existing_theme_is_set_aside_as_that_theme():
    vectors = tfidf_svd_vectors(TEXTS)
    parking_theme = _known("Getting to appointments", list(range(0, 6)), vectors)
    found = find_emerging_issues(
        TEXTS, vectors, min_cluster_size=4, themes=[parking_theme], max_theme_similarity=0.8
    )
    assert [sorted(cluster.members) for cluster in found.clusters] == [
        list(range(6, 12)),
        list(range(12, 18)),
    ]
    [(aside, reason)] = found.set_aside
    assert reason == "like a theme" and aside.nearest_theme == "Getting to appointments"
    assert sorted(aside.members) == list(range(0, 6)) and aside.theme_similarity >= 0.8
    assert all(cluster.theme_similarity < 0.8 for cluster in found.clusters)
    assert [cluster.number for cluster in found.clusters] == [1, 2]


def test_a_group_whose_key_terms_spell_out_a_theme_name_is_that_theme():
    vectors = tfidf_svd_vectors(TEXTS)
    far_away = KnownTheme("Rubbish bins", -vectors[12:18].mean(axis=0, keepdims=True))
    found = find_emerging_issues(TEXTS, vectors, min_cluster_size=4, themes=[far_away])
    assert [(sorted(c.members), reason) for c, reason in found.set_aside] == [
        (list(range(6, 12)), "like a theme")
    ]
    assert found.set_aside[0][0].nearest_theme == "Rubbish bins"


def test_loose_groups_are_set_aside_and_cohesion_is_reported():
    vectors = tfidf_svd_vectors(TEXTS)
    everything = find_emerging_issues(TEXTS, vectors, min_cluster_size=4)
    assert all(0 < cluster.cohesion <= 1 for cluster in everything.clusters)
    strict = max(cluster.cohesion for cluster in everything.clusters)
    found = find_emerging_issues(TEXTS, vectors, min_cluster_size=4, min_cohesion=strict)
    assert [cluster.cohesion for cluster in found.clusters] == [strict]
    assert {reason for _, reason in found.set_aside} == {"loose"}


def test_falling_groups_are_dropped_rising_ones_come_first_and_the_list_is_cut():
    # Parking stops three months before the end (falling), bins are steady, pharmacy arrives late (rising).
    months = [date(2024, month, 10) for month in range(1, 13)]
    dates = (
        [months[6], months[6], months[7], months[7], months[8], months[8]]
        + [months[1], months[3], months[5], months[7], months[9], months[11]]
        + [months[10], months[10], months[11], months[11], months[11], months[11]]
        + [months[5]] * 3
    )
    vectors = tfidf_svd_vectors(TEXTS)
    found = find_emerging_issues(TEXTS, vectors, dates, min_cluster_size=4, drop_falling=True)
    assert [cluster.trend for cluster in found.clusters] == ["rising", "stable"]
    assert "pharmacy" in found.clusters[0].name.lower()
    assert [(aside.trend, reason) for aside, reason in found.set_aside] == [("falling", "falling")]
    cut = find_emerging_issues(TEXTS, vectors, dates, min_cluster_size=4, drop_falling=True, max_clusters=1)
    assert [cluster.trend for cluster in cut.clusters] == ["rising"]
    assert [reason for _, reason in cut.set_aside] == ["falling", "beyond the limit"]


def test_theme_vectors_must_match_the_texts():
    with pytest.raises(ValueError, match="theme needs vectors"):
        find_emerging_issues(TEXTS, tfidf_svd_vectors(TEXTS), themes=[KnownTheme("X", np.ones((1, 3)))])
