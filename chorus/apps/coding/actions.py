"""Write actions for thematic coding: each validates, changes atomically and records an audit event (ids).

The heavy work (embedding, coding, clustering) is in `run_coding` and `run_emerging`, which the background
tasks call (chorus/apps/coding/tasks.py) and the demo calls directly.
"""

from __future__ import annotations

import random
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.coding import codebook as library

from .models import (
    AgreementSample,
    Codebook,
    Coding,
    CodingEvent,
    CodingSampleAnswer,
    CodingStatus,
    ContributionVector,
    EmergingCluster,
    ModelRun,
    ReviewState,
    RunKind,
    RunStatus,
    Sentiment,
    Theme,
)

# A theme is learnt from reviews once it has this many accepted and this many rejected examples; below it,
# the zero-shot model (theme name, description and examples) keeps suggesting it.
MIN_REVIEWED_PER_THEME = 5
BATCH_SIZE = 1000
# Clustering is quadratic in the number of texts: look at the most recent unthemed contributions only.
EMERGING_MAX_TEXTS = 4000
EMERGING_MIN_CLUSTER_SIZE = 5
# What makes a group of unthemed contributions an emerging issue (chorus.coding.emerging explains each):
# members alike (mean cosine to the centroid, after centring), not an existing theme the model missed
# (cosine of the centroids), not falling, and at most a readable few. Chosen on the demo's Southend voices,
# where zero-shot coding leaves ~70% unthemed and ~20 groups were found, nearly all existing themes the
# model missed: those sit 0.55-0.85 from their theme, and mostly below 0.55 cohesion when they sit nearer.
EMERGING_MIN_COHESION = 0.55
EMERGING_MAX_THEME_SIMILARITY = 0.5
EMERGING_MAX_CLUSTERS = 3
# A theme is also known by the centroid of up to this many of its coded contributions.
EMERGING_THEME_SAMPLE = 500


class ActionError(ValueError):
    """A write that cannot be done, with a message a person understands."""


# ---------------------------------------------------------------------------------------------- codebooks


def _store_codebook(
    programme: Programme, book: library.Codebook, source: str, *, by=None, name: str | None = None
) -> Codebook:
    codebook = Codebook.objects.create(
        programme=programme, name=name or book.name, source=source, created_by=by
    )
    stored: dict[str, Theme] = {}
    for position, theme in enumerate(book.themes):
        stored[theme.id] = Theme.objects.create(
            codebook=codebook,
            parent=stored.get(theme.parent_id) if theme.parent_id else None,
            slug=theme.id,
            name=theme.name,
            description=theme.description,
            examples=list(theme.examples),
            position=position,
            guid=theme.guid or "",
            color=theme.color or "",
            created_by=by,
        )
    return codebook


STARTER_TITLES = {
    "community_health": "Community health and wellbeing",
    "nhs_patient_experience": "NHS patient experience framework",
}


@transaction.atomic
def load_starter_codebook(programme: Programme, starter: str, *, by=None) -> Codebook:
    try:
        book = library.load_starter(starter)
    except library.CodebookError as error:
        raise ActionError(str(error)) from None
    codebook = _store_codebook(
        programme, book, Codebook.Source.STARTER, by=by, name=STARTER_TITLES.get(starter, starter)
    )
    audit("coding.codebook_loaded", actor=by, obj=codebook, programme=programme, themes=len(book))
    return codebook


@transaction.atomic
def import_codebook(programme: Programme, data: bytes, filename: str, *, name: str = "", by=None) -> Codebook:
    """A codebook from an uploaded CSV or REFI-QDA .qdc file; the message of an error says what is wrong."""
    stem = Path(filename).stem or "Imported codebook"
    name = name.strip() or stem
    try:
        if filename.lower().endswith((".qdc", ".qde", ".xml")):
            book, source = library.codebook_from_qdc(data, name), Codebook.Source.QDC
        elif filename.lower().endswith(".csv"):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ActionError(
                    "The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
                ) from None
            book, source = library.codebook_from_csv(text, name), Codebook.Source.CSV
        else:
            raise ActionError("Choose a .csv or .qdc file.")
    except library.CodebookError as error:
        raise ActionError(f"The codebook could not be read: {error}.") from None
    if not book.themes:
        raise ActionError("The file has no themes.")
    codebook = _store_codebook(programme, book, source, by=by, name=name)
    audit("coding.codebook_imported", actor=by, obj=codebook, programme=programme, themes=len(book))
    return codebook


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


def export_codebook(codebook: Codebook, fmt: str, *, by=None) -> tuple[bytes, str, str]:
    """(content, content type, filename) of a codebook as "csv" or "qdc"."""
    book = as_library_codebook(codebook)
    stem = library.slugify(codebook.name)
    if fmt == "csv":
        content, content_type, filename = (
            library.codebook_to_csv(book).encode("utf-8"),
            "text/csv; charset=utf-8",
            f"{stem}.csv",
        )
    elif fmt == "qdc":
        try:
            content = library.codebook_to_qdc(book)
        except library.CodebookError as error:
            raise ActionError(str(error)) from None
        content_type, filename = "application/xml", f"{stem}.qdc"
    else:
        raise ActionError(f"Unknown format {fmt!r}.")
    audit("coding.codebook_exported", actor=by, obj=codebook, programme=codebook.programme, format=fmt)
    return content, content_type, filename


def current_codebook(programme: Programme) -> Codebook | None:
    return programme.codebooks.order_by("-created_at", "-id").first()


# ---------------------------------------------------------------------------------------------- themes
# Editing keeps a theme's slug (its stable id in exports and other QDA tools) whatever its name or place.


@transaction.atomic
def rename_theme(theme: Theme, name: str, *, by) -> Theme:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("Enter a name for the theme.")
    if len(name) > Theme._meta.get_field("name").max_length:
        raise ActionError("The name must be 200 characters or fewer.")
    clash = theme.codebook.themes.exclude(pk=theme.pk).filter(name__iexact=name).first()
    if clash is not None:
        raise ActionError(f"The codebook already has a theme called “{clash.name}”.")
    theme.name = name
    theme.save(update_fields=["name"])
    audit("coding.theme_renamed", actor=by, obj=theme, programme=theme.codebook.programme)
    return theme


@transaction.atomic
def describe_theme(theme: Theme, description: str, examples: Sequence[str], *, by) -> Theme:
    """Set what the theme is about and its example quotes (blank lines dropped)."""
    theme.description = (description or "").strip()
    theme.examples = [" ".join(example.split()) for example in examples if example and example.strip()]
    theme.save(update_fields=["description", "examples"])
    audit("coding.theme_described", actor=by, obj=theme, programme=theme.codebook.programme)
    return theme


def _descendant_ids(theme: Theme) -> set[int]:
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


@transaction.atomic
def move_theme(theme: Theme, parent: Theme | None, *, by) -> Theme:
    """Put the theme under `parent` (None: top level). Its sub-themes move with it."""
    if parent is not None:
        if parent.codebook_id != theme.codebook_id:
            raise ActionError("Choose a parent theme from the same codebook.")
        if parent.pk == theme.pk or parent.pk in _descendant_ids(theme):
            raise ActionError("A theme cannot go under itself or one of its own sub-themes.")
    theme.parent = parent
    theme.save(update_fields=["parent"])
    audit(
        "coding.theme_moved",
        actor=by,
        obj=theme,
        programme=theme.codebook.programme,
        parent=parent.pk if parent else None,
    )
    return theme


# When both themes of a merge were applied to one contribution, the merged coding keeps the stronger word:
# a person's acceptance, else the model's suggestion, else a rejection.
_STATUS_STRENGTH = {CodingStatus.ACCEPTED: 2, CodingStatus.SUGGESTED: 1, CodingStatus.REJECTED: 0}


@transaction.atomic
def merge_themes(source: Theme, target: Theme, *, by) -> dict[str, int]:
    """Fold `source` into `target`: every coding, history and sample answer of `source` moves to `target`,
    its examples join target's, its sub-themes move under target, and `source` goes. Returns counts."""
    if source.pk == target.pk:
        raise ActionError("Choose two different themes to merge.")
    if source.codebook_id != target.codebook_id:
        raise ActionError("Both themes must be in the same codebook.")
    if target.pk in _descendant_ids(source):  # lift the target out first, so nothing goes under itself
        target.parent = source.parent
        target.save(update_fields=["parent"])
    kept_apart = 0
    source_current = {
        coding.contribution_id: coding for coding in Coding.objects.filter(theme=source, current=True)
    }
    target_current = {
        coding.contribution_id: coding
        for coding in Coding.objects.filter(theme=target, current=True, contribution_id__in=source_current)
    }
    for contribution_id, target_coding in target_current.items():
        source_coding = source_current[contribution_id]
        # One current coding per contribution and theme: the weaker of the two becomes history.
        weaker = (
            source_coding
            if _STATUS_STRENGTH[source_coding.status] <= _STATUS_STRENGTH[target_coding.status]
            else target_coding
        )
        weaker.current = False
        weaker.save(update_fields=["current"])
        kept_apart += 1
    moved = Coding.objects.filter(theme=source).update(theme=target)
    CodingEvent.objects.filter(theme=source).update(theme=target)
    for answer in CodingSampleAnswer.objects.filter(themes=source):
        answer.themes.add(target)
    source.children.update(parent=target)
    EmergingCluster.objects.filter(promoted_to=source).update(promoted_to=target)
    target.examples = list(dict.fromkeys([*target.examples, *source.examples]))
    target.save(update_fields=["examples"])
    source_id = source.pk
    source.delete()
    audit(
        "coding.themes_merged",
        actor=by,
        obj=target,
        programme=target.codebook.programme,
        merged=source_id,
        codings=moved,
        both=kept_apart,
    )
    return {"codings": moved, "both": kept_apart}


def theme_deletion_counts(theme: Theme) -> dict[str, int]:
    """What deleting the theme takes with it (for the confirmation page)."""
    return {
        "codings": Coding.objects.filter(theme=theme, current=True).count(),
        "children": theme.children.count(),
    }


@transaction.atomic
def delete_theme(theme: Theme, *, by) -> None:
    """Delete a theme and its codings; its sub-themes move up to its parent rather than go with it."""
    counts = theme_deletion_counts(theme)
    theme.children.update(parent=theme.parent)
    theme_id, programme = theme.pk, theme.codebook.programme
    theme.delete()
    audit("coding.theme_deleted", actor=by, programme=programme, theme=theme_id, **counts)


# ---------------------------------------------------------------------------------------------- coding runs


def start_coding(
    programme: Programme, *, by=None, codebook: Codebook | None = None, enqueue: bool = True
) -> ModelRun:
    """Queue coding of the whole programme on the `coding` queue; the run shows progress.

    enqueue=False leaves the run for the caller to do now with run_coding (the demo does)."""
    from .tasks import code_programme

    codebook = codebook or current_codebook(programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    if not codebook.themes.exists():
        raise ActionError("The codebook has no themes.")
    with transaction.atomic():
        run = ModelRun.objects.create(programme=programme, codebook=codebook, started_by=by)
        audit("coding.run_queued", actor=by, obj=run, programme=programme)
        if enqueue:
            transaction.on_commit(lambda: code_programme.enqueue(run.pk))
    return run


def _progress(run: ModelRun, phase: str, done: int, total: int) -> None:
    run.phase, run.progress_done, run.progress_total = phase, done, total
    ModelRun.objects.filter(pk=run.pk).update(phase=phase, progress_done=done, progress_total=total)


def _batches(items: Sequence, size: int = BATCH_SIZE) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def embed_missing(programme: Programme, run: ModelRun | None = None) -> int:
    """Store a vector for every contribution of the programme that has none (or one from another model)."""
    from chorus.coding import embeddings

    missing = list(
        Contribution.objects.filter(programme=programme)
        .exclude(vector__model_version=embeddings.MODEL_VERSION)
        .values_list("pk", "text")
    )
    done = 0
    for batch in _batches(missing):
        vectors = embeddings.embed([text for _, text in batch])
        ids = [pk for pk, _ in batch]
        with transaction.atomic():
            ContributionVector.objects.filter(contribution_id__in=ids).delete()
            ContributionVector.objects.bulk_create(
                ContributionVector(
                    contribution_id=pk,
                    model_name=embeddings.MODEL_NAME,
                    model_version=embeddings.MODEL_VERSION,
                    vector=vector.astype(np.float32).tobytes(),
                )
                for pk, vector in zip(ids, vectors, strict=True)
            )
        done += len(batch)
        if run is not None:
            _progress(run, "Reading contributions", done, len(missing))
    return len(missing)


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


@dataclass
class _Coder:
    """Zero-shot for themes with too few reviews, the trained model for the rest; per theme, who decided."""

    themes: list[Theme]
    zero_shot: object
    trained: object | None
    trained_columns: np.ndarray  # bool per theme
    thresholds: np.ndarray

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        probabilities = self.zero_shot.predict_proba(texts)
        if self.trained is not None and self.trained_columns.any():
            learnt = self.trained.predict_proba(texts)
            probabilities[:, self.trained_columns] = learnt[:, self.trained_columns]
        return probabilities

    def model_label(self, column: int) -> str:
        model = self.trained if self.trained_columns[column] else self.zero_shot
        return f"{model.model_name}@{model.model_version}"


def _build_coder(run: ModelRun, min_reviewed: int) -> _Coder:
    from chorus.coding.classifier import MultiLabelCoder
    from chorus.coding.zeroshot import ThemeDescription, ZeroShotCoder

    themes = list(run.codebook.themes.order_by("position", "id"))
    zero_shot = ZeroShotCoder(
        [ThemeDescription(str(t.pk), t.name, t.description, tuple(t.examples)) for t in themes]
    )
    thresholds = np.full(len(themes), 0.5)
    trained_columns = np.zeros(len(themes), dtype=bool)
    ids, texts, labels, _ = reviewed_labels(run.codebook)
    trained = None
    if ids:
        positives = np.nansum(labels == 1, axis=0)
        negatives = np.nansum(labels == 0, axis=0)
        trained_columns = (positives >= min_reviewed) & (negatives >= min_reviewed)
    if trained_columns.any():
        trained = MultiLabelCoder.fit(texts, labels, [str(t.pk) for t in themes])
        thresholds[trained_columns] = trained.thresholds[trained_columns]
        directory = Path(settings.MEDIA_ROOT) / "models" / str(run.pk)
        trained.save(directory)
        run.kind = RunKind.TRAINED
        run.model_name, run.model_version = trained.model_name, trained.model_version
        run.directory = str(directory.relative_to(settings.MEDIA_ROOT))
        run.training_size = len(ids)
        run.metrics = {
            "trained_themes": [themes[i].slug for i in np.flatnonzero(trained_columns)],
            "zero_shot_themes": [themes[i].slug for i in np.flatnonzero(~trained_columns)],
            "thresholds": {themes[i].slug: round(float(thresholds[i]), 3) for i in range(len(themes))},
        }
    else:
        run.kind = RunKind.ZERO_SHOT
        run.model_name, run.model_version = zero_shot.model_name, zero_shot.model_version
        run.metrics = {"trained_themes": [], "zero_shot_themes": [t.slug for t in themes]}
    run.save(update_fields=["kind", "model_name", "model_version", "directory", "training_size", "metrics"])
    return _Coder(themes, zero_shot, trained, trained_columns, thresholds)


def run_coding(
    run_id: int, *, min_reviewed: int = MIN_REVIEWED_PER_THEME, sentiment: bool = True
) -> ModelRun:
    """Do a queued coding run: embed, code every contribution, work out sentiment, order the review queue."""
    run = ModelRun.objects.select_related("programme", "codebook").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    ModelRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    run.status = RunStatus.RUNNING
    try:
        embed_missing(run.programme, run)
        _progress(run, "Learning from reviews", 0, 1)
        coder = _build_coder(run, min_reviewed)
        _code_contributions(run, coder)
        if sentiment:
            _sentiment_missing(run)
    except Exception as error:
        ModelRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    run.status, run.finished_at, run.phase = RunStatus.DONE, timezone.now(), "Finished"
    run.save(update_fields=["status", "finished_at", "phase"])
    audit("coding.run_finished", obj=run, programme=run.programme, kind=run.kind)
    return run


def _code_contributions(run: ModelRun, coder: _Coder) -> None:
    contributions = list(
        Contribution.objects.filter(programme=run.programme).order_by("pk").values_list("pk", "text")
    )
    theme_ids = [theme.pk for theme in coder.themes]
    labels = [coder.model_label(column) for column in range(len(theme_ids))]
    done = 0
    for batch in _batches(contributions):
        ids = [pk for pk, _ in batch]
        probabilities = coder.probabilities([text for _, text in batch])
        margins = np.abs(probabilities - coder.thresholds[None, :]).min(axis=1)
        decided_by_people = set(
            Coding.objects.filter(contribution_id__in=ids, theme_id__in=theme_ids, current=True)
            .exclude(status=CodingStatus.SUGGESTED)
            .values_list("contribution_id", "theme_id")
        )
        now = timezone.now()
        new_codings = []
        for row, contribution_id in enumerate(ids):
            for column, theme_id in enumerate(theme_ids):
                confidence = float(probabilities[row, column])
                if confidence < coder.thresholds[column] or (contribution_id, theme_id) in decided_by_people:
                    continue
                new_codings.append(
                    Coding(
                        contribution_id=contribution_id,
                        theme_id=theme_id,
                        confidence=round(confidence, 4),
                        made_by_model=labels[column],
                        run=run,
                        made_at=now,
                        status=CodingStatus.SUGGESTED,
                    )
                )
        with transaction.atomic():
            # A suggestion nobody acted on is replaced by the new model's; people's decisions stay.
            Coding.objects.filter(
                contribution_id__in=ids, theme_id__in=theme_ids, status=CodingStatus.SUGGESTED, current=True
            ).delete()
            Coding.objects.bulk_create(new_codings)
            existing = {
                state.contribution_id: state for state in ReviewState.objects.filter(contribution_id__in=ids)
            }
            to_update, to_create = [], []
            for contribution_id, margin in zip(ids, margins, strict=True):
                state = existing.get(contribution_id)
                if state is None:
                    to_create.append(
                        ReviewState(
                            contribution_id=contribution_id, codebook=run.codebook, margin=float(margin)
                        )
                    )
                else:
                    state.margin, state.codebook = float(margin), run.codebook
                    to_update.append(state)
            ReviewState.objects.bulk_create(to_create)
            ReviewState.objects.bulk_update(to_update, ["margin", "codebook"])
        done += len(batch)
        _progress(run, "Coding contributions", done, len(contributions))


def _sentiment_missing(run: ModelRun) -> None:
    from chorus.coding.sentiment import default_model

    model = default_model()
    missing = list(
        Contribution.objects.filter(programme=run.programme, sentiment__isnull=True)
        .order_by("pk")
        .values_list("pk", "text")
    )
    label = f"{model.model_name}@{model.model_version}"
    done = 0
    for batch in _batches(missing):
        codings = model.codings([text for _, text in batch])
        Sentiment.objects.bulk_create(
            Sentiment(
                contribution_id=pk, label=coding.theme, confidence=round(coding.confidence, 4), model=label
            )
            for (pk, _), coding in zip(batch, codings, strict=True)
        )
        done += len(batch)
        _progress(run, "Working out sentiment", done, len(missing))


@transaction.atomic
def import_labels(codebook: Codebook, labels: dict[int, Iterable[Theme]], *, source: str, by=None) -> int:
    """Codings people made elsewhere (e.g. a labelled data set), stored as accepted with `source` as maker;
    every contribution labelled counts as reviewed, so the labels train the next model."""
    now = timezone.now()
    contributions = Contribution.objects.filter(pk__in=list(labels), programme=codebook.programme)
    known = set(contributions.values_list("pk", flat=True))
    Coding.objects.filter(contribution_id__in=known, theme__codebook=codebook, current=True).update(
        current=False
    )
    Coding.objects.bulk_create(
        Coding(
            contribution_id=contribution_id,
            theme=theme,
            made_by_model=source[:300],
            made_at=now,
            status=CodingStatus.ACCEPTED,
        )
        for contribution_id, themes in labels.items()
        if contribution_id in known
        for theme in themes
    )
    existing = set(
        ReviewState.objects.filter(contribution_id__in=known).values_list("contribution_id", flat=True)
    )
    ReviewState.objects.filter(contribution_id__in=existing).update(codebook=codebook, reviewed_at=now)
    ReviewState.objects.bulk_create(
        ReviewState(contribution_id=pk, codebook=codebook, margin=1.0, reviewed_at=now)
        for pk in known - existing
    )
    audit(
        "coding.labels_imported",
        actor=by,
        obj=codebook,
        programme=codebook.programme,
        contributions=len(known),
    )
    return len(known)


def forget_erased_texts(programme: Programme, *, by=None) -> None:
    """After residents' words are erased: once the erasure is committed, drop the programme's trained
    models and train them again without those words, as background work on the `coding` queue."""
    from .tasks import retrain_after_erasure

    programme_id, user_id = programme.pk, getattr(by, "pk", None)
    transaction.on_commit(lambda: retrain_after_erasure.enqueue(programme_id, user_id))


def retrain_after_erasure(programme: Programme, *, by=None) -> ModelRun | None:
    """Delete every model file the programme's runs trained (they learnt from words since erased) and,
    when one had been trained, queue a run that learns again from what is left. Returns that run."""
    trained = list(ModelRun.objects.filter(programme=programme).exclude(directory=""))
    for run in trained:
        delete_model_files(run)
    ModelRun.objects.filter(pk__in=[run.pk for run in trained]).update(directory="")
    audit("coding.models_dropped_after_erasure", actor=by, programme=programme, models=len(trained))
    if not trained:
        return None
    try:
        return start_coding(programme, by=by)
    except ActionError:  # no codebook or no themes any more: nothing to train
        return None


def retrain(programme: Programme, *, by=None) -> ModelRun:
    """Learn from the reviews so far and code the programme again (the same as a new run)."""
    return start_coding(programme, by=by)


# ---------------------------------------------------------------------------------------------- review


def review_queue(codebook: Codebook, contributions: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Contributions not yet reviewed, the one the model is least sure about first (active learning)."""
    return contributions.filter(
        review_state__codebook=codebook, review_state__reviewed_at__isnull=True
    ).order_by("review_state__margin", "pk")


def _decide(contribution: Contribution, theme: Theme, status: str, by, now) -> Coding:
    if theme.codebook.programme_id != contribution.programme_id:
        raise ActionError("That theme belongs to another programme's codebook.")
    Coding.objects.filter(contribution=contribution, theme=theme, current=True).update(current=False)
    return Coding.objects.create(
        contribution=contribution, theme=theme, made_by_user=by, made_at=now, status=status
    )


def _event(contribution, theme, action, by, now) -> None:
    CodingEvent.objects.create(contribution=contribution, theme=theme, action=action, actor=by, at=now)


def _mark_reviewed(contribution: Contribution, codebook: Codebook, by, now) -> None:
    ReviewState.objects.update_or_create(
        contribution=contribution,
        defaults={"codebook": codebook, "reviewed_by": by, "reviewed_at": now},
        create_defaults={"codebook": codebook, "reviewed_by": by, "reviewed_at": now, "margin": 1.0},
    )


@transaction.atomic
def accept(contribution: Contribution, theme: Theme, *, by) -> Coding:
    now = timezone.now()
    coding = _decide(contribution, theme, CodingStatus.ACCEPTED, by, now)
    _event(contribution, theme, CodingEvent.Action.ACCEPTED, by, now)
    audit("coding.accepted", actor=by, obj=coding, programme=contribution.programme, theme=theme.pk)
    return coding


@transaction.atomic
def reject(contribution: Contribution, theme: Theme, *, by) -> Coding:
    now = timezone.now()
    coding = _decide(contribution, theme, CodingStatus.REJECTED, by, now)
    _event(contribution, theme, CodingEvent.Action.REJECTED, by, now)
    audit("coding.rejected", actor=by, obj=coding, programme=contribution.programme, theme=theme.pk)
    return coding


@transaction.atomic
def add_theme(contribution: Contribution, theme: Theme, *, by) -> Coding:
    """A theme the model did not suggest, applied by a person."""
    now = timezone.now()
    coding = _decide(contribution, theme, CodingStatus.ACCEPTED, by, now)
    _event(contribution, theme, CodingEvent.Action.ADDED, by, now)
    audit("coding.added", actor=by, obj=coding, programme=contribution.programme, theme=theme.pk)
    return coding


def current_codings(contribution: Contribution, codebook: Codebook) -> list[Coding]:
    return list(
        Coding.objects.filter(contribution=contribution, theme__codebook=codebook, current=True)
        .select_related("theme", "made_by_user")
        .order_by("theme__position")
    )


@transaction.atomic
def review(contribution: Contribution, codebook: Codebook, chosen: Iterable[Theme], *, by) -> dict[str, int]:
    """Save a reviewer's choice for one contribution: chosen suggestions accepted, unchosen suggestions
    rejected, chosen themes that were not suggested added. The contribution leaves the review queue."""
    chosen_ids = {theme.pk for theme in chosen}
    themes = {theme.pk: theme for theme in codebook.themes.all()}
    if not chosen_ids <= set(themes):
        raise ActionError("Choose themes from this programme's codebook.")
    current = {coding.theme_id: coding for coding in current_codings(contribution, codebook)}
    counts = {"accepted": 0, "rejected": 0, "added": 0}
    for theme_id, coding in current.items():
        applied = coding.status in (CodingStatus.SUGGESTED, CodingStatus.ACCEPTED)
        if theme_id in chosen_ids and coding.status != CodingStatus.ACCEPTED:
            accept(contribution, themes[theme_id], by=by)
            counts["accepted"] += 1
        elif theme_id not in chosen_ids and applied:
            reject(contribution, themes[theme_id], by=by)
            counts["rejected"] += 1
    for theme_id in chosen_ids - set(current):
        add_theme(contribution, themes[theme_id], by=by)
        counts["added"] += 1
    now = timezone.now()
    if not chosen_ids:
        _event(contribution, None, CodingEvent.Action.REVIEWED, by, now)
    _mark_reviewed(contribution, codebook, by, now)
    audit("coding.reviewed", actor=by, obj=contribution, programme=contribution.programme, **counts)
    return counts


# ---------------------------------------------------------------------------------------------- emerging


def start_emerging(programme: Programme, *, by=None, enqueue: bool = True) -> ModelRun:
    from .tasks import find_emerging

    codebook = current_codebook(programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    with transaction.atomic():
        run = ModelRun.objects.create(
            programme=programme, codebook=codebook, kind=RunKind.EMERGING, started_by=by
        )
        audit("coding.emerging_queued", actor=by, obj=run, programme=programme)
        if enqueue:
            transaction.on_commit(lambda: find_emerging.enqueue(run.pk))
    return run


def unthemed_contributions(programme: Programme, codebook: Codebook) -> QuerySet[Contribution]:
    """Contributions with a vector and no theme applied (suggested or accepted)."""
    themed = Coding.objects.filter(
        theme__codebook=codebook,
        current=True,
        status__in=[CodingStatus.SUGGESTED, CodingStatus.ACCEPTED],
    ).values("contribution_id")
    return Contribution.objects.filter(programme=programme, vector__isnull=False).exclude(pk__in=themed)


def known_themes(codebook: Codebook) -> list:
    """Each theme of the codebook as the emerging-issue check knows it: the embedding of its name,
    description and examples, and the centroid of the contributions coded with it (when there are some)."""
    from chorus.coding import embeddings
    from chorus.coding.emerging import KnownTheme

    themes = list(codebook.themes.order_by("position", "id"))
    described = embeddings.embed(
        [" ".join([f"{theme.name}.", theme.description, *theme.examples]) for theme in themes]
    )
    known = []
    for theme, description in zip(themes, described, strict=True):
        coded = Coding.objects.filter(
            theme=theme, current=True, status__in=[CodingStatus.SUGGESTED, CodingStatus.ACCEPTED]
        ).order_by("-made_at")
        stored = ContributionVector.objects.filter(
            contribution_id__in=list(coded.values_list("contribution_id", flat=True)[:EMERGING_THEME_SAMPLE]),
            model_version=embeddings.MODEL_VERSION,
        ).values_list("vector", flat=True)
        vectors = [description]
        if stored:
            vectors.append(
                np.vstack([np.frombuffer(bytes(v), dtype=np.float32) for v in stored]).mean(axis=0)
            )
        known.append(KnownTheme(theme.name, np.vstack(vectors)))
    return known


def run_emerging(
    run_id: int, *, min_cluster_size: int | None = None, max_texts: int = EMERGING_MAX_TEXTS
) -> ModelRun:
    """Cluster the unthemed contributions and keep the groups that are emerging issues. By default a group
    must hold 2% of them (at least EMERGING_MIN_CLUSTER_SIZE) to count, so a big programme shows a
    readable few; the other checks are the EMERGING_* settings above."""
    from chorus.coding.emerging import find_emerging_issues

    run = ModelRun.objects.select_related("programme", "codebook").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    ModelRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, phase="Grouping unthemed contributions"
    )
    try:
        rows = list(
            unthemed_contributions(run.programme, run.codebook)
            .order_by("-recorded_at", "-pk")
            .values_list("pk", "text", "activity__date", "vector__vector")[:max_texts]
        )
        _progress(run, "Grouping unthemed contributions", 0, len(rows))
        if rows:
            vectors = np.vstack([np.frombuffer(bytes(row[3]), dtype=np.float32) for row in rows])
            smallest = min_cluster_size or max(EMERGING_MIN_CLUSTER_SIZE, round(0.02 * len(rows)))
            found = find_emerging_issues(
                [row[1] for row in rows],
                vectors,
                [row[2] for row in rows],
                min_cluster_size=smallest,
                min_cohesion=EMERGING_MIN_COHESION,
                themes=known_themes(run.codebook),
                max_theme_similarity=EMERGING_MAX_THEME_SIMILARITY,
                drop_falling=True,
                max_clusters=EMERGING_MAX_CLUSTERS,
            )
        else:
            found = None
        with transaction.atomic():
            run.programme.emerging_clusters.filter(promoted_to__isnull=True).delete()
            for cluster in found.clusters if found else []:
                EmergingCluster.objects.create(
                    programme=run.programme,
                    run=run,
                    number=cluster.number,
                    name=cluster.name[:200],
                    key_terms=cluster.key_terms,
                    size=cluster.size,
                    trend=cluster.trend,
                    periods=[list(period) for period in cluster.periods],
                    representative_ids=[rows[index][0] for index in cluster.representatives],
                    member_ids=[rows[index][0] for index in cluster.members],
                )
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.phase, run.progress_done, run.progress_total = "Finished", len(rows), len(rows)
        run.metrics = {
            "unthemed": len(rows),
            "clusters": len(found.clusters) if found else 0,
            # Groups that were found but are not emerging issues, and why: ids and names only.
            "set_aside": [
                {"size": cluster.size, "reason": reason, "theme": cluster.nearest_theme or ""}
                for cluster, reason in (found.set_aside if found else [])
            ],
        }
        run.model_name, run.model_version = "chorus.coding.emerging", ""
        run.save()
    except Exception as error:
        ModelRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    audit("coding.emerging_found", obj=run, programme=run.programme, clusters=run.metrics["clusters"])
    return run


@transaction.atomic
def promote_cluster(cluster: EmergingCluster, *, by, name: str = "", parent: Theme | None = None) -> Theme:
    """A new theme from an emerging issue; its examples are quotes only from residents who agreed to that."""
    from chorus.coding.emerging import EmergingCluster as LibraryCluster
    from chorus.coding.emerging import promote_to_theme

    if cluster.promoted_to_id:
        raise ActionError("This issue is already a theme.")
    codebook = current_codebook(cluster.programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    if parent is not None and parent.codebook_id != codebook.pk:
        raise ActionError("Choose a parent theme from the programme's codebook.")
    quotable = dict(
        Contribution.objects.filter(pk__in=cluster.representative_ids, consent_quote=True).values_list(
            "pk", "text"
        )
    )
    quotes = [quotable[pk] for pk in cluster.representative_ids if pk in quotable]
    library_cluster = LibraryCluster(
        number=cluster.number,
        name=cluster.name,
        key_terms=list(cluster.key_terms),
        members=list(range(cluster.size)),
        representatives=[],
        quotes=quotes,
    )
    book = as_library_codebook(codebook)
    new = promote_to_theme(
        library_cluster, book, parent_id=parent.slug if parent else None, name=name.strip() or None
    )
    theme = Theme.objects.create(
        codebook=codebook,
        parent=parent,
        slug=new.id,
        name=new.name,
        description=new.description,
        examples=new.examples,
        position=(codebook.themes.order_by("-position").values_list("position", flat=True).first() or 0) + 1,
        created_by=by,
        promoted_from_cluster=cluster,
    )
    cluster.promoted_to = theme
    cluster.save(update_fields=["promoted_to"])
    audit("coding.cluster_promoted", actor=by, obj=theme, programme=cluster.programme, cluster=cluster.pk)
    return theme


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
    meaning alone decides, over every coded contribution the user may see.
    """
    from chorus.apps.coding import fulltext
    from chorus.coding import embeddings

    query = query.strip()
    if not query:
        return []
    if quotes_only:
        contributions = contributions.filter(consent_quote=True)
    query, contributions = _place_in_query(query, contributions)
    matched = fulltext.keyword_matches(query, contributions, limit=SEARCH_CANDIDATES)
    ids, matrix = _vectors_of(matched or None, contributions)
    query_vector = embeddings.embed([query])[0]
    similarity = dict(zip(ids, (matrix @ query_vector).tolist() if ids else [], strict=True))
    if matched:
        by_meaning = {pk: rank for rank, pk in enumerate(sorted(similarity, key=lambda pk: -similarity[pk]))}
        fused = {
            pk: 1 / (RANK_FUSION_K + keyword_rank) + 1 / (RANK_FUSION_K + by_meaning.get(pk, len(matched)))
            for keyword_rank, pk in enumerate(matched)
        }
        order = sorted(fused, key=lambda pk: (-fused[pk], pk))[:limit]
    else:
        order = sorted(similarity, key=lambda pk: (-similarity[pk], pk))[:limit]
    found = contributions.select_related("programme", "ward", "activity").in_bulk(order)
    return [
        SearchHit(found[pk], float(similarity.get(pk, 0.0)), words_matched=bool(matched))
        for pk in order
        if pk in found
    ]


# ---------------------------------------------------------------------------------------------- agreement


@transaction.atomic
def create_agreement_sample(
    programme: Programme, *, coders: Sequence, size: int, by, name: str = "", seed: int | None = None
) -> AgreementSample:
    """A random sample of the programme's contributions for the coders to code independently; the model's
    current suggestions for them are kept as one more coder."""
    codebook = current_codebook(programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    if len(coders) < 1:
        raise ActionError("Choose at least one person to code the sample.")
    if size < 2:
        raise ActionError("A sample needs at least 2 contributions.")
    ids = list(Contribution.objects.filter(programme=programme).order_by("pk").values_list("pk", flat=True))
    if len(ids) < size:
        raise ActionError(f"The programme has only {len(ids)} contributions.")
    chosen = random.Random(seed).sample(ids, size)
    sample = AgreementSample.objects.create(
        programme=programme,
        codebook=codebook,
        name=name.strip() or f"Sample of {size} ({timezone.now():%d %b %Y})",
        created_by=by,
    )
    sample.contributions.set(chosen)
    sample.coders.set(coders)
    # The model as one more coder: what the latest coding run suggested (a suggestion a person later
    # reviewed is kept, no longer current, so it still counts here).
    run = (
        programme.model_runs.filter(codebook=codebook, status=RunStatus.DONE)
        .exclude(kind=RunKind.EMERGING)
        .first()
    )
    if run is not None:
        suggestions: dict[int, list[int]] = defaultdict(list)
        for contribution_id, theme_id in Coding.objects.filter(
            run=run, contribution_id__in=chosen, status=CodingStatus.SUGGESTED
        ).values_list("contribution_id", "theme_id"):
            suggestions[contribution_id].append(theme_id)
        for contribution_id in chosen:
            answer = CodingSampleAnswer.objects.create(
                sample=sample,
                contribution_id=contribution_id,
                coder_model=f"{run.model_name}@{run.model_version}",
            )
            answer.themes.set(suggestions.get(contribution_id, []))
    audit("coding.sample_created", actor=by, obj=sample, programme=programme, size=size, coders=len(coders))
    return sample


@transaction.atomic
def answer_sample(sample: AgreementSample, contribution: Contribution, themes: Iterable[Theme], *, by):
    if not sample.coders.filter(pk=by.pk).exists():
        raise ActionError("You are not one of the coders of this sample.")
    if not sample.contributions.filter(pk=contribution.pk).exists():
        raise ActionError("That contribution is not in the sample.")
    themes = list(themes)
    if any(theme.codebook_id != sample.codebook_id for theme in themes):
        raise ActionError("Choose themes from the sample's codebook.")
    answer, _ = CodingSampleAnswer.objects.update_or_create(
        sample=sample, contribution=contribution, coder=by
    )
    answer.themes.set(themes)
    audit(
        "coding.sample_answered",
        actor=by,
        obj=sample,
        programme=sample.programme,
        contribution=contribution.pk,
    )
    return answer


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


def delete_model_files(run: ModelRun) -> None:
    if run.directory:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / run.directory, ignore_errors=True)
