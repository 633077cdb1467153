"""The coding demo loads on top of a small version of the core demo."""

from __future__ import annotations

import csv
import random
from datetime import date

import pytest

from chorus.apps.accounts.models import Role
from chorus.apps.coding import demo
from chorus.apps.coding.models import Coding, CodingStatus, ModelRun, RunKind, RunStatus, TeachAnswer
from chorus.apps.engagement.actions import ContributionInput, create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.programmes.models import Programme
from chorus.demo.fft import fft_path, open_fft

from support.world import make_user, voice

pytestmark = pytest.mark.django_db


def test_demo_codes_every_programme_reviews_some_and_finds_emerging_issues(world, shared_data, monkeypatch):
    monkeypatch.setenv("CHORUS_SHARED_DATA", str(shared_data))
    monkeypatch.setattr(demo, "REVIEWS", 2)
    make_user("lead-southend", (Role.ANALYST, world.programme, None))
    for slug in demo.RESIDENT_PROGRAMMES[1:]:
        programme = Programme.objects.create(slug=slug, name=slug)
        activity = Activity.objects.create(
            programme=programme, kind=ActivityKind.CONVERSATION, title="Chat", date=date(2026, 5, 1)
        )
        create_contribution(activity, voice("The GP surgery never answers the phone"))
    fft = Programme.objects.create(slug=demo.FFT_PROGRAMME, name="FFT")
    activity = Activity.objects.create(
        programme=fft, kind=ActivityKind.PATIENT_FEEDBACK, title="FFT", date=date(2021, 9, 1)
    )
    with open_fft(fft_path(shared_data)) as handle:
        rows = [row for row in csv.DictReader(handle) if row["FFT answer"].strip()][:40]
    for row in rows:
        create_contribution(
            activity,
            ContributionInput(
                text=row["FFT answer"],
                already_redacted=True,
                consent_quote=True,
                consent_open_data=True,
                consent_recontact=False,
            ),
            submission_key=f"fft:{row['Comment ID']}",
        )
    lines: list[str] = []
    demo.load(random.Random(7), lines.append)

    for slug in (*demo.RESIDENT_PROGRAMMES, demo.FFT_PROGRAMME):
        runs = ModelRun.objects.filter(programme__slug=slug).exclude(
            kind__in=[RunKind.EMERGING, RunKind.DISCOVERY]
        )
        assert runs.exists() and set(runs.values_list("status", flat=True)) == {RunStatus.DONE}
    # Southend's analyst taught Chorus (a third of its contributions at most), and it learnt from the answers.
    taught = TeachAnswer.objects.filter(programme=world.programme)
    assert 0 < taught.count() <= world.programme.contributions.count() // 3
    latest = (
        ModelRun.objects.filter(programme=world.programme)
        .exclude(kind__in=[RunKind.EMERGING, RunKind.DISCOVERY])
        .first()
    )
    assert latest.training_size >= taught.count()
    assert Coding.objects.filter(made_by_user__username="lead-southend").exists()
    assert Coding.objects.filter(made_by_model=demo.FFT_SOURCE, status=CodingStatus.ACCEPTED).exists()
    assert ModelRun.objects.get(programme=world.programme, kind=RunKind.EMERGING).status == RunStatus.DONE
    assert ModelRun.objects.get(programme=world.programme, kind=RunKind.DISCOVERY).status == RunStatus.DONE
    assert world.programme.discovered_themes.exists()
    assert any("/coding/" in line for line in lines)


def test_demo_says_what_is_missing(db):
    with pytest.raises(RuntimeError, match="lead-southend"):
        demo.load(random.Random(1), print)
