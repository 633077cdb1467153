"""Decision bodies, their meetings and agendas, and what a meeting decided on each priority (after which
residents are owed "what happened")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.programmes.models import Organisation, Programme

from .. import deadlines
from ..models import (
    BodyKind,
    Channel,
    Decision,
    DecisionBody,
    FeedbackItem,
    FeedbackKind,
    Meeting,
    Outcome,
    Priority,
    Proposal,
)
from ._checks import require


def _check_body(programme: Programme, name: str, kind: str, exclude: int | None = None) -> str:
    name = require(name, "Enter the body's name.", "name")
    if kind not in BodyKind.values:
        raise ActionError("Choose what kind of body it is.", "kind")
    if DecisionBody.objects.filter(programme=programme, name__iexact=name).exclude(pk=exclude).exists():
        raise ActionError(f"{programme} already has a decision body called “{name}”.", "name")
    return name


@transaction.atomic
def create_decision_body(
    *, by, programme: Programme, name: str, kind: str, organisation: Organisation | None = None
) -> DecisionBody:
    body = DecisionBody.objects.create(
        programme=programme, name=_check_body(programme, name, kind), kind=kind, organisation=organisation
    )
    audit("decision_body.created", actor=by, obj=body, programme=programme)
    return body


@transaction.atomic
def change_decision_body(
    *, by, body: DecisionBody, name: str, kind: str, organisation: Organisation | None = None
) -> DecisionBody:
    """Rename a body, or change its kind or organisation. Its programme stays: its meetings belong there."""
    body.name = _check_body(body.programme, name, kind, exclude=body.pk)
    body.kind = kind
    body.organisation = organisation
    body.save(update_fields=["name", "kind", "organisation"])
    audit("decision_body.updated", actor=by, obj=body, programme=body.programme)
    return body


def _check_agenda(body: DecisionBody, priorities: list[Priority], proposals: list[Proposal]) -> None:
    if not priorities:
        raise ActionError("Choose at least one priority for the agenda.", "priorities")
    if any(p.programme_id != body.programme_id for p in priorities):
        raise ActionError("Every priority on the agenda must be from the board's programme.", "priorities")
    if any(p.priority not in priorities for p in proposals):
        raise ActionError("A proposal can only be on the agenda with its priority.", "proposals")


@transaction.atomic
def create_meeting(
    *,
    by,
    body: DecisionBody,
    title: str,
    date: date,
    priorities: Iterable[Priority],
    proposals: Iterable[Proposal] = (),
    location: str = "",
) -> Meeting:
    priorities, proposals = list(priorities), list(proposals)
    _check_agenda(body, priorities, proposals)
    meeting = Meeting.objects.create(
        body=body,
        title=require(title, "Enter the meeting's title.", "title"),
        date=date,
        location=location.strip(),
    )
    meeting.agenda_priorities.set(priorities)
    meeting.agenda_proposals.set(proposals)
    audit("meeting.scheduled", actor=by, obj=meeting, programme=body.programme, priorities=len(priorities))
    return meeting


@transaction.atomic
def change_meeting(
    *,
    by,
    meeting: Meeting,
    body: DecisionBody,
    title: str,
    date: date,
    priorities: Iterable[Priority],
    proposals: Iterable[Proposal] = (),
    location: str = "",
) -> Meeting:
    """Change a meeting's details and agenda. A priority it has decided on stays on its agenda, and a
    meeting with decisions keeps its date: residents were told when "what happened" is due from it."""
    priorities, proposals = list(priorities), list(proposals)
    if body.programme_id != meeting.body.programme_id:
        raise ActionError("A meeting stays in its programme: choose one of that programme's bodies.", "body")
    _check_agenda(body, priorities, proposals)
    decided = set(meeting.decisions.values_list("priority_id", flat=True))
    dropped = decided - {p.pk for p in priorities}
    if dropped:
        names = ", ".join(f"“{p}”" for p in Priority.objects.filter(pk__in=dropped).order_by("title"))
        raise ActionError(
            f"{names} cannot leave the agenda: the meeting has recorded a decision on it.", "priorities"
        )
    if decided and date != meeting.date:
        raise ActionError(
            "The date cannot change once decisions are recorded: residents are owed feedback from it.", "date"
        )
    meeting.body = body
    meeting.title = require(title, "Enter the meeting's title.", "title")
    meeting.date = date
    meeting.location = location.strip()
    meeting.save(update_fields=["body", "title", "date", "location"])
    meeting.agenda_priorities.set(priorities)
    meeting.agenda_proposals.set(proposals)
    audit("meeting.updated", actor=by, obj=meeting, programme=body.programme, priorities=len(priorities))
    return meeting


@transaction.atomic
def record_decision(
    *,
    by,
    meeting: Meeting,
    priority: Priority,
    outcome: str,
    summary: str,
    reason: str = "",
    referred_to: str = "",
    owner: Organisation | None = None,
    due_date: date | None = None,
    proposal: Proposal | None = None,
    feedback_channel: str = Channel.PUBLIC_PAGE,
) -> Decision:
    """Record what a meeting decided on a priority, and owe residents "what happened"."""
    if not meeting.agenda_priorities.filter(pk=priority.pk).exists():
        raise ActionError(f"“{priority}” is not on this meeting's agenda.")
    if outcome not in Outcome.values:
        raise ActionError("Choose what was decided.", "outcome")
    if proposal is not None and proposal.priority_id != priority.pk:
        raise ActionError("That proposal belongs to another priority.", "proposal")
    if outcome in (Outcome.DECLINED, Outcome.DEFERRED) and not reason.strip():
        raise ActionError("Give the reason: residents are told why.", "reason")
    if outcome == Outcome.REFERRED and not referred_to.strip():
        raise ActionError("Say who it was referred to.", "referred_to")
    if outcome == Outcome.ACCEPTED and (owner is None or due_date is None):
        raise ActionError("An accepted decision needs an owner and a due date.")
    if feedback_channel not in Channel.values:
        raise ActionError("Choose how residents will hear what happened.", "feedback_channel")
    decision = Decision.objects.create(
        meeting=meeting,
        priority=priority,
        proposal=proposal,
        outcome=outcome,
        summary=require(summary, "Say what was decided.", "summary"),
        reason=reason.strip(),
        referred_to=referred_to.strip(),
        owner=owner,
        due_date=due_date,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    programme = priority.programme
    FeedbackItem.objects.create(
        programme=programme,
        kind=FeedbackKind.WHAT_HAPPENED,
        decision=decision,
        channel=feedback_channel,
        title=f"What happened: {priority.title}",
        due_date=deadlines.feedback_due(meeting.date, programme.feedback_days),
    )
    audit(
        "decision.recorded",
        actor=by,
        obj=decision,
        programme=programme,
        meeting_id=meeting.pk,
        priority_id=priority.pk,
        outcome=outcome,
    )
    return decision
