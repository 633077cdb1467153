"""Emerging issues: group contributions that fit no theme, name each group, and show whether it is growing.

    vectors = embed(texts)                       # chorus.coding.embeddings, rows of unit length
    found = find_emerging_issues(texts, vectors, dates, min_cluster_size=5)
    for cluster in found.clusters:
        print(cluster.name, cluster.size, cluster.trend, cluster.quotes)
    theme = promote_to_theme(found.clusters[0], codebook, parent_id=None)

Vectors are centred first (the mean vector of the input is subtracted): sentence embeddings, static ones
especially, share a large common direction that makes every pair of texts look alike; without it the
clusters on real comments were markedly worse. Clustering is then agglomerative with average linkage on
cosine distance, cut at a distance threshold (scikit-learn's AgglomerativeClustering). Chosen over HDBSCAN
because it is deterministic without a seed, has one knob an analyst can reason about ("texts in a group are
on average at most this far apart"), uses cosine directly, needs no guess of the number of clusters, and
behaves sensibly on the small samples a listening event produces (tens of comments), where density estimates
are unstable. Groups smaller than `min_cluster_size` are reported as unclustered. Cost is quadratic in the
number of texts (a distance matrix): fine for the thousands of unthemed contributions a programme has, not
for millions.

Key terms come from class-based TF-IDF (as in BERTopic): all texts of a cluster form one document, the
unclustered texts form one more; a term scores high when it is frequent in the cluster and rare across
the other groups. The name is a key phrase residents wrote (chorus.coding.discovery.phrase_names: "Pharmacy
in town", "Rubbish and bins"), or, when no word is said often enough, the top three terms
(name_from_terms).

Not every group is an emerging issue. Three checks, each off unless asked for, keep the list short enough to
act on (the app turns them on):
- cohesion (`min_cohesion`): the mean cosine similarity of members to their centroid, after centring. Loose
  groups held together by a shared turn of phrase ("where I live in ...") rather than a topic score low.
- distinctness (`themes`): a group whose centroid is close to an existing theme (`max_theme_similarity`,
  cosine after the same centring) is that theme, missed by the coder, not a new issue. A theme is known by
  one or more vectors: the centroid of the contributions already coded with it, and the embedding of its
  name, description and examples. A group whose top key terms spell out a theme's name ("damp" and "mould"
  for *Damp and mould*) is that theme too. Such groups are set aside with the theme named.
- growth (`drop_falling`): a group whose trend is falling is not emerging.
What is left is ranked rising first, then largest first, and cut to `max_clusters`.

Trend rule (counts per month or ISO week over the whole span of the dated input, empty periods counted as 0):
compare the last `TREND_WINDOW` periods with the `TREND_WINDOW` before them (or halves of the span when it
is shorter than two windows). "rising" when the recent count is more than `TREND_RATIO` times the earlier
one and at least `TREND_MIN_CHANGE` higher; "falling" the other way round; otherwise "stable";
"unknown" with fewer than two periods or no dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.metrics.pairwise import cosine_distances

from chorus.coding.codebook import EXAMPLE_SEPARATOR, Codebook, Theme, slugify

# Average cosine distance allowed inside a cluster, after centring (unrelated texts are about 1.0 apart).
# Chosen on FFT comments with one known theme each and the shipped static embeddings; bench/coding_emerging.py
# measures it (adjusted Rand index 0.21 over 17 themes, against 0.04 at best without centring). Larger
# thresholds merge everything into a few broad clusters.
DEFAULT_DISTANCE_THRESHOLD = 0.9
TREND_WINDOW = 3
TREND_RATIO = 1.5
TREND_MIN_CHANGE = 3
QUOTE_MAX_CHARS = 160
# A group whose top this-many key terms hold every word of a theme's name is that theme.
NAME_MATCH_TERMS = 6

Period = Literal["month", "week"]
Trend = Literal["rising", "falling", "stable", "unknown"]

# Conversation filler that says nothing about the topic, on top of scikit-learn's English stop words.
# Apostrophes are removed before matching, so "don't" is "dont".
FILLER_WORDS = frozenset(
    """
    im ive id youre youve theyre theyve weve dont didnt doesnt cant couldnt wont wouldnt isnt arent wasnt
    werent havent hasnt hadnt shouldnt thats theres whats lets just really like get got getting gets know
    think thought going gone want wanted say said says people way make made need needs needed feel felt
    yes ok okay oh lot lots thing things stuff bit actually maybe use used good bad better nice time times
    """.split()
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | FILLER_WORDS)
_STOP_WORD_SET = frozenset(STOP_WORDS)


@dataclass
class EmergingCluster:
    number: int  # 1 = the largest cluster
    name: str
    key_terms: list[str]
    members: list[int]  # indices into the input texts
    representatives: list[int]  # indices of the texts nearest the centroid, nearest first
    quotes: list[str]  # texts of the representatives
    periods: list[tuple[str, int]] = field(default_factory=list)  # ("2024-03", count), oldest first
    trend: Trend = "unknown"
    cohesion: float = 0.0  # mean cosine of members to the centroid, after centring
    nearest_theme: str | None = None  # the most similar existing theme, when themes were given
    theme_similarity: float = 0.0  # cosine of the centroid to that theme, after centring

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class KnownTheme:
    """An existing theme as the distinctness check sees it: a name and one or more (raw) vectors."""

    name: str
    vectors: np.ndarray  # shape (m, dim): e.g. the centroid of its coded contributions, its description


SetAsideReason = Literal["like a theme", "loose", "falling", "beyond the limit"]


@dataclass
class EmergingIssues:
    clusters: list[EmergingCluster]  # the emerging issues, best first
    unclustered: list[int]
    # Groups found but not reported as emerging issues, with why (nearest_theme says which theme).
    set_aside: list[tuple[EmergingCluster, SetAsideReason]] = field(default_factory=list)


def find_emerging_issues(
    texts: Sequence[str],
    vectors: np.ndarray,
    dates: Sequence[date | datetime | str | None] | None = None,
    *,
    min_cluster_size: int = 5,
    distance_threshold: float = DEFAULT_DISTANCE_THRESHOLD,
    period: Period = "month",
    quotes: int = 3,
    name_terms: int = 3,
    center: bool = True,
    min_cohesion: float = 0.0,
    themes: Sequence[KnownTheme] = (),
    max_theme_similarity: float = 1.0,
    drop_falling: bool = False,
    max_clusters: int | None = None,
) -> EmergingIssues:
    """Cluster unthemed contributions, describe each cluster and keep the ones that are emerging issues
    (see the module docstring)."""
    texts = ["" if text is None else str(text) for text in texts]
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise ValueError(f"need one vector per text: {len(texts)} texts, vectors of shape {vectors.shape}")
    if dates is not None and len(dates) != len(texts):
        raise ValueError(f"need one date (or None) per text: {len(texts)} texts, {len(dates)} dates")
    if min_cluster_size < 1:
        raise ValueError("min_cluster_size must be at least 1")
    if not 0 < distance_threshold <= 2:
        raise ValueError("distance_threshold is a cosine distance: between 0 and 2")
    if period not in ("month", "week"):
        raise ValueError(f"period must be 'month' or 'week', not {period!r}")
    if max_clusters is not None and max_clusters < 0:
        raise ValueError("max_clusters must be 0 or more")
    if any(
        np.asarray(theme.vectors).ndim != 2 or np.asarray(theme.vectors).shape[1] != vectors.shape[1]
        for theme in themes
    ):
        raise ValueError(f"each theme needs vectors of shape (m, {vectors.shape[1]})")

    mean = vectors.mean(axis=0) if center and len(vectors) else np.zeros(vectors.shape[1])
    vectors = vectors - mean
    labels = cluster_labels(vectors, distance_threshold)
    groups = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    groups = [group for group in groups if len(group) >= min_cluster_size]
    groups.sort(key=lambda group: (-len(group), group[0]))
    clustered = set().union(*(set(group.tolist()) for group in groups)) if groups else set()
    unclustered = [index for index in range(len(texts)) if index not in clustered]

    terms = class_key_terms(texts, [group.tolist() for group in groups], unclustered)
    parsed_dates = [_as_date(value) for value in dates] if dates is not None else None
    all_periods = _period_range(parsed_dates, period) if parsed_dates else []

    from chorus.coding.discovery import UNNAMED, phrase_names  # discovery builds on this module

    names = phrase_names(texts, [group.tolist() for group in groups])
    clusters = []
    for number, (group, group_terms, phrase) in enumerate(zip(groups, terms, names, strict=True), start=1):
        representatives = nearest_to_centroid(vectors, group, texts, quotes)
        periods: list[tuple[str, int]] = []
        if parsed_dates and all_periods:
            counts = dict.fromkeys(all_periods, 0)
            for index in group:
                if parsed_dates[index] is not None:
                    counts[_period_key(parsed_dates[index], period)] += 1
            periods = list(counts.items())
        clusters.append(
            EmergingCluster(
                number=number,
                name=phrase if phrase != UNNAMED else name_from_terms(group_terms, name_terms),
                key_terms=group_terms,
                members=group.tolist(),
                representatives=representatives,
                quotes=[texts[index] for index in representatives],
                periods=periods,
                trend=trend_of([count for _, count in periods]),
                cohesion=cohesion(vectors, group),
            )
        )
    theme_names, theme_vectors = _unit_theme_vectors(themes, mean)
    kept: list[EmergingCluster] = []
    set_aside: list[tuple[EmergingCluster, SetAsideReason]] = []
    for cluster in clusters:
        if theme_names:
            similarity = theme_vectors @ _unit(vectors[cluster.members].mean(axis=0))
            nearest = int(similarity.argmax())
            cluster.nearest_theme, cluster.theme_similarity = theme_names[nearest], float(similarity[nearest])
        named = _theme_named_by(cluster.key_terms, themes) if theme_names else None
        if named is not None:
            cluster.nearest_theme = named
            set_aside.append((cluster, "like a theme"))
        elif cluster.theme_similarity >= max_theme_similarity and theme_names:
            set_aside.append((cluster, "like a theme"))
        elif cluster.cohesion < min_cohesion:
            set_aside.append((cluster, "loose"))
        elif drop_falling and cluster.trend == "falling":
            set_aside.append((cluster, "falling"))
        else:
            kept.append(cluster)
    kept.sort(key=lambda cluster: (cluster.trend != "rising", -cluster.size, cluster.number))
    if max_clusters is not None:
        set_aside += [(cluster, "beyond the limit") for cluster in kept[max_clusters:]]
        kept = kept[:max_clusters]
    for number, cluster in enumerate(kept, start=1):
        cluster.number = number
    return EmergingIssues(clusters=kept, unclustered=unclustered, set_aside=set_aside)


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[^\W\d_]{3,}", re.sub(r"['’]", "", text.lower()))
    return {word.removesuffix("s") for word in words if word not in _STOP_WORD_SET}


def _theme_named_by(key_terms: Sequence[str], themes: Sequence[KnownTheme]) -> str | None:
    """The theme whose name's words all appear in the group's top key terms, if any."""
    words = set().union(*(_content_words(term) for term in key_terms[:NAME_MATCH_TERMS]))
    for theme in themes:
        name_words = _content_words(theme.name)
        if name_words and name_words <= words:
            return theme.name
    return None


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def _unit_theme_vectors(themes: Sequence[KnownTheme], mean: np.ndarray) -> tuple[list[str], np.ndarray]:
    """One row per theme vector, centred like the texts and of unit length; the theme name per row."""
    names: list[str] = []
    rows: list[np.ndarray] = []
    for theme in themes:
        for vector in np.asarray(theme.vectors, dtype=np.float64):
            names.append(theme.name)
            rows.append(_unit(vector - mean))
    return names, (np.vstack(rows) if rows else np.zeros((0, len(mean))))


def cohesion(vectors: np.ndarray, members: Sequence[int]) -> float:
    """Mean cosine similarity of the members to their centroid: 1 = all alike."""
    unit = vectors[np.asarray(members)]
    norms = np.linalg.norm(unit, axis=1, keepdims=True)
    unit = np.divide(unit, norms, out=np.zeros_like(unit), where=norms > 0)
    return float(np.mean(unit @ _unit(unit.mean(axis=0))))


def cluster_labels(vectors: np.ndarray, distance_threshold: float) -> np.ndarray:
    """Average-linkage agglomerative clusters on cosine distance; one label per row."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    distances = np.clip(cosine_distances(vectors), 0.0, 2.0)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance_threshold, metric="precomputed", linkage="average"
    )
    return model.fit_predict(distances)


def class_key_terms(
    texts: Sequence[str], groups: Sequence[Sequence[int]], rest: Sequence[int], top: int = 10
) -> list[list[str]]:
    """Top terms of each group by class-based TF-IDF, the `rest` texts forming one more class."""
    if not groups:
        return []
    vectorizer = CountVectorizer(
        preprocessor=lambda text: re.sub(r"['’]", "", text.lower()),
        stop_words=STOP_WORDS,
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
        ngram_range=(1, 2),
    )
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [[] for _ in groups]
    vocabulary = vectorizer.get_feature_names_out()
    classes = [list(group) for group in groups] + ([list(rest)] if rest else [])
    class_counts = np.vstack([np.asarray(counts[members].sum(axis=0)).ravel() for members in classes])
    totals = class_counts.sum(axis=1, keepdims=True)
    term_frequency = np.divide(class_counts, totals, out=np.zeros_like(class_counts, float), where=totals > 0)
    average_class_size = class_counts.sum() / len(classes)
    term_totals = class_counts.sum(axis=0)
    inverse_frequency = np.log1p(average_class_size / np.maximum(term_totals, 1))
    weights = term_frequency * inverse_frequency
    result = []
    for row in range(len(groups)):
        order = np.argsort(-weights[row], kind="stable")
        result.append([str(vocabulary[i]) for i in order[:top] if weights[row, i] > 0])
    return result


def name_from_terms(terms: Sequence[str], count: int = 3) -> str:
    """E.g. "Bin collection, rubbish, fly tipping": top terms, skipping words a chosen term already has."""
    chosen: list[str] = []
    chosen_words: set[str] = set()
    for term in terms:
        words = {word.removesuffix("s") for word in term.split()}  # "bin" and "bins" are one word here
        if words & chosen_words:
            continue
        chosen.append(term)
        chosen_words |= words
        if len(chosen) == count:
            break
    if not chosen:
        return "Unnamed issue"
    name = ", ".join(chosen)
    return name[0].upper() + name[1:]


def nearest_to_centroid(
    vectors: np.ndarray, members: Sequence[int], texts: Sequence[str], count: int
) -> list[int]:
    """Indices of up to `count` members nearest (cosine) the cluster's centroid, skipping repeated texts."""
    members = np.asarray(members)
    norms = np.linalg.norm(vectors[members], axis=1, keepdims=True)
    unit = np.divide(vectors[members], norms, out=np.zeros_like(vectors[members]), where=norms > 0)
    centroid = unit.mean(axis=0)
    similarity = unit @ centroid
    chosen: list[int] = []
    seen: set[str] = set()
    for position in np.argsort(-similarity, kind="stable"):
        index = int(members[position])
        key = " ".join(texts[index].lower().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append(index)
        if len(chosen) == count:
            break
    return chosen


def trend_of(counts: Sequence[int]) -> Trend:
    """Rising, falling or stable, by the rule in the module docstring."""
    if len(counts) < 2:
        return "unknown"
    window = min(TREND_WINDOW, len(counts) // 2)
    recent = sum(counts[-window:])
    earlier = sum(counts[-2 * window : -window])
    if recent > TREND_RATIO * earlier and recent - earlier >= TREND_MIN_CHANGE:
        return "rising"
    if earlier > TREND_RATIO * recent and earlier - recent >= TREND_MIN_CHANGE:
        return "falling"
    return "stable"


def promote_to_theme(
    cluster: EmergingCluster,
    codebook: Codebook | None = None,
    *,
    parent_id: str | None = None,
    theme_id: str | None = None,
    name: str | None = None,
    examples: int = 3,
) -> Theme:
    """A new theme from a cluster: its name, a description from its key terms, its quotes as examples.

    With a codebook, the theme is added to it (with an id made unique there) and returned.
    """
    theme_name = name or cluster.name
    if theme_id is None:
        slug = slugify(theme_name)
        theme_id = f"{parent_id}/{slug}" if parent_id else slug
        if codebook is not None:
            base, suffix = theme_id, 2
            while theme_id in codebook:
                theme_id, suffix = f"{base}-{suffix}", suffix + 1
    about = _join_words(cluster.key_terms[:5]) if cluster.key_terms else "a topic no theme covered"
    description = f"Contributions about {about} (emerging issue found in {cluster.size} contributions)."
    theme = Theme(
        id=theme_id,
        name=theme_name,
        description=description,
        examples=[_short_quote(quote) for quote in cluster.quotes[:examples] if quote.strip()],
        parent_id=parent_id,
    )
    if codebook is not None:
        codebook.add(theme)
    return theme


def _join_words(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _short_quote(text: str) -> str:
    text = " ".join(text.split()).replace(EXAMPLE_SEPARATOR.strip(), "/")
    if len(text) <= QUOTE_MAX_CHARS:
        return text
    cut = text[: QUOTE_MAX_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).strip()).date()
    except ValueError as error:
        raise ValueError(f"not an ISO date: {value!r}") from error


def _period_key(day: date, period: Period) -> str:
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def _period_range(days: Sequence[date | None], period: Period) -> list[str]:
    known = [day for day in days if day is not None]
    if not known:
        return []
    first, last = min(known), max(known)
    keys: list[str] = []
    if period == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            keys.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            keys.append(_period_key(monday, "week"))
            monday += timedelta(days=7)
    return keys
