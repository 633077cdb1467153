"""Demo coding: codebooks in every demo programme, contributions coded by the model, some reviewed by the
Southend lead, the NHS FFT comments coded by a model trained on part of their published labels, and the
emerging issues of Southend."""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from chorus.apps.accounts.models import User
from chorus.apps.programmes.models import Programme

from . import actions
from .models import Codebook, ModelRun, RunKind, Theme

RESIDENT_PROGRAMMES = (
    "southend-connectors",
    "plymouth-connected",
    "hackney-listening",
    "church-street",
    "north-kensington",
)
FFT_PROGRAMME = "nhs-fft"
FFT_FILE = Path("feedback") / "nhs_fft_dev.csv"
FFT_SOURCE = "NHS England labellers (pxtextmining FFT labels)"
# Share of the labelled FFT comments whose labels train the model; the model codes the rest.
FFT_TRAINING_SHARE = 0.5
REVIEWER = "lead-southend"
REVIEWS = 40


def _programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise RuntimeError(f"the coding demo needs the programme {slug!r}: load the core demo first")
    return programme


def _data_dir() -> Path:
    return Path(os.environ.get("CHORUS_SHARED_DATA") or Path(settings.BASE_DIR).parent / "shared" / "data")


def _code(programme: Programme, codebook: Codebook) -> ModelRun:
    run = ModelRun.objects.create(programme=programme, codebook=codebook)
    return actions.run_coding(run.pk)


def _fft_labels(codebook: Codebook, rng: random.Random) -> dict[int, list[Theme]]:
    """Training labels for a random share of the FFT comments, from the published file."""
    path = _data_dir() / FFT_FILE
    if not path.exists():
        raise RuntimeError(f"the FFT labels are not at {path}; set CHORUS_SHARED_DATA")
    themes = {theme.name: theme for theme in codebook.themes.all()}
    contribution_ids = dict(
        codebook.programme.contributions.filter(submission_key__startswith="fft:").values_list(
            "submission_key", "pk"
        )
    )
    labels: dict[int, list[Theme]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            pk = contribution_ids.get(f"fft:{row['Comment ID']}")
            applied = [
                themes[name] for name, value in row.items() if name in themes and (value or "").strip() == "1"
            ]
            if pk is not None and applied:
                labels[pk] = applied
    chosen = sorted(labels)
    rng.shuffle(chosen)
    return {pk: labels[pk] for pk in chosen[: int(len(chosen) * FFT_TRAINING_SHARE)]}


def _review_some(programme: Programme, codebook: Codebook, reviewer: User, rng: random.Random) -> int:
    """The lead reviews the contributions the model is least sure of: keeps most suggestions, drops some."""
    queue = list(actions.review_queue(codebook, programme.contributions.all())[:REVIEWS])
    for contribution in queue:
        suggested = [coding.theme for coding in actions.current_codings(contribution, codebook)]
        kept = [theme for theme in suggested if rng.random() < 0.7]
        actions.review(contribution, codebook, kept, by=reviewer)
    return len(queue)


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    reviewer = User.objects.filter(username=REVIEWER).first()
    if reviewer is None:
        raise RuntimeError(f"the coding demo needs the user {REVIEWER!r}: load the core demo first")
    out("Coding: loading codebooks and coding contributions with the model")
    for slug in RESIDENT_PROGRAMMES:
        programme = _programme(slug)
        codebook = actions.load_starter_codebook(programme, "community_health")
        run = _code(programme, codebook)
        out(f"  {programme.name}: {run.codings.count()} themes suggested ({run.model_name})")
        if slug == "southend-connectors":
            reviewed = _review_some(programme, codebook, reviewer, rng)
            out(f"  {reviewer.username} reviewed {reviewed} contributions of {programme.name}")
            emerging = ModelRun.objects.create(programme=programme, codebook=codebook, kind=RunKind.EMERGING)
            emerging = actions.run_emerging(emerging.pk)
            out(f"  {emerging.metrics.get('clusters', 0)} emerging issues found in {programme.name}")
    fft = _programme(FFT_PROGRAMME)
    codebook = actions.load_starter_codebook(fft, "nhs_patient_experience")
    labels = _fft_labels(codebook, rng)
    actions.import_labels(codebook, labels, source=FFT_SOURCE)
    run = _code(fft, codebook)
    out(
        f"  {fft.name}: trained on {run.training_size} labelled comments, "
        f"{run.codings.count()} themes suggested for the rest"
    )
    out("  Coding pages: /coding/ (review queue, emerging issues, agreement, search)")
