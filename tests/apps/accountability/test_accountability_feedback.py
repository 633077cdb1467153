"""Feedback owed to residents on a fixed clock; decisions, recontact consent, contact details, links."""

from datetime import date, datetime, timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability import tokens
from chorus.apps.accountability.actions.action_items import create_action, record_progress
from chorus.apps.accountability.actions.assessments import record_assessment
from chorus.apps.accountability.actions.feedback import owe_what_we_heard, record_contact, send_feedback
from chorus.apps.accountability.actions.meetings import create_decision_body, create_meeting, record_decision
from chorus.apps.accountability.actions.priorities import create_priority, create_proposal
from chorus.apps.accountability.models import (
    AssessmentSource,
    BodyKind,
    Channel,
    Outcome,
)
from chorus.apps.accountability.reporting import assessment_report, feedback_owed
from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.imports.models import Participant

LISTENING_EVENT_DAY = date(2026, 11, 11)  # a Wednesday: 10 days later is Saturday 21 November
NOW = timezone.make_aware(datetime(2026, 11, 24, 9, 0))


def listening_event(programme, day=LISTENING_EVENT_DAY) -> Activity:
    return Activity.objects.create(
        programme=programme,
        kind=ActivityKind.LISTENING_EVENT,
        title="Listening event at the Kursaal",
        date=day,
    )


def owed_on(programme, today):
    """Feedback owed, leaving out the world's focus groups (held in October, long overdue)."""
    owed = feedback_owed([programme.pk], today)
    owed.unplanned = [(a, d) for a, d in owed.unplanned if a.kind == ActivityKind.LISTENING_EVENT]
    return owed


def test_a_listening_event_whose_ten_days_end_on_a_saturday_is_due_on_monday(world):
    event = listening_event(world.programme)
    owed = owed_on(world.programme, date(2026, 11, 21))
    [(activity, deadline)] = owed.unplanned
    assert activity == event and deadline.due == date(2026, 11, 23)
    assert not deadline.overdue
    assert owed_on(world.programme, date(2026, 11, 23)).overdue_count == 0
    assert owed_on(world.programme, date(2026, 11, 24)).overdue_count == 1

    item = owe_what_we_heard(by=world.analyst, activity=event, channel=Channel.NEWSLETTER)
    assert item.due_date == date(2026, 11, 23)
    owed = owed_on(world.programme, date(2026, 11, 24))
    assert owed.unplanned == [] and [d.days_overdue for _, d in owed.items] == [1]

    send_feedback(by=world.analyst, item=item, message="Here is what we heard.", now=NOW)
    item.refresh_from_db()
    assert item.sent_on == NOW.date()
    assert owed_on(world.programme, date(2026, 11, 30)).items == []
    assert item.deadline(date(2026, 11, 30)).standing == "done late"


def test_a_programme_with_a_different_setting(world):
    world.other_programme.feedback_days = 5
    world.other_programme.save()
    event = listening_event(world.other_programme)
    [(_, deadline)] = owed_on(world.other_programme, date(2026, 11, 16)).unplanned
    assert deadline.due == date(2026, 11, 16)  # Monday: 11 + 5
    assert owed_on(world.other_programme, date(2026, 11, 17)).overdue_count == 1
    item = owe_what_we_heard(by=world.other_analyst, activity=event, channel=Channel.EVENT)
    assert item.due_date == date(2026, 11, 16)
    # Southend's own event on the same day is not yet late.
    listening_event(world.programme)
    assert owed_on(world.programme, date(2026, 11, 17)).overdue_count == 0


def test_conversations_owe_no_listening_event_feedback_and_future_events_are_not_yet_owed(world):
    listening_event(world.programme, day=date(2026, 12, 1))
    assert owed_on(world.programme, date(2026, 11, 24)).unplanned == []
    assert len(owed_on(world.programme, date(2026, 12, 2)).unplanned) == 1
    kinds = {a.kind for a, _ in feedback_owed([world.programme.pk], date(2026, 12, 2)).unplanned}
    assert kinds == {ActivityKind.FOCUS_GROUP, ActivityKind.LISTENING_EVENT}  # not the conversation


@pytest.fixture
def meeting(world):
    priority = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Buses and isolation",
        theme="Transport",
        summary="Evening buses were cut.",
        contributions=[world.by_connector],
    )
    body = create_decision_body(
        by=world.analyst, programme=world.programme, name="Southend HWBB", kind=BodyKind.HWBB
    )
    return create_meeting(
        by=world.analyst, body=body, title="Board", date=date(2026, 11, 12), priorities=[priority]
    )


@pytest.mark.parametrize(
    ("outcome", "extra", "problem"),
    [
        (Outcome.DECLINED, {}, "reason"),
        (Outcome.DEFERRED, {}, "reason"),
        (Outcome.REFERRED, {}, "referred"),
        (Outcome.ACCEPTED, {"due_date": date(2027, 1, 1)}, "owner"),
    ],
)
def test_a_decision_needs_its_reason_referral_or_owner(world, meeting, outcome, extra, problem):
    priority = meeting.agenda_priorities.get()
    with pytest.raises(ActionError, match=problem if problem != "owner" else "owner and a due date"):
        record_decision(
            by=world.analyst, meeting=meeting, priority=priority, outcome=outcome, summary="x", **extra
        )


def test_declined_with_a_reason_owes_what_happened_within_the_programme_days(world, meeting):
    priority = meeting.agenda_priorities.get()
    decision = record_decision(
        by=world.analyst,
        meeting=meeting,
        priority=priority,
        outcome=Outcome.DECLINED,
        summary="Not funded this year.",
        reason="The bus contract is the county's.",
    )
    item = decision.feedback.get()
    assert item.due_date == date(2026, 11, 23)  # Thursday 12 + 10 = Sunday 22 -> Monday 23
    assert AuditEvent.objects.filter(action="decision.recorded", object_id=str(decision.pk)).exists()


def test_a_priority_not_on_the_agenda_cannot_be_decided(world, meeting):
    other = create_priority(by=world.analyst, programme=world.programme, title="GP", theme="GP", summary="s")
    with pytest.raises(ActionError, match="not on this meeting's agenda"):
        record_decision(
            by=world.analyst,
            meeting=meeting,
            priority=other,
            outcome=Outcome.DEFERRED,
            summary="x",
            reason="y",
        )


def test_overdue_actions_are_flagged(client, world, meeting):
    priority = meeting.agenda_priorities.get()
    late = create_action(
        by=world.analyst,
        priority=priority,
        title="Ask the bus company",
        owner=world.partner_b,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    create_action(
        by=world.analyst,
        priority=priority,
        title="Map evening routes",
        owner=world.partner_a,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    assert late.deadline(timezone.localdate()).days_overdue == 3
    client.force_login(world.decision_maker)
    html = client.get(reverse("accountability:actions") + "?show=overdue").content.decode()
    assert "Ask the bus company" in html and "Overdue by 3 days" in html
    assert "Map evening routes" not in html
    record_progress(by=world.analyst, action=late, status="done", note="Asked.", today=timezone.localdate())
    late.refresh_from_db()
    assert late.completed_on == timezone.localdate() and not late.deadline(timezone.localdate()).overdue


def test_quotes_and_proposals_need_consent(world):
    world.by_connector.consent_quote = False
    world.by_connector.save()
    with pytest.raises(ActionError, match="cannot be quoted"):
        create_priority(
            by=world.analyst,
            programme=world.programme,
            title="t",
            theme="t",
            summary="s",
            quotes=[world.by_connector],
        )
    priority = create_priority(by=world.analyst, programme=world.programme, title="t", theme="t", summary="s")
    with pytest.raises(ActionError, match="did not agree to be quoted"):
        create_proposal(
            by=world.analyst, priority=priority, title="p", description="d", contribution=world.by_connector
        )
    proposal = create_proposal(
        by=world.analyst, priority=priority, title="p", description="d", contribution=world.by_partner_a
    )
    assert proposal.proposed_by == "A resident"
    with pytest.raises(ActionError, match="not in"):
        create_priority(
            by=world.analyst,
            programme=world.programme,
            title="t",
            theme="t",
            summary="s",
            contributions=[world.in_other_programme],
        )


def test_contact_details_are_encrypted_and_checked(world):
    participant = record_contact(by=world.connector, contribution=world.by_connector, contact="07400 123 456")
    stored = bytes(Participant.objects.get(pk=participant.pk).contact_encrypted)
    assert b"07400" not in stored and b"123456" not in stored and participant.contact == "+447400123456"
    assert "123456" not in repr(participant) and "123456" not in str(participant)
    assert "123456" not in str(
        AuditEvent.objects.filter(action="participant.contact_kept").values("details").get()
    )
    with pytest.raises(ActionError, match="Enter a mobile number"):
        record_contact(by=world.connector, contribution=world.by_connector, contact="12345")
    with pytest.raises(ActionError, match="landline"):
        record_contact(by=world.connector, contribution=world.by_connector, contact="01702 215000")
    with pytest.raises(ActionError, match="email address in the correct format"):
        record_contact(by=world.connector, contribution=world.by_connector, contact="not@an-email")
    world.by_partner_a.consent_recontact = False
    world.by_partner_a.save()
    with pytest.raises(ActionError, match="did not agree to be contacted"):
        record_contact(by=world.analyst, contribution=world.by_partner_a, contact="a@example.org")


def test_texts_go_only_to_residents_who_still_agree(world, notify, django_capture_on_commit_callbacks):
    record_contact(by=world.connector, contribution=world.by_connector, contact="07400123456")
    world.by_connector.consent_recontact = False  # changed their mind after giving a number
    world.by_connector.save()
    item = owe_what_we_heard(by=world.analyst, activity=world.by_connector.activity, channel=Channel.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_feedback(by=world.analyst, item=item, message="m", now=NOW).queued == 0
    assert notify.sent == []


def test_assessment_links_are_signed_and_expire(client, world):
    item = owe_what_we_heard(
        by=world.analyst, activity=world.by_partner_a.activity, channel=Channel.NEWSLETTER
    )
    token = tokens.make_token(item.pk)
    url = reverse("accountability:have-your-say", args=[token])
    assert client.get(url).status_code == 404  # not sent yet: nobody has heard back
    send_feedback(by=world.analyst, item=item, message="m", now=NOW)
    assert client.get(url).status_code == 200
    tampered = reverse(
        "accountability:have-your-say", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")]
    )
    assert client.get(tampered).status_code == 404
    with pytest.raises(tokens.BadLink, match="expired"):
        tokens.read_token(token, max_age_days=-1)
    assert tokens.read_token(token).feedback_id == item.pk
    with pytest.raises(tokens.BadLink):
        tokens.read_token(signing.dumps({"f": item.pk}, salt="another purpose"))

    # The form comes back filled with an error summary when a question is missed.
    response = client.post(url, {"listened": "partly", "comment": "The bus is still gone"})
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html
    assert 'value="partly" checked' in html and "The bus is still gone" in html


def test_assessments_are_reported_by_place_group_and_time(world):
    item = owe_what_we_heard(by=world.analyst, activity=world.by_connector.activity, channel=Channel.EMAIL)
    with pytest.raises(ActionError, match="after the feedback"):
        record_assessment(feedback=item, listened="yes", difference=2, now=NOW, source="link", by=None)
    send_feedback(by=world.analyst, item=item, message="m", now=NOW)
    participant = record_contact(by=world.connector, contribution=world.by_connector, contact="r@example.org")
    for month, listened, difference in [(11, "yes", 2)] * 9 + [(12, "no", -2)] * 2:
        record_assessment(
            feedback=item,
            listened=listened,
            difference=difference,
            source=AssessmentSource.CONNECTOR,
            now=timezone.make_aware(datetime(2026, month, 25)),
            by=world.connector,
        )
    # Answering twice from one's own link keeps one answer.
    for listened in ("no", "yes"):
        record_assessment(
            feedback=item,
            listened=listened,
            difference=1,
            now=NOW,
            source=AssessmentSource.LINK,
            participant=participant,
            by=None,
        )
    report = assessment_report(item.assessments.all())
    [everyone] = report["All"]
    assert (everyone.answered, everyone.listened, everyone.empowered) == (12, 10, 10)
    # 10 of 12 is published as 10 of 10, and the percentage is worked out from those (83.3% would give 10
    # and 12 back).
    assert everyone.released() == {
        "label": "Everyone",
        "answered": 10,
        "listened_percent": 100.0,
        "empowered_percent": 100.0,
    }
    assert {r.label: r.answered for r in report["Month"]} == {"2026-11": 10, "2026-12": 2}
    assert [r.released()["answered"] for r in report["Month"]] == [10, "*"]
    assert {r.label: r.answered for r in report["Place"]} == {"Milton": 1, "Not known": 11}
    with pytest.raises(ActionError):
        record_assessment(feedback=item, listened="maybe", difference=0, now=NOW, source="link", by=None)
