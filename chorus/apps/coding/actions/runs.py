"""Coding runs: queue one, and do it in the background (embed, code every contribution, work out sentiment,
order the review queue). `running` is the bookkeeping every background run shares.

The tasks (chorus/apps/coding/tasks.py) call `run_coding`; the demo calls it directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

from ..models import (
    Codebook,
    Coding,
    CodingStatus,
    ContributionVector,
    ModelRun,
    ReviewState,
    RunKind,
    RunStatus,
    Sentiment,
    Theme,
)
from ..queries import current_codebook, reviewed_labels

# A theme is learnt from reviews once it has this many accepted and this many rejected examples; below it,
# the zero-shot model (theme name, description and examples) keeps suggesting it.
MIN_REVIEWED_PER_THEME = 5
BATCH_SIZE = 1000
# The most of an error's text a failed run keeps.
ERROR_MAX_LENGTH = 2000


def start_coding(
    programme: Programme, *, by, codebook: Codebook | None = None, enqueue: bool = True
) -> ModelRun:
    """Queue coding of the whole programme on the `coding` queue; the run shows progress.

    enqueue=False leaves the run for the caller to do now with run_coding (the demo does)."""
    from ..tasks import code_programme

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


@contextmanager
def running(run: ModelRun, *, phase: str | None = None) -> Iterator[ModelRun]:
    """Mark the run as running for the work inside the block. If the work raises, the run is marked failed
    with when and why (`Type: message`, cut to ERROR_MAX_LENGTH) and the error goes on up."""
    started = {"status": RunStatus.RUNNING} | ({"phase": phase} if phase is not None else {})
    ModelRun.objects.filter(pk=run.pk).update(**started)
    for field, value in started.items():
        setattr(run, field, value)
    try:
        yield run
    except Exception as error:
        failed = {
            "status": RunStatus.FAILED,
            "error": f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH],
            "finished_at": timezone.now(),
        }
        ModelRun.objects.filter(pk=run.pk).update(**failed)
        for field, value in failed.items():
            setattr(run, field, value)
        raise


def record_progress(run: ModelRun, phase: str, done: int, total: int) -> None:
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
            record_progress(run, "Reading contributions", done, len(missing))
    return len(missing)


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
    run_id: int, *, by, min_reviewed: int = MIN_REVIEWED_PER_THEME, sentiment: bool = True
) -> ModelRun:
    """Do a queued coding run: embed, code every contribution, work out sentiment, order the review queue.
    `by` is who queued it (the task passes the run's `started_by`)."""
    run = ModelRun.objects.select_related("programme", "codebook").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    with running(run):
        embed_missing(run.programme, run)
        record_progress(run, "Learning from reviews", 0, 1)
        coder = _build_coder(run, min_reviewed)
        _code_contributions(run, coder)
        if sentiment:
            _sentiment_missing(run)
    run.status, run.finished_at, run.phase = RunStatus.DONE, timezone.now(), "Finished"
    run.save(update_fields=["status", "finished_at", "phase"])
    audit("coding.run_finished", actor=by, obj=run, programme=run.programme, kind=run.kind)
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
            _store_margins(run.codebook, ids, margins)
        done += len(batch)
        record_progress(run, "Coding contributions", done, len(contributions))


def _store_margins(codebook: Codebook, ids: Sequence[int], margins: np.ndarray) -> None:
    """How sure the model was of each contribution, which orders the review queue."""
    existing = {state.contribution_id: state for state in ReviewState.objects.filter(contribution_id__in=ids)}
    to_update, to_create = [], []
    for contribution_id, margin in zip(ids, margins, strict=True):
        state = existing.get(contribution_id)
        if state is None:
            to_create.append(
                ReviewState(contribution_id=contribution_id, codebook=codebook, margin=float(margin))
            )
        else:
            state.margin, state.codebook = float(margin), codebook
            to_update.append(state)
    ReviewState.objects.bulk_create(to_create)
    ReviewState.objects.bulk_update(to_update, ["margin", "codebook"])


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
        record_progress(run, "Working out sentiment", done, len(missing))
