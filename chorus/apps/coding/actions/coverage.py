"""Keep each contribution's coverage flags (`Contribution.coded`, `Contribution.checked`) in step with its
codings, so that "how many were coded and how many a person checked" is a plain count wherever a theme's
share is shown (coding.queries.coding_coverage).

Every action that writes codings or review states calls `update_coverage` for the contributions it touched
(inside its own transaction); loading a new codebook, which becomes the programme's current one, updates them
all. Not audited: it records no decision, it follows ones the calling action audits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Value

from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

from ..models import Coding, CodingStatus, ReviewState
from ..queries import current_codebook

# SQLite allows 32,766 parameters in a statement; a coding run's batches are far smaller than this.
_CHUNK = 5000


def update_coverage(programme: Programme, contribution_ids: Iterable[int] | None = None) -> int:
    """Set `coded` and `checked` on the programme's contributions (only those in `contribution_ids` when
    given) from their current codings under the programme's current codebook. Returns how many were set.

    Coded: holds a current coding nobody rejected (a model stores a suggestion only when its confidence
    reaches the theme's threshold, so every current suggestion counts). Checked: a person reviewed it (or
    imported labels for it), or accepted, rejected or applied one of its themes."""
    codebook = current_codebook(programme)
    contributions = Contribution.objects.filter(programme=programme)
    if codebook is None:
        coded = checked = Value(False)
    else:
        current = Coding.objects.filter(contribution=OuterRef("pk"), theme__codebook=codebook, current=True)
        coded = Exists(current.exclude(status=CodingStatus.REJECTED))
        checked = Exists(current.exclude(status=CodingStatus.SUGGESTED)) | Exists(
            ReviewState.objects.filter(contribution=OuterRef("pk"), reviewed_at__isnull=False)
        )
    if contribution_ids is None:
        return contributions.update(coded=coded, checked=checked)
    ids = sorted(set(contribution_ids))
    updated = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = contributions.filter(pk__in=ids[start : start + _CHUNK])
        updated += chunk.update(coded=coded, checked=checked)
    return updated
