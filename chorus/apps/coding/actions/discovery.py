"""Themes from the data: queue a discovery run, do it in the background (group every contribution of the
programme into proposed themes, chorus.coding.discovery), and let the analyst edit, merge and promote the
proposals into the codebook. Coding every contribution against the codebook is then the ordinary coding run
(actions.runs.start_coding)."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.coding.codebook import EXAMPLE_SEPARATOR, slugify

from ..models import Codebook, DiscoveredTheme, ModelRun, RunKind, RunStatus, Theme
from ..queries import current_codebook
from .runs import embed_missing, record_progress, running

# Clustering is quadratic in the number of texts, and reruns on subsamples measure stability: the most
# recent this many contributions are grouped.
DISCOVERY_MAX_TEXTS = 3000
# Fixed so that two runs over the same contributions propose the same themes with the same scores.
DISCOVERY_SEED = 20260601
PHASE = "Finding themes in the contributions"
EXAMPLE_COUNT = 3


def start_discovery(programme: Programme, *, by, enqueue: bool = True) -> ModelRun:
    """Queue a search for themes on the `coding` queue. A programme without a codebook gets an empty one,
    for the themes the analyst will promote (enqueue=False: the caller runs it now with run_discovery)."""
    from ..discovery_tasks import discover_themes

    if not Contribution.objects.filter(programme=programme).exists():
        raise ActionError("The programme has no contributions to find themes in yet.")
    with transaction.atomic():
        codebook = current_codebook(programme)
        if codebook is None:
            codebook = Codebook.objects.create(
                programme=programme,
                name=f"Themes from the data: {programme.name}"[:200],
                source=Codebook.Source.MANUAL,
                created_by=by,
            )
            audit("coding.codebook_created", actor=by, obj=codebook, programme=programme)
        run = ModelRun.objects.create(
            programme=programme, codebook=codebook, kind=RunKind.DISCOVERY, started_by=by
        )
        audit("coding.discovery_queued", actor=by, obj=run, programme=programme)
        if enqueue:
            transaction.on_commit(lambda: discover_themes.enqueue(run.pk))
    return run


def run_discovery(
    run_id: int,
    *,
    by,
    seed: int = DISCOVERY_SEED,
    max_texts: int = DISCOVERY_MAX_TEXTS,
    **settings,
) -> ModelRun:
    """Group the programme's contributions into proposed themes; they replace the open proposals of earlier
    runs (promoted and merged ones stay, as the record of what was decided). `settings` go to
    chorus.coding.discovery.discover_themes (min_support, bootstraps, ...)."""
    from chorus.coding.discovery import discover_themes

    run = ModelRun.objects.select_related("programme", "codebook").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    with running(run, phase=PHASE):
        embed_missing(run.programme, run)
        rows = list(
            Contribution.objects.filter(programme=run.programme, vector__isnull=False)
            .order_by("-recorded_at", "-pk")
            .values_list("pk", "text", "activity__date", "vector__vector", "consent_quote")[:max_texts]
        )
        rows.sort(key=lambda row: row[0])  # the same contributions in the same order, however they were read
        record_progress(run, PHASE, 0, len(rows))
        vectors = (
            np.vstack([np.frombuffer(bytes(row[3]), dtype=np.float32) for row in rows])
            if rows
            else np.zeros((0, 1))
        )
        found = discover_themes(
            [row[1] for row in rows],
            vectors,
            [row[2] for row in rows],
            quotable=[row[4] for row in rows],
            seed=seed,
            **settings,
        )
        with transaction.atomic():
            DiscoveredTheme.objects.filter(programme=run.programme, promoted_to__isnull=True).exclude(
                merged_into__promoted_to__isnull=False
            ).delete()
            for theme in found.themes:
                DiscoveredTheme.objects.create(
                    programme=run.programme,
                    run=run,
                    number=theme.number,
                    name=theme.name[:200],
                    description=theme.description[:500],
                    key_terms=theme.key_terms,
                    size=theme.size,
                    trend=theme.trend,
                    periods=[list(period) for period in theme.periods],
                    stability=theme.stability,
                    quote_ids=[rows[index][0] for index in theme.quotes],
                    member_ids=[rows[index][0] for index in theme.members],
                )
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.phase, run.progress_done, run.progress_total = "Finished", len(rows), len(rows)
        run.metrics = {
            "contributions": found.total,
            "themes": len(found.themes),
            "unassigned": len(found.unassigned),
            "unassigned_share": round(found.unassigned_share, 4),
            "merged": found.merged,
            "dropped": found.dropped,
            "seed": found.seed,
        }
        run.model_name, run.model_version = "chorus.coding.discovery", ""
        run.save()
    audit("coding.discovery_done", actor=by, obj=run, programme=run.programme, themes=len(found.themes))
    return run


def _open(theme: DiscoveredTheme) -> None:
    if theme.promoted_to_id:
        raise ActionError("This group is already a theme.")
    if theme.merged_into_id:
        raise ActionError("This group was merged into another.")


def edit_discovered(theme: DiscoveredTheme, *, by, name: str, description: str = "") -> DiscoveredTheme:
    """Rename a proposed theme and rewrite its one-line description."""
    _open(theme)
    name = " ".join(name.split())
    if not name:
        raise ActionError("Enter a name for the theme.", field="name")
    theme.name, theme.description = name[:200], " ".join(description.split())[:500]
    theme.edited_by = by
    theme.save(update_fields=["name", "description", "edited_by"])
    audit("coding.discovered_edited", actor=by, obj=theme, programme=theme.programme)
    return theme


@transaction.atomic
def merge_discovered(source: DiscoveredTheme, into: DiscoveredTheme, *, by) -> DiscoveredTheme:
    """Fold one proposed theme into another: members, counts per month and quotes join `into`, which keeps
    its name; `source` is kept, marked as merged."""
    _open(source)
    if into.pk == source.pk:
        raise ActionError("Choose another group to merge with.", field="into")
    if into.programme_id != source.programme_id or not into.is_open:
        raise ActionError("Choose a group of this programme that is still proposed.", field="into")
    members = list(dict.fromkeys([*into.member_ids, *source.member_ids]))
    counts: dict[str, int] = {}
    for period, count in [*into.periods, *source.periods]:
        counts[period] = counts.get(period, 0) + count
    from chorus.coding.emerging import trend_of

    into.member_ids, into.size = members, len(members)
    into.periods = [[period, counts[period]] for period in sorted(counts)]
    into.trend = trend_of([count for _, count in into.periods])
    into.quote_ids = list(dict.fromkeys([*into.quote_ids, *source.quote_ids]))[:EXAMPLE_COUNT]
    into.key_terms = list(dict.fromkeys([*into.key_terms, *source.key_terms]))[:10]
    into.stability = min(into.stability, source.stability)
    into.edited_by = by
    into.save()
    source.merged_into, source.edited_by = into, by
    source.save(update_fields=["merged_into", "edited_by"])
    audit("coding.discovered_merged", actor=by, obj=into, programme=into.programme, merged=source.pk)
    return into


def quotable_texts(theme: DiscoveredTheme) -> list[str]:
    """The theme's quotes, verbatim, from contributions whose residents agreed to be quoted (checked now:
    consent may have been withdrawn since the run)."""
    texts = dict(
        Contribution.objects.filter(pk__in=theme.quote_ids, consent_quote=True).values_list("pk", "text")
    )
    return [texts[pk] for pk in theme.quote_ids if pk in texts]


@transaction.atomic
def promote_discovered(theme: DiscoveredTheme, *, by, parent: Theme | None = None) -> Theme:
    """A proposed theme becomes a theme of the programme's codebook: its name, description and, as examples,
    its consented quotes verbatim."""
    _open(theme)
    codebook = current_codebook(theme.programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    if parent is not None and parent.codebook_id != codebook.pk:
        raise ActionError("Choose a parent theme from the programme's codebook.", field="parent")
    if codebook.themes.filter(name__iexact=theme.name).exists():
        raise ActionError(f"The codebook already has a theme called “{theme.name}”. Rename this one first.")
    base = slugify(theme.name)
    base = f"{parent.slug}/{base}" if parent else base
    slug, suffix = base, 2
    while codebook.themes.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    examples = [text for text in quotable_texts(theme) if EXAMPLE_SEPARATOR.strip() not in text]
    new = Theme.objects.create(
        codebook=codebook,
        parent=parent,
        slug=slug,
        name=theme.name,
        description=theme.description,
        examples=examples[:EXAMPLE_COUNT],
        position=(codebook.themes.order_by("-position").values_list("position", flat=True).first() or 0) + 1,
        created_by=by,
    )
    theme.promoted_to, theme.edited_by = new, by
    theme.save(update_fields=["promoted_to", "edited_by"])
    audit("coding.discovered_promoted", actor=by, obj=new, programme=theme.programme, discovered=theme.pk)
    return new
