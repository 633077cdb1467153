"""Write actions for running the programmes: each validates, changes atomically and records an audit event
with ids and counts only (never residents' words, never a safeguarding concern's text).

Views, the demo and tests call these; nothing else writes these models.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Grant, Organisation, Programme

from . import pipeline, signin_sheet, standards
from .models import (
    Attendance,
    ConnectorProfile,
    Event,
    GrantMilestone,
    GrantReport,
    Neighbourhood,
    SafeguardingConcern,
    SafeguardingLead,
    StandardsAssessment,
    StandardScore,
    StatusChange,
    StepRecord,
    SupervisionNote,
    TrainingRecord,
)
from .rules import portal_organisations

log = logging.getLogger("chorus.delivery")

PARTNER_ACTIVITY_KINDS = [
    ActivityKind.CONVERSATION,
    ActivityKind.FOCUS_GROUP,
    ActivityKind.LISTENING_EVENT,
    ActivityKind.WORKSHOP,
    ActivityKind.EVENT,
    ActivityKind.SURVEY,
]


# Partner portal --------------------------------------------------------------------------------------------


@transaction.atomic
def record_partner_activity(
    *,
    by,
    programme: Programme,
    organisation: Organisation,
    kind: str,
    title: str,
    when: date,
    ward: Area | None,
    participants: int,
) -> Activity:
    """A partner member records an activity their organisation ran in the programme."""
    if not portal_organisations(by, programme).filter(pk=organisation.pk).exists():
        raise ActionError(f"You cannot record activities for {organisation} in {programme}.")
    if kind not in PARTNER_ACTIVITY_KINDS:
        raise ActionError("Choose what kind of activity it was.", "kind")
    if when > timezone.localdate():
        raise ActionError("The date must be today or in the past.", "date")
    if participants < 1:
        raise ActionError("Enter how many people took part: 1 or more.", "participants")
    if ward is not None and (ward.level != Level.WARD or ward.parent_id != programme.local_authority_id):
        raise ActionError(f"{ward} is not a ward in {programme.local_authority}.", "ward")
    activity = Activity.objects.create(
        programme=programme,
        kind=kind,
        title=title.strip() or f"{ActivityKind(kind).label}{f' in {ward}' if ward else ''}",
        date=when,
        area=ward,
        partner=organisation,
        recorded_by=by,
        participants=participants,
    )
    audit(
        "delivery.activity_recorded",
        actor=by,
        obj=activity,
        programme=programme,
        organisation_id=organisation.pk,
        participants=participants,
    )
    return activity


# Connector pipeline ----------------------------------------------------------------------------------------


@transaction.atomic
def recruit_connector(
    *,
    by,
    programme: Programme,
    name: str,
    recruited_on: date,
    user=None,
    organisation: Organisation | None = None,
    lived_experience: str = "",
    area: Area | None = None,
    languages: str = "",
) -> ConnectorProfile:
    if not name.strip():
        raise ActionError("Enter their name.", "name")
    if user is not None and ConnectorProfile.objects.filter(programme=programme, user=user).exists():
        raise ActionError(f"{user} is already in {programme}'s pipeline.", "user")
    profile = ConnectorProfile.objects.create(
        programme=programme,
        user=user,
        name=name.strip(),
        organisation=organisation,
        lived_experience=lived_experience.strip(),
        area=area,
        languages=", ".join(part.strip() for part in languages.split(",") if part.strip()),
        recruited_on=recruited_on,
    )
    StatusChange.objects.create(
        profile=profile, to_status=pipeline.Stage.RECRUITED, changed_on=recruited_on, changed_by=_actor(by)
    )
    audit("delivery.connector_recruited", actor=by, obj=profile, programme=programme)
    return profile


@transaction.atomic
def change_connector_status(
    profile: ConnectorProfile, new_status: str, *, on: date, reason: str = "", by
) -> StatusChange:
    profile = ConnectorProfile.objects.select_for_update().get(pk=profile.pk)
    try:
        pipeline.check_transition(profile.status, new_status, reason)
    except pipeline.TransitionError as error:
        missing_reason = new_status == pipeline.Stage.LEFT and not reason.strip()
        raise ActionError(str(error), "reason" if missing_reason else "status") from None
    last = profile.status_changes.order_by("-changed_on", "-id").first()
    if last is not None and on < last.changed_on:
        raise ActionError(f"The date must be on or after the last change ({last.changed_on:%d %B %Y}).", "on")
    change = StatusChange.objects.create(
        profile=profile,
        from_status=profile.status,
        to_status=new_status,
        changed_on=on,
        reason=reason.strip(),
        changed_by=_actor(by),
    )
    profile.status = new_status
    profile.left_reason = reason.strip() if new_status == pipeline.Stage.LEFT else ""
    profile.save(update_fields=["status", "left_reason"])
    audit(
        "delivery.connector_status_changed",
        actor=by,
        obj=profile,
        programme=profile.programme,
        from_status=change.from_status,
        to_status=new_status,
    )
    return change


@transaction.atomic
def create_training_record(
    profile: ConnectorProfile, *, module: str, completed_on: date, by
) -> TrainingRecord:
    if not module.strip():
        raise ActionError("Enter the training module.", "module")
    if completed_on > timezone.localdate():
        raise ActionError("The date must be today or in the past.", "completed_on")
    training = TrainingRecord.objects.create(
        profile=profile, module=module.strip(), completed_on=completed_on
    )
    audit("delivery.training_recorded", actor=by, obj=training, programme=profile.programme)
    return training


@transaction.atomic
def create_supervision_note(profile: ConnectorProfile, *, met_on: date, note: str, by) -> SupervisionNote:
    if not note.strip():
        raise ActionError("Enter the note.", "note")
    written = SupervisionNote.objects.create(profile=profile, met_on=met_on, note=note.strip(), written_by=by)
    audit("delivery.supervision_noted", actor=by, obj=written, programme=profile.programme)
    return written


# Safeguarding ----------------------------------------------------------------------------------------------


@transaction.atomic
def change_safeguarding_lead(programme: Programme, user, *, by) -> SafeguardingLead:
    if not user.email:
        raise ActionError(f"{user} has no email address: the safeguarding lead must be reachable at once.")
    lead, _ = SafeguardingLead.objects.update_or_create(programme=programme, defaults={"user": user})
    audit("delivery.safeguarding_lead_set", actor=by, obj=lead, programme=programme, user_id=user.pk)
    return lead


def raise_concern(
    *, by, programme: Programme, concern: str, contribution: Contribution | None = None
) -> SafeguardingConcern:
    """Store a safeguarding concern and tell the programme's safeguarding lead at once.

    The email says a concern was raised and links to it; the concern's words stay in the concern.
    """
    if not concern.strip():
        raise ActionError("Describe the concern.", "concern")
    if contribution is not None and contribution.programme_id != programme.pk:
        raise ActionError("That contribution belongs to another programme.")
    lead = SafeguardingLead.objects.filter(programme=programme).select_related("user").first()
    if lead is None:
        raise ActionError(
            f"{programme} has no safeguarding lead. Call your manager now, and ask an administrator "
            "to name one."
        )
    with transaction.atomic():
        raised = SafeguardingConcern.objects.create(
            programme=programme, raised_by=_actor(by), contribution=contribution, concern=concern.strip()
        )
        audit(
            "delivery.safeguarding_concern_raised",
            actor=by,
            obj=raised,
            programme=programme,
            contribution_id=contribution.pk if contribution else None,
        )
    link = settings.SITE_URL.rstrip("/") + reverse("delivery:concern", args=[raised.pk])
    send_mail(
        subject=f"Safeguarding concern raised in {programme}",
        message=(
            f"Dear {lead.user},\n\nA safeguarding concern was raised in {programme} "
            f"at {timezone.localtime(raised.raised_at):%H:%M on %d %B %Y}. You are its named safeguarding "
            f"lead. Please read it and act now:\n\n{link}\n\nSign in to read it; it is not in this email.\n"
        ),
        from_email=None,
        recipient_list=[lead.user.email],
    )
    raised.lead_notified_at = timezone.now()
    raised.save(update_fields=["lead_notified_at"])
    log.info(
        "safeguarding concern raised",
        extra={"event": "delivery.safeguarding_concern_raised", "concern_id": raised.pk},
    )
    return raised


@transaction.atomic
def close_concern(concern: SafeguardingConcern, *, by) -> None:
    concern.closed_at = timezone.now()
    concern.save(update_fields=["closed_at"])
    audit("delivery.safeguarding_concern_closed", actor=by, obj=concern, programme=concern.programme)


# Seven steps -----------------------------------------------------------------------------------------------


@transaction.atomic
def record_step(
    neighbourhood: Neighbourhood,
    step: int,
    *,
    started_on: date | None,
    completed_on: date | None,
    evidence: str = "",
    evidence_link: str = "",
    evidence_file=None,
    by,
) -> StepRecord:
    """Record (or update) one step of a neighbourhood's path. Completing a step needs evidence."""
    if step not in range(1, 8):
        raise ActionError("Choose a step from 1 to 7.", "step")
    record = StepRecord.objects.filter(neighbourhood=neighbourhood, step=step).first() or StepRecord(
        neighbourhood=neighbourhood, step=step
    )
    record.started_on = started_on
    record.completed_on = completed_on
    record.evidence = evidence.strip() or record.evidence
    record.evidence_link = evidence_link.strip() or record.evidence_link
    if evidence_file:
        record.evidence_file = evidence_file
    if completed_on is not None and not record.has_evidence:
        raise ActionError("Add evidence (a note, a link or a file) before marking the step completed.")
    if started_on and completed_on and completed_on < started_on:
        raise ActionError("The step cannot be completed before it started.", "completed_on")
    if completed_on is not None and completed_on > timezone.localdate():
        raise ActionError("The completion date must be today or in the past.", "completed_on")
    record.recorded_by = _actor(by)
    record.save()
    audit(
        "delivery.step_recorded",
        actor=by,
        obj=record,
        programme=neighbourhood.programme,
        neighbourhood_id=neighbourhood.pk,
        step=step,
        completed=completed_on is not None,
    )
    return record


# Common Standards ------------------------------------------------------------------------------------------


@transaction.atomic
def record_assessment(
    *,
    programme: Programme,
    assessed_on: date,
    assessor: str,
    scores: dict[str, tuple[int, str]],
    neighbourhood: Neighbourhood | None = None,
    by,
) -> StandardsAssessment:
    """One self-assessment: a score from 1 to 5 (and evidence) for each of the five standards."""
    if assessor not in standards.ASSESSORS:
        raise ActionError("Choose who made the assessment: residents or staff.", "assessor")
    missing = [standards.STANDARDS[s] for s in standards.STANDARDS if s not in scores]
    if missing:
        raise ActionError(f"Score every standard: {', '.join(missing)} missing.")
    for standard, (score, _) in scores.items():
        if standard not in standards.STANDARDS:
            raise ActionError(f"Unknown standard {standard!r}.")
        if not standards.LOWEST <= score <= standards.HIGHEST:
            raise ActionError(f"{standards.STANDARDS[standard]}: the score must be from 1 to 5.")
    if neighbourhood is not None and neighbourhood.programme_id != programme.pk:
        raise ActionError("That neighbourhood is in another programme.")
    assessment = StandardsAssessment.objects.create(
        programme=programme,
        neighbourhood=neighbourhood,
        assessed_on=assessed_on,
        assessor=assessor,
        recorded_by=_actor(by),
    )
    StandardScore.objects.bulk_create(
        StandardScore(assessment=assessment, standard=s, score=score, evidence=evidence.strip())
        for s, (score, evidence) in scores.items()
    )
    audit("delivery.standards_assessed", actor=by, obj=assessment, programme=programme, assessor=assessor)
    return assessment


# Events ----------------------------------------------------------------------------------------------------


@transaction.atomic
def create_event(
    *,
    programme: Programme,
    kind: str,
    title: str,
    when: date,
    place: str,
    capacity: int | None = None,
    area: Area | None = None,
    neighbourhood: Neighbourhood | None = None,
    by,
) -> Event:
    if not title.strip() or not place.strip():
        raise ActionError("Enter the event's title and place.")
    event = Event.objects.create(
        programme=programme,
        kind=kind,
        title=title.strip(),
        date=when,
        place=place.strip(),
        capacity=capacity,
        area=area,
        neighbourhood=neighbourhood,
    )
    audit("delivery.event_created", actor=by, obj=event, programme=programme)
    return event


@dataclass
class SheetImport:
    imported: int = 0
    problems: list[signin_sheet.RowProblem] = field(default_factory=list)


def import_sign_in_sheet(event: Event, content: bytes, filename: str, *, by) -> SheetImport:
    """Add the good rows of a sign-in sheet to the event's attendance; report the others by row number.
    A file that cannot be read as a sign-in sheet at all is refused."""
    try:
        sheet = signin_sheet.read(content, filename)
    except signin_sheet.SheetError as error:
        raise ActionError(str(error), "file") from None
    with transaction.atomic():
        Attendance.objects.bulk_create(
            Attendance(
                event=event,
                display_name=row.name,
                organisation=row.organisation,
                signed_in=row.signed_in,
                source=filename[:120],
            )
            for row in sheet.rows
        )
        audit(
            "delivery.sign_in_sheet_imported",
            actor=by,
            obj=event,
            programme=event.programme,
            rows=len(sheet.rows),
            problems=len(sheet.problems),
        )
    return SheetImport(imported=len(sheet.rows), problems=sheet.problems)


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


# Grants' milestones and reports, neighbourhoods --------------------------------------------------------


def _check_title(title: str) -> str:
    if not title.strip():
        raise ActionError("Enter a title.")
    return title.strip()


@transaction.atomic
def create_grant_milestone(
    grant: Grant, *, title: str, due_on: date, completed_on: date | None = None, by
) -> GrantMilestone:
    milestone = GrantMilestone.objects.create(
        grant=grant, title=_check_title(title), due_on=due_on, completed_on=completed_on
    )
    audit(
        "delivery.grant_milestone_created",
        actor=_actor(by),
        obj=milestone,
        programme=grant.programme,
        grant_id=grant.pk,
    )
    return milestone


@transaction.atomic
def create_grant_report(
    grant: Grant, *, title: str, due_on: date, submitted_on: date | None = None, by
) -> GrantReport:
    report = GrantReport.objects.create(
        grant=grant, title=_check_title(title), due_on=due_on, submitted_on=submitted_on
    )
    audit(
        "delivery.grant_report_created",
        actor=_actor(by),
        obj=report,
        programme=grant.programme,
        grant_id=grant.pk,
    )
    return report


@transaction.atomic
def create_neighbourhood(programme: Programme, *, name: str, areas=(), by) -> Neighbourhood:
    """A neighbourhood on the seven-step path, made of some of the programme's wards."""
    name = name.strip()
    if not name:
        raise ActionError("Enter the neighbourhood's name.")
    if Neighbourhood.objects.filter(programme=programme, name__iexact=name).exists():
        raise ActionError(f"{programme} already has a neighbourhood called {name}.")
    areas = list(areas)
    if any(area.parent_id != programme.local_authority_id for area in areas):
        raise ActionError("A neighbourhood is made of wards of the programme's local authority.")
    neighbourhood = Neighbourhood.objects.create(programme=programme, name=name)
    neighbourhood.areas.set(areas)
    audit("delivery.neighbourhood_created", actor=_actor(by), obj=neighbourhood, programme=programme)
    return neighbourhood
