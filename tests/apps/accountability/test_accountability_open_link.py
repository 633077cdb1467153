"""The open "did we listen?" link: anyone may answer it, so it cannot move the figure from residents' own
answers. One answer per browser, a limit per address and per link held in the database, and its answers
counted apart and labelled on the public page."""

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability import tokens
from chorus.apps.accountability.actions.assessments import (
    TooManyAnswers,
    record_assessment,
    record_open_link_answer,
)
from chorus.apps.accountability.actions.feedback import (
    owe_what_we_heard,
    record_contact,
    send_feedback,
)
from chorus.apps.accountability.models import Assessment, AssessmentSource, Channel
from chorus.apps.accountability.reporting import OPEN_LINK_TABLE, assessment_report
from chorus.apps.core.errors import ActionError

NOW = timezone.make_aware(datetime(2026, 11, 24, 9, 0))


@pytest.fixture
def answered(world):
    """Feedback sent, with 16 residents' answers through connectors: 10 felt listened to (62.5%)."""
    world.programme.is_public = True
    world.programme.save()
    item = owe_what_we_heard(by=world.analyst, activity=world.by_connector.activity, channel=Channel.EMAIL)
    send_feedback(by=world.analyst, item=item, message="Here is what we heard.", now=NOW)
    for listened in ["yes"] * 10 + ["no"] * 6:
        record_assessment(
            feedback=item,
            listened=listened,
            difference=1 if listened == "yes" else -1,
            source=AssessmentSource.CONNECTOR,
            now=NOW,
            by=world.connector,
        )
    return item


def open_link(item) -> str:
    return reverse("accountability:have-your-say", args=[tokens.make_token(item.pk)])


def public_figures(programme) -> dict:
    page = Client().get(reverse("accountability:you-said-we-did", args=[programme.slug]))
    assert page.status_code == 200
    return {key: page.context[key] for key in ("answered", "listened_percent", "empowered_percent")} | {
        "html": page.content.decode(),
        "open_answered": page.context.get("open_answered"),
    }


def test_fifty_quick_answers_from_the_open_link_do_not_move_the_published_figure(answered):
    programme = answered.programme
    before = public_figures(programme)
    assert (before["answered"], before["listened_percent"]) == (15, 67)  # 10 of 15 published (of 16)
    statuses = []
    for _ in range(50):  # a new client each time: no cookie, as a script would
        response = Client().post(open_link(answered), {"listened": "no", "difference": "-2"})
        statuses.append(response.status_code)
    assert statuses[:3] == [302, 302, 302]
    assert set(statuses[3:]) == {429}
    refused = Client().post(open_link(answered), {"listened": "no", "difference": "-2"})
    assert "already have the answers we can take from here today" in refused.content.decode()
    assert Assessment.objects.filter(feedback=answered, source=AssessmentSource.OPEN_LINK).count() == 3

    after = public_figures(programme)
    assert {key: after[key] for key in before if key not in ("html", "open_answered")} == {
        key: before[key] for key in before if key not in ("html", "open_answered")
    }
    # Shown apart and labelled: 3 answers is a count of 1-7, so it is shown as *.
    assert after["open_answered"] == "*"
    assert "answers from the open link, not checked to be one per person" in after["html"]


def test_you_said_we_did_shows_whole_percentages_as_the_public_page_does(answered):
    """A resident reading both pages sees "67%" on each, not "66.7%" on one of them."""
    html = public_figures(answered.programme)["html"]
    assert "Felt listened to: <strong>67%</strong>" in html
    assert "Felt it made a difference: <strong>67%</strong>" in html
    assert "66.7" not in html


def test_the_open_link_is_limited_per_link_across_addresses(answered, settings):
    settings.CHORUS_OPEN_LINK_PER_HOUR = 5
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(open_link(answered), {"listened": "yes", "difference": "1"})
        for n in range(10)
    ]
    assert statuses and [s.status_code for s in statuses] == [302] * 5 + [429] * 5
    assert "a lot of answers in the last hour" in statuses[-1].content.decode()
    stored = Assessment.objects.filter(feedback=answered, source=AssessmentSource.OPEN_LINK)
    assert stored.count() == 5
    # The limit is counted from what is stored, never from the address itself.
    assert all(len(a.address_key) == 64 and "203.0.113" not in a.address_key for a in stored)


def test_answering_again_from_the_same_browser_changes_the_answer(answered):
    browser = Client()
    assert browser.post(open_link(answered), {"listened": "yes", "difference": "2"}).status_code == 302
    assert browser.post(open_link(answered), {"listened": "no", "difference": "-1"}).status_code == 302
    [answer] = Assessment.objects.filter(feedback=answered, source=AssessmentSource.OPEN_LINK)
    assert (answer.listened, answer.difference) == ("no", -1)


def test_open_link_answers_are_reported_apart_from_residents_answers(answered, world):
    for n in range(9):
        record_open_link_answer(
            feedback=answered, listened="no", difference=-2, now=NOW, address=f"198.51.100.{n}", by=None
        )
    report = assessment_report(answered.assessments.all())
    [everyone] = report["All"]
    assert (everyone.answered, everyone.listened) == (16, 10)
    [open_answers] = report[OPEN_LINK_TABLE]
    assert (open_answers.answered, open_answers.listened) == (9, 0)
    figures = public_figures(world.programme)
    assert (figures["answered"], figures["listened_percent"], figures["open_answered"]) == (15, 67, 10)
    with pytest.raises(ActionError, match="Unknown source"):
        record_assessment(
            feedback=answered,
            listened="yes",
            difference=1,
            now=NOW,
            source=AssessmentSource.OPEN_LINK,
            by=None,
        )


def test_a_residents_own_link_still_keeps_one_answer_and_is_not_limited(answered, world):
    participant = record_contact(by=world.connector, contribution=world.by_connector, contact="r@example.org")
    own = reverse("accountability:have-your-say", args=[tokens.make_token(answered.pk, participant.pk)])
    for _ in range(6):
        assert Client().post(own, {"listened": "yes", "difference": "2"}).status_code == 302
    assert Assessment.objects.filter(feedback=answered, source=AssessmentSource.LINK).count() == 1


@pytest.mark.django_db(transaction=True)
def test_answers_sent_at_the_same_moment_still_keep_to_the_limit(world):
    """Each thread has its own database connection, as separate web processes would."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database (shared cache) does not wait for locks")
    world.programme.is_public = True
    world.programme.save()
    item = owe_what_we_heard(by=world.analyst, activity=world.by_connector.activity, channel=Channel.EMAIL)
    send_feedback(by=world.analyst, item=item, message="Here is what we heard.", now=NOW)

    def answer(_):
        try:
            record_open_link_answer(
                feedback=item, listened="no", difference=-2, now=NOW, address="192.0.2.7", by=None
            )
            return "stored"
        except TooManyAnswers:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(answer, range(20)))
    assert results.count("stored") == 3 and results.count("refused") == 17
    assert Assessment.objects.filter(feedback=item, source=AssessmentSource.OPEN_LINK).count() == 3
