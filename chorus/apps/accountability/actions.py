"""Write actions for "you said, we did": each validates, changes atomically and records an audit event
(ids only, never residents' words or contact details). Views and tests call these."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from chorus.apps.audit.log import record as audit
from chorus.apps.engagement.actions import ActionError
from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.places.models import Area
from chorus.apps.programmes.models import Organisation, Programme

from . import deadlines, tokens
from .models import (
    PER_RESIDENT_SOURCES,
    Action,
    ActionStatus,
    ActionUpdate,
    Assessment,
    AssessmentSource,
    BodyKind,
    Channel,
    Decision,
    DecisionBody,
    Difference,
    FeedbackDelivery,
    FeedbackItem,
    FeedbackKind,
    FeedbackRecipient,
    Listened,
    Meeting,
    Outcome,
    Priority,
    Proposal,
)
from .sms import SmsProvider, get_sms_provider

log = logging.getLogger("chorus.accountability")

__all__ = ["ActionError"]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UK_MOBILE = re.compile(r"^(?:\+44|0)7\d{9}$")
# Activities that bring people together, after which residents are owed "what we heard".
GATHERINGS = ("listening-event", "focus-group", "workshop", "event", "survey")


def _require(value: str, message: str) -> str:
    if not value or not value.strip():
        raise ActionError(message)
    return value.strip()


def _same_programme(contributions: Iterable[Contribution], programme: Programme) -> list[Contribution]:
    contributions = list(contributions)
    strays = [c.pk for c in contributions if c.programme_id != programme.pk]
    if strays:
        raise ActionError(f"Contributions {', '.join(map(str, strays))} are not in {programme}.")
    return contributions


def _refuse_unquotable(quotes: Iterable[Contribution]) -> None:
    unquotable = [c.pk for c in quotes if not c.consent_quote]
    if unquotable:
        raise ActionError(
            f"Contributions {', '.join(map(str, unquotable))} cannot be quoted: the residents did not agree."
        )


@transaction.atomic
def create_priority(
    *,
    by,
    programme: Programme,
    title: str,
    theme: str,
    summary: str,
    contributions: Iterable[Contribution] = (),
    quotes: Iterable[Contribution] = (),
    is_public: bool = False,
) -> Priority:
    """A priority with its supporting contributions. Quotes only from those who agreed to be quoted."""
    contributions = _same_programme(contributions, programme)
    quotes = _same_programme(quotes, programme)
    _refuse_unquotable(quotes)
    priority = Priority.objects.create(
        programme=programme,
        title=_require(title, "Enter a title for the priority."),
        theme=_require(theme, "Enter the theme."),
        summary=_require(summary, "Enter what residents said."),
        is_public=is_public,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    priority.contributions.set(contributions + [q for q in quotes if q not in contributions])
    priority.quotes.set(quotes)
    audit(
        "priority.created",
        actor=by,
        obj=priority,
        programme=programme,
        contributions=len(set(contributions) | set(quotes)),
    )
    return priority


@transaction.atomic
def update_priority(
    *, by, priority: Priority, title: str, theme: str, summary: str, is_public: bool
) -> Priority:
    """Change what a priority says and whether it is public. Its evidence changes through link_evidence."""
    priority.title = _require(title, "Enter a title for the priority.")
    priority.theme = _require(theme, "Enter the theme.")
    priority.summary = _require(summary, "Enter what residents said.")
    published = is_public and not priority.is_public
    priority.is_public = is_public
    priority.save(update_fields=["title", "theme", "summary", "is_public", "updated_at"])
    audit(
        "priority.updated",
        actor=by,
        obj=priority,
        programme=priority.programme,
        is_public=is_public,
        published=published,
    )
    return priority


@dataclass
class EvidenceChange:
    added: int
    removed: int
    quoted: int
    unquoted: int


@transaction.atomic
def link_evidence(
    *,
    by,
    priority: Priority,
    add: Iterable[Contribution] = (),
    remove: Iterable[Contribution] = (),
    quote: Iterable[Contribution] = (),
    unquote: Iterable[Contribution] = (),
) -> EvidenceChange:
    """Link contributions to a priority as evidence or unlink them, and choose which are quoted.

    Quoting links the contribution too; unlinking stops quoting it. Quotes only with consent to quote."""
    programme = priority.programme
    add, remove = _same_programme(add, programme), _same_programme(remove, programme)
    quote, unquote = _same_programme(quote, programme), _same_programme(unquote, programme)
    both = {c.pk for c in add} & {c.pk for c in remove} | {c.pk for c in quote} & {c.pk for c in unquote}
    if both:
        raise ActionError(f"Contributions {', '.join(map(str, sorted(both)))} are both added and removed.")
    if {c.pk for c in quote} & {c.pk for c in remove}:
        raise ActionError("A contribution cannot be quoted and removed at once.")
    _refuse_unquotable(quote)
    linked = set(priority.contributions.values_list("pk", flat=True))
    quoted = set(priority.quotes.values_list("pk", flat=True))
    to_link = [c for c in [*add, *quote] if c.pk not in linked]
    to_unlink = [c for c in remove if c.pk in linked]
    to_quote = [c for c in quote if c.pk not in quoted]
    to_unquote = [c for c in [*unquote, *remove] if c.pk in quoted]
    priority.contributions.add(*to_link)
    priority.contributions.remove(*to_unlink)
    priority.quotes.add(*to_quote)
    priority.quotes.remove(*to_unquote)
    change = EvidenceChange(
        added=len({c.pk for c in to_link}),
        removed=len(to_unlink),
        quoted=len(to_quote),
        unquoted=len({c.pk for c in to_unquote}),
    )
    if any(vars(change).values()):
        Priority.objects.filter(pk=priority.pk).update(updated_at=timezone.now())
        audit("priority.evidence_linked", actor=by, obj=priority, programme=programme, **vars(change))
    return change


def _check_proposer(contribution: Contribution | None, programme: Programme) -> None:
    if contribution is None:
        return
    _same_programme([contribution], programme)
    if not contribution.consent_quote:
        raise ActionError(
            "This resident did not agree to be quoted, so the proposal cannot be linked to them. "
            "Record it as the group's proposal instead."
        )


@transaction.atomic
def add_proposal(
    *,
    by,
    priority: Priority,
    title: str,
    description: str,
    group: str = "",
    contribution: Contribution | None = None,
) -> Proposal:
    """Residents' own solution. Linked to one resident only if they agreed to be quoted."""
    _check_proposer(contribution, priority.programme)
    proposal = Proposal.objects.create(
        priority=priority,
        title=_require(title, "Enter the proposal's title."),
        description=_require(description, "Describe what residents propose."),
        proposed_by_group=group.strip(),
        contribution=contribution,
    )
    audit("proposal.added", actor=by, obj=proposal, programme=priority.programme, priority_id=priority.pk)
    return proposal


@transaction.atomic
def update_proposal(
    *,
    by,
    proposal: Proposal,
    title: str,
    description: str,
    group: str = "",
    contribution: Contribution | None = None,
) -> Proposal:
    """Correct a proposal's words or who proposed it (one resident only with consent to be quoted)."""
    _check_proposer(contribution, proposal.priority.programme)
    proposal.title = _require(title, "Enter the proposal's title.")
    proposal.description = _require(description, "Describe what residents propose.")
    proposal.proposed_by_group = group.strip()
    proposal.contribution = contribution
    proposal.save(update_fields=["title", "description", "proposed_by_group", "contribution"])
    audit(
        "proposal.updated",
        actor=by,
        obj=proposal,
        programme=proposal.priority.programme,
        priority_id=proposal.priority_id,
    )
    return proposal


def _check_body(programme: Programme, name: str, kind: str, exclude: int | None = None) -> str:
    name = _require(name, "Enter the body's name.")
    if kind not in BodyKind.values:
        raise ActionError("Choose what kind of body it is.")
    if DecisionBody.objects.filter(programme=programme, name__iexact=name).exclude(pk=exclude).exists():
        raise ActionError(f"{programme} already has a decision body called “{name}”.")
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
def update_decision_body(
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
        raise ActionError("Choose at least one priority for the agenda.")
    if any(p.programme_id != body.programme_id for p in priorities):
        raise ActionError("Every priority on the agenda must be from the board's programme.")
    if any(p.priority not in priorities for p in proposals):
        raise ActionError("A proposal can only be on the agenda with its priority.")


@transaction.atomic
def schedule_meeting(
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
        body=body, title=_require(title, "Enter the meeting's title."), date=date, location=location.strip()
    )
    meeting.agenda_priorities.set(priorities)
    meeting.agenda_proposals.set(proposals)
    audit("meeting.scheduled", actor=by, obj=meeting, programme=body.programme, priorities=len(priorities))
    return meeting


@transaction.atomic
def update_meeting(
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
        raise ActionError("A meeting stays in its programme: choose one of that programme's bodies.")
    _check_agenda(body, priorities, proposals)
    decided = set(meeting.decisions.values_list("priority_id", flat=True))
    dropped = decided - {p.pk for p in priorities}
    if dropped:
        names = ", ".join(f"“{p}”" for p in Priority.objects.filter(pk__in=dropped).order_by("title"))
        raise ActionError(f"{names} cannot leave the agenda: the meeting has recorded a decision on it.")
    if decided and date != meeting.date:
        raise ActionError(
            "The date cannot change once decisions are recorded: residents are owed feedback from it."
        )
    meeting.body = body
    meeting.title = _require(title, "Enter the meeting's title.")
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
        raise ActionError("Choose what was decided.")
    if proposal is not None and proposal.priority_id != priority.pk:
        raise ActionError("That proposal belongs to another priority.")
    if outcome in (Outcome.DECLINED, Outcome.DEFERRED) and not reason.strip():
        raise ActionError("Give the reason: residents are told why.")
    if outcome == Outcome.REFERRED and not referred_to.strip():
        raise ActionError("Say who it was referred to.")
    if outcome == Outcome.ACCEPTED and (owner is None or due_date is None):
        raise ActionError("An accepted decision needs an owner and a due date.")
    if feedback_channel not in Channel.values:
        raise ActionError("Choose how residents will hear what happened.")
    decision = Decision.objects.create(
        meeting=meeting,
        priority=priority,
        proposal=proposal,
        outcome=outcome,
        summary=_require(summary, "Say what was decided."),
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


@transaction.atomic
def create_action(
    *,
    by,
    priority: Priority,
    title: str,
    owner: Organisation,
    due_date: date,
    decision: Decision | None = None,
) -> Action:
    if decision is not None and decision.priority_id != priority.pk:
        raise ActionError("That decision is about another priority.")
    action = Action.objects.create(
        priority=priority,
        decision=decision,
        title=_require(title, "Enter what will be done."),
        owner=owner,
        due_date=due_date,
    )
    audit("action.created", actor=by, obj=action, programme=priority.programme, priority_id=priority.pk)
    return action


@transaction.atomic
def edit_action(*, by, action: Action, title: str, owner: Organisation, due_date: date) -> Action:
    """Correct what will be done, who owns it or when it is due. Progress goes through update_action."""
    moved = due_date != action.due_date
    action.title = _require(title, "Enter what will be done.")
    action.owner = owner
    action.due_date = due_date
    action.save(update_fields=["title", "owner", "due_date", "updated_at"])
    audit("action.edited", actor=by, obj=action, programme=action.priority.programme, due_date_moved=moved)
    return action


@transaction.atomic
def update_action(*, by, action: Action, status: str, note: str, today: date) -> ActionUpdate:
    """A progress update. Done or cancelled closes the action on `today`; reopening clears that."""
    if status not in ActionStatus.values:
        raise ActionError("Choose the action's status.")
    update = ActionUpdate.objects.create(
        action=action,
        date=today,
        status=status,
        note=_require(note, "Say what has happened."),
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    action.status = status
    closed = status in (ActionStatus.DONE, ActionStatus.CANCELLED)
    action.completed_on = (action.completed_on or today) if closed else None
    action.save(update_fields=["status", "completed_on", "updated_at"])
    audit("action.updated", actor=by, obj=action, programme=action.priority.programme, status=status)
    return update


def is_gathering(activity: Activity) -> bool:
    return activity.kind in GATHERINGS


@transaction.atomic
def owe_what_we_heard(*, by, activity: Activity, channel: str, title: str = "") -> FeedbackItem:
    """Residents are owed "what we heard" within the programme's feedback days of the activity."""
    if channel not in Channel.values:
        raise ActionError("Choose how residents will hear back.")
    existing = FeedbackItem.objects.filter(activity=activity, kind=FeedbackKind.WHAT_WE_HEARD).first()
    if existing is not None:
        return existing
    programme = activity.programme
    item = FeedbackItem.objects.create(
        programme=programme,
        kind=FeedbackKind.WHAT_WE_HEARD,
        activity=activity,
        channel=channel,
        title=title.strip() or f"What we heard: {activity.title}",
        due_date=deadlines.feedback_due(activity.date, programme.feedback_days),
    )
    audit("feedback.owed", actor=by, obj=item, programme=programme, activity_id=activity.pk)
    return item


@transaction.atomic
def add_feedback_recipient(
    *, by, contribution: Contribution, channel: str, contact: str
) -> FeedbackRecipient:
    """Keep how to reach a resident, only if they agreed to be contacted about what happened."""
    if not contribution.consent_recontact:
        raise ActionError("This resident did not agree to be contacted, so no contact details are kept.")
    contact = re.sub(r"[\s()-]", "", contact) if channel == Channel.SMS else contact.strip()
    if channel == Channel.EMAIL and not EMAIL.match(contact):
        raise ActionError("Enter an email address, like name@example.com.")
    if channel == Channel.SMS and not UK_MOBILE.match(contact):
        raise ActionError("Enter a UK mobile number, like 07700 900123.")
    if channel not in (Channel.EMAIL, Channel.SMS):
        raise ActionError("Residents are contacted by email or text message only.")
    recipient = FeedbackRecipient.objects.filter(contribution=contribution, channel=channel).first()
    recipient = recipient or FeedbackRecipient(contribution=contribution, channel=channel)
    recipient.contact = contact
    recipient.save()
    audit(
        "feedback_recipient.saved",
        actor=by,
        obj=recipient,
        programme=contribution.programme,
        contribution_id=contribution.pk,
        channel=channel,
    )
    return recipient


def contributions_owed(item: FeedbackItem):
    """The contributions whose residents this feedback is about."""
    if item.activity_id:
        return Contribution.objects.filter(activity_id=item.activity_id)
    return Contribution.objects.filter(priorities=item.decision.priority_id)


def assessment_link(
    item: FeedbackItem, recipient: FeedbackRecipient | None = None, base_url: str = ""
) -> str:
    path = reverse(
        "accountability:have-your-say", args=[tokens.make_token(item.pk, recipient and recipient.pk)]
    )
    return (base_url or getattr(settings, "CHORUS_BASE_URL", "http://localhost:8000")).rstrip("/") + path


@dataclass
class Sent:
    feedback: FeedbackItem
    emails: int
    texts: int


def send_feedback(
    *,
    by,
    item: FeedbackItem,
    message: str,
    now: datetime,
    base_url: str = "",
    sms_provider: SmsProvider | None = None,
) -> Sent:
    """Mark feedback sent; by email or text, send it to each resident who agreed to hear back, with their
    own link to say whether they felt listened to. Sending again reaches only those not yet reached."""
    message = _require(message, "Write what residents will be told.")
    emails = texts = 0
    if item.channel in (Channel.EMAIL, Channel.SMS):
        recipients = FeedbackRecipient.objects.filter(
            channel=item.channel,
            contribution__in=contributions_owed(item).filter(consent_recontact=True),
        ).exclude(deliveries__feedback=item)
        sms_provider = sms_provider or (get_sms_provider() if item.channel == Channel.SMS else None)
        for recipient in recipients:
            link = assessment_link(item, recipient, base_url)
            if item.channel == Channel.EMAIL:
                body = f"{message}\n\nDid we listen? Tell us in two questions: {link}\n"
                EmailMessage(subject=item.title, body=body, to=[recipient.contact]).send()
                emails += 1
            else:
                sms_provider.send(recipient.contact, f"{item.title}. {message} Did we listen? {link}")
                texts += 1
            with transaction.atomic():
                FeedbackDelivery.objects.create(feedback=item, recipient=recipient, sent_at=now)
    with transaction.atomic():
        item.message = message
        item.sent_on = item.sent_on or now.date()
        item.sent_by = by if getattr(by, "is_authenticated", False) else item.sent_by
        item.save(update_fields=["message", "sent_on", "sent_by"])
        audit("feedback.sent", actor=by, obj=item, programme=item.programme, emails=emails, texts=texts)
    log.info("feedback sent", extra={"event": "feedback.sent", "feedback_id": item.pk, "emails": emails})
    return Sent(item, emails, texts)


def _check_answer(feedback: FeedbackItem, listened: str, difference: int) -> None:
    if feedback.sent_on is None:
        raise ActionError("Residents are asked after the feedback has been sent.")
    if listened not in Listened.values:
        raise ActionError("Select whether you felt listened to.")
    if int(difference) not in Difference.values:
        raise ActionError("Select whether it made a difference.")


def _lock(feedback: FeedbackItem) -> None:
    """Serialise answers to one feedback item: a row lock on PostgreSQL; SQLite's IMMEDIATE transactions
    already take the write lock when the transaction begins."""
    FeedbackItem.objects.select_for_update().filter(pk=feedback.pk).values_list("pk", flat=True).first()


@transaction.atomic
def record_assessment(
    *,
    feedback: FeedbackItem,
    listened: str,
    difference: int,
    now: datetime,
    source: str,
    comment: str = "",
    recipient: FeedbackRecipient | None = None,
    contribution: Contribution | None = None,
    ward: Area | None = None,
    by=None,
) -> Assessment:
    """A resident's answer. Answering again from one's own link replaces the earlier answer.

    `contribution` is for a connector who knows which resident answered (for reporting by group). Answers
    from the open link go through `record_open_link_answer`."""
    _check_answer(feedback, listened, difference)
    if source not in PER_RESIDENT_SOURCES:
        raise ActionError("Unknown source of the answer.")
    if recipient is not None:
        contribution = recipient.contribution
    if contribution is not None and contribution.programme_id != feedback.programme_id:
        raise ActionError("That resident's contribution is in another programme.")
    values = {
        "listened": listened,
        "difference": int(difference),
        "comment": comment.strip(),
        "source": source,
        "ward": ward or (contribution.ward if contribution else None),
        "recorded_by": by if getattr(by, "is_authenticated", False) else None,
        "answered_at": now,
    }
    _lock(feedback)  # two answers at once from one resident's link still make one
    if contribution is not None:
        assessment, _ = Assessment.objects.update_or_create(
            feedback=feedback, contribution=contribution, defaults=values
        )
    else:
        assessment = Assessment.objects.create(feedback=feedback, **values)
    audit("assessment.recorded", actor=by, obj=assessment, programme=feedback.programme, source=source)
    return assessment


# The open link: anyone may answer, so the answers are limited per address and per link, counted in the
# database (the limit holds across processes and machines), and published apart from residents' own answers.
OPEN_LINK_PER_ADDRESS = 3  # answers from one address to one link in a day
OPEN_LINK_PER_HOUR = 30  # answers to one link in an hour, from anywhere


class TooManyAnswers(ActionError):
    """The open link has taken as many answers as it may for now."""


def open_link_address_key(feedback: FeedbackItem, address: str) -> str:
    """A keyed hash of the link and the address: enough to count, never the address itself."""
    return salted_hmac(
        "chorus.accountability.open-link", f"{feedback.pk}:{address}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def record_open_link_answer(
    *,
    feedback: FeedbackItem,
    listened: str,
    difference: int,
    now: datetime,
    address: str,
    comment: str = "",
    earlier: int | None = None,
) -> Assessment:
    """An answer from the open link. `earlier` is the answer this browser gave before (from its signed
    cookie): it is replaced, so one browser keeps one answer. New answers are refused with TooManyAnswers past
    CHORUS_OPEN_LINK_PER_ADDRESS a day from one address or CHORUS_OPEN_LINK_PER_HOUR an hour in all."""
    _check_answer(feedback, listened, difference)
    per_address = int(getattr(settings, "CHORUS_OPEN_LINK_PER_ADDRESS", OPEN_LINK_PER_ADDRESS))
    per_hour = int(getattr(settings, "CHORUS_OPEN_LINK_PER_HOUR", OPEN_LINK_PER_HOUR))
    key = open_link_address_key(feedback, address)
    values = {
        "listened": listened,
        "difference": int(difference),
        "comment": comment.strip(),
        "answered_at": now,
    }
    _lock(feedback)
    answers = Assessment.objects.filter(feedback=feedback, source=AssessmentSource.OPEN_LINK)
    assessment = answers.filter(pk=earlier).first() if earlier else None
    if assessment is not None:
        for name, value in values.items():
            setattr(assessment, name, value)
        assessment.save(update_fields=list(values))
    else:
        if answers.filter(address_key=key, answered_at__gt=now - timedelta(days=1)).count() >= per_address:
            raise TooManyAnswers(
                "Thank you, but we already have the answers we can take from here today. "
                "If you heard back from us directly, please use the link in your own message."
            )
        if answers.filter(answered_at__gt=now - timedelta(hours=1)).count() >= per_hour:
            raise TooManyAnswers(
                "This link has had a lot of answers in the last hour. Please try again later, or use "
                "the link in your own message if you heard back from us directly."
            )
        assessment = Assessment.objects.create(
            feedback=feedback, source=AssessmentSource.OPEN_LINK, address_key=key, **values
        )
    audit(
        "assessment.recorded",
        actor=None,
        obj=assessment,
        programme=feedback.programme,
        source=AssessmentSource.OPEN_LINK,
    )
    return assessment
