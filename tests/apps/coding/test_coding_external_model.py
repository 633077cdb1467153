"""Emerging issues named by the optional external model: used when configured, with provenance recorded;
the local name kept when it fails; nothing sent when it is not configured."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.coding.actions import codebooks, emerging, runs
from chorus.apps.coding.models import EmergingCluster, ModelRun, RunKind, RunStatus
from chorus.apps.coding.queries import current_codebook
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.chat_server import ChatServer
from support.world import PASSWORD, voice

pytestmark = pytest.mark.django_db

OTHER_VOICES = [
    "Black mould in the bedroom again and the baby keeps coughing",
    "The landlord won't fix the leak in the kitchen",
    "I can never get through to the surgery on the phone at eight",
    "Waited three weeks for a doctor's appointment",
    "The bus to the hospital only runs once an hour",
    "My energy bills have doubled and we sit in the cold",
    "Nobody to talk to since my husband died, I feel so alone",
    "Kids are vaping outside the school gates every day",
]
SEAGULLS = [
    "The seagulls on the pier are stealing everyone's chips",
    "Seagulls stealing chips on the pier again",
    "Those seagulls on the pier went for my chips",
    "Seagulls on the pier grabbed my daughter's chips, ring Sandra Pike on 07700 900321 if you can help",
    "The pier seagulls steal chips from children",
]


@pytest.fixture
def server():
    running = ChatServer().start()
    yield running
    running.stop()


def emerging_run(world) -> ModelRun:
    activity = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.EVENT, title="Pier", date=date(2026, 10, 1)
    )
    for text in OTHER_VOICES + SEAGULLS:
        create_contribution(activity, voice(text), by=world.analyst)
    codebooks.create_starter_codebook(world.programme, "community_health", by=world.analyst)
    runs.embed_missing(world.programme)
    codebook = current_codebook(world.programme)
    return ModelRun.objects.create(programme=world.programme, codebook=codebook, kind=RunKind.EMERGING)


def seagull_cluster(run: ModelRun) -> EmergingCluster:
    return next(
        cluster
        for cluster in EmergingCluster.objects.filter(run=run)
        if "seagull" in " ".join(cluster.key_terms)
    )


def test_a_configured_model_names_the_issue_and_its_provenance_is_recorded(world, server, settings):
    settings.CHORUS_LLM_URL, settings.CHORUS_LLM_MODEL = server.url, "llama3.2:3b"

    run = emerging.run_emerging(emerging_run(world).pk, by=world.analyst, min_cluster_size=4)

    assert run.status == RunStatus.DONE, run.error
    cluster = seagull_cluster(run)
    assert cluster.name == f"Concerns about {cluster.key_terms[0]}"
    named = next(
        entry for entry in run.metrics["external_model"]["named"] if entry["number"] == cluster.number
    )
    assert named["name"] == cluster.name and not named["used_local"]
    assert named["local_name"] and "," not in named["local_name"]  # Chorus's own key-phrase name
    assert named["description"].startswith("Residents raise ")
    assert named["provenance"]["model"] == "llama3.2:3b"
    assert named["provenance"]["host"] == server.url.split("/")[2]
    assert named["provenance"]["made_at"]
    sent = " ".join(request.raw for request in server.received)
    assert "seagull" in sent.lower()
    assert "Sandra" not in sent and "900321" not in sent


def test_the_emerging_issues_page_shows_the_description_and_who_named_the_issue(
    client, world, server, settings
):
    settings.CHORUS_LLM_URL, settings.CHORUS_LLM_MODEL = server.url, "llama3.2:3b"
    run = emerging.run_emerging(emerging_run(world).pk, by=world.analyst, min_cluster_size=4)
    named = next(entry for entry in run.metrics["external_model"]["named"] if entry["number"] == 1)
    client.login(username=world.analyst.username, password=PASSWORD)

    page = client.get(reverse("coding:emerging", args=[world.programme.slug])).content.decode()

    assert f'<h2 class="nhsuk-card__heading nhsuk-heading-m">{named["name"]}</h2>' in page
    assert named["description"] in page
    assert f"Named by the external model llama3.2:3b at {server.url.split('/')[2]}" in page
    assert f"Chorus's own name: “{named['local_name']}”" in page


def test_a_failing_model_leaves_the_local_name_with_the_reason(client, world, server, settings):
    settings.CHORUS_LLM_URL, settings.CHORUS_LLM_MODEL = server.url, "llama3.2:3b"
    server.script = ["bad-json"] * 10

    run = emerging.run_emerging(emerging_run(world).pk, by=world.analyst, min_cluster_size=4)

    assert run.status == RunStatus.DONE, run.error
    cluster = seagull_cluster(run)
    named = next(
        entry for entry in run.metrics["external_model"]["named"] if entry["number"] == cluster.number
    )
    assert named["used_local"] and named["provenance"] is None
    assert cluster.name == named["local_name"] and "," not in cluster.name
    assert "did not answer in JSON. The local name was kept." in named["message"]
    client.login(username=world.analyst.username, password=PASSWORD)
    page = client.get(reverse("coding:emerging", args=[world.programme.slug])).content.decode()
    assert f'<h2 class="nhsuk-card__heading nhsuk-heading-m">{cluster.name}</h2>' in page
    assert "the external model was not used. The external model at 127.0.0.1:" in page


def test_without_a_configured_model_nothing_is_sent(world, server, settings):
    settings.CHORUS_LLM_URL = ""

    run = emerging.run_emerging(emerging_run(world).pk, by=world.analyst, min_cluster_size=4)

    assert run.status == RunStatus.DONE, run.error
    assert "external_model" not in run.metrics
    assert server.received == []
