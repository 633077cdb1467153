"""Background work: imports run on the `imports` queue (`chorus worker`). They are durable
(chorus.apps.core.durable): a big import is planned as chunks any worker takes, and a chunk whose worker
stops is queued again (it resumes after the rows it committed), or the import stops with the reason."""

from __future__ import annotations

from chorus.apps.core.durable import durable_task


def _import_lost(batch_id: int, *args, retrying: bool, reason: str, **kwargs) -> None:
    from .pipeline import import_lost

    import_lost(batch_id, retrying=retrying, reason=reason)


@durable_task(queue_name="imports", on_lost=_import_lost)
def run_import(batch_id: int) -> str:
    """Plan the import; a small one (one chunk) is done here, a big one's chunks are queued (import_chunk)."""
    from .pipeline import run_batch

    batch = run_batch(batch_id, spread=True)
    return f"import {batch.pk}: {batch.status}, {batch.chunks.count()} chunks"


@durable_task(queue_name="imports", on_lost=_import_lost)
def import_chunk(batch_id: int, index: int) -> str:
    """One chunk of a big import's rows."""
    from .pipeline import run_chunk

    batch = run_chunk(batch_id, index)
    return f"import {batch_id} chunk {index}: {batch.status if batch else 'gone'}"
