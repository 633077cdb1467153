"""Emerging issues: queue a run, do it in the background (group the unthemed contributions and keep the
groups that are new), and promote one to a theme of the codebook."""

from __future__ import annotations

import datetime

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

from ..external_model import name_clusters_with_external_model
from ..models import (
    Codebook,
    ContributionVector,
    EmergingCluster,
    ModelRun,
    RunKind,
    RunStatus,
    Theme,
)
from ..queries import as_library_codebook, current_codebook, sure_codings, unthemed_contributions
from .runs import record_progress, running

# Clustering is quadratic in the number of texts: look at the most recent unthemed contributions only.
EMERGING_MAX_TEXTS = 4000
EMERGING_MIN_CLUSTER_SIZE = 5
# What makes a group of unthemed contributions an emerging issue (chorus.coding.emerging explains each):
# members alike (mean cosine to the centroid, after centring), not an existing theme the model missed
# (cosine of the centroids), not falling, and at most a readable few. Chosen on the demo's Southend voices,
# where zero-shot coding leaves ~70% unthemed and ~20 groups were found, nearly all existing themes the
# model missed: those sit 0.55-0.85 from their theme, and mostly below 0.55 cohesion when they sit nearer.
EMERGING_MIN_COHESION = 0.55
EMERGING_MAX_THEME_SIMILARITY = 0.5
EMERGING_MAX_CLUSTERS = 3
# A theme is also known by the centroid of up to this many of its coded contributions.
EMERGING_THEME_SAMPLE = 500
# Emerging issues look at every contribution whose theme is not sure: none a person accepted, and none the
# model gave with at least this confidence (calibrated on the teaching answers, it is how often people agreed
# with such a coding). Below it, one such coding in five or more is wrong: the contribution may be about
# something the codebook lacks, which the batch coders still code to its nearest theme. In the demo,
# Southend's planted pharmacy voices were coded to transport, caring or cost of living at 0.57: with the
# 0.5 of the rest of Chorus (SURE_ENOUGH) only 13 of the 48 were looked at.
EMERGING_SURE = 0.8
# An emerging issue is recent: only contributions from the last six months of the programme's activities (up
# to its latest) are grouped. Over all of a programme's voices a batch coder's unsure codings put nearly
# every contribution in the pool, and the groups found are the existing themes again: in the full demo
# Southend's planted pharmacy voices were lost inside a loose group of 66 near "Reception and triage" (none
# found); over its last six months they are two issues, "Chemist closed" (rising) and "Repeat prescription".
EMERGING_WINDOW = datetime.timedelta(days=183)

PHASE = "Grouping unthemed contributions"


def start_emerging(programme: Programme, *, by, enqueue: bool = True) -> ModelRun:
    """Queue a search for emerging issues on the `coding` queue; the run shows progress (enqueue=False: the
    caller runs it now with run_emerging, as the demo does)."""
    from ..tasks import find_emerging

    codebook = current_codebook(programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    with transaction.atomic():
        run = ModelRun.objects.create(
            programme=programme, codebook=codebook, kind=RunKind.EMERGING, started_by=by
        )
        audit("coding.emerging_queued", actor=by, obj=run, programme=programme)
        if enqueue:
            transaction.on_commit(lambda: find_emerging.enqueue(run.pk))
    return run


def _known_themes(codebook: Codebook) -> list:
    """Each theme of the codebook as the emerging-issue check knows it: the embedding of its name,
    description and examples, and the centroid of the contributions coded with it (when there are some)."""
    from chorus.coding import embeddings
    from chorus.coding.emerging import KnownTheme

    themes = list(codebook.themes.order_by("position", "id"))
    described = embeddings.embed(
        [" ".join([f"{theme.name}.", theme.description, *theme.examples]) for theme in themes]
    )
    known = []
    for theme, description in zip(themes, described, strict=True):
        # Only sure codings show what a theme is about: a contribution given it with low confidence may be
        # the very new issue, and would pull the theme towards it.
        coded = sure_codings(codebook, EMERGING_SURE).filter(theme=theme).order_by("-made_at")
        stored = ContributionVector.objects.filter(
            contribution_id__in=list(coded.values_list("contribution_id", flat=True)[:EMERGING_THEME_SAMPLE]),
            model_version=embeddings.MODEL_VERSION,
        ).values_list("vector", flat=True)
        vectors = [description]
        if stored:
            vectors.append(
                np.vstack([np.frombuffer(bytes(v), dtype=np.float32) for v in stored]).mean(axis=0)
            )
        known.append(KnownTheme(theme.name, np.vstack(vectors)))
    return known


def _find(run: ModelRun, rows: list[tuple], min_cluster_size: int | None):
    """The emerging issues among `rows` (pk, text, date, vector), or None when there are no rows."""
    from chorus.coding.emerging import find_emerging_issues

    if not rows:
        return None
    vectors = np.vstack([np.frombuffer(bytes(row[3]), dtype=np.float32) for row in rows])
    smallest = min_cluster_size or max(EMERGING_MIN_CLUSTER_SIZE, round(0.02 * len(rows)))
    return find_emerging_issues(
        [row[1] for row in rows],
        vectors,
        [row[2] for row in rows],
        min_cluster_size=smallest,
        min_cohesion=EMERGING_MIN_COHESION,
        themes=_known_themes(run.codebook),
        max_theme_similarity=EMERGING_MAX_THEME_SIMILARITY,
        drop_falling=True,
        max_clusters=EMERGING_MAX_CLUSTERS,
    )


def _store_clusters(run: ModelRun, rows: list[tuple], found) -> None:
    """The run's issues replace those of earlier runs, except the ones already promoted to themes."""
    with transaction.atomic():
        run.programme.emerging_clusters.filter(promoted_to__isnull=True).delete()
        for cluster in found.clusters if found else []:
            EmergingCluster.objects.create(
                programme=run.programme,
                run=run,
                number=cluster.number,
                name=cluster.name[:200],
                key_terms=cluster.key_terms,
                size=cluster.size,
                trend=cluster.trend,
                periods=[list(period) for period in cluster.periods],
                representative_ids=[rows[index][0] for index in cluster.representatives],
                member_ids=[rows[index][0] for index in cluster.members],
            )


def run_emerging(
    run_id: int, *, by, min_cluster_size: int | None = None, max_texts: int = EMERGING_MAX_TEXTS
) -> ModelRun:
    """Cluster the recent contributions (EMERGING_WINDOW) with no sure theme (none a person accepted, none
    the model gave with EMERGING_SURE or more) and keep the groups that are emerging issues. By default a
    group must hold 2% of them (at least EMERGING_MIN_CLUSTER_SIZE) to count, so a big programme shows a
    readable few; the other checks are the EMERGING_* settings above. `by` is who queued the run."""
    run = ModelRun.objects.select_related("programme", "codebook").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    with running(run, phase=PHASE):
        latest = run.programme.contributions.aggregate(latest=Max("activity__date"))["latest"]
        recent = unthemed_contributions(run.programme, run.codebook, sure=EMERGING_SURE)
        if latest is not None:
            recent = recent.filter(activity__date__gte=latest - EMERGING_WINDOW)
        rows = list(
            recent.order_by("-recorded_at", "-pk").values_list(
                "pk", "text", "activity__date", "vector__vector"
            )[:max_texts]
        )
        record_progress(run, PHASE, 0, len(rows))
        found = _find(run, rows, min_cluster_size)
        # Optional (off unless CHORUS_LLM_URL is set): an external model renames the issues, in place.
        named_externally = name_clusters_with_external_model(
            found.clusters if found else [], [row[1] for row in rows]
        )
        _store_clusters(run, rows, found)
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.phase, run.progress_done, run.progress_total = "Finished", len(rows), len(rows)
        run.metrics = {
            "unthemed": len(rows),
            "clusters": len(found.clusters) if found else 0,
            # Groups that were found but are not emerging issues, and why: ids and names only.
            "set_aside": [
                {"size": cluster.size, "reason": reason, "theme": cluster.nearest_theme or ""}
                for cluster, reason in (found.set_aside if found else [])
            ],
            **named_externally,
        }
        run.model_name, run.model_version = "chorus.coding.emerging", ""
        run.save()
    audit(
        "coding.emerging_found", actor=by, obj=run, programme=run.programme, clusters=run.metrics["clusters"]
    )
    return run


@transaction.atomic
def promote_cluster(cluster: EmergingCluster, *, by, name: str = "", parent: Theme | None = None) -> Theme:
    """A new theme from an emerging issue; its examples are quotes only from residents who agreed to that."""
    from chorus.coding.emerging import EmergingCluster as LibraryCluster
    from chorus.coding.emerging import promote_to_theme

    if cluster.promoted_to_id:
        raise ActionError("This issue is already a theme.")
    codebook = current_codebook(cluster.programme)
    if codebook is None:
        raise ActionError("Load or import a codebook first.")
    if parent is not None and parent.codebook_id != codebook.pk:
        raise ActionError("Choose a parent theme from the programme's codebook.", field="parent")
    quotable = dict(
        Contribution.objects.filter(pk__in=cluster.representative_ids, consent_quote=True).values_list(
            "pk", "text"
        )
    )
    quotes = [quotable[pk] for pk in cluster.representative_ids if pk in quotable]
    library_cluster = LibraryCluster(
        number=cluster.number,
        name=cluster.name,
        key_terms=list(cluster.key_terms),
        members=list(range(cluster.size)),
        representatives=[],
        quotes=quotes,
    )
    book = as_library_codebook(codebook)
    new = promote_to_theme(
        library_cluster, book, parent_id=parent.slug if parent else None, name=name.strip() or None
    )
    theme = Theme.objects.create(
        codebook=codebook,
        parent=parent,
        slug=new.id,
        name=new.name,
        description=new.description,
        examples=new.examples,
        position=(codebook.themes.order_by("-position").values_list("position", flat=True).first() or 0) + 1,
        created_by=by,
        promoted_from_cluster=cluster,
    )
    cluster.promoted_to = theme
    cluster.save(update_fields=["promoted_to"])
    audit("coding.cluster_promoted", actor=by, obj=theme, programme=cluster.programme, cluster=cluster.pk)
    return theme
