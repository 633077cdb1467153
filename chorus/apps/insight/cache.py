"""Dashboard figures kept between requests, in the shared cache, until the programme's own evidence changes.

Working the figures out for 100,000 contributions means counting some 200,000 codings; an analyst
flicking between views, or a board looking at the same page, should not pay that every time, and with
CACHE_URL pointing at Redis every web process reuses what one of them worked out. The cache key holds a stamp
of this programme's evidence that changes with every write that could move a figure: a contribution added to
the programme (a new row), a coding made or reviewed under its codebook (each a new row), a discovery run,
and any audited action on the programme (theme edits, corrections, erasures, deletions). Only this programme's
rows count, so a new contribution in one programme leaves every other programme's figures cached. A time
limit backs the stamp up.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max, OuterRef, Subquery
from redis.exceptions import RedisError

from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.models import Codebook, Coding, EmergingCluster, Theme
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

KEEP_SECONDS = 3600
# Part of every key: raise it when the cached figures change shape, so that figures pickled by older code
# are never read back into new classes.
FIGURES_VERSION = 2
log = logging.getLogger(__name__)


def _latest(rows) -> int | None:
    return rows.aggregate(last=Max("pk"))["last"]


def evidence_stamp(programme: Programme, codebook: Codebook | None) -> str:
    """Cheap to read: each part is the newest row of one kind for this programme, an index lookup on
    (programme, id), or for codings one on (theme, id) per theme of the codebook. Deleting contributions
    (withdrawal, erasure) and editing themes are audited actions, so they move the stamp too."""
    newest_coding = None
    if codebook is not None:
        per_theme = Coding.objects.filter(theme=OuterRef("pk")).order_by("-pk").values("pk")[:1]
        newest_coding = (
            Theme.objects.filter(codebook=codebook)
            .annotate(newest=Subquery(per_theme))
            .aggregate(last=Max("newest"))["last"]
        )
    parts = [
        codebook.pk if codebook else None,
        _latest(Contribution.objects.filter(programme=programme)),
        newest_coding,
        _latest(EmergingCluster.objects.filter(programme=programme)),
        _latest(AuditEvent.objects.filter(programme=programme)),
    ]
    return ".".join(str(part) for part in parts)


def remembered[T](
    programme: Programme, codebook: Codebook | None, options: object, compute: Callable[[], T]
) -> T:
    """`compute()`'s result for these options, reused while the programme's evidence is unchanged.

    A cache that does not answer (Redis restarting) costs the figures being worked out, never the page."""
    stamp = evidence_stamp(programme, codebook)
    described = f"{FIGURES_VERSION}|{programme.pk}|{stamp}|{options!r}"
    key = "insight:" + hashlib.sha256(described.encode()).hexdigest()
    try:
        found = cache.get(key)
    except (RedisError, OSError) as error:
        log.warning("insight cache unavailable: %s", type(error).__name__)
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(key, found, KEEP_SECONDS)
        except (RedisError, OSError) as error:
            log.warning("insight cache unavailable: %s", type(error).__name__)
    return found
