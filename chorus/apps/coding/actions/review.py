"""People's decisions on codings: accept or reject a suggestion, apply a theme the model did not suggest,
review a whole contribution, and import labels made elsewhere. Each decision keeps the earlier coding as
history (no longer current) and trains the next model."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution

from ..models import Codebook, Coding, CodingEvent, CodingMethod, CodingStatus, ReviewState, Theme
from ..queries import current_codings
from .coverage import update_coverage


def _decide(contribution: Contribution, theme: Theme, status: str, by, now) -> Coding:
    if theme.codebook.programme_id != contribution.programme_id:
        raise ActionError("That theme belongs to another programme's codebook.")
    Coding.objects.filter(contribution=contribution, theme=theme, current=True).update(current=False)
    coding = Coding.objects.create(
        contribution=contribution, theme=theme, made_by_user=by, made_at=now, status=status
    )
    update_coverage(contribution.programme, [contribution.pk])
    return coding


def _event(contribution, theme, action, by, now) -> None:
    CodingEvent.objects.create(contribution=contribution, theme=theme, action=action, actor=by, at=now)


def _mark_reviewed(contribution: Contribution, codebook: Codebook, by, now) -> None:
    ReviewState.objects.update_or_create(
        contribution=contribution,
        defaults={"codebook": codebook, "reviewed_by": by, "reviewed_at": now},
        create_defaults={"codebook": codebook, "reviewed_by": by, "reviewed_at": now, "margin": 1.0},
    )


def _record_decision(
    contribution: Contribution, theme: Theme, status: str, action: str, event: str, *, by
) -> Coding:
    now = timezone.now()
    coding = _decide(contribution, theme, status, by, now)
    _event(contribution, theme, action, by, now)
    audit(event, actor=by, obj=coding, programme=contribution.programme, theme=theme.pk)
    return coding


@transaction.atomic
def accept(contribution: Contribution, theme: Theme, *, by) -> Coding:
    return _record_decision(
        contribution, theme, CodingStatus.ACCEPTED, CodingEvent.Action.ACCEPTED, "coding.accepted", by=by
    )


@transaction.atomic
def reject(contribution: Contribution, theme: Theme, *, by) -> Coding:
    return _record_decision(
        contribution, theme, CodingStatus.REJECTED, CodingEvent.Action.REJECTED, "coding.rejected", by=by
    )


@transaction.atomic
def apply_theme(contribution: Contribution, theme: Theme, *, by) -> Coding:
    """A theme the model did not suggest, applied by a person."""
    return _record_decision(
        contribution, theme, CodingStatus.ACCEPTED, CodingEvent.Action.ADDED, "coding.added", by=by
    )


@transaction.atomic
def review(contribution: Contribution, codebook: Codebook, chosen: Iterable[Theme], *, by) -> dict[str, int]:
    """Save a reviewer's choice for one contribution: chosen suggestions accepted, unchosen suggestions
    rejected, chosen themes that were not suggested applied. The contribution leaves the review queue."""
    chosen_ids = {theme.pk for theme in chosen}
    themes = {theme.pk: theme for theme in codebook.themes.all()}
    if not chosen_ids <= set(themes):
        raise ActionError("Choose themes from this programme's codebook.", field="themes")
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
        apply_theme(contribution, themes[theme_id], by=by)
        counts["added"] += 1
    now = timezone.now()
    if not chosen_ids:
        _event(contribution, None, CodingEvent.Action.REVIEWED, by, now)
    _mark_reviewed(contribution, codebook, by, now)
    update_coverage(contribution.programme, [contribution.pk])
    audit("coding.reviewed", actor=by, obj=contribution, programme=contribution.programme, **counts)
    return counts


@transaction.atomic
def import_labels(codebook: Codebook, labels: dict[int, Iterable[Theme]], *, source: str, by) -> int:
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
            method=CodingMethod.IMPORTED,
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
    update_coverage(codebook.programme, known)
    audit(
        "coding.labels_imported",
        actor=by,
        obj=codebook,
        programme=codebook.programme,
        contributions=len(known),
    )
    return len(known)
