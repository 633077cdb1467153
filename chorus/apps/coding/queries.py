"""Reads for thematic coding: the current codebook, the review queue, what a deletion takes, an agreement
sample's codings, training labels, and search. Nothing here writes; the writes are in actions/."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import models
from django.db.models import QuerySet

from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.coding import codebook as library

from .models import (
    AgreementSample,
    Codebook,
    Coding,
    CodingStatus,
    ContributionVector,
    ReviewState,
    Theme,
)

# ---------------------------------------------------------------------------------------------- codebooks


def current_codebook(programme: Programme) -> Codebook | None:
    return programme.codebooks.order_by("-created_at", "-id").first()


def as_library_codebook(codebook: Codebook) -> library.Codebook:
    themes = list(codebook.themes.select_related("parent").order_by("position", "id"))
    return library.Codebook(
        name=codebook.name,
        themes=[
            library.Theme(
                id=theme.slug,
                name=theme.name,
                description=theme.description,
                examples=list(theme.examples),
                parent_id=theme.parent.slug if theme.parent else None,
                guid=theme.guid or None,
                color=theme.color or None,
            )
            for theme in themes
        ],
    )


def theme_descendant_ids(theme: Theme) -> set[int]:
    """The ids of the theme's sub-themes, their sub-themes, and so on."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in theme.codebook.themes.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found: set[int] = set()
    waiting = list(children[theme.pk])
    while waiting:
        pk = waiting.pop()
        if pk not in found:
            found.add(pk)
            waiting += children[pk]
    return found


def theme_deletion_counts(theme: Theme) -> dict[str, int]:
    """What deleting the theme takes with it (for the confirmation page)."""
    return {
        "codings": Coding.objects.filter(theme=theme, current=True).count(),
        "children": theme.children.count(),
    }


# ---------------------------------------------------------------------------------------------- codings


def review_queue(codebook: Codebook, contributions: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Contributions not yet reviewed, the one the model is least sure about first (active learning)."""
    return contributions.filter(
        review_state__codebook=codebook, review_state__reviewed_at__isnull=True
    ).order_by("review_state__margin", "pk")


def current_codings(contribution: Contribution, codebook: Codebook) -> list[Coding]:
    return list(
        Coding.objects.filter(contribution=contribution, theme__codebook=codebook, current=True)
        .select_related("theme", "made_by_user")
        .order_by("theme__position")
    )


# A model's theme less sure than this (people would more likely reject it than accept it, once confidences are
# calibrated against their answers) leaves a contribution open to emerging issues.
SURE_ENOUGH = 0.5


def sure_codings(codebook: Codebook, sure: float = SURE_ENOUGH) -> QuerySet[Coding]:
    """The current codings that say what a contribution is about: accepted by a person, or suggested by the
    model with a confidence of `sure` or more (or none recorded)."""
    return Coding.objects.filter(theme__codebook=codebook, current=True).filter(
        models.Q(status=CodingStatus.ACCEPTED)
        | models.Q(status=CodingStatus.SUGGESTED, confidence__gte=sure)
        | models.Q(status=CodingStatus.SUGGESTED, confidence__isnull=True)
    )


def unthemed_contributions(
    programme: Programme, codebook: Codebook, sure: float = SURE_ENOUGH
) -> QuerySet[Contribution]:
    """Contributions with a vector and no theme: none a person accepted, and none the model applied with a
    confidence of `sure` or more (the batch coders give every contribution its best theme, however poor
    a fit)."""
    themed = sure_codings(codebook, sure).values("contribution_id")
    return Contribution.objects.filter(programme=programme, vector__isnull=False).exclude(pk__in=themed)


@dataclass(frozen=True)
class Coverage:
    """What a theme share is a share of: the contributions coded (by the model above its threshold or by a
    person), out of how many, and how many of the coded ones a person checked."""

    contributions: int
    coded: int
    checked_by_person: int  # of the coded ones

    @property
    def by_model(self) -> int:
        """Coded by the model alone: no person has checked them yet."""
        return self.coded - self.checked_by_person

    @property
    def share(self) -> float:
        return self.coded / self.contributions if self.contributions else 0.0


# Named apart from the flags they count (an aggregate named "coded" would shadow the field in its filter).
COVERAGE_COUNTS = {
    "counted": models.Count("pk"),
    "counted_coded": models.Count("pk", filter=models.Q(coded=True)),
    "counted_checked": models.Count("pk", filter=models.Q(coded=True, checked=True)),
}


def coverage_from(counts: dict[str, int]) -> Coverage:
    """A Coverage from COVERAGE_COUNTS' results (or their sums)."""
    return Coverage(counts["counted"], counts["counted_coded"], counts["counted_checked"])


def coding_coverage(contributions: QuerySet[Contribution]) -> Coverage:
    """How many of `contributions` are coded to a theme of their programme's current codebook, and how many
    of those a person checked: the one definition every theme share states (the dashboard, the board story
    and report, the public page). Counted from the flags the coding actions keep on each contribution
    (coding.actions.coverage), so it costs one pass over the contributions and no join."""
    return coverage_from(contributions.order_by().aggregate(**COVERAGE_COUNTS))


def reviewed_labels(codebook: Codebook) -> tuple[list[int], list[str], np.ndarray, list[Theme]]:
    """Training data from people's decisions (and imported labels): contribution ids, texts, labels (1, 0,
    NaN unknown), themes.

    A contribution a person reviewed is fully known: accepted themes apply and every other theme does not.
    A single rejection elsewhere says only that that theme does not apply.
    """
    themes = list(codebook.themes.order_by("position", "id"))
    column = {theme.pk: index for index, theme in enumerate(themes)}
    reviewed = set(
        ReviewState.objects.filter(codebook=codebook, reviewed_at__isnull=False).values_list(
            "contribution_id", flat=True
        )
    )
    decisions = (
        Coding.objects.filter(theme__codebook=codebook, current=True)
        .exclude(status=CodingStatus.SUGGESTED)
        .values_list("contribution_id", "theme_id", "status")
    )
    by_contribution: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for contribution_id, theme_id, status in decisions:
        by_contribution[contribution_id].append((theme_id, status))
    ids = sorted(reviewed | set(by_contribution))
    labels = np.full((len(ids), len(themes)), np.nan)
    for row, contribution_id in enumerate(ids):
        if contribution_id in reviewed:
            labels[row, :] = 0.0
        for theme_id, status in by_contribution.get(contribution_id, []):
            labels[row, column[theme_id]] = 1.0 if status == CodingStatus.ACCEPTED else 0.0
    texts = dict(Contribution.objects.filter(pk__in=ids).values_list("pk", "text"))
    return ids, [texts[pk] for pk in ids], labels, themes


def next_to_teach(
    codebook: Codebook, contributions: QuerySet[Contribution], *, skip: Sequence[int] = ()
) -> Contribution | None:
    """The contribution a person teaching Chorus is best asked about next (see questions_to_teach)."""
    questions = questions_to_teach(codebook, contributions, skip=skip)
    return questions[0] if questions else None


def questions_to_teach(
    codebook: Codebook, contributions: QuerySet[Contribution], *, count: int = 1, skip: Sequence[int] = ()
) -> list[Contribution]:
    """The `count` contributions a person teaching Chorus is best asked about next, among `contributions`
    (what they may see) that no person has coded yet: in turn one for the theme with the fewest examples
    (the one most like it, by its suggestion or by meaning), and the one the model is least sure of
    (chorus.coding.teaching)."""
    from chorus.coding import embeddings
    from chorus.coding.teaching import next_questions

    themes = list(codebook.themes.order_by("position", "id"))
    candidates = contributions.exclude(review_state__reviewed_at__isnull=False).exclude(pk__in=list(skip))
    rows = list(
        ContributionVector.objects.filter(
            contribution__in=candidates.values("pk"), model_version=embeddings.MODEL_VERSION
        ).values_list("contribution_id", "vector", "contribution__review_state__margin")
    )
    if not rows or not themes:
        return list(candidates.order_by("pk")[:count])
    ids = [pk for pk, _, _ in rows]
    vectors = np.vstack([np.frombuffer(bytes(vector), dtype=np.float32) for _, vector, _ in rows])
    margins = np.array([1.0 if margin is None else margin for _, _, margin in rows])
    anchors = embeddings.embed([f"{theme.name}. {theme.description}".strip() for theme in themes])
    scores = vectors @ anchors.T
    column = {theme.pk: index for index, theme in enumerate(themes)}
    row_of = {pk: index for index, pk in enumerate(ids)}
    for contribution_id, theme_id in Coding.objects.filter(
        contribution_id__in=ids, theme__codebook=codebook, current=True, status=CodingStatus.SUGGESTED
    ).values_list("contribution_id", "theme_id"):
        scores[row_of[contribution_id], column[theme_id]] += 1.0  # the model's own suggestion counts most
    examples = np.zeros(len(themes))
    for theme_id in Coding.objects.filter(
        theme__codebook=codebook, current=True, status=CodingStatus.ACCEPTED
    ).values_list("theme_id", flat=True):
        examples[column[theme_id]] += 1
    answered = codebook.teach_answers.count()
    rows_chosen = next_questions(scores, margins, examples, count=count, coverage_first=answered % 2 == 0)
    found = candidates.in_bulk([ids[row] for row in rows_chosen])
    return [found[ids[row]] for row in rows_chosen if ids[row] in found]


def teaching_progress(codebook: Codebook) -> dict:
    """How the model has done on the answers it had not seen: all of them, and the latest RECENT_ANSWERS."""
    from chorus.coding.teaching import RECENT_ANSWERS, agreement_estimate

    agreed = list(codebook.teach_answers.order_by("answered_at", "id").values_list("agreed", flat=True))
    return {
        "all": agreement_estimate(agreed),
        "recent": agreement_estimate(agreed[-RECENT_ANSWERS:]),
        "recent_size": RECENT_ANSWERS,
    }


# ---------------------------------------------------------------------------------------------- agreement

MODEL_CODER = "model"


def sample_codings(sample: AgreementSample) -> dict[str, dict[str, set[str]]]:
    """coder -> contribution id -> theme slugs, people by username and the model as "model"."""
    codings: dict[str, dict[str, set[str]]] = {
        coder.username: {} for coder in sample.coders.order_by("username")
    }
    codings[MODEL_CODER] = {}
    for answer in sample.answers.select_related("coder").prefetch_related("themes"):
        coder = answer.coder.username if answer.coder_id else MODEL_CODER
        codings.setdefault(coder, {})[str(answer.contribution_id)] = {
            theme.slug for theme in answer.themes.all()
        }
    return codings


def agreement_report(sample: AgreementSample):
    from chorus.coding.agreement import agreement_report as report

    codings = {coder: coded for coder, coded in sample_codings(sample).items() if coded}
    if len(codings) < 2:
        return None
    themes = list(sample.codebook.themes.order_by("position", "id").values_list("slug", flat=True))
    return report(codings, themes)


# ---------------------------------------------------------------------------------------------- search


def _place_in_query(query: str, contributions: QuerySet[Contribution]) -> tuple[str, QuerySet[Contribution]]:
    """A ward named in the query ("damp in Milton"), one the contributions come from, narrows the search
    to it; the rest of the query is searched by meaning."""
    names = contributions.exclude(ward=None).values_list("ward__name", flat=True).distinct()
    for name in sorted(set(names), key=len, reverse=True):
        pattern = re.compile(rf"\b(?:in|at|around|near)?\s*{re.escape(name)}\b", re.IGNORECASE)
        if pattern.search(query):
            rest = pattern.sub(" ", query).strip() or query
            return rest, contributions.filter(ward__name=name)
    return query, contributions


@dataclass
class SearchHit:
    contribution: Contribution
    score: float  # cosine similarity of meaning to the query
    words_matched: bool = False  # holds at least one of the query's words


# The full-text index picks at most this many contributions holding the query's words; meaning orders them.
SEARCH_CANDIDATES = 300
# Rank fusion constant (reciprocal rank fusion, Cormack et al. 2009): 60 is the published default.
RANK_FUSION_K = 60


def _vectors_of(
    ids: Sequence[int] | None, contributions: QuerySet[Contribution]
) -> tuple[list[int], np.ndarray]:
    from chorus.coding import embeddings

    stored = ContributionVector.objects.filter(model_version=embeddings.MODEL_VERSION)
    stored = stored.filter(contribution_id__in=ids) if ids is not None else stored
    rows = list(
        stored.filter(contribution__in=contributions.values("pk")).values_list("contribution_id", "vector")
    )
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    return [pk for pk, _ in rows], np.vstack(
        [np.frombuffer(bytes(vector), dtype=np.float32) for _, vector in rows]
    )


def semantic_search(
    query: str, contributions: QuerySet[Contribution], *, limit: int = 20, quotes_only: bool = False
) -> list[SearchHit]:
    """Contributions matching `query`, among `contributions` only (the caller passes what the user may see:
    engagement.rules.visible_contributions).

    The full-text index (fulltext.py) finds those holding any of the query's words; their order fuses the
    index's ranking with closeness in meaning (reciprocal rank fusion). When none holds a word of the query,
    meaning alone decides, over every coded contribution the user may see, through each programme's
    nearest-neighbour index (vector_index.py).
    """
    from chorus.apps.coding import fulltext, vector_index
    from chorus.coding import embeddings

    query = query.strip()
    if not query:
        return []
    if quotes_only:
        contributions = contributions.filter(consent_quote=True)
    query, contributions = _place_in_query(query, contributions)
    matched = fulltext.keyword_matches(query, contributions, limit=SEARCH_CANDIDATES)
    query_vector = embeddings.embed([query])[0]
    if matched:
        ids, matrix = _vectors_of(matched, contributions)
        similarity = dict(zip(ids, (matrix @ query_vector).tolist() if ids else [], strict=True))
        by_meaning = {pk: rank for rank, pk in enumerate(sorted(similarity, key=lambda pk: -similarity[pk]))}
        fused = {
            pk: 1 / (RANK_FUSION_K + keyword_rank) + 1 / (RANK_FUSION_K + by_meaning.get(pk, len(matched)))
            for keyword_rank, pk in enumerate(matched)
        }
        order = sorted(fused, key=lambda pk: (-fused[pk], pk))[:limit]
    else:  # meaning alone: each programme's nearest-neighbour index, permissions checked inside it
        similarity = dict(vector_index.nearest(query_vector, contributions, limit))
        order = list(similarity)
    found = contributions.select_related("programme", "ward", "activity").in_bulk(order)
    return [
        SearchHit(found[pk], float(similarity.get(pk, 0.0)), words_matched=bool(matched))
        for pk in order
        if pk in found
    ]
