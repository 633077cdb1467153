"""Teaching Chorus: a person answers the contributions the model most needs to learn from; each answer is a
person's coding (as a review), first compared with what the model coded before it had seen it, and the
model learns again in the background as answers arrive."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.coding.teaching import agrees

from ..models import Codebook, Coding, CodingStatus, ModelRun, ReviewState, RunKind, TeachAnswer, Theme
from .review import review
from .runs import start_coding


def _model_before(contribution: Contribution, codebook: Codebook) -> tuple[dict[str, float], str]:
    """The model's current themes on the contribution, with their confidences, and which model made them."""
    suggestions = list(
        Coding.objects.filter(
            contribution=contribution,
            theme__codebook=codebook,
            current=True,
            status=CodingStatus.SUGGESTED,
            made_by_user=None,
        ).values_list("theme_id", "model_score", "confidence", "made_by_model")
    )
    # The model's own score (what calibration maps), else the confidence as stored.
    predicted = {
        str(theme_id): float(score if score is not None else confidence or 0.0)
        for theme_id, score, confidence, _ in suggestions
    }
    model = next((made_by for *_, made_by in suggestions if made_by), "")
    if not model:
        run = (
            ModelRun.objects.filter(codebook=codebook).exclude(kind=RunKind.EMERGING).order_by("-pk").first()
        )
        model = f"{run.model_name}@{run.model_version}" if run and run.model_name else ""
    return predicted, model[:300]


@transaction.atomic
def answer(
    contribution: Contribution, codebook: Codebook, chosen: Iterable[Theme], *, by, retrain: bool = True
) -> TeachAnswer:
    """Record a person's themes for a contribution they were asked about, beside what the model said before
    it saw them, store them as the person's coding, and (unless retrain=False) have the model learn again
    in the background, when it is not learning already."""
    chosen = list(chosen)
    if contribution.programme_id != codebook.programme_id:
        raise ActionError("That contribution belongs to another programme.")
    if ReviewState.objects.filter(contribution=contribution, reviewed_at__isnull=False).exists():
        raise ActionError("A person has coded this contribution already: it cannot test the model.")
    predicted, model = _model_before(contribution, codebook)
    chosen_ids = sorted(theme.pk for theme in chosen)
    taught = TeachAnswer.objects.create(
        programme_id=codebook.programme_id,
        codebook=codebook,
        contribution=contribution,
        answered_by=by,
        answered_at=timezone.now(),
        chosen=chosen_ids,
        predicted=predicted,
        model=model,
        agreed=agrees(with_parents(codebook, predicted), with_parents(codebook, chosen_ids)),
    )
    review(contribution, codebook, chosen, by=by)
    audit(
        "coding.taught",
        actor=by,
        obj=taught,
        programme=contribution.programme,
        themes=len(chosen_ids),
        agreed=taught.agreed,
    )
    if retrain:
        learn_from_answers(codebook, by=by)
    return taught


def with_parents(codebook: Codebook, theme_ids, parents: dict | None = None) -> set[str]:
    """The themes and the themes they sit under: a person who chose "Housing" agrees with a model that
    chose "Damp and mould" under it, at the level the person answered. `parents` ({theme: parent}) saves
    reading them again."""
    parents = parents if parents is not None else dict(codebook.themes.values_list("pk", "parent_id"))
    found: set[str] = set()
    for theme_id in theme_ids:
        current = int(theme_id)
        while current is not None and str(current) not in found:
            found.add(str(current))
            current = parents.get(current)
    return found


def learning(codebook: Codebook) -> ModelRun | None:
    """The coding run queued or running for the codebook, if any."""
    return (
        ModelRun.objects.filter(codebook=codebook, status__in=["queued", "running"])
        .exclude(kind=RunKind.EMERGING)
        .order_by("-pk")
        .first()
    )


def learn_from_answers(codebook: Codebook, *, by) -> ModelRun | None:
    """Queue a coding run that learns from the answers so far, unless one is queued or running already (the
    task queues another when it finishes, if answers came in meanwhile: see unlearnt_answers)."""
    if learning(codebook) is not None:
        return None
    return start_coding(codebook.programme, codebook=codebook, by=by)


def unlearnt_answers(run: ModelRun) -> bool:
    """Whether answers came in after the run started reading them (it learnt without them)."""
    return TeachAnswer.objects.filter(codebook=run.codebook, answered_at__gt=run.created_at).exists()
