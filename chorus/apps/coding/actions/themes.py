"""Editing a codebook's themes: name, description, place in the tree, merging two, deleting one.

Every edit keeps a theme's slug (its stable id in exports and other QDA tools) whatever its name or place.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..models import Coding, CodingEvent, CodingSampleAnswer, CodingStatus, EmergingCluster, Theme
from ..queries import theme_deletion_counts, theme_descendant_ids
from .coverage import update_coverage


@transaction.atomic
def change_theme_name(theme: Theme, name: str, *, by) -> Theme:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("Enter a name for the theme.", field="name")
    if len(name) > Theme._meta.get_field("name").max_length:
        raise ActionError("The name must be 200 characters or fewer.", field="name")
    clash = theme.codebook.themes.exclude(pk=theme.pk).filter(name__iexact=name).first()
    if clash is not None:
        raise ActionError(f"The codebook already has a theme called “{clash.name}”.", field="name")
    theme.name = name
    theme.save(update_fields=["name"])
    audit("coding.theme_renamed", actor=by, obj=theme, programme=theme.codebook.programme)
    return theme


@transaction.atomic
def change_theme_description(theme: Theme, description: str, examples: Sequence[str], *, by) -> Theme:
    """Set what the theme is about and its example quotes (blank lines dropped)."""
    theme.description = (description or "").strip()
    theme.examples = [" ".join(example.split()) for example in examples if example and example.strip()]
    theme.save(update_fields=["description", "examples"])
    audit("coding.theme_described", actor=by, obj=theme, programme=theme.codebook.programme)
    return theme


@transaction.atomic
def move_theme(theme: Theme, parent: Theme | None, *, by) -> Theme:
    """Put the theme under `parent` (None: top level). Its sub-themes move with it."""
    if parent is not None:
        if parent.codebook_id != theme.codebook_id:
            raise ActionError("Choose a parent theme from the same codebook.", field="parent")
        if parent.pk == theme.pk or parent.pk in theme_descendant_ids(theme):
            raise ActionError("A theme cannot go under itself or one of its own sub-themes.", field="parent")
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


def _keep_the_stronger_coding(source: Theme, target: Theme) -> int:
    """Where both themes are applied to one contribution, the weaker coding becomes history (one current
    coding per contribution and theme once they are one theme). Returns how many contributions had both."""
    source_current = {
        coding.contribution_id: coding for coding in Coding.objects.filter(theme=source, current=True)
    }
    target_current = Coding.objects.filter(theme=target, current=True, contribution_id__in=source_current)
    both = 0
    for target_coding in target_current:
        source_coding = source_current[target_coding.contribution_id]
        weaker = (
            source_coding
            if _STATUS_STRENGTH[source_coding.status] <= _STATUS_STRENGTH[target_coding.status]
            else target_coding
        )
        weaker.current = False
        weaker.save(update_fields=["current"])
        both += 1
    return both


@transaction.atomic
def merge_themes(source: Theme, target: Theme, *, by) -> dict[str, int]:
    """Fold `source` into `target`: every coding, history and sample answer of `source` moves to `target`,
    its examples join target's, its sub-themes move under target, and `source` goes. Returns counts."""
    if source.pk == target.pk:
        raise ActionError("Choose two different themes to merge.", field="into")
    if source.codebook_id != target.codebook_id:
        raise ActionError("Both themes must be in the same codebook.", field="into")
    if target.pk in theme_descendant_ids(source):  # lift the target out first, so nothing goes under itself
        target.parent = source.parent
        target.save(update_fields=["parent"])
    touched = list(Coding.objects.filter(theme=source).values_list("contribution_id", flat=True))
    both = _keep_the_stronger_coding(source, target)
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
    update_coverage(target.codebook.programme, touched)
    audit(
        "coding.themes_merged",
        actor=by,
        obj=target,
        programme=target.codebook.programme,
        merged=source_id,
        codings=moved,
        both=both,
    )
    return {"codings": moved, "both": both}


@transaction.atomic
def delete_theme(theme: Theme, *, by) -> None:
    """Delete a theme and its codings; its sub-themes move up to its parent rather than go with it."""
    counts = theme_deletion_counts(theme)
    theme.children.update(parent=theme.parent)
    theme_id, programme = theme.pk, theme.codebook.programme
    touched = list(Coding.objects.filter(theme=theme).values_list("contribution_id", flat=True))
    theme.delete()
    update_coverage(programme, touched)
    audit("coding.theme_deleted", actor=by, programme=programme, theme=theme_id, **counts)
