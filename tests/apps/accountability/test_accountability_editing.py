"""In-app editing for the programme team: decision bodies, priorities and their evidence, meetings and
their agendas, actions. Who may do it, what is audited, and that bad input comes back filled."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from chorus.apps.accountability.actions.action_items import create_action
from chorus.apps.accountability.actions.feedback import owe_what_we_heard
from chorus.apps.accountability.actions.meetings import (
    change_meeting,
    create_decision_body,
    create_meeting,
    record_decision,
)
from chorus.apps.accountability.actions.priorities import create_priority, create_proposal, link_evidence
from chorus.apps.accountability.models import BodyKind, DecisionBody, Outcome
from chorus.apps.accountability.reporting import feedback_owed
from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.models import Codebook, Coding, CodingStatus, Theme
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import withdraw_consent
from chorus.apps.engagement.models import Activity, ActivityKind


@pytest.fixture
def board(world):
    priority = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Warm, dry homes",
        theme="Damp and mould",
        summary="Damp in rented flats.",
        contributions=[world.by_partner_a],
    )
    buses = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Buses",
        theme="Transport",
        summary="Evening buses were cut.",
        contributions=[world.by_connector],
    )
    hotline = create_proposal(
        by=world.analyst, priority=priority, title="Damp hotline", description="One number.", group="Tenants"
    )
    body = create_decision_body(
        by=world.analyst, programme=world.programme, name="Southend HWBB", kind=BodyKind.HWBB
    )
    meeting = create_meeting(
        by=world.analyst, body=body, title="Board", date=date(2026, 11, 11), priorities=[priority]
    )
    action = create_action(
        by=world.analyst,
        priority=priority,
        title="Write to landlords",
        owner=world.partner_a,
        due_date=date(2026, 10, 31),
    )
    return {
        "priority": priority,
        "buses": buses,
        "hotline": hotline,
        "body": body,
        "meeting": meeting,
        "action": action,
    }


def edit_pages(board) -> list[str]:
    return [
        reverse("accountability:body-edit", args=[board["body"].pk]),
        reverse("accountability:priority-edit", args=[board["priority"].pk]),
        reverse("accountability:priority-evidence", args=[board["priority"].pk]),
        reverse("accountability:proposal-edit", args=[board["hotline"].pk]),
        reverse("accountability:meeting-edit", args=[board["meeting"].pk]),
        reverse("accountability:action-edit", args=[board["action"].pk]),
    ]


def test_the_lead_and_an_administrator_open_every_editing_page(client, world, board):
    for user in (world.analyst, world.admin):
        client.force_login(user)
        for url in [
            *edit_pages(board),
            reverse("accountability:body-new"),
            reverse("accountability:meeting-new"),
        ]:
            assert client.get(url).status_code == 200, (user, url)


@pytest.mark.parametrize("username", ["decision-maker", "connector", "partner-a"])
def test_other_members_of_the_programme_may_read_but_not_edit(client, world, board, username):
    client.force_login(next(u for u in world.users if u.username == username))
    for url in [
        *edit_pages(board),
        reverse("accountability:body-new"),
        reverse("accountability:meeting-new"),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "Taken over", "title": "Taken over"}).status_code == 403, url
    assert client.get(reverse("accountability:bodies")).status_code == 200
    for page in (board["priority"], board["meeting"], board["action"]):
        html = client.get(page.get_absolute_url()).content.decode()
        assert "/edit/" not in html and "/evidence/" not in html
    assert "Southend HWBB" in client.get(reverse("accountability:bodies")).content.decode()
    assert not AuditEvent.objects.filter(action__endswith="updated").exists()


def test_another_programme_gets_not_found(client, world, board):
    client.force_login(world.other_analyst)
    for url in edit_pages(board):
        assert client.get(url).status_code == 404, url
    assert "Southend HWBB" not in client.get(reverse("accountability:bodies")).content.decode()


def test_signing_in_is_needed(client, world, board):
    for url in [*edit_pages(board), reverse("accountability:bodies")]:
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"], url


# Decision bodies


def test_the_lead_adds_and_renames_a_decision_body(client, world):
    client.force_login(world.analyst)
    meeting_page = client.get(reverse("accountability:meeting-new")).content.decode()
    assert "Add a decision body</a> first" in meeting_page
    response = client.post(
        reverse("accountability:body-new"),
        {
            "programme": world.programme.pk,
            "name": "Southend Alliance",
            "kind": BodyKind.ALLIANCE,
            "organisation": world.partner_b.pk,
        },
    )
    assert response.status_code == 302
    body = DecisionBody.objects.get()
    assert (body.programme, body.kind, body.organisation) == (world.programme, "alliance", world.partner_b)
    assert AuditEvent.objects.filter(action="decision_body.created", object_id=str(body.pk)).exists()
    assert "Southend Alliance" in client.get(reverse("accountability:bodies")).content.decode()

    response = client.post(
        reverse("accountability:body-edit", args=[body.pk]),
        {"name": "Southend Health Alliance", "kind": BodyKind.ALLIANCE, "organisation": ""},
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert (body.name, body.organisation) == ("Southend Health Alliance", None)
    event = AuditEvent.objects.get(action="decision_body.updated")
    assert event.actor == world.analyst and event.programme == world.programme


def test_a_decision_body_form_comes_back_filled_with_the_problem(client, world, board):
    client.force_login(world.analyst)
    response = client.post(
        reverse("accountability:body-new"),
        {"programme": world.programme.pk, "name": "Southend ICB committee", "kind": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select what kind of body it is" in html and 'value="Southend ICB committee"' in html
    response = client.post(
        reverse("accountability:body-new"),
        {"programme": world.programme.pk, "name": "southend hwbb", "kind": BodyKind.ICB},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "already has a decision body called" in html
    assert 'value="southend hwbb"' in html and 'value="icb" checked' in html
    assert DecisionBody.objects.count() == 1


def test_a_body_cannot_be_added_to_a_programme_one_does_not_lead(client, world):
    client.force_login(world.analyst)
    response = client.post(
        reverse("accountability:body-new"),
        {"programme": world.other_programme.pk, "name": "Their board", "kind": BodyKind.HWBB},
    )
    assert response.status_code == 400 and not DecisionBody.objects.exists()


# Priorities and their evidence


def test_the_lead_edits_a_priority_and_publishes_it(client, world, board):
    priority = board["priority"]
    client.force_login(world.analyst)
    url = reverse("accountability:priority-edit", args=[priority.pk])
    form = client.get(url).content.decode()
    assert 'value="Warm, dry homes"' in form and "Damp in rented flats." in form
    response = client.post(url, {"title": "", "theme": "Housing", "summary": "Damp and cold homes."})
    html = response.content.decode()
    assert response.status_code == 400 and "Enter the priority" in html
    assert 'value="Housing"' in html and "Damp and cold homes." in html
    priority.refresh_from_db()
    assert priority.theme == "Damp and mould"

    response = client.post(
        url, {"title": "Warm homes", "theme": "Housing", "summary": "Damp and cold homes.", "is_public": "on"}
    )
    assert response.status_code == 302
    priority.refresh_from_db()
    assert (priority.title, priority.theme, priority.is_public) == ("Warm homes", "Housing", True)
    event = AuditEvent.objects.get(action="priority.updated")
    assert event.details == {"is_public": True, "published": True}
    public = client.get(reverse("accountability:you-said-we-did", args=[world.programme.slug]))
    assert "Warm homes" in public.content.decode()


def test_the_lead_finds_and_links_evidence_and_chooses_quotes(client, world, board):
    priority = board["priority"]
    client.force_login(world.analyst)
    url = reverse("accountability:priority-evidence", args=[priority.pk])
    html = client.get(url, {"q": "bus appointment"}).content.decode()
    assert f"Link contribution {world.by_connector.pk}" in html
    assert f"Link contribution {world.by_partner_b.pk}" in html
    assert f"Link contribution {world.by_partner_a.pk}" not in html  # already linked
    assert "Dentist" not in html  # another programme

    response = client.post(
        url,
        {
            "add": [world.by_connector.pk],
            "add_ids": str(world.by_partner_b.pk),
            "quote": [world.by_partner_a.pk],
        },
    )
    assert response.status_code == 302
    assert set(priority.contributions.all()) == {world.by_partner_a, world.by_partner_b, world.by_connector}
    assert list(priority.quotes.all()) == [world.by_partner_a]
    event = AuditEvent.objects.get(action="priority.evidence_linked")
    assert event.details == {"added": 2, "removed": 0, "quoted": 1, "unquoted": 0}
    assert "damp" not in str(event.details).lower()

    response = client.post(url, {"remove": [world.by_partner_a.pk]})
    assert response.status_code == 302
    assert world.by_partner_a not in priority.contributions.all()
    assert not priority.quotes.exists()  # unlinking stops quoting


def test_evidence_can_start_from_a_coded_theme(client, world, board):
    codebook = Codebook.objects.create(programme=world.programme, name="Southend codebook")
    transport = Theme.objects.create(codebook=codebook, slug="transport", name="Transport")
    now = timezone.now()
    Coding.objects.create(
        contribution=world.by_connector, theme=transport, made_at=now, status=CodingStatus.SUGGESTED
    )
    Coding.objects.create(
        contribution=world.by_partner_b, theme=transport, made_at=now, status=CodingStatus.REJECTED
    )
    client.force_login(world.analyst)
    url = reverse("accountability:priority-evidence", args=[board["buses"].pk])
    html = client.get(url).content.decode()
    assert "Transport (Southend codebook)" in html
    html = client.get(url, {"theme": transport.pk}).content.decode()
    assert "Found: 0 not yet linked" in html  # the connector's contribution is linked already
    board["buses"].contributions.clear()
    html = client.get(url, {"theme": transport.pk}).content.decode()
    assert f"Link contribution {world.by_connector.pk}" in html
    assert f"Link contribution {world.by_partner_b.pk}" not in html  # a person rejected that coding


def test_evidence_refuses_quotes_without_consent_and_unknown_numbers(client, world, board):
    priority = board["priority"]
    withdraw_consent(world.by_partner_a, "quote", by=world.analyst)
    client.force_login(world.analyst)
    url = reverse("accountability:priority-evidence", args=[priority.pk])
    assert f'id="id_quote_{world.by_partner_a.pk}"' not in client.get(url).content.decode()
    assert "No consent to quote" in client.get(url).content.decode()

    response = client.post(url, {"quote": [world.by_partner_a.pk]})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = client.post(
        url, {"add_ids": f"{world.in_other_programme.pk}, 999999", "remove": [world.by_partner_a.pk]}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f"No contribution {world.in_other_programme.pk}, 999999 you can see here" in html
    assert f'value="{world.in_other_programme.pk}, 999999"' in html  # the form comes back filled
    assert f'id="id_remove_0" name="remove" type="checkbox" value="{world.by_partner_a.pk}" checked' in html
    assert list(priority.contributions.all()) == [world.by_partner_a] and not priority.quotes.exists()
    response = client.post(url, {})
    assert response.status_code == 400 and "Choose contributions to link" in response.content.decode()
    assert not AuditEvent.objects.filter(action="priority.evidence_linked").exists()


def test_link_evidence_checks_programme_and_consent(world, board):
    priority = board["priority"]
    with pytest.raises(ActionError, match="not in"):
        link_evidence(by=world.analyst, priority=priority, add=[world.in_other_programme])
    withdraw_consent(world.by_connector, "quote", by=world.analyst)
    with pytest.raises(ActionError, match="cannot be quoted"):
        link_evidence(by=world.analyst, priority=priority, quote=[world.by_connector])
    with pytest.raises(ActionError, match="both added and removed"):
        link_evidence(
            by=world.analyst, priority=priority, add=[world.by_partner_b], remove=[world.by_partner_b]
        )
    change = link_evidence(by=world.analyst, priority=priority, quote=[world.by_partner_b])
    assert (change.added, change.quoted) == (1, 1)
    assert link_evidence(by=world.analyst, priority=priority, add=[world.by_partner_b]).added == 0


def test_the_lead_corrects_a_proposal_and_a_person_is_named_only_with_consent(client, world, board):
    hotline = board["hotline"]
    withdraw_consent(world.by_partner_b, "quote", by=world.analyst)
    client.force_login(world.analyst)
    url = reverse("accountability:proposal-edit", args=[hotline.pk])
    assert 'value="Damp hotline"' in client.get(url).content.decode()
    edit = {"title": "A damp hotline", "description": "One number, a visit in two weeks.", "group": ""}
    response = client.post(url, {**edit, "contribution_id": world.by_partner_b.pk})
    html = response.content.decode()
    assert response.status_code == 400 and "did not agree to be quoted" in html
    assert 'value="A damp hotline"' in html and "a visit in two weeks" in html
    response = client.post(url, {**edit, "contribution_id": world.by_partner_a.pk})
    assert response.status_code == 302
    hotline.refresh_from_db()
    assert (hotline.title, hotline.contribution, hotline.proposed_by) == (
        "A damp hotline",
        world.by_partner_a,
        "A resident",
    )
    event = AuditEvent.objects.get(action="proposal.updated")
    assert event.details == {"priority_id": board["priority"].pk}


# Meetings and their agendas


def test_the_lead_edits_a_meetings_agenda_with_proposals(client, world, board):
    meeting, priority, buses, hotline = board["meeting"], board["priority"], board["buses"], board["hotline"]
    client.force_login(world.analyst)
    url = reverse("accountability:meeting-edit", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert 'value="Board"' in html and 'value="2026-11-11"' in html
    assert f'value="{priority.pk}" checked' in html and "Damp hotline (for “Warm, dry homes”)" in html

    fields = {
        "body": board["body"].pk,
        "title": "Board, November",
        "date": "2026-11-12",
        "location": "Civic Centre",
    }
    response = client.post(url, {**fields, "priorities": [buses.pk], "proposals": [hotline.pk]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Put “Warm, dry homes” on the agenda too" in html and 'value="Civic Centre"' in html
    assert f'value="{buses.pk}" checked' in html

    response = client.post(url, {**fields, "priorities": [priority.pk, buses.pk], "proposals": [hotline.pk]})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.date, meeting.location) == (
        "Board, November",
        date(2026, 11, 12),
        "Civic Centre",
    )
    assert set(meeting.agenda_priorities.all()) == {priority, buses}
    assert list(meeting.agenda_proposals.all()) == [hotline]
    assert AuditEvent.objects.get(action="meeting.updated").details == {"priorities": 2}
    assert "Damp hotline" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_new_meeting_can_put_proposals_on_its_agenda(client, world, board):
    client.force_login(world.analyst)
    response = client.post(
        reverse("accountability:meeting-new"),
        {
            "body": board["body"].pk,
            "title": "Board, January",
            "date": "2027-01-20",
            "priorities": [board["priority"].pk],
            "proposals": [board["hotline"].pk],
        },
    )
    assert response.status_code == 302
    meeting = board["body"].meetings.get(title="Board, January")
    assert list(meeting.agenda_proposals.all()) == [board["hotline"]]


def test_a_decided_priority_stays_on_the_agenda_and_the_date_stays(world, board):
    meeting, priority, buses = board["meeting"], board["priority"], board["buses"]
    record_decision(
        by=world.analyst,
        meeting=meeting,
        priority=priority,
        outcome=Outcome.DEFERRED,
        summary="Later",
        reason="Money",
    )
    keep = {"by": world.analyst, "meeting": meeting, "body": board["body"], "title": "Board"}
    with pytest.raises(ActionError, match="cannot leave the agenda"):
        change_meeting(**keep, date=meeting.date, priorities=[buses])
    with pytest.raises(ActionError, match="date cannot change"):
        change_meeting(**keep, date=date(2026, 11, 18), priorities=[priority])
    change_meeting(**keep, date=meeting.date, priorities=[priority, buses])
    assert meeting.agenda_priorities.count() == 2


def test_a_meeting_stays_in_its_programme(client, world, board):
    theirs = create_decision_body(
        by=world.other_analyst, programme=world.other_programme, name="Their board", kind=BodyKind.ICB
    )
    with pytest.raises(ActionError, match="stays in its programme"):
        change_meeting(
            by=world.admin,
            meeting=board["meeting"],
            body=theirs,
            title="Board",
            date=board["meeting"].date,
            priorities=[board["priority"]],
        )
    client.force_login(world.admin)
    html = client.get(reverse("accountability:meeting-edit", args=[board["meeting"].pk])).content.decode()
    assert "Their board" not in html


# Actions


def test_the_lead_moves_an_actions_due_date_and_the_overdue_flag_follows(client, world, board):
    action = board["action"]
    client.force_login(world.analyst)
    assert "Overdue by" in client.get(action.get_absolute_url()).content.decode()
    url = reverse("accountability:action-edit", args=[action.pk])
    response = client.post(
        url, {"title": "Write to every landlord", "owner": world.partner_b.pk, "due_date": "31/02/2099"}
    )
    html = response.content.decode()
    assert (
        response.status_code == 400
        and "Enter a real date" in html
        and 'value="Write to every landlord"' in html
    )
    response = client.post(
        url, {"title": "Write to every landlord", "owner": world.partner_b.pk, "due_date": "2099-01-31"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner, action.due_date) == (
        "Write to every landlord",
        world.partner_b,
        date(2099, 1, 31),
    )
    assert "Overdue by" not in client.get(action.get_absolute_url()).content.decode()
    assert AuditEvent.objects.get(action="action.edited").details == {"due_date_moved": True}


# Feedback due on a bank holiday, through the database, on a fixed clock


def test_a_listening_event_whose_ten_days_end_on_a_bank_holiday_is_due_the_next_working_day(world):
    # Friday 15 May 2026 + 10 days = Monday 25 May, the spring bank holiday: due Tuesday 26 May.
    event = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.LISTENING_EVENT,
        title="Listening event",
        date=date(2026, 5, 15),
    )

    def owed(today):
        result = feedback_owed([world.programme.pk], today)
        return [(a, d) for a, d in result.unplanned if a == event], [(i, d) for i, d in result.items]

    [(_, deadline)] = owed(date(2026, 5, 25))[0]
    assert deadline.due == date(2026, 5, 26) and not deadline.overdue
    assert not owed(date(2026, 5, 26))[0][0][1].overdue
    assert owed(date(2026, 5, 27))[0][0][1].days_overdue == 1
    item = owe_what_we_heard(by=world.analyst, activity=event, channel="newsletter")
    assert item.due_date == date(2026, 5, 26)
