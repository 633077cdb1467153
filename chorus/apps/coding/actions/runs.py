"""Coding runs: queue one, and do it in the background (embed, code every contribution, work out sentiment,
order the review queue). `running` is the bookkeeping every background run shares.

The tasks (chorus/apps/coding/tasks.py) call `run_coding` with spread=True, which plans the run as chunk
steps (`do_step`) that any worker takes; the demo calls it directly and does the steps itself, in order.
Each chunk writes its results in one transaction with the chunk marked done, so a chunk done again after
its worker died (chorus.apps.core.durable queues it again) writes nothing twice.
"""

from __future__ import annotations

import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core import storage
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

from ..model_files import save_trained
from ..models import (
    ChunkStage,
    Codebook,
    Coding,
    CodingMethod,
    CodingStatus,
    ContributionVector,
    ModelRun,
    ModelRunChunk,
    ReviewState,
    RunKind,
    RunStatus,
    Sentiment,
    TeachAnswer,
    Theme,
)
from ..queries import current_codebook, reviewed_labels
from .coverage import update_coverage

# A theme is learnt from reviews once it has this many accepted and this many rejected examples; below it,
# the zero-shot model (theme name, description and examples) keeps suggesting it.
MIN_REVIEWED_PER_THEME = 5
# With this many coded examples a theme on average (themes with any), the trained model decides alone.
# (chorus.coding.fewshot.MANY_EXAMPLES, not imported here: it loads the models on Django's start).
MANY_EXAMPLES = 60
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
        _mark_failed(run, error)
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
            _store_vectors(ids, vectors)
        done += len(batch)
        if run is not None:
            record_progress(run, "Reading contributions", done, len(missing))
    return len(missing)


@dataclass
class _Coded:
    """What a coder made of some texts: confidences, which themes apply, and the confidence each needed."""

    probabilities: np.ndarray  # (n, k)
    applies: np.ndarray  # (n, k) bool
    thresholds: np.ndarray  # (n, k)


class _RunCoder:
    """One way of coding, with what every coding it makes says about itself (model label and method)."""

    themes: list[Theme]

    def code(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> _Coded:
        """Code the texts; `language_codes` (one per text) matter only to coders across languages."""
        raise NotImplementedError

    def provenance(self, column: int) -> tuple[str, str]:
        """(model "name@version", CodingMethod) of what decided this theme."""
        raise NotImplementedError


@dataclass
class _ThresholdCoder(_RunCoder):
    """Many coded examples: the trained model for the themes that have enough, zero-shot for the rest."""

    themes: list[Theme]
    zero_shot: object
    trained: object | None
    trained_columns: np.ndarray  # bool per theme
    thresholds: np.ndarray

    def code(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> _Coded:
        probabilities = self.zero_shot.predict_proba(texts)
        if self.trained is not None and self.trained_columns.any():
            learnt = self.trained.predict_proba(texts)
            probabilities[:, self.trained_columns] = learnt[:, self.trained_columns]
        thresholds = np.broadcast_to(self.thresholds[None, :], probabilities.shape)
        return _Coded(probabilities, probabilities >= thresholds, thresholds)

    def provenance(self, column: int) -> tuple[str, str]:
        if self.trained_columns[column]:
            return _label(self.trained), CodingMethod.TRAINED
        return _label(self.zero_shot), CodingMethod.ZERO_SHOT


@dataclass
class _BatchCoder(_RunCoder):
    """Few or no coded examples: a coder that learnt from the batch (BatchZeroShotCoder, FewShotBatchCoder).
    Each text gets its best theme and any other nearly as good (the coder's second-theme ratio), or, when
    the coded examples came as residents spoke rather than theme by theme, the themes over the trained
    model's thresholds (FewShotBatchCoder.uses_thresholds)."""

    themes: list[Theme]
    coder: object
    method: str

    def code(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> _Coded:
        texts = ["" if text is None else str(text) for text in texts]
        if self.method == CodingMethod.OTHER_LANGUAGE:
            # Zero-shot through e5 for text not in English: each text moved back towards English by its
            # language's offset first, as the multilingual heads do.
            probabilities = self.coder.predict_proba(texts, language_codes=language_codes)
        else:
            probabilities = self.coder.predict_proba(texts)
        applies = self.coder.decide(texts, probabilities).astype(bool)
        if getattr(self.coder, "uses_thresholds", False):  # few-shot, examples coded as they came
            thresholds = np.broadcast_to(self.coder.trained.thresholds[None, :], probabilities.shape)
        else:
            best = probabilities.max(axis=1, keepdims=True) if probabilities.size else probabilities
            thresholds = np.broadcast_to(self.coder.second_theme_ratio * best, probabilities.shape)
        return _Coded(probabilities, applies, thresholds)

    def provenance(self, column: int) -> tuple[str, str]:
        return _label(self.coder), self.method


@dataclass
class _MultilingualCoder(_RunCoder):
    """Heads on multilingual embeddings fitted on the coded examples, for text not in English."""

    themes: list[Theme]
    coder: object

    def code(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> _Coded:
        # With each text's language the heads first move it back towards English (LanguageOffsets).
        probabilities = self.coder.predict_proba(texts, language_codes=language_codes)
        applies = self.coder.decide(probabilities, training_language=False).astype(bool)
        thresholds = np.broadcast_to(self.coder.thresholds_for(False)[None, :], probabilities.shape)
        return _Coded(probabilities, applies, thresholds)

    def provenance(self, column: int) -> tuple[str, str]:
        return _label(self.coder), CodingMethod.OTHER_LANGUAGE


def _label(model) -> str:
    return f"{model.model_name}@{model.model_version}"


def _descriptions(themes: Sequence[Theme]):
    from chorus.coding.zeroshot import ThemeDescription

    names = {theme.pk: theme.name for theme in themes}
    return [
        ThemeDescription(
            str(t.pk), t.name, t.description, tuple(t.examples), parent=names.get(t.parent_id, "")
        )
        for t in themes
    ]


def _build_coder(
    run: ModelRun, min_reviewed: int, many_examples: int, texts: Sequence[str], *, use_e5: bool = False
) -> _RunCoder:
    """The coder the programme's coded examples allow (see run_coding), recorded on the run."""
    from chorus.coding.fewshot import FewShotBatchCoder
    from chorus.coding.zeroshot import BatchZeroShotCoder

    themes = list(run.codebook.themes.order_by("position", "id"))
    ids, coded_texts, labels, _ = reviewed_labels(run.codebook)
    positives = np.nansum(labels == 1, axis=0) if ids else np.zeros(len(themes))
    with_examples = positives[positives > 0]
    run.training_size = len(ids)
    run.directory = ""
    if len(with_examples) and with_examples.mean() >= many_examples:
        coder: _RunCoder = _threshold_coder(run, themes, coded_texts, labels, min_reviewed, use_e5=use_e5)
    elif len(with_examples):
        fitted = FewShotBatchCoder.fit(_descriptions(themes), coded_texts, labels, texts, use_e5=use_e5)
        coder = _BatchCoder(themes, fitted, CodingMethod.FEW_SHOT)
        run.kind = RunKind.FEW_SHOT
        run.model_name, run.model_version = fitted.model_name, fitted.model_version
        run.metrics = {
            "themes_with_examples": [themes[i].slug for i in np.flatnonzero(positives > 0)],
            "themes_without_examples": [themes[i].slug for i in np.flatnonzero(positives == 0)],
        }
    else:
        fitted = BatchZeroShotCoder.fit(_descriptions(themes), texts, use_e5=use_e5)
        coder = _BatchCoder(themes, fitted, CodingMethod.BATCH)
        run.kind = RunKind.BATCH
        run.model_name, run.model_version = fitted.model_name, fitted.model_version
        run.metrics = {"themes_without_examples": [t.slug for t in themes]}
    run.save(update_fields=["kind", "model_name", "model_version", "directory", "training_size", "metrics"])
    return coder


def _threshold_coder(
    run, themes, texts, labels, min_reviewed: int, *, use_e5: bool = False
) -> _ThresholdCoder:
    """With e5, the trained model has the e5 embedding among its features (chorus.coding.classifier.
    E5_FEATURES: better on English, at e5's speed); it is saved with the run."""
    from chorus.coding.classifier import E5_FEATURES, MultiLabelCoder
    from chorus.coding.zeroshot import ThemeDescription, ZeroShotCoder

    zero_shot = ZeroShotCoder(
        [ThemeDescription(str(t.pk), t.name, t.description, tuple(t.examples)) for t in themes]
    )
    thresholds = np.full(len(themes), 0.5)
    positives = np.nansum(labels == 1, axis=0)
    negatives = np.nansum(labels == 0, axis=0)
    trained_columns = (positives >= min_reviewed) & (negatives >= min_reviewed)
    trained = None
    if trained_columns.any():
        settings = E5_FEATURES if use_e5 else None
        trained = MultiLabelCoder.fit(texts, labels, [str(t.pk) for t in themes], settings=settings)
        run.directory = save_trained(run.pk, trained)
        thresholds[trained_columns] = trained.thresholds[trained_columns]
        run.kind = RunKind.TRAINED
        run.model_name, run.model_version = trained.model_name, trained.model_version
        run.metrics = {
            "trained_themes": [themes[i].slug for i in np.flatnonzero(trained_columns)],
            "zero_shot_themes": [themes[i].slug for i in np.flatnonzero(~trained_columns)],
            "thresholds": {themes[i].slug: round(float(thresholds[i]), 3) for i in range(len(themes))},
        }
    else:
        run.kind = RunKind.ZERO_SHOT
        run.model_name, run.model_version = zero_shot.model_name, zero_shot.model_version
        run.metrics = {"trained_themes": [], "zero_shot_themes": [t.slug for t in themes]}
    return _ThresholdCoder(themes, zero_shot, trained, trained_columns, thresholds)


def _other_language_coder(
    run: ModelRun, themes: list[Theme], texts: Sequence[str], language_codes: Sequence[str] | None = None
) -> _RunCoder:
    """For contributions not in English: multilingual heads fitted on the coded examples when there are
    some, else zero-shot from the codebook through multilingual embeddings, learning from these texts (each
    moved back towards English by its language's offset, given `language_codes`, one per text)."""
    from chorus.coding.crosslingual import fit_heads_on_sample
    from chorus.coding.zeroshot import BatchZeroShotCoder, e5_available

    ids, coded_texts, labels, _ = reviewed_labels(run.codebook)
    if ids and np.nansum(labels == 1) > 0 and e5_available():
        fitted = fit_heads_on_sample(coded_texts, labels, [str(t.pk) for t in themes])
        return _MultilingualCoder(themes, fitted)
    batch = BatchZeroShotCoder.fit(
        _descriptions(themes), texts, use_e5=e5_available(), language_codes=language_codes
    )
    return _BatchCoder(themes, batch, CodingMethod.OTHER_LANGUAGE)


def _languages(
    programme: Programme, contributions: Sequence[tuple[int, str, str]], stored: set[str] | None = None
) -> list[str]:
    """Each contribution's language: as stored, else detected among English, the community languages and
    the languages stored in the programme; a detection less sure than languages.ROUTING_CONFIDENCE counts as
    not known (short English comments such as "Just perfect" come out Romanian at about 0.5)."""
    from chorus.coding import languages

    if stored is None:
        stored = {code for _, _, code in contributions if code}
    candidates = languages.programme_candidates(
        [
            *languages.COMMUNITY_LANGUAGES,
            *(code for code in stored if code in languages.supported_languages()),
        ]
    )
    blank = [index for index, (_, _, code) in enumerate(contributions) if not code]
    found = languages.routing_languages([contributions[i][1] for i in blank], candidates)
    codes = [code for _, _, code in contributions]
    for index, code in zip(blank, found, strict=True):
        codes[index] = code
    return codes


def _calibration(codebook: Codebook):
    """Confidences mapped to how often people agreed, from the teaching answers (None until enough)."""
    from chorus.coding.teaching import Calibration

    from .teaching import with_parents

    parents = dict(codebook.themes.values_list("pk", "parent_id"))
    pairs = []
    for predicted, chosen in TeachAnswer.objects.filter(codebook=codebook).values_list("predicted", "chosen"):
        # A theme counts as agreed when it, or a theme it sits under, is among the person's (or theirs').
        agreed_with = with_parents(codebook, chosen, parents)
        pairs.append(
            (
                predicted,
                [theme for theme in predicted if with_parents(codebook, [theme], parents) & agreed_with],
            )
        )
    return Calibration.from_answers(pairs)


def run_coding(
    run_id: int,
    *,
    by,
    min_reviewed: int = MIN_REVIEWED_PER_THEME,
    many_examples: int = MANY_EXAMPLES,
    sentiment: bool = True,
    use_e5: bool | None = None,
    spread: bool = False,
) -> ModelRun:
    """Do a queued coding run: embed, code every contribution, work out sentiment, order the review queue.
    `by` is who queued it (the task passes the run's `started_by`).

    The coder follows what the programme has: only a codebook, a zero-shot coder that learns from the
    contributions themselves; some coded examples, the few-shot coder (examples and codebook together);
    many (`many_examples` a theme on average), the trained model, with zero-shot for themes it cannot learn.
    Contributions not in English (as stored, or detected) go to a multilingual coder. Once people have
    answered enough teaching questions, confidences say how often people agreed with such a coding.
    `use_e5` adds the multilingual model to the English batch coders (slower, better): by default when the
    programme has at most settings.CHORUS_CODING_E5_MAX.

    The run is planned as chunks of settings.CHORUS_CODING_CHUNK contributions: read them (embed, detect the
    language), then fit the coders once, then code them. `spread` queues each step as a task any worker takes
    (the `coding_step` task) and returns with the run running; otherwise the steps are done here, in order."""
    run = ModelRun.objects.select_related("programme", "codebook").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    run.options = {
        "min_reviewed": min_reviewed,
        "many_examples": many_examples,
        "sentiment": sentiment,
        "use_e5": use_e5,
    }
    pending: deque[tuple[str, int]] = deque()

    def here(step: str, index: int = 0) -> None:
        pending.append((step, index))

    schedule = _queueing(run.pk) if spread else here
    with running(run):
        run.error, run.finished_at = "", None
        run.save(update_fields=["options", "error", "finished_at"])
        _plan(run, schedule)
        while pending:
            step, index = pending.popleft()
            STEPS[step](run.pk, index, schedule=schedule, raise_errors=True)
    run.refresh_from_db()
    return run


Schedule = Callable[..., None]


def _queueing(run_id: int) -> Schedule:
    """Queue a step as a task, inside the caller's transaction: queued if and only if that commits."""
    from ..tasks import coding_step

    def queue(step: str, index: int = 0) -> None:
        coding_step.enqueue(run_id, step, index)

    return queue


def _plan(run: ModelRun, schedule: Schedule) -> None:
    """Cut the programme's contributions into chunks to read, and queue them."""
    ids = list(
        Contribution.objects.filter(programme=run.programme).order_by("pk").values_list("pk", flat=True)
    )
    size = max(1, settings.CHORUS_CODING_CHUNK)
    parts = [ids[start : start + size] for start in range(0, len(ids), size)]
    with transaction.atomic():
        run.chunks.all().delete()
        ModelRunChunk.objects.bulk_create(
            ModelRunChunk(run=run, stage=ChunkStage.PREPARE, index=index, contribution_ids=part)
            for index, part in enumerate(parts)
        )
        record_progress(run, "Reading contributions", 0, len(ids))
        if parts:
            for index in range(len(parts)):
                schedule("prepare", index)
        else:
            schedule("fit")


def do_step(run_id: int, step: str, index: int = 0) -> ModelRun | None:
    """Do one step of a spread run (the `coding_step` task); a step of a run not running does nothing."""
    return STEPS[step](run_id, index, schedule=_queueing(run_id), raise_errors=True)


def _step(work: Callable[[ModelRun, int, Schedule], None]):
    """A step: done only while its run is running; a failure marks the run failed with why."""

    def step(run_id: int, index: int, *, schedule: Schedule, raise_errors: bool) -> ModelRun | None:
        run = ModelRun.objects.select_related("programme", "codebook").filter(pk=run_id).first()
        if run is None or run.status != RunStatus.RUNNING:
            return run
        try:
            work(run, index, schedule)
        except Exception as error:
            _mark_failed(run, error)
            if raise_errors:
                raise
        return run

    step.__name__ = work.__name__
    return step


def _chunk_to_do(run: ModelRun, stage: str, index: int) -> ModelRunChunk | None:
    """The chunk, locked until the caller's transaction ends; None when it is done already (by a worker that
    stopped after committing it, or by another worker doing it at the same time)."""
    chunk = ModelRunChunk.objects.select_for_update().filter(run=run, stage=stage, index=index).first()
    return None if chunk is None or chunk.done else chunk


def _chunk_done(run: ModelRun, chunk: ModelRunChunk, stage: str, **fields) -> bool:
    """Mark the chunk done and count it on the run; True when it was the stage's last. Inside the
    transaction that wrote the chunk's work: the run's row lock orders chunks finishing together, and each
    sees the others' commits."""
    ModelRunChunk.objects.filter(pk=chunk.pk).update(done=True, **fields)
    locked = ModelRun.objects.select_for_update().get(pk=run.pk)
    done = locked.progress_done + len(chunk.contribution_ids)
    ModelRun.objects.filter(pk=run.pk).update(progress_done=done)
    run.progress_done = done
    return not ModelRunChunk.objects.filter(run=run, stage=stage, done=False).exists()


@_step
def _prepare(run: ModelRun, index: int, schedule: Schedule) -> None:
    """Read one chunk: store a vector for each contribution without one, and find which are not English."""
    from chorus.coding import embeddings

    chunk = ModelRunChunk.objects.filter(run=run, stage=ChunkStage.PREPARE, index=index).first()
    if chunk is None or chunk.done:
        return
    rows = list(
        Contribution.objects.filter(pk__in=chunk.contribution_ids)
        .order_by("pk")
        .values_list("pk", "text", "language")
    )
    stored = set(
        Contribution.objects.filter(programme=run.programme)
        .exclude(language="")
        .values_list("language", flat=True)
        .distinct()
    )
    codes = _languages(run.programme, rows, stored=stored)
    code_of = {pk: code for (pk, _, _), code in zip(rows, codes, strict=True)}
    other = {pk: code not in ("en", "und") for pk, code in code_of.items()}
    missing = set(
        Contribution.objects.filter(pk__in=chunk.contribution_ids)
        .exclude(vector__model_version=embeddings.MODEL_VERSION)
        .values_list("pk", flat=True)
    )
    to_embed = [(pk, text) for pk, text, _ in rows if pk in missing]
    vectors = embeddings.embed([text for _, text in to_embed]) if to_embed else []
    with transaction.atomic():
        if _chunk_to_do(run, ChunkStage.PREPARE, index) is None:
            return
        _store_vectors([pk for pk, _ in to_embed], vectors)
        last = _chunk_done(
            run,
            chunk,
            ChunkStage.PREPARE,
            other_language=[other.get(pk, False) for pk in chunk.contribution_ids],
            languages=[code_of.get(pk, "") for pk in chunk.contribution_ids],
        )
        if last:
            schedule("fit")


def _store_vectors(ids: Sequence[int], vectors) -> None:
    from chorus.coding import embeddings

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


@_step
def _fit(run: ModelRun, index: int, schedule: Schedule) -> None:
    """Fit the coders once, from the codebook, the coded examples and the English contributions; store them
    for the coding chunks, and queue those."""
    if ModelRunChunk.objects.filter(run=run, stage=ChunkStage.CODE).exists():
        return  # fitted already, by a worker that stopped after committing
    options = run.options
    record_progress(run, "Learning from the codebook and coded examples", 0, 1)
    chunks = list(run.chunks.filter(stage=ChunkStage.PREPARE).order_by("index"))
    ids = [pk for chunk in chunks for pk in chunk.contribution_ids]
    other = [flag for chunk in chunks for flag in chunk.other_language]
    codes = [code for chunk in chunks for code in (chunk.languages or [""] * len(chunk.contribution_ids))]
    texts = dict(Contribution.objects.filter(pk__in=ids).values_list("pk", "text"))
    english_texts = [texts[pk] for pk, is_other in zip(ids, other, strict=True) if not is_other]
    use_e5 = options.get("use_e5")
    if use_e5 is None:
        use_e5 = _e5_by_default(len(english_texts))
    coder = _build_coder(
        run,
        options.get("min_reviewed", MIN_REVIEWED_PER_THEME),
        options.get("many_examples", MANY_EXAMPLES),
        english_texts,
        use_e5=use_e5,
    )
    other_coder = None
    if any(other):
        other_rows = [row for row, is_other in enumerate(other) if is_other]
        other_coder = _other_language_coder(
            run, coder.themes, [texts[ids[row]] for row in other_rows], [codes[row] for row in other_rows]
        )
    _save_coders(run, _Coders(coder, other_coder, _calibration(run.codebook)))
    with transaction.atomic():
        ModelRun.objects.select_for_update().get(pk=run.pk)
        if ModelRunChunk.objects.filter(run=run, stage=ChunkStage.CODE).exists():
            return
        ModelRunChunk.objects.bulk_create(
            ModelRunChunk(
                run=run,
                stage=ChunkStage.CODE,
                index=chunk.index,
                contribution_ids=chunk.contribution_ids,
                other_language=chunk.other_language,
                languages=chunk.languages,
            )
            for chunk in chunks
        )
        record_progress(run, "Coding contributions", 0, len(ids))
        if chunks:
            for chunk in chunks:
                schedule("code", chunk.index)
        else:
            _finish(run)


@dataclass
class _Coders:
    coder: _RunCoder
    other_coder: _RunCoder | None
    calibration: object


def _coders_name(run: ModelRun) -> str:
    return f"runs/{run.pk}/coders.pickle"


def _save_coders(run: ModelRun, coders: _Coders) -> None:
    """The fitted coders, for the coding chunks in any worker (through file storage, which every worker
    shares); gone when the run ends."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = _coders_name(run)
    storage.delete(name)
    default_storage.save(name, ContentFile(pickle.dumps(coders, protocol=pickle.HIGHEST_PROTOCOL)))
    _loaded_coders.clear()


_loaded_coders: dict[int, _Coders] = {}


def _load_coders(run: ModelRun) -> _Coders:
    from django.core.files.storage import default_storage

    if run.pk not in _loaded_coders:
        _loaded_coders.clear()
        with default_storage.open(_coders_name(run), "rb") as stored:
            # Written by _save_coders of this run, in Chorus's own storage: never a file from outside.
            _loaded_coders[run.pk] = pickle.loads(stored.read())  # noqa: S301
    return _loaded_coders[run.pk]


def _delete_coders(run: ModelRun) -> None:
    _loaded_coders.pop(run.pk, None)
    storage.delete(_coders_name(run))


@_step
def _code(run: ModelRun, index: int, schedule: Schedule) -> None:
    """Code one chunk, with its sentiment and review order, in one transaction with the chunk marked done."""
    chunk = ModelRunChunk.objects.filter(run=run, stage=ChunkStage.CODE, index=index).first()
    if chunk is None or chunk.done:
        return
    coders = _load_coders(run)
    texts = dict(Contribution.objects.filter(pk__in=chunk.contribution_ids).values_list("pk", "text"))
    codes = chunk.languages or [""] * len(chunk.contribution_ids)
    rows = [
        (pk, texts[pk], is_other, code)
        for pk, is_other, code in zip(chunk.contribution_ids, chunk.other_language, codes, strict=True)
        if pk in texts  # erased since the run was planned
    ]
    new_codings, ids, margins = _codings_for(run, coders, rows)
    feelings = _sentiments_for(rows) if run.options.get("sentiment", True) else []
    with transaction.atomic():
        if _chunk_to_do(run, ChunkStage.CODE, index) is None:
            return
        # A suggestion nobody acted on is replaced by the new model's; people's decisions stay.
        theme_ids = [theme.pk for theme in coders.coder.themes]
        Coding.objects.filter(
            contribution_id__in=ids, theme_id__in=theme_ids, status=CodingStatus.SUGGESTED, current=True
        ).delete()
        Coding.objects.bulk_create(new_codings)
        _store_margins(run.codebook, ids, margins)
        update_coverage(run.programme, ids)
        if feelings:
            have = set(
                Sentiment.objects.filter(contribution_id__in=ids).values_list("contribution_id", flat=True)
            )
            Sentiment.objects.bulk_create(
                feeling for feeling in feelings if feeling.contribution_id not in have
            )
        if _chunk_done(run, chunk, ChunkStage.CODE):
            _finish(run)


def _finish(run: ModelRun) -> None:
    run.status, run.finished_at, run.phase = RunStatus.DONE, timezone.now(), "Finished"
    run.save(update_fields=["status", "finished_at", "phase"])
    run.finished_here = True  # the step that finished it (the task then learns again if it should)
    by = run.started_by if run.started_by_id else None
    audit("coding.run_finished", actor=by, obj=run, programme=run.programme, kind=run.kind)
    transaction.on_commit(lambda: _delete_coders(run))


STEPS: dict[str, Callable[..., ModelRun | None]] = {"prepare": _prepare, "fit": _fit, "code": _code}


def _mark_failed(run: ModelRun, error: Exception | str) -> None:
    """The run failed: when and why (`Type: message`, cut to ERROR_MAX_LENGTH)."""
    why = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    failed = {"status": RunStatus.FAILED, "error": why[:ERROR_MAX_LENGTH], "finished_at": timezone.now()}
    ModelRun.objects.filter(pk=run.pk).update(**failed)
    for field, value in failed.items():
        setattr(run, field, value)
    _delete_coders(run)


def run_lost(run_id: int, *args, retrying: bool, reason: str, **kwargs) -> None:
    """A worker doing a step of this run stopped (chorus.apps.core.durable): the run says so. Queued again,
    it carries on (a whole run starts again; a chunk is done again); given up, the run has failed."""
    run = ModelRun.objects.filter(pk=run_id).first()
    if run is None or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return
    whole_run = not args and not kwargs
    if retrying and whole_run:
        ModelRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, phase="Starting again")
    elif retrying:
        ModelRun.objects.filter(pk=run.pk).update(phase="A worker stopped: its part starts again")
    else:
        _mark_failed(run, reason)
    audit("coding.run_worker_lost", obj=run, programme=run.programme, retrying=retrying)


def _e5_by_default(count: int) -> bool:
    from chorus.coding.zeroshot import e5_available

    return 0 < count <= settings.CHORUS_CODING_E5_MAX and e5_available()


def _codings_for(run: ModelRun, coders: _Coders, rows: Sequence[tuple[int, str, bool, str]]):
    """The suggestions for some contributions (not those people decided), and how sure the model was."""
    coder, other_coder = coders.coder, coders.other_coder
    theme_ids = [theme.pk for theme in coder.themes]
    provenance = {
        False: [coder.provenance(column) for column in range(len(theme_ids))],
        True: [other_coder.provenance(column) for column in range(len(theme_ids))] if other_coder else [],
    }
    ids = [pk for pk, _, _, _ in rows]
    new_codings: list[Coding] = []
    all_margins = []
    now = timezone.now()
    for batch in _batches(rows):
        batch_ids = [pk for pk, _, _, _ in batch]
        coded = _code_batch(coder, other_coder, batch, len(theme_ids))
        margins = (
            np.abs(coded.probabilities - coded.thresholds).min(axis=1)
            if theme_ids
            else np.ones(len(batch_ids))
        )
        all_margins.append(margins)
        confidences, thresholds = coded.probabilities, coded.thresholds
        if coders.calibration is not None:
            confidences, thresholds = coders.calibration(confidences), coders.calibration(thresholds)
        decided_by_people = set(
            Coding.objects.filter(contribution_id__in=batch_ids, theme_id__in=theme_ids, current=True)
            .exclude(status=CodingStatus.SUGGESTED)
            .values_list("contribution_id", "theme_id")
        )
        for row, (contribution_id, _, is_other, _) in enumerate(batch):
            for column in np.flatnonzero(coded.applies[row]):
                theme_id = theme_ids[column]
                if (contribution_id, theme_id) in decided_by_people:
                    continue
                model, method = provenance[is_other][column]
                new_codings.append(
                    Coding(
                        contribution_id=contribution_id,
                        theme_id=theme_id,
                        confidence=round(float(confidences[row, column]), 4),
                        model_score=round(float(coded.probabilities[row, column]), 4),
                        threshold=round(float(thresholds[row, column]), 4),
                        made_by_model=model,
                        method=method,
                        run=run,
                        made_at=now,
                        status=CodingStatus.SUGGESTED,
                    )
                )
    margins = np.concatenate(all_margins) if all_margins else np.zeros(0)
    return new_codings, ids, margins


def _sentiments_for(rows: Sequence[tuple[int, str, bool, str]]) -> list[Sentiment]:
    from chorus.coding.sentiment import default_model

    model = default_model()
    label = f"{model.model_name}@{model.model_version}"
    codings = model.codings([text for _, text, _, _ in rows]) if rows else []
    return [
        Sentiment(contribution_id=pk, label=coding.theme, confidence=round(coding.confidence, 4), model=label)
        for (pk, _, _, _), coding in zip(rows, codings, strict=True)
    ]


def _code_batch(coder: _RunCoder, other_coder: _RunCoder | None, batch, k: int) -> _Coded:
    n = len(batch)
    coded = _Coded(np.zeros((n, k)), np.zeros((n, k), dtype=bool), np.full((n, k), 0.5))
    other = np.array([is_other for _, _, is_other, _ in batch], dtype=bool)
    for mask, chosen in ((~other, coder), (other, other_coder)):
        rows = np.flatnonzero(mask)
        if len(rows) and chosen is not None:
            part = chosen.code([batch[i][1] for i in rows], [batch[i][3] for i in rows])
            coded.probabilities[rows], coded.applies[rows], coded.thresholds[rows] = (
                part.probabilities,
                part.applies,
                part.thresholds,
            )
    return coded


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
