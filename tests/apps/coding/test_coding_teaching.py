"""Teaching Chorus: answers are people's codings, first tested against the model that had not seen them; the
model learns again in the background; the next question goes where the model knows least."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.actions import teaching
from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.runs import run_coding
from chorus.apps.coding.models import Coding, CodingMethod, CodingStatus, ModelRun, RunKind, RunStatus
from chorus.apps.coding.queries import current_codings, next_to_teach, teaching_progress
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.world import PASSWORD, voice

pytestmark = pytest.mark.django_db

VOICES = [
    "Black mould in the bedroom again and the baby keeps coughing",
    "Damp patches on the ceiling are making my asthma worse",
    "Condensation everywhere and mould on the walls of the kids' room",
    "I can never get through to the surgery on the phone at eight",
    "Waited three weeks for a doctor's appointment",
    "The bus to the hospital only runs once an hour",
    "My energy bills have doubled and we sit in the cold",
    "Nobody to talk to since my husband died, I feel so alone",
    "Kids are vaping outside the school gates every day",
]


@pytest.fixture
def taught_world(world, settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "imports", "coding", "reports"],
        }
    }
    activity = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.LISTENING_EVENT,
        title="Listening event",
        date=date(2026, 9, 1),
        recorded_by=world.analyst,
    )
    for text in VOICES:
        create_contribution(activity, voice(text), by=world.analyst)
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=codebook)
    run_coding(run.pk, by=world.analyst, sentiment=False)
    world.codebook = codebook
    return world


def said(world, start: str):
    return world.programme.contributions.get(text__startswith=start)


def test_a_teach_session_changes_predictions(taught_world, django_capture_on_commit_callbacks):
    world, codebook = taught_world, taught_world.codebook
    transport = codebook.themes.get(slug="transport")
    similar = said(world, "Condensation everywhere")
    assert transport.pk not in {c.theme_id for c in current_codings(similar, codebook)}

    # The analyst teaches, against the codebook, that damp and mould is what they code as transport.
    with django_capture_on_commit_callbacks(execute=True):
        first = teaching.answer(said(world, "Black mould"), codebook, [transport], by=world.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        second = teaching.answer(said(world, "Damp patches"), codebook, [transport], by=world.analyst)

    # Each answer was a fair test of the model as it stood: it had coded mould as mould, not transport.
    assert first.predicted and str(transport.pk) not in first.predicted and not first.agreed
    assert first.model and "@" in first.model
    # The model learnt again in the background (the immediate task backend) after each answer.
    runs = ModelRun.objects.filter(codebook=codebook, kind=RunKind.FEW_SHOT, status=RunStatus.DONE)
    assert runs.count() == 2 and runs.first().training_size == 2
    learnt = {c.theme_id: c for c in current_codings(similar, codebook)}
    assert transport.pk in learnt and learnt[transport.pk].method == CodingMethod.FEW_SHOT
    assert second.predicted.get(str(transport.pk)) is not None  # by the second answer it had learnt a little
    # The answers are the analyst's codings, and recorded.
    mould = said(world, "Black mould")
    assert Coding.objects.get(contribution=mould, theme=transport, current=True).made_by_user == world.analyst
    assert AuditEvent.objects.filter(action="coding.taught").count() == 2
    progress = teaching_progress(codebook)["all"]
    assert (progress.answers, progress.agreed) == (2, int(first.agreed) + int(second.agreed))


def test_a_contribution_a_person_coded_already_cannot_test_the_model(taught_world):
    world, codebook = taught_world, taught_world.codebook
    bus = said(world, "The bus to the hospital")
    teaching.answer(bus, codebook, [], by=world.analyst, retrain=False)
    with pytest.raises(ActionError, match="coded this contribution already"):
        teaching.answer(bus, codebook, [], by=world.analyst, retrain=False)


def test_the_next_question_is_one_nobody_answered_and_covers_themes_without_examples(taught_world):
    world, codebook = taught_world, taught_world.codebook
    contributions = world.programme.contributions.all()
    asked = []
    for _ in range(4):
        contribution = next_to_teach(codebook, contributions)
        assert contribution.pk not in asked
        asked.append(contribution.pk)
        teaching.answer(contribution, codebook, [], by=world.analyst, retrain=False)
    # Skipping moves on without answering.
    following = next_to_teach(codebook, contributions)
    assert next_to_teach(codebook, contributions, skip=[following.pk]).pk != following.pk


def test_teach_page_works_as_a_plain_form_and_shows_the_honest_estimate(taught_world, client):
    world, codebook = taught_world, taught_world.codebook
    client.login(username=world.analyst.username, password=PASSWORD)
    url = reverse("coding:teach", args=[world.programme.slug])
    page = client.get(url)
    assert page.status_code == 200 and "No answers yet" in page.content.decode()
    asked = page.context["contribution"]
    mould = codebook.themes.get(slug="housing/damp-mould")
    saved = client.post(url, {"contribution": asked.pk, "themes": [mould.pk]})
    assert saved.status_code == 302 and saved["Location"] == url
    assert Coding.objects.get(contribution=asked, theme=mould, current=True).status == CodingStatus.ACCEPTED
    again = client.get(url)
    assert "After 1 answer, the model agreed with you on" in again.content.decode()
    assert again.context["contribution"].pk != asked.pk
    # Someone else's programme's contribution is not found; an unknown theme is an error on the form.
    other = client.post(url, {"contribution": world.in_other_programme.pk, "themes": []})
    assert other.status_code == 404
    wrong = client.post(url, {"contribution": again.context["contribution"].pk, "themes": ["999999"]})
    assert wrong.status_code == 400
