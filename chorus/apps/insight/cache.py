"""Dashboard figures kept between requests until the programme's evidence changes.

Working the figures out for 100,000 contributions means counting some 200,000 codings; an analyst
flicking between views, or a board looking at the same page, should not pay that every time. The cache key
holds a stamp of the evidence that changes with every write that could move a figure: a contribution added
(a new row) or deleted (audited), a coding made or reviewed (each a new row), a discovery run, and any
audited action on the programme (theme edits, corrections, erasures). A time limit backs the stamp up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max

from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.models import Codebook, Coding, EmergingCluster
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

KEEP_SECONDS = 3600


def evidence_stamp(programme: Programme, codebook: Codebook | None) -> str:
    """Cheap to read (each is an index lookup): the newest contribution, coding and discovery cluster
    anywhere, and the newest audited action on this programme. Deleting contributions (withdrawal,
    erasure) and editing themes are audited actions, so they move the stamp too."""
    parts = [
        codebook.pk if codebook else None,
        Contribution.objects.aggregate(last=Max("pk"))["last"],
        Coding.objects.aggregate(last=Max("pk"))["last"],
        EmergingCluster.objects.filter(programme=programme).aggregate(last=Max("pk"))["last"],
        AuditEvent.objects.filter(programme=programme).aggregate(last=Max("pk"))["last"],
    ]
    return ".".join(str(part) for part in parts)


def remembered[T](
    programme: Programme, codebook: Codebook | None, options: object, compute: Callable[[], T]
) -> T:
    """`compute()`'s result for these options, reused while the programme's evidence is unchanged."""
    stamp = evidence_stamp(programme, codebook)
    key = "insight:" + hashlib.sha256(f"{programme.pk}|{stamp}|{options!r}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEEP_SECONDS)
    return found
