"""Running the programmes: grants' milestones and reports, the connector pipeline, safeguarding, the
seven-step neighbourhood path, Common Standards self-assessment and events with attendance.

Partners are programmes.Organisation + Partnership, grants programmes.Grant, people accounts.User.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import pipeline, seven_steps, standards


class GrantMilestone(models.Model):
    grant = models.ForeignKey("programmes.Grant", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["grant", "due_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.completed_on is None and self.due_on < timezone.localdate()


class GrantReport(models.Model):
    grant = models.ForeignKey("programmes.Grant", on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["grant", "due_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.submitted_on is None and self.due_on < timezone.localdate()


class ConnectorProfile(models.Model):
    """A community connector or researcher, from recruitment to leaving."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="connectors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="connector_profiles",
        help_text="Their Chorus account, once they have one.",
    )
    name = models.CharField(max_length=150, help_text="Shown to the programme's leads only.")
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lived_experience = models.TextField(blank=True)
    area = models.ForeignKey("places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    languages = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated, e.g. English, Polish"
    )
    status = models.CharField(
        max_length=10,
        choices=[(s.value, pipeline.LABELS[s]) for s in pipeline.Stage],
        default=pipeline.Stage.RECRUITED.value,
        db_index=True,
    )
    recruited_on = models.DateField()
    left_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user"],
                condition=models.Q(user__isnull=False),
                name="one_profile_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("delivery:connector", args=[self.programme.slug, self.pk])


class StatusChange(models.Model):
    profile = models.ForeignKey(ConnectorProfile, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    changed_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["profile", "changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class TrainingRecord(models.Model):
    profile = models.ForeignKey(ConnectorProfile, on_delete=models.CASCADE, related_name="training")
    module = models.CharField(max_length=200)
    completed_on = models.DateField()

    class Meta:
        ordering = ["profile", "completed_on"]

    def __str__(self) -> str:
        return self.module


class SupervisionNote(models.Model):
    """Private to the programme's leads and administrators."""

    profile = models.ForeignKey(ConnectorProfile, on_delete=models.CASCADE, related_name="supervision_notes")
    met_on = models.DateField()
    note = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["profile", "-met_on"]

    def __str__(self) -> str:
        return f"Supervision {self.met_on}"


class SafeguardingLead(models.Model):
    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="safeguarding_lead"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.user} for {self.programme}"


class SafeguardingConcern(models.Model):
    """The concern's words live here only: never copied to the contribution, an export, a log or analysis."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contribution = models.ForeignKey(
        "engagement.Contribution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    concern = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    lead_notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"Safeguarding concern {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("delivery:concern", args=[self.pk])


class Neighbourhood(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="neighbourhoods"
    )
    name = models.CharField(max_length=150)
    areas = models.ManyToManyField("places.Area", blank=True, related_name="+")

    class Meta:
        ordering = ["programme", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="unique_neighbourhood")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("delivery:neighbourhood", args=[self.programme.slug, self.pk])

    def step_states(self) -> list[seven_steps.StepState]:
        records = {r.step: r for r in self.steps.all()}
        return [
            records[n].state if n in records else seven_steps.StepState(n, None, None, False)
            for n in seven_steps.STEPS
        ]

    @property
    def current_step(self) -> int:
        return seven_steps.current_step(self.step_states())


class StepRecord(models.Model):
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(choices=list(seven_steps.STEPS.items()))
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="delivery/evidence/", blank=True)
    evidence_link = models.URLField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["neighbourhood", "step"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "step"], name="one_record_per_step"),
            models.CheckConstraint(condition=models.Q(step__gte=1, step__lte=7), name="step_one_to_seven"),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood}: step {self.step}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence.strip() or self.evidence_file or self.evidence_link)

    @property
    def state(self) -> seven_steps.StepState:
        return seven_steps.StepState(self.step, self.started_on, self.completed_on, self.has_evidence)


class AssessorKind(models.TextChoices):
    RESIDENT = "resident", "Residents"
    STAFF = "staff", "Staff"


class StandardsAssessment(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="standards_assessments"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    assessed_on = models.DateField()
    assessor = models.CharField(max_length=10, choices=AssessorKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-assessed_on"]

    def __str__(self) -> str:
        return f"{self.get_assessor_display()} assessment, {self.assessed_on}"


class StandardScore(models.Model):
    assessment = models.ForeignKey(StandardsAssessment, on_delete=models.CASCADE, related_name="scores")
    standard = models.CharField(max_length=30, choices=list(standards.STANDARDS.items()))
    score = models.PositiveSmallIntegerField()
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "standard"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "standard"], name="one_score_per_standard"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_one_to_five"),
        ]

    def __str__(self) -> str:
        return f"{self.get_standard_display()}: {self.score}"


class EventKind(models.TextChoices):
    LISTENING_EVENT = "listening-event", "Listening event"
    WORKSHOP = "workshop", "Workshop"
    TRAINING = "training", "Training"


class Event(models.Model):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="events")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    date = models.DateField()
    place = models.CharField(max_length=200, help_text="The venue, e.g. Kursaal community centre")
    area = models.ForeignKey("places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "-date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("delivery:event", args=[self.programme.slug, self.pk])


class Attendance(models.Model):
    """One line of a sign-in sheet. The name is for the sheet only: open figures carry counts."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    display_name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=200, blank=True)
    signed_in = models.BooleanField(default=True)
    source = models.CharField(max_length=120, blank=True, help_text="The sign-in sheet it came from.")

    class Meta:
        ordering = ["event", "display_name"]
        verbose_name_plural = "attendance"

    def __str__(self) -> str:
        return f"Attendance {self.pk} at {self.event_id}"
