"""Themes from the data: propose a codebook for a new programme or question from its contributions alone.

    vectors = embed(texts)                                  # chorus.coding.embeddings, unit rows
    found = discover_themes(texts, vectors, dates, quotable=consented, seed=7)
    for theme in found.themes:
        print(theme.name, theme.description, theme.size, theme.trend, theme.stability, theme.quotes)
    print(f"{found.unassigned_share:.0%} of contributions fit no group")

The grouping is chorus.coding.emerging's (centred vectors, average-linkage agglomerative clustering on cosine
distance, cut at a distance threshold); what discovery adds turns groups into a codebook an analyst can use:

- near-duplicates merged: groups whose centroids (after centring) are at least `merge_similarity` alike, or
  whose names come out the same, become one group;
- minimum support: a group smaller than `min_support` (a share of the contributions, at least
  `min_size`) is dropped and its contributions counted as unassigned;
- names are key phrases, not comma lists: the candidate names are word spans that occur verbatim in the
  group's contributions ("closed pharmacies in town"), a span may hold stop words inside but not at its ends;
  each is scored by how much of the group says it (support) times how much of its use is in this group
  (specificity), with a bonus per content word. The name is the best phrase of two or more content words
  that holds one of the group's top three words and is said by PHRASE_MIN_SUPPORT of it; failing that, the
  top word, joined by "and" to the next when that is nearly as telling ("Rubbish and bins"). On FFT comments
  every such name is a phrase residents wrote, against 1 in 15 comma-list names (bench/README.md,
  coding_discovery);
- a one-line description: what the group is about and what else its contributions mention;
- three representative quotes, verbatim: the whole words of the contributions nearest the group's centre,
  chosen only among those `quotable` (a resident's consent to be quoted), shorter ones first;
- size and trend per month (chorus.coding.emerging.trend_of);
- stability: the grouping is rerun on `bootstraps` seeded subsamples (`sample_share` of the contributions);
  a theme's stability is the mean, over the reruns, of the best Jaccard overlap between its members (those
  in the subsample) and a group of the rerun. 1 = found again whole every time; below ~0.5 = fragile.
  The clustering itself is deterministic and the subsamples come from `numpy.random.default_rng(seed)`, so
  the same input and seed give the same themes and scores every time.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from chorus.coding.emerging import (
    DEFAULT_DISTANCE_THRESHOLD,
    FILLER_WORDS,
    STOP_WORDS,
    Period,
    Trend,
    _as_date,
    _period_key,
    _period_range,
    _unit,
    class_key_terms,
    cluster_labels,
    cohesion,
    trend_of,
)

DEFAULT_MIN_SUPPORT = 0.02  # a theme holds at least 2% of the contributions ...
DEFAULT_MIN_SIZE = 5  # ... and never fewer than this many
DEFAULT_MERGE_SIMILARITY = 0.8  # centroid cosine (after centring) at which two groups are one theme
DEFAULT_BOOTSTRAPS = 5
DEFAULT_SAMPLE_SHARE = 0.8
QUOTE_PREFERRED_CHARS = 300  # quotes are whole contributions; shorter ones read better on a card
MAX_PHRASE_WORDS = 5
# A word must be said by at least this share of a group's contributions (and by two of them) to name it; a
# phrase of two or more content words by at least PHRASE_MIN_SUPPORT of them, and hold one of the top words.
WORD_MIN_SUPPORT = 0.1
PHRASE_MIN_SUPPORT = 0.04
# Every content word of a phrase name is among the group's this-many most telling words: a phrase repeated
# by a few ("round the corner") does not name a group about something else.
PHRASE_WORDS_FROM_TOP = 12
# Each content word beyond the first multiplies a phrase's score by 1 + this.
PHRASE_WORD_BONUS = 0.35

UNNAMED = "Unnamed group"
# Words that read badly at either end of a name ("Chemist round", "Came from the chemist"), beyond the stop
# words: prepositions and adverbs scikit-learn's list lacks, everyday verbs of telling, and units of time.
EDGE_WORDS = frozenset(
    """
    round ago away till near onto came come comes went go goes told tell asked ask took take gave give let
    put day days week weeks month months year years
    """.split()
)
_STOP = frozenset(STOP_WORDS)
_FILLER = frozenset(FILLER_WORDS)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")


@dataclass
class DiscoveredTheme:
    number: int  # 1 = the largest
    name: str
    description: str
    key_terms: list[str]
    members: list[int]  # indices into the input texts
    quotes: list[int]  # indices of up to three quotable members nearest the centre, nearest first
    periods: list[tuple[str, int]] = field(default_factory=list)  # ("2026-03", count), oldest first
    trend: Trend = "unknown"
    stability: float = 1.0
    cohesion: float = 0.0
    merged_from: int = 1  # how many groups of the clustering became this theme

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Discovery:
    themes: list[DiscoveredTheme]
    unassigned: list[int]
    total: int
    merged: int = 0  # groups folded into another as near-duplicates
    dropped: int = 0  # groups below the minimum support
    seed: int = 0

    @property
    def unassigned_share(self) -> float:
        return len(self.unassigned) / self.total if self.total else 0.0


def discover_themes(
    texts: Sequence[str],
    vectors: np.ndarray,
    dates: Sequence[date | datetime | str | None] | None = None,
    *,
    quotable: Sequence[bool] | None = None,
    seed: int = 0,
    min_support: float = DEFAULT_MIN_SUPPORT,
    min_size: int = DEFAULT_MIN_SIZE,
    distance_threshold: float = DEFAULT_DISTANCE_THRESHOLD,
    merge_similarity: float = DEFAULT_MERGE_SIMILARITY,
    bootstraps: int = DEFAULT_BOOTSTRAPS,
    sample_share: float = DEFAULT_SAMPLE_SHARE,
    quotes: int = 3,
    period: Period = "month",
    max_themes: int | None = None,
) -> Discovery:
    """Group the texts into proposed themes (see the module docstring)."""
    texts = ["" if text is None else str(text) for text in texts]
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise ValueError(f"need one vector per text: {len(texts)} texts, vectors of shape {vectors.shape}")
    if dates is not None and len(dates) != len(texts):
        raise ValueError(f"need one date (or None) per text: {len(texts)} texts, {len(dates)} dates")
    if quotable is not None and len(quotable) != len(texts):
        raise ValueError(f"need one quotable flag per text: {len(texts)} texts, {len(quotable)} flags")
    if not 0 <= min_support < 1:
        raise ValueError("min_support is a share of the contributions: at least 0 and below 1")
    if min_size < 1:
        raise ValueError("min_size must be at least 1")
    if not 0 < sample_share <= 1:
        raise ValueError("sample_share must be above 0 and at most 1")
    total = len(texts)
    if total == 0:
        return Discovery(themes=[], unassigned=[], total=0, seed=seed)

    centred = vectors - vectors.mean(axis=0)
    smallest = max(min_size, math.ceil(min_support * total))
    groups = _groups(cluster_labels(centred, distance_threshold))
    groups, merged = _merge_similar(centred, groups, merge_similarity)
    names = _names(texts, groups)
    groups, names, merged_by_name = _merge_same_names(groups, names)
    merged += merged_by_name
    kept = [
        (group, name) for group, name in zip(groups, names, strict=True) if len(group.members) >= smallest
    ]
    dropped = len(groups) - len(kept)
    kept.sort(key=lambda pair: (-len(pair[0].members), pair[0].members[0]))
    if max_themes is not None:
        dropped += max(0, len(kept) - max_themes)
        kept = kept[:max_themes]
    assigned = {index for group, _ in kept for index in group.members}
    unassigned = [index for index in range(total) if index not in assigned]

    member_lists = [group.members for group, _ in kept]
    terms = class_key_terms(texts, member_lists, unassigned)
    stability = _stability(
        centred, member_lists, distance_threshold, merge_similarity, bootstraps, sample_share, seed
    )
    parsed = [_as_date(value) for value in dates] if dates is not None else None
    all_periods = _period_range(parsed, period) if parsed else []
    can_quote = [True] * total if quotable is None else [bool(flag) for flag in quotable]

    themes = []
    for number, ((group, name), key_terms, score) in enumerate(
        zip(kept, terms, stability, strict=True), start=1
    ):
        periods: list[tuple[str, int]] = []
        if parsed and all_periods:
            counts = dict.fromkeys(all_periods, 0)
            for index in group.members:
                if parsed[index] is not None:
                    counts[_period_key(parsed[index], period)] += 1
            periods = list(counts.items())
        themes.append(
            DiscoveredTheme(
                number=number,
                name=name,
                description=describe(name, key_terms),
                key_terms=key_terms,
                members=list(group.members),
                quotes=representative_quotes(centred, group.members, texts, can_quote, quotes),
                periods=periods,
                trend=trend_of([count for _, count in periods]),
                stability=round(score, 3),
                cohesion=round(cohesion(centred, group.members), 3),
                merged_from=group.parts,
            )
        )
    return Discovery(
        themes=themes, unassigned=unassigned, total=total, merged=merged, dropped=dropped, seed=seed
    )


@dataclass
class _Group:
    members: list[int]
    parts: int = 1


def _groups(labels: np.ndarray) -> list[_Group]:
    by_label: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels.tolist()):
        by_label[label].append(index)
    return sorted((_Group(members) for members in by_label.values()), key=lambda g: g.members[0])


def _centroid(vectors: np.ndarray, members: Sequence[int]) -> np.ndarray:
    rows = vectors[np.asarray(members)]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    rows = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    return _unit(rows.mean(axis=0))


def _merge_similar(
    vectors: np.ndarray, groups: list[_Group], merge_similarity: float
) -> tuple[list[_Group], int]:
    """Fold together the most alike pair of groups while their centroids are at least `merge_similarity`
    alike. Singletons take no part: a lone text is not a theme, and its vector says little about one."""
    merged = 0
    candidates = [group for group in groups if len(group.members) > 1]
    rest = [group for group in groups if len(group.members) <= 1]
    while len(candidates) > 1:
        centroids = np.vstack([_centroid(vectors, group.members) for group in candidates])
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -np.inf)
        first, second = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if similarity[first, second] < merge_similarity:
            break
        keep, fold = sorted((int(first), int(second)))
        candidates[keep] = _Group(
            sorted(candidates[keep].members + candidates[fold].members),
            candidates[keep].parts + candidates[fold].parts,
        )
        del candidates[fold]
        merged += 1
    return sorted(candidates + rest, key=lambda g: g.members[0]), merged


def _merge_same_names(groups: list[_Group], names: list[str]) -> tuple[list[_Group], list[str], int]:
    """Groups of two or more texts that came out with the same name are one theme."""
    by_name: dict[str, int] = {}
    result_groups: list[_Group] = []
    result_names: list[str] = []
    merged = 0
    for group, name in zip(groups, names, strict=True):
        key = name.lower()
        if name == UNNAMED:  # nothing said in common: no reason to think two such groups are one
            result_groups.append(group)
            result_names.append(name)
            continue
        if len(group.members) > 1 and key in by_name:
            target = by_name[key]
            result_groups[target] = _Group(
                sorted(result_groups[target].members + group.members),
                result_groups[target].parts + group.parts,
            )
            merged += 1
            continue
        if len(group.members) > 1:
            by_name[key] = len(result_groups)
        result_groups.append(group)
        result_names.append(name)
    return result_groups, result_names, merged


# ---------------------------------------------------------------------------------------------- names


def _tokens(text: str) -> list[tuple[str, str]]:
    """(normalised, as written) for each word of the text."""
    return [(re.sub(r"['’]", "", match.group(0).lower()), match.group(0)) for match in _WORD.finditer(text)]


def _is_content(word: str) -> bool:
    return word not in _STOP and len(word) > 1


def _spans(tokens: list[tuple[str, str]]) -> dict[tuple[str, ...], str]:
    """The candidate phrases of one text: spans of up to MAX_PHRASE_WORDS words that start and end with a
    content word (not an EDGE_WORDS one) and have no filler inside, keyed by their normalised words, with
    their written form."""
    found: dict[tuple[str, ...], str] = {}
    words = [word for word, _ in tokens]
    for start, word in enumerate(words):
        if not _is_content(word) or word in EDGE_WORDS:
            continue
        for end in range(start, min(start + MAX_PHRASE_WORDS, len(words))):
            if words[end] in _FILLER:
                break
            if _is_content(words[end]) and words[end] not in EDGE_WORDS:
                key = tuple(words[start : end + 1])
                found.setdefault(key, " ".join(written for _, written in tokens[start : end + 1]))
    return found


def _names(texts: Sequence[str], groups: Sequence[_Group]) -> list[str]:
    return phrase_names(texts, [group.members for group in groups])


def phrase_names(texts: Sequence[str], groups: Sequence[Sequence[int]]) -> list[str]:
    """A key-phrase name for each group of text indices (the module docstring says how); "Unnamed group"
    when no word is said often enough in it."""
    spans_of = [_spans(_tokens(text)) for text in texts]
    everywhere: Counter[tuple[str, ...]] = Counter()
    for spans in spans_of:
        everywhere.update(spans.keys())
    return [_group_name(_distinct([spans_of[index] for index in group]), everywhere) for group in groups]


def _distinct(member_spans: list[dict[tuple[str, ...], str]]) -> list[dict[tuple[str, ...], str]]:
    """Each text once: the same words sent twice (a copied comment, a resent form) are one voice here."""
    seen: set[frozenset] = set()
    kept = []
    for spans in member_spans:
        key = frozenset(spans)
        if key not in seen:
            seen.add(key)
            kept.append(spans)
    return kept


def _group_name(member_spans: list[dict[tuple[str, ...], str]], everywhere: Counter) -> str:
    size = len(member_spans)
    inside: Counter[tuple[str, ...]] = Counter()
    written: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for spans in member_spans:
        inside.update(spans.keys())
        for key, form in spans.items():
            written[key][form] += 1

    def score(key: tuple[str, ...]) -> float:
        count = inside[key]
        content = sum(_is_content(word) for word in key)
        return (count / size) * (count / everywhere[key]) * (1 + PHRASE_WORD_BONUS * (content - 1))

    words_needed = max(2, math.ceil(WORD_MIN_SUPPORT * size)) if size > 1 else 1
    words = sorted(
        (key for key, count in inside.items() if len(key) == 1 and count >= words_needed),
        key=lambda key: (-score(key), key),
    )
    if not words:  # no word in common: the most telling word of any member is still better than none
        words = sorted((key for key in inside if len(key) == 1), key=lambda key: (-score(key), key))[:1]
    if not words:
        return UNNAMED
    top_roots = {_root(key[0]) for key in words[:3]}
    telling_roots = {_root(key[0]) for key in words[:PHRASE_WORDS_FROM_TOP]}
    phrase_needed = max(2, math.ceil(PHRASE_MIN_SUPPORT * size))
    phrases = sorted(
        (
            key
            for key, count in inside.items()
            if count >= phrase_needed
            and sum(_is_content(word) for word in key) >= 2
            and {_root(word) for word in key} & top_roots
            and {_root(word) for word in key if _is_content(word)} <= telling_roots
        ),
        key=lambda key: (-score(key), len(key), key),
    )
    if phrases:
        return _capitalised(_form(written, phrases[0]))
    best = words[0]
    second = next((key for key in words[1:3] if _root(key[0]) != _root(best[0])), None)
    # One word alone is a poor name when another is nearly as telling: "Parking and fines".
    if second is not None and score(second) >= 0.5 * score(best):
        return _capitalised(f"{_form(written, best)} and {_form(written, second)}")
    return _capitalised(_form(written, best))


def _root(word: str) -> str:
    """Near enough to a stem to tell "information" and "informative" are one word for naming."""
    return word[:6] if len(word) > 6 else word.removesuffix("s")


def _stem(word: str) -> str:
    return word.removesuffix("s")


def _form(written: dict[tuple[str, ...], Counter[str]], key: tuple[str, ...]) -> str:
    """The phrase as most members wrote it, lower-cased unless written in capitals ("GP", "A&E")."""
    form = sorted(written[key].items(), key=lambda item: (-item[1], item[0]))[0][0]
    return " ".join(word if word.isupper() and len(word) > 1 else word.lower() for word in form.split())


def _capitalised(name: str) -> str:
    return name[0].upper() + name[1:] if name else name


def describe(name: str, key_terms: Sequence[str]) -> str:
    """One line: what the group is about, and what else its contributions often mention."""
    name_words = {_stem(word) for word, _ in _tokens(name)}
    others: list[str] = []
    for term in key_terms:
        words = {_stem(word) for word in term.split()}
        if words & name_words or any(words & {_stem(w) for w in other.split()} for other in others):
            continue
        others.append(term)
        if len(others) == 3:
            break
    phrase = name if name[:2].isupper() else name[0].lower() + name[1:]
    if not others:
        return f"Contributions mentioning “{phrase}”."
    mentioned = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} and {others[-1]}"
    return f"Contributions mentioning “{phrase}”, often with {mentioned}."


# ---------------------------------------------------------------------------------------------- quotes


def representative_quotes(
    vectors: np.ndarray, members: Sequence[int], texts: Sequence[str], quotable: Sequence[bool], count: int
) -> list[int]:
    """Up to `count` quotable members nearest the centroid, texts of up to QUOTE_PREFERRED_CHARS first,
    no text twice."""
    candidates = [index for index in members if quotable[index] and texts[index].strip()]
    if not candidates or count <= 0:
        return []
    centroid = _centroid(vectors, members)
    rows = vectors[np.asarray(candidates)]
    norms = np.linalg.norm(rows, axis=1)
    similarity = np.divide(rows @ centroid, norms, out=np.zeros(len(candidates)), where=norms > 0)
    order = sorted(
        range(len(candidates)),
        key=lambda i: (len(texts[candidates[i]]) > QUOTE_PREFERRED_CHARS, -similarity[i], candidates[i]),
    )
    chosen: list[int] = []
    seen: set[str] = set()
    for position in order:
        index = candidates[position]
        key = " ".join(texts[index].lower().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append(index)
        if len(chosen) == count:
            break
    return chosen


# ---------------------------------------------------------------------------------------------- stability


def _stability(
    vectors: np.ndarray,
    themes: Sequence[Sequence[int]],
    distance_threshold: float,
    merge_similarity: float,
    bootstraps: int,
    sample_share: float,
    seed: int,
) -> list[float]:
    """Per theme: the mean best Jaccard overlap with a group of a rerun on a seeded subsample."""
    if bootstraps <= 0 or not themes:
        return [1.0] * len(themes)
    total = len(vectors)
    size = max(2, round(sample_share * total))
    rng = np.random.default_rng(seed)
    scores = np.zeros(len(themes))
    for _ in range(bootstraps):
        sample = np.sort(rng.choice(total, size=min(size, total), replace=False))
        groups, _ = _merge_similar(
            vectors[sample], _groups(cluster_labels(vectors[sample], distance_threshold)), merge_similarity
        )
        rerun = [{int(sample[position]) for position in group.members} for group in groups]
        in_sample = set(sample.tolist())
        for number, members in enumerate(themes):
            present = set(members) & in_sample
            if not present:
                continue
            best = max(len(present & group) / len(present | group) for group in rerun)
            scores[number] += best
    return [float(score / bootstraps) for score in scores]
