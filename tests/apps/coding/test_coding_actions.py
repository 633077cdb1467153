"""Coding actions on the small world: codebooks, model runs, reviews that change the next predictions,
search that respects who may see what, emerging issues, agreement, and the real background-task path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.actions import emerging as emerging_actions
from chorus.apps.coding.actions.agreement import answer_sample, create_agreement_sample
from chorus.apps.coding.actions.codebooks import create_starter_codebook, export_codebook, import_codebook
from chorus.apps.coding.actions.emerging import (
    EMERGING_MAX_CLUSTERS,
    promote_cluster,
    run_emerging,
    start_emerging,
)
from chorus.apps.coding.actions.review import review
from chorus.apps.coding.actions.runs import (
    ERROR_MAX_LENGTH,
    MIN_REVIEWED_PER_THEME,
    embed_missing,
    run_coding,
    running,
    start_coding,
)
from chorus.apps.coding.model_files import load_trained
from chorus.apps.coding.models import (
    Coding,
    CodingEvent,
    CodingMethod,
    CodingStatus,
    ContributionVector,
    EmergingCluster,
    ModelRun,
    ReviewState,
    RunKind,
    RunStatus,
    Sentiment,
)
from chorus.apps.coding.queries import (
    agreement_report,
    current_codebook,
    current_codings,
    review_queue,
    semantic_search,
)
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import create_contribution, withdraw_consent
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.coding.codebook import codebook_from_csv, codebook_from_qdc, validate_qdc

from support.world import voice

pytestmark = pytest.mark.django_db

MORE_VOICES = [
    "Black mould in the bedroom again and the baby keeps coughing",
    "The landlord won't fix the leak in the kitchen",
    "I can never get through to the surgery on the phone at eight",
    "Waited three weeks for a doctor's appointment",
    "The bus to the hospital only runs once an hour",
    "My energy bills have doubled and we sit in the cold",
    "Nobody to talk to since my husband died, I feel so alone",
    "Kids are vaping outside the school gates every day",
]


def coded_world(world, *, min_reviewed: int = MIN_REVIEWED_PER_THEME, many_examples: int = 60) -> ModelRun:
    activity = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.LISTENING_EVENT,
        title="Listening event",
        date=date(2026, 9, 1),
        recorded_by=world.analyst,
    )
    for text in MORE_VOICES:
        create_contribution(activity, voice(text), by=world.analyst)
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=current_codebook(world.programme))
    return run_coding(run.pk, by=world.analyst, min_reviewed=min_reviewed, many_examples=many_examples)


def test_starter_codebook_is_a_tree_and_exports_validate(world):
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    damp = codebook.themes.get(slug="housing/damp-mould")
    assert damp.parent.slug == "housing" and damp.examples
    qdc, content_type, filename = export_codebook(codebook, "qdc", by=world.analyst)
    assert validate_qdc(qdc) == [] and filename.endswith(".qdc")
    assert len(codebook_from_qdc(qdc, "x")) == codebook.themes.count()
    csv_bytes, _, _ = export_codebook(codebook, "csv", by=world.analyst)
    again = import_codebook(world.programme, csv_bytes, "again.csv", by=world.analyst)
    assert list(again.themes.values_list("slug", "parent__slug")) == list(
        codebook.themes.values_list("slug", "parent__slug")
    )
    assert len(codebook_from_csv(csv_bytes.decode(), "x")) == codebook.themes.count()
    assert AuditEvent.objects.filter(action="coding.codebook_exported").count() == 2


def test_a_broken_codebook_file_says_why(world):
    with pytest.raises(ActionError, match="missing the column"):
        import_codebook(world.programme, b"title,text\nx,y\n", "bad.csv", by=world.analyst)
    with pytest.raises(ActionError, match="not a readable"):
        import_codebook(world.programme, b"<not xml", "bad.qdc", by=world.analyst)


def test_coding_run_records_model_version_sentiment_vectors_and_queue(world):
    run = coded_world(world)
    # Only a codebook: the zero-shot coder that learns from the programme's contributions themselves.
    assert run.status == RunStatus.DONE and run.kind == RunKind.BATCH
    contributions = world.programme.contributions.count()
    assert ContributionVector.objects.filter(contribution__programme=world.programme).count() == contributions
    assert Sentiment.objects.filter(contribution__programme=world.programme).count() == contributions
    assert ReviewState.objects.filter(contribution__programme=world.programme).count() == contributions
    suggestions = Coding.objects.filter(run=run)
    assert suggestions.exists()
    assert all("@" in coding.made_by_model and coding.made_by_user is None for coding in suggestions)
    assert all(0 <= coding.threshold <= coding.confidence <= 1 for coding in suggestions)
    assert {coding.method for coding in suggestions} == {CodingMethod.BATCH}
    # Every contribution with words gets a theme.
    assert not world.programme.contributions.exclude(codings__current=True).exists()
    mould = Coding.objects.filter(contribution__text__startswith="Black mould", current=True)
    assert "housing/damp-mould" in {coding.theme.slug for coding in mould}
    # The queue asks first about what the model is least sure of.
    codebook = current_codebook(world.programme)
    margins = [c.review_state.margin for c in review_queue(codebook, world.programme.contributions.all())]
    assert margins == sorted(margins) and len(margins) == contributions


def test_review_accepts_rejects_adds_and_keeps_history(world):
    coded_world(world)
    codebook = current_codebook(world.programme)
    contribution = world.programme.contributions.get(text__startswith="Black mould")
    suggested = [c.theme for c in current_codings(contribution, codebook)]
    keep, drop = suggested[0], suggested[1:]
    transport = codebook.themes.get(slug="transport")
    counts = review(contribution, codebook, [keep, transport], by=world.analyst)
    assert counts == {"accepted": 1, "rejected": len(drop), "added": 1}
    current = {c.theme.slug: c for c in current_codings(contribution, codebook)}
    assert (
        current[keep.slug].status == CodingStatus.ACCEPTED
        and current[keep.slug].made_by_user == world.analyst
    )
    assert current["transport"].status == CodingStatus.ACCEPTED
    assert all(current[theme.slug].status == CodingStatus.REJECTED for theme in drop)
    # The model's suggestion is kept as history, no longer current.
    assert Coding.objects.filter(
        contribution=contribution, theme=keep, current=False, made_by_user=None
    ).exists()
    actions_seen = set(CodingEvent.objects.filter(contribution=contribution).values_list("action", flat=True))
    assert {"accepted", "added"} <= actions_seen
    assert contribution.review_state.reviewed_by == world.analyst
    assert not review_queue(codebook, world.programme.contributions.filter(pk=contribution.pk)).exists()


def test_reviews_change_the_next_predictions(world):
    coded_world(world, min_reviewed=1)
    codebook = current_codebook(world.programme)
    transport = codebook.themes.get(slug="transport")
    mould = world.programme.contributions.get(text__startswith="Black mould")
    gp = world.programme.contributions.get(text__startswith="I can never get through")
    before = {c.theme.slug for c in current_codings(mould, codebook)}
    assert "transport" not in before
    # A reviewer says, against the zero-shot model, that the mould contribution is about transport
    # and the GP contribution is not.
    review(mould, codebook, [transport], by=world.analyst)
    review(gp, codebook, [], by=world.analyst)
    similar = world.programme.contributions.get(text__startswith="The damp in our flat")
    zero_shot_transport = Coding.objects.filter(contribution=similar, theme=transport, current=True).first()

    run = ModelRun.objects.create(programme=world.programme, codebook=codebook)
    run = run_coding(run.pk, by=world.analyst, min_reviewed=1, many_examples=1)

    assert run.kind == RunKind.TRAINED and "transport" in run.metrics["trained_themes"]
    assert (world.programme.model_runs.first().directory or "").startswith("models/")
    learnt = Coding.objects.filter(contribution=similar, theme=transport, current=True).first()
    assert zero_shot_transport is None and learnt is not None
    assert learnt.made_by_model.startswith("chorus-coder-multi-label")
    # People's decisions are never overwritten by the model.
    assert Coding.objects.get(contribution=mould, theme=transport, current=True).made_by_user == world.analyst


def test_a_contribution_in_polish_is_coded_by_the_multilingual_heads_like_its_english_twins(world):
    coded_world(world, min_reviewed=1)
    codebook = current_codebook(world.programme)
    damp = codebook.themes.get(slug="housing/damp-mould")
    repairs = codebook.themes.get(slug="housing/repairs-landlords")
    gp = codebook.themes.get(slug="gp-access")
    transport = codebook.themes.get(slug="transport")
    for start, themes in (
        ("Black mould", [damp]),
        ("The damp in our flat", [damp]),
        ("The landlord won't fix", [repairs]),
        ("I can never get through", [gp]),
        ("Waited three weeks", [gp]),
        ("The bus to the hospital", [transport]),
    ):
        review(world.programme.contributions.get(text__startswith=start), codebook, themes, by=world.analyst)
    activity = world.programme.activities.first()
    polish = create_contribution(
        activity,
        voice("W sypialni znowu jest czarna pleśń i wilgoć, a dziecko ciągle kaszle.", language="pl"),
        by=world.analyst,
    ).contribution

    run = ModelRun.objects.create(programme=world.programme, codebook=codebook)
    run_coding(run.pk, by=world.analyst, min_reviewed=1, many_examples=1)

    coded = Coding.objects.filter(contribution=polish, current=True)
    assert damp in {coding.theme for coding in coded}
    assert {coding.method for coding in coded} == {CodingMethod.OTHER_LANGUAGE}
    assert all("multilingual-e5-small" in coding.made_by_model for coding in coded)


def test_with_e5_the_trained_model_blends_the_e5_heads_in_and_the_english_coder_is_saved(world):
    coded_world(world, min_reviewed=1)
    codebook = current_codebook(world.programme)
    damp = codebook.themes.get(slug="housing/damp-mould")
    gp = codebook.themes.get(slug="gp-access")
    for start, themes in (
        ("Black mould", [damp]),
        ("The damp in our flat", [damp]),
        ("I can never get through", [gp]),
        ("Waited three weeks", [gp]),
    ):
        review(world.programme.contributions.get(text__startswith=start), codebook, themes, by=world.analyst)

    run = ModelRun.objects.create(programme=world.programme, codebook=codebook)
    run = run_coding(run.pk, by=world.analyst, min_reviewed=1, many_examples=1, use_e5=True)

    assert run.kind == RunKind.TRAINED and "multilingual-e5-small" in run.model_name
    trained = Coding.objects.filter(run=run, theme__in=[damp, gp], method=CodingMethod.TRAINED)
    assert trained and all("multilingual-e5-small" in coding.made_by_model for coding in trained)
    assert load_trained(run.directory).model_name.startswith("chorus-coder-multi-label")


def test_before_any_coded_example_a_polish_contribution_is_coded_zero_shot_through_e5(world):
    """No coded examples yet: text not in English is coded from the codebook through e5, each text moved
    back towards English by its language's offset (chorus.coding.zeroshot.BatchZeroShotCoder)."""
    coded_world(world)
    codebook = current_codebook(world.programme)
    polish = create_contribution(
        world.programme.activities.first(),
        voice("W sypialni znowu jest czarna pleśń i wilgoć, a dziecko ciągle kaszle.", language="pl"),
        by=world.analyst,
    ).contribution

    run = ModelRun.objects.create(programme=world.programme, codebook=codebook)
    run = run_coding(run.pk, by=world.analyst)

    assert run.status == RunStatus.DONE, run.error
    coded = Coding.objects.filter(contribution=polish, current=True)
    assert coded and {coding.method for coding in coded} == {CodingMethod.OTHER_LANGUAGE}
    assert all("zero-shot-batch" in coding.made_by_model for coding in coded)
    assert codebook.themes.get(slug="housing/damp-mould") in {coding.theme for coding in coded}


def test_search_returns_only_what_the_user_may_see(world):
    coded_world(world)
    everything = world.programme.contributions.all()
    assert semantic_search("damp in the flat", everything)[0].contribution == world.by_partner_a

    from chorus.apps.engagement.rules import visible_contributions

    def found(user, query):
        return {hit.contribution.pk for hit in semantic_search(query, visible_contributions(user))}

    assert world.by_partner_a.pk in found(world.analyst, "damp in the flat")
    assert world.by_partner_a.pk not in found(world.partner_b_member, "damp in the flat")
    assert found(world.partner_b_member, "damp in the flat") == {world.by_partner_b.pk}
    assert found(world.decision_maker, "damp in the flat") == set()
    assert world.by_partner_a.pk not in found(world.other_analyst, "damp in the flat")
    # A ward named in the query narrows the search to it.
    in_milton = semantic_search("damp in Milton", everything)
    assert in_milton and {hit.contribution.ward.name for hit in in_milton} == {"Milton"}
    world.by_partner_a.consent_quote = False
    world.by_partner_a.save()
    quotes = semantic_search("damp in the flat", everything, quotes_only=True)
    assert world.by_partner_a.pk not in {hit.contribution.pk for hit in quotes}


def test_withdrawn_consent_takes_codings_vectors_and_sentiment_with_it(world):
    coded_world(world)
    contribution = world.by_partner_a
    assert Coding.objects.filter(contribution=contribution).exists()
    withdraw_consent(contribution, "analysis", by=world.analyst)
    assert not Coding.objects.filter(contribution_id=contribution.pk).exists()
    assert not ContributionVector.objects.filter(contribution_id=contribution.pk).exists()
    assert not Sentiment.objects.filter(contribution_id=contribution.pk).exists()


def seagull_voices(world) -> list[Contribution]:
    """Five residents at the pier on something no codebook theme is about."""
    activity = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.EVENT, title="Pier", date=date(2026, 10, 1)
    )
    texts = [
        "The seagulls on the pier are stealing everyone's chips",
        "Seagulls stealing chips on the pier again",
        "Those seagulls on the pier went for my chips",
        "Seagulls on the pier grabbed my daughter's chips",
        "The pier seagulls steal chips from children",
    ]
    return [create_contribution(activity, voice(text), by=world.analyst).contribution for text in texts]


def test_emerging_issues_look_at_contributions_the_model_themed_without_being_sure(world):
    """A batch coder gives every contribution its nearest theme: voices about something the codebook lacks
    come out coded, but unsurely. Emerging issues still look at them, and such codings do not make up what the
    theme looks like (else the new issue would seem to be that theme)."""
    coded_world(world)
    seagulls = seagull_voices(world)
    codebook = current_codebook(world.programme)
    Coding.objects.filter(contribution__programme=world.programme).delete()
    embed_missing(world.programme)
    parks = codebook.themes.get(slug="physical-activity/green-space")
    Coding.objects.bulk_create(
        Coding(
            contribution=contribution,
            theme=parks,
            confidence=0.6,  # above the 0.5 the rest of Chorus counts as coded, below EMERGING_SURE
            made_by_model="test-batch-coder@1",
            made_at=timezone.now(),
            status=CodingStatus.SUGGESTED,
        )
        for contribution in seagulls
    )
    run = ModelRun.objects.create(programme=world.programme, codebook=codebook, kind=RunKind.EMERGING)
    run = run_emerging(run.pk, by=world.analyst, min_cluster_size=4)
    assert run.status == RunStatus.DONE, run.error
    found = [c for c in EmergingCluster.objects.filter(run=run) if seagulls[1].pk in c.member_ids]
    assert found and found[0].size >= 4, run.metrics["set_aside"]
    assert "seagull" in found[0].name.lower() or "chips" in found[0].name.lower()


def test_emerging_issues_group_only_the_last_six_months_of_voices(world, monkeypatch):
    """An emerging issue is recent: voices from more than six months before the programme's latest activity
    are not grouped, however alike."""
    coded_world(world)
    seagulls = seagull_voices(world)
    long_ago = Activity.objects.create(
        programme=world.programme, kind=ActivityKind.EVENT, title="Pier", date=date(2026, 3, 14)
    )
    lifeboat = [
        create_contribution(long_ago, voice(text), by=world.analyst).contribution
        for text in (
            "The lifeboat station raffle tickets were sold out",
            "Lifeboat station raffle sold out before we got there",
            "Could not get a raffle ticket at the lifeboat station",
            "The lifeboat raffle tickets went in an hour",
            "Raffle tickets at the lifeboat station all gone",
        )
    ]
    codebook = current_codebook(world.programme)
    Coding.objects.filter(contribution__programme=world.programme).delete()
    embed_missing(world.programme)

    def grouped() -> set[int]:
        run = ModelRun.objects.create(programme=world.programme, codebook=codebook, kind=RunKind.EMERGING)
        run = run_emerging(run.pk, by=world.analyst, min_cluster_size=4)
        assert run.status == RunStatus.DONE, run.error
        return {pk for cluster in EmergingCluster.objects.filter(run=run) for pk in cluster.member_ids}

    recent = grouped()
    assert seagulls[1].pk in recent
    assert not recent & {contribution.pk for contribution in lifeboat}
    monkeypatch.setattr(emerging_actions, "EMERGING_WINDOW", timedelta(days=3650))
    assert grouped() & {contribution.pk for contribution in lifeboat}  # they would be, over ten years


def test_emerging_issues_are_found_and_promoted_with_quotable_examples_only(world):
    """New topics are emerging issues; a group the codebook already has a theme for is set aside."""
    coded_world(world)
    contributions = seagull_voices(world)
    activity = contributions[0].activity
    missed = [
        "Black mould and damp all over the bedroom wall",
        "The damp and mould in the flat is back again",
        "Damp walls and mould in the children's room",
        "Mould and damp everywhere since the winter",
        "Our bathroom is covered in damp and black mould",
    ]
    for text in missed:
        create_contribution(activity, voice(text), by=world.analyst)
    contributions[0].consent_quote = False
    contributions[0].save()
    codebook = current_codebook(world.programme)
    # Unthemed, the others as well: clustering centres the vectors, which needs a varied pool.
    Coding.objects.filter(contribution__programme=world.programme).delete()
    embed_missing(world.programme)
    run = ModelRun.objects.create(programme=world.programme, codebook=codebook, kind=RunKind.EMERGING)
    run = run_emerging(run.pk, by=world.analyst, min_cluster_size=4)
    assert run.status == RunStatus.DONE, run.error
    cluster = next(
        c
        for c in EmergingCluster.objects.filter(programme=world.programme)
        if contributions[1].pk in c.member_ids
    )
    assert "seagull" in cluster.name.lower() or "chips" in cluster.name.lower()
    assert cluster.size >= 4 and cluster.representative_ids
    assert EmergingCluster.objects.filter(run=run).count() <= EMERGING_MAX_CLUSTERS
    like_damp = [group for group in run.metrics["set_aside"] if group["theme"] == "Damp and mould"]
    assert like_damp and like_damp[0]["reason"] == "like a theme" and like_damp[0]["size"] >= len(missed)
    theme = promote_cluster(cluster, by=world.analyst, name="Seagulls")
    assert theme.codebook == codebook and theme.promoted_from_cluster == cluster
    assert contributions[0].text not in theme.examples and theme.examples
    with pytest.raises(ActionError):
        promote_cluster(cluster, by=world.analyst)


def test_agreement_between_people_and_the_model(world):
    coded_world(world)
    sample = create_agreement_sample(
        world.programme, coders=[world.analyst, world.admin], size=6, by=world.analyst, seed=1
    )
    codebook = sample.codebook
    damp = codebook.themes.get(slug="housing/damp-mould")
    gp = codebook.themes.get(slug="gp-access")
    for contribution in sample.contributions.all():
        themes = (
            [damp] if "mould" in contribution.text.lower() or "damp" in contribution.text.lower() else [gp]
        )
        answer_sample(sample, contribution, themes, by=world.analyst)
        answer_sample(sample, contribution, themes, by=world.admin)
    report = agreement_report(sample)
    assert ("admin", "analyst") in report.pairwise and ("admin", "model") in report.pairwise
    people = {result.theme_id: result for result in report.pairwise[("admin", "analyst")]}
    assert people["gp-access"].percent_agreement == 1.0
    assert report.overall.units > 0
    with pytest.raises(ActionError):
        answer_sample(sample, sample.contributions.first(), [gp], by=world.connector)


@pytest.mark.django_db(transaction=True)
def test_coding_runs_as_a_background_task_on_the_coding_queue(world):
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = start_coding(world.programme, by=world.analyst)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    call_command("db_worker", "--batch", "--queue-name", "coding", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.progress_done == run.progress_total > 0
    assert Coding.objects.filter(run=run).exists()

    emerging = start_emerging(world.programme, by=world.analyst)
    call_command("db_worker", "--batch", "--queue-name", "coding", "--no-startup-delay", verbosity=0)
    emerging.refresh_from_db()
    assert emerging.status == RunStatus.DONE, emerging.error
    # The worker records each run as done by the person who queued it.
    finished = AuditEvent.objects.filter(action__in=["coding.run_finished", "coding.emerging_found"])
    assert {(event.object_id, event.actor) for event in finished} == {
        (str(run.pk), world.analyst),
        (str(emerging.pk), world.analyst),
    }


def test_erasing_a_resident_drops_the_trained_models_and_retrains_in_the_background(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from chorus.apps.imports.actions import erase_participant
    from chorus.apps.imports.models import Participant

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "imports", "coding", "reports"],
        }
    }
    coded_world(world, min_reviewed=1)
    codebook = current_codebook(world.programme)
    mould = world.programme.contributions.get(text__startswith="Black mould")
    review(mould, codebook, [codebook.themes.get(slug="transport")], by=world.analyst)
    review(world.programme.contributions.get(text__startswith="Waited"), codebook, [], by=world.analyst)
    trained = run_coding(
        ModelRun.objects.create(programme=world.programme, codebook=codebook).pk,
        by=world.analyst,
        min_reviewed=1,
        many_examples=1,
    )
    model_files = tmp_path / trained.directory
    assert trained.kind == RunKind.TRAINED and (model_files / "weights.npz").is_file()
    person = Participant.objects.create(programme=world.programme, pseudonym="P-MOULD", ref_hash="h")
    world.programme.contributions.filter(pk=mould.pk).update(participant=person)

    with django_capture_on_commit_callbacks(execute=True):
        erase_participant(person, by=world.analyst)

    assert not model_files.exists()
    trained.refresh_from_db()
    assert trained.directory == ""
    event = AuditEvent.objects.get(action="coding.models_dropped_after_erasure")
    assert event.details == {"models": 1} and event.programme == world.programme
    again = world.programme.model_runs.first()
    assert again.pk != trained.pk and again.status == RunStatus.DONE
    assert again.training_size < trained.training_size  # learnt without the erased words
    for saved in tmp_path.rglob("*.npz"):  # only a model trained after the erasure is left
        assert again.directory and saved.is_relative_to(tmp_path / again.directory)


def test_a_run_that_fails_is_marked_failed_with_its_error_cut_short_and_the_error_goes_on_up(world):
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=current_codebook(world.programme))
    with pytest.raises(ValueError, match="broke"), running(run, phase="Trying"):
        assert ModelRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
        raise ValueError("broke " + "x" * 3000)
    stored = ModelRun.objects.get(pk=run.pk)
    assert stored.status == RunStatus.FAILED and stored.finished_at is not None
    assert stored.error.startswith("ValueError: broke x") and len(stored.error) == ERROR_MAX_LENGTH == 2000
    # A failed run can be done again: the next attempt starts from it.
    assert run_coding(run.pk, by=world.analyst, sentiment=False).status == RunStatus.DONE
