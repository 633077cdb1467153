"""Coding runs: queue one, and do it in the background (embed, code every contribution, work out sentiment,
order the review queue). `running` is the bookkeeping every background run shares.

The tasks (chorus/apps/coding/tasks.py) call `run_coding`; the demo calls it directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

from ..model_files import save_trained
from ..models import (
    Codebook,
    Coding,
    CodingMethod,
    CodingStatus,
    ContributionVector,
    ModelRun,
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
# A contribution with no stored language goes to the multilingual coder only when detection is this sure.
ROUTING_CONFIDENCE = 0.8
# The multilingual coder learns from at most this many coded examples (a seeded sample): each is embedded by
# the multilingual model, about 40 a second on one core.
MULTILINGUAL_MAX_EXAMPLES = 800
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
    Each text gets its best theme and any other nearly as good (the coder's second-theme ratio)."""

    themes: list[Theme]
    coder: object
    method: str
    ratio: float

    def code(self, texts: Sequence[str], language_codes: Sequence[str] | None = None) -> _Coded:
        texts = ["" if text is None else str(text) for text in texts]
        probabilities = self.coder.predict_proba(texts)
        if hasattr(self.coder, "trained") and self.coder.codebook is None:  # few-shot with many examples
            applies = self.coder.trained.decide(probabilities).astype(bool)
        else:
            decider = getattr(self.coder, "codebook", None) or self.coder
            applies = decider.decide(texts, probabilities).astype(bool)
        best = probabilities.max(axis=1, keepdims=True) if probabilities.size else probabilities
        thresholds = np.broadcast_to(self.ratio * best, probabilities.shape)
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
    from chorus.coding.fewshot import SECOND_THEME_RATIO as FEW_SHOT_RATIO
    from chorus.coding.fewshot import FewShotBatchCoder
    from chorus.coding.zeroshot import SECOND_THEME_RATIO as BATCH_RATIO
    from chorus.coding.zeroshot import BatchZeroShotCoder

    themes = list(run.codebook.themes.order_by("position", "id"))
    ids, coded_texts, labels, _ = reviewed_labels(run.codebook)
    positives = np.nansum(labels == 1, axis=0) if ids else np.zeros(len(themes))
    with_examples = positives[positives > 0]
    run.training_size = len(ids)
    run.directory = ""
    if len(with_examples) and with_examples.mean() >= many_examples:
        coder: _RunCoder = _threshold_coder(run, themes, coded_texts, labels, min_reviewed)
    elif len(with_examples):
        fitted = FewShotBatchCoder.fit(_descriptions(themes), coded_texts, labels, texts, use_e5=use_e5)
        coder = _BatchCoder(themes, fitted, CodingMethod.FEW_SHOT, FEW_SHOT_RATIO)
        run.kind = RunKind.FEW_SHOT
        run.model_name, run.model_version = fitted.model_name, fitted.model_version
        run.metrics = {
            "themes_with_examples": [themes[i].slug for i in np.flatnonzero(positives > 0)],
            "themes_without_examples": [themes[i].slug for i in np.flatnonzero(positives == 0)],
        }
    else:
        fitted = BatchZeroShotCoder.fit(_descriptions(themes), texts, use_e5=use_e5)
        coder = _BatchCoder(themes, fitted, CodingMethod.BATCH, BATCH_RATIO)
        run.kind = RunKind.BATCH
        run.model_name, run.model_version = fitted.model_name, fitted.model_version
        run.metrics = {"themes_without_examples": [t.slug for t in themes]}
    run.save(update_fields=["kind", "model_name", "model_version", "directory", "training_size", "metrics"])
    return coder


def _threshold_coder(run, themes, texts, labels, min_reviewed: int) -> _ThresholdCoder:
    from chorus.coding.classifier import MultiLabelCoder
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
        trained = MultiLabelCoder.fit(texts, labels, [str(t.pk) for t in themes])
        thresholds[trained_columns] = trained.thresholds[trained_columns]
        run.directory = save_trained(run.pk, trained)
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


def _other_language_coder(run: ModelRun, themes: list[Theme], texts: Sequence[str]) -> _RunCoder:
    """For contributions not in English: multilingual heads fitted on the coded examples when there are
    some, else zero-shot from the codebook through multilingual embeddings, learning from these texts."""
    from chorus.coding.crosslingual import MultilingualThemeCoder
    from chorus.coding.zeroshot import SECOND_THEME_RATIO, BatchZeroShotCoder, e5_available

    ids, coded_texts, labels, _ = reviewed_labels(run.codebook)
    if ids and np.nansum(labels == 1) > 0 and e5_available():
        if len(ids) > MULTILINGUAL_MAX_EXAMPLES:  # e5 embeds every example: bound the time it takes
            keep = np.sort(
                np.random.default_rng(0).choice(len(ids), MULTILINGUAL_MAX_EXAMPLES, replace=False)
            )
            coded_texts, labels = [coded_texts[i] for i in keep], labels[keep]
        fitted = MultilingualThemeCoder.fit(coded_texts, labels, [str(t.pk) for t in themes])
        return _MultilingualCoder(themes, fitted)
    batch = BatchZeroShotCoder.fit(_descriptions(themes), texts, use_e5=e5_available())
    return _BatchCoder(themes, batch, CodingMethod.OTHER_LANGUAGE, SECOND_THEME_RATIO)


def _languages(programme: Programme, contributions: Sequence[tuple[int, str, str]]) -> list[str]:
    """Each contribution's language: as stored, else detected among English, the community languages and
    the languages stored in the programme; a detection less sure than ROUTING_CONFIDENCE counts as not
    known (short English comments such as "Just perfect" come out Romanian at about 0.5)."""
    from chorus.coding import languages

    stored = {code for _, _, code in contributions if code}
    candidates = languages.programme_candidates(
        [
            *languages.COMMUNITY_LANGUAGES,
            *(code for code in stored if code in languages.supported_languages()),
        ]
    )
    blank = [index for index, (_, _, code) in enumerate(contributions) if not code]
    found = languages.detect_many([contributions[i][1] for i in blank], candidates)
    codes = [code for _, _, code in contributions]
    for index, detection in zip(blank, found, strict=True):
        sure = detection.confidence >= ROUTING_CONFIDENCE
        codes[index] = detection.code if sure else languages.UNDETERMINED
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
) -> ModelRun:
    """Do a queued coding run: embed, code every contribution, work out sentiment, order the review queue.
    `by` is who queued it (the task passes the run's `started_by`).

    The coder follows what the programme has: only a codebook, a zero-shot coder that learns from the
    contributions themselves; some coded examples, the few-shot coder (examples and codebook together);
    many (`many_examples` a theme on average), the trained model, with zero-shot for themes it cannot learn.
    Contributions not in English (as stored, or detected) go to a multilingual coder. Once people have
    answered enough teaching questions, confidences say how often people agreed with such a coding.
    `use_e5` adds the multilingual model to the English batch coders (slower, better): by default when the
    programme has at most settings.CHORUS_CODING_E5_MAX."""
    run = ModelRun.objects.select_related("programme", "codebook").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    with running(run):
        embed_missing(run.programme, run)
        record_progress(run, "Learning from the codebook and coded examples", 0, 1)
        contributions = list(
            Contribution.objects.filter(programme=run.programme)
            .order_by("pk")
            .values_list("pk", "text", "language")
        )
        codes = _languages(run.programme, contributions)
        other = [code not in ("en", "und") for code in codes]
        english_texts = [
            text for (_, text, _), is_other in zip(contributions, other, strict=True) if not is_other
        ]
        if use_e5 is None:
            use_e5 = _e5_by_default(len(english_texts))
        coder = _build_coder(run, min_reviewed, many_examples, english_texts, use_e5=use_e5)
        other_coder = None
        if any(other):
            other_texts = [
                text for (_, text, _), is_other in zip(contributions, other, strict=True) if is_other
            ]
            other_coder = _other_language_coder(run, coder.themes, other_texts)
        _code_contributions(run, coder, other_coder, contributions, other, _calibration(run.codebook), codes)
        if sentiment:
            _sentiment_missing(run)
    run.status, run.finished_at, run.phase = RunStatus.DONE, timezone.now(), "Finished"
    run.save(update_fields=["status", "finished_at", "phase"])
    audit("coding.run_finished", actor=by, obj=run, programme=run.programme, kind=run.kind)
    return run


def _e5_by_default(count: int) -> bool:
    from chorus.coding.zeroshot import e5_available

    return 0 < count <= settings.CHORUS_CODING_E5_MAX and e5_available()


def _code_contributions(
    run: ModelRun,
    coder: _RunCoder,
    other_coder: _RunCoder | None,
    contributions: Sequence[tuple[int, str, str]],
    other: Sequence[bool],
    calibration=None,
    language_codes: Sequence[str] | None = None,
) -> None:
    theme_ids = [theme.pk for theme in coder.themes]
    provenance = {
        False: [coder.provenance(column) for column in range(len(theme_ids))],
        True: [other_coder.provenance(column) for column in range(len(theme_ids))] if other_coder else [],
    }
    if language_codes is None:
        language_codes = [code for _, _, code in contributions]
    rows = [
        (pk, text, is_other, code)
        for (pk, text, _), is_other, code in zip(contributions, other, language_codes, strict=True)
    ]
    done = 0
    for batch in _batches(rows):
        ids = [pk for pk, _, _, _ in batch]
        coded = _code_batch(coder, other_coder, batch, len(theme_ids))
        margins = (
            np.abs(coded.probabilities - coded.thresholds).min(axis=1) if theme_ids else np.ones(len(ids))
        )
        confidences, thresholds = coded.probabilities, coded.thresholds
        if calibration is not None:
            confidences, thresholds = calibration(confidences), calibration(thresholds)
        decided_by_people = set(
            Coding.objects.filter(contribution_id__in=ids, theme_id__in=theme_ids, current=True)
            .exclude(status=CodingStatus.SUGGESTED)
            .values_list("contribution_id", "theme_id")
        )
        now = timezone.now()
        new_codings = []
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
        with transaction.atomic():
            # A suggestion nobody acted on is replaced by the new model's; people's decisions stay.
            Coding.objects.filter(
                contribution_id__in=ids, theme_id__in=theme_ids, status=CodingStatus.SUGGESTED, current=True
            ).delete()
            Coding.objects.bulk_create(new_codings)
            _store_margins(run.codebook, ids, margins)
            update_coverage(run.programme, ids)
        done += len(batch)
        record_progress(run, "Coding contributions", done, len(rows))


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
