"""Agreement between coders: a sample of contributions that people (and the model) code independently,
and one coder's answer for one contribution of it. The report is a read: queries.agreement_report."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

from ..models import (
    AgreementSample,
    Coding,
    CodingSampleAnswer,
    CodingStatus,
    ModelRun,
    RunKind,
    RunStatus,
    Theme,
)
from ..queries import current_codebook


def _answer_as_the_model(sample: AgreementSample, run: ModelRun, chosen: Sequence[int]) -> None:
    """The model as one more coder: what the run suggested (a suggestion a person later reviewed is kept,
    no longer current, so it still counts here)."""
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


@transaction.atomic
def create_agreement_sample(
    programme: Programme, *, coders: Sequence, size: int, by, name: str = "", seed: int | None = None
) -> AgreementSample:
    """A random sample of the programme's contributions for the coders to code independently; the model's
    suggestions from the latest coding run are kept as one more coder."""
    codebook = current_codebook(programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    if len(coders) < 1:
        raise ActionError("Choose at least one person to code the sample.", field="coders")
    if size < 2:
        raise ActionError("A sample needs at least 2 contributions.", field="size")
    ids = list(Contribution.objects.filter(programme=programme).order_by("pk").values_list("pk", flat=True))
    if len(ids) < size:
        raise ActionError(f"The programme has only {len(ids)} contributions.", field="size")
    chosen = random.Random(seed).sample(ids, size)
    sample = AgreementSample.objects.create(
        programme=programme,
        codebook=codebook,
        name=name.strip() or f"Sample of {size} ({timezone.now():%d %b %Y})",
        created_by=by,
    )
    sample.contributions.set(chosen)
    sample.coders.set(coders)
    run = (
        programme.model_runs.filter(codebook=codebook, status=RunStatus.DONE)
        .exclude(kind=RunKind.EMERGING)
        .first()
    )
    if run is not None:
        _answer_as_the_model(sample, run, chosen)
    audit("coding.sample_created", actor=by, obj=sample, programme=programme, size=size, coders=len(coders))
    return sample


@transaction.atomic
def answer_sample(
    sample: AgreementSample, contribution: Contribution, themes: Iterable[Theme], *, by
) -> CodingSampleAnswer:
    """One coder's themes for one contribution of the sample; answering again replaces the answer."""
    if not sample.coders.filter(pk=by.pk).exists():
        raise ActionError("You are not one of the coders of this sample.")
    if not sample.contributions.filter(pk=contribution.pk).exists():
        raise ActionError("That contribution is not in the sample.")
    themes = list(themes)
    if any(theme.codebook_id != sample.codebook_id for theme in themes):
        raise ActionError("Choose themes from the sample's codebook.", field="themes")
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
