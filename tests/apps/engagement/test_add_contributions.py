"""The bulk write path: a chunk of contributions checked, deduplicated, redacted and stored at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.actions import ChunkRow, create_contributions
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution

from support.world import voice, ward


@pytest.fixture
def survey(world) -> Activity:
    return Activity.objects.create(
        programme=world.programme, kind=ActivityKind.SURVEY, title="Survey", date=date(2026, 9, 1)
    )


def texts_in(activity: Activity) -> list[str]:
    return sorted(activity.contributions.values_list("text", flat=True))


@pytest.mark.django_db
def test_a_chunk_is_stored_with_one_insert_and_one_audit_event(world, survey, django_assert_max_num_queries):
    rows = [
        ChunkRow(voice(f"The clinic on the corner is shut on day {day}"), f"key-{day}") for day in range(60)
    ]
    create_contributions(survey, rows[:1], by=world.analyst)  # loads the NLP once, outside the count
    with django_assert_max_num_queries(8):  # a lookup, savepoints, one insert, one audit event
        results = create_contributions(survey, rows[1:], by=world.analyst)
    assert [result.status for result in results] == ["imported"] * 59
    assert survey.contributions.count() == 60
    assert all(result.contribution.pk == result.contribution_id for result in results)
    event = AuditEvent.objects.filter(action="contributions.added").latest("pk")
    assert (event.actor, event.object_id) == (world.analyst, str(survey.pk))
    assert event.details == {"added": 59, "duplicates": 0, "refused": 0}


@pytest.mark.django_db
def test_duplicates_inside_one_chunk_are_stored_once(survey):
    rows = [
        ChunkRow(voice("The bus stops at six in the evening"), "same"),
        ChunkRow(voice("The bus stops at six in the evening"), "same"),
        ChunkRow(voice("The pharmacy closes at lunchtime"), "other"),
    ]
    results = create_contributions(survey, rows, by=None)
    assert [result.status for result in results] == ["imported", "duplicate", "imported"]
    assert results[1].contribution_id == results[0].contribution_id
    assert texts_in(survey) == ["The bus stops at six in the evening", "The pharmacy closes at lunchtime"]


@pytest.mark.django_db
def test_duplicates_across_chunks_and_a_rerun_add_nothing(world, survey):
    first = create_contributions(
        survey, [ChunkRow(voice(f"Comment {n} on the lifts"), f"k{n}") for n in range(3)], by=world.analyst
    )
    second = create_contributions(
        survey, [ChunkRow(voice(f"Comment {n} on the lifts"), f"k{n}") for n in range(2, 5)], by=world.analyst
    )
    assert [result.status for result in second] == ["duplicate", "imported", "imported"]
    assert second[0].contribution_id == first[2].contribution_id
    again = create_contributions(
        survey, [ChunkRow(voice(f"Comment {n} on the lifts"), f"k{n}") for n in range(5)], by=world.analyst
    )
    assert {result.status for result in again} == {"duplicate"}
    assert survey.contributions.count() == 5


@pytest.mark.django_db
def test_a_bad_row_is_refused_with_its_reason_and_the_rest_are_stored(world, survey):
    rows = [
        ChunkRow(voice("Our GP surgery never answers the phone"), "good-1"),
        ChunkRow(voice("   "), "blank"),
        ChunkRow(replace(voice("I said no to analysis"), consent_analysis=False), "declined"),
        ChunkRow(voice("The park has no lights", ward=world.programme.local_authority), "not-a-ward"),
        ChunkRow(voice("The youth club has closed", ward=ward("Milton")), "good-2"),
    ]
    results = create_contributions(survey, rows, by=world.analyst)
    assert [result.status for result in results] == ["imported", "refused", "refused", "refused", "imported"]
    assert results[1].problem == "Enter what the resident said."
    assert "agree to them being used for analysis" in results[2].problem
    assert "is not a ward" in results[3].problem
    assert texts_in(survey) == ["Our GP surgery never answers the phone", "The youth club has closed"]
    assert Contribution.objects.get(submission_key="good-2").ward == ward("Milton")
    assert not Contribution.objects.filter(submission_key__in=["blank", "declined", "not-a-ward"]).exists()
    event = AuditEvent.objects.get(action="contributions.added")
    assert event.details == {"added": 2, "duplicates": 0, "refused": 3}


@pytest.mark.django_db
def test_texts_and_long_free_text_answers_are_redacted_in_the_batch(survey):
    answers = {"Anything else?": "Ring my daughter on 07700 900123 about it", "Visits": "3 a week"}
    rows = [
        ChunkRow(voice("Email me at jo.bloggs@example.com about the dentist", answers=answers), "a"),
        ChunkRow(voice("The dentist waiting list is over a year"), "b"),
    ]
    create_contributions(survey, rows, by=None)
    stored = Contribution.objects.get(submission_key="a")
    assert "jo.bloggs@example.com" not in stored.text and "dentist" in stored.text
    assert "07700 900123" not in stored.answers["Anything else?"]
    assert stored.answers["Visits"] == "3 a week"
    assert Contribution.objects.get(submission_key="b").text == "The dentist waiting list is over a year"


@pytest.mark.django_db
def test_the_callers_bookkeeping_commits_with_the_chunk_or_not_at_all(survey):
    class Stopped(Exception):
        pass

    def fail_after_insert(results):
        assert Contribution.objects.filter(submission_key="kept?").exists()  # inside the transaction
        raise Stopped

    with pytest.raises(Stopped):
        create_contributions(
            survey,
            [ChunkRow(voice("The hub is warm and friendly"), "kept?")],
            in_transaction=fail_after_insert,
            by=None,
        )
    assert not Contribution.objects.filter(submission_key="kept?").exists()
    assert not AuditEvent.objects.filter(action="contributions.added").exists()

    seen = []
    create_contributions(
        survey,
        [ChunkRow(voice("The hub is warm and friendly"), "kept?")],
        in_transaction=seen.extend,
        by=None,
    )
    assert [result.status for result in seen] == ["imported"]
    assert Contribution.objects.filter(submission_key="kept?").exists()


@pytest.mark.django_db
def test_rows_without_a_key_are_never_duplicates(survey):
    rows = [ChunkRow(voice("The same words twice")), ChunkRow(voice("The same words twice"))]
    assert [result.status for result in create_contributions(survey, rows, by=None)] == [
        "imported",
        "imported",
    ]
    assert create_contributions(survey, [], by=None) == []
