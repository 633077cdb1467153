"""You said, we did: priorities drawn from what residents said, proposals, decision bodies, meetings,
decisions, actions, the feedback owed to residents and residents' own assessment of it."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse

from . import deadlines


class Priority(models.Model):
    """What residents said, turned by an analyst into something a decision body can act on."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    theme = models.CharField(
        max_length=120, help_text="The theme label, e.g. damp and mould (until the codebook is in Chorus)."
    )
    summary = models.TextField(help_text="What residents said, in a few sentences, without names.")
    contributions = models.ManyToManyField(
        "engagement.Contribution", blank=True, related_name="priorities", help_text="The supporting evidence."
    )
    quotes = models.ManyToManyField(
        "engagement.Contribution",
        blank=True,
        related_name="quoted_in_priorities",
        help_text="Contributions quoted (only with consent to be quoted; never with names).",
    )
    is_public = models.BooleanField(default=False, help_text="Show on the public 'You said, we did' page.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "title"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("accountability:priority", args=[self.pk])


class Proposal(models.Model):
    """A solution residents put forward against a priority: by a group, or by a person who agreed to it."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=200)
    description = models.TextField()
    proposed_by_group = models.CharField(
        max_length=200, blank=True, help_text="The group that proposed it, e.g. Milton tenants' association."
    )
    contribution = models.ForeignKey(
        "engagement.Contribution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text="The resident who proposed it, only if they agreed to be quoted. Never shown by name.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def proposed_by(self) -> str:
        if self.proposed_by_group:
            return self.proposed_by_group
        return "A resident" if self.contribution_id else "Residents"


class BodyKind(models.TextChoices):
    HWBB = "hwbb", "Health and Wellbeing Board"
    ICB = "icb", "Integrated care board"
    ALLIANCE = "alliance", "Alliance or partnership"
    COUNCIL_COMMITTEE = "council-committee", "Council committee"
    STEWARDSHIP = "stewardship", "Stewardship group"


class DecisionBody(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="decision_bodies"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=BodyKind.choices)
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["programme", "name"]
        verbose_name_plural = "decision bodies"

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    body = models.ForeignKey(DecisionBody, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200)
    date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    agenda_priorities = models.ManyToManyField(Priority, blank=True, related_name="meetings")
    agenda_proposals = models.ManyToManyField(Proposal, blank=True, related_name="meetings")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("accountability:meeting", args=[self.pk])

    @property
    def programme(self):
        return self.body.programme


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DEFERRED = "deferred", "Deferred"
    REFERRED = "referred", "Referred on"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="decisions")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    summary = models.TextField(help_text="What was decided, in plain words.")
    reason = models.TextField(blank=True, help_text="Why: required when declined or deferred.")
    referred_to = models.CharField(max_length=200, blank=True, help_text="Who it was referred to.")
    owner = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.priority}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Action(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey("programmes.Organisation", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("accountability:action", args=[self.pk])

    def deadline(self, today: date) -> deadlines.Deadline:
        return deadlines.Deadline(self.due_date, self.completed_on, today)


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    note = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.action} — {self.get_status_display()} ({self.date})"


class FeedbackKind(models.TextChoices):
    WHAT_WE_HEARD = "what-we-heard", "What we heard"
    WHAT_HAPPENED = "what-happened", "What happened"


class Channel(models.TextChoices):
    NEWSLETTER = "newsletter", "Newsletter"
    EVENT = "event", "Event"
    EMAIL = "email", "Email to residents who asked to hear back"
    SMS = "sms", "Text message to residents who asked to hear back"
    PUBLIC_PAGE = "public-page", "Public page"


class FeedbackItem(models.Model):
    """Feedback owed to residents: what we heard after an activity, or what happened after a decision."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(max_length=15, choices=FeedbackKind.choices)
    activity = models.ForeignKey(
        "engagement.Activity", on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True, help_text="What residents are told. No names.")
    due_date = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(activity__isnull=False) | models.Q(decision__isnull=False),
                name="feedback_is_about_an_activity_or_a_decision",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("accountability:feedback-item", args=[self.pk])

    def deadline(self, today: date) -> deadlines.Deadline:
        return deadlines.Deadline(self.due_date, self.sent_on, today)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENT = "sent", "Sent"  # the provider accepted it
    DELIVERED = "delivered", "Delivered"  # the provider says it arrived
    FAILED = "failed", "Failed"
    # Recorded before Chorus sent through a provider and tracked what happened: not known to have arrived.
    UNKNOWN = "unknown", "Not known (recorded before delivery was tracked)"


REACHED = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)


class FeedbackDelivery(models.Model):
    """One email or text message to one resident (their participant), and what the provider said about it.
    Never a copy of the address or number: those stay encrypted on the participant."""

    feedback = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="deliveries")
    participant = models.ForeignKey(
        "imports.Participant", on_delete=models.CASCADE, related_name="feedback_deliveries"
    )
    channel = models.CharField(
        max_length=5, choices=[(Channel.EMAIL, "Email"), (Channel.SMS, "Text message")]
    )
    status = models.CharField(max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    provider = models.CharField(max_length=12, blank=True, help_text="notify or email (Django's mail).")
    notification_id = models.CharField(max_length=64, blank=True, help_text="The provider's id for it.")
    attempts = models.PositiveSmallIntegerField(default=0)
    status_checks = models.PositiveSmallIntegerField(default=0)
    problem = models.CharField(
        max_length=300, blank=True, help_text="The provider's reason; never the contact."
    )
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "feedback deliveries"
        constraints = [
            models.UniqueConstraint(fields=["feedback", "participant"], name="one_delivery_per_participant")
        ]
        indexes = [models.Index(fields=["feedback", "status"], name="delivery_feedback_status")]

    def __str__(self) -> str:
        return f"Delivery {self.pk} of feedback {self.feedback_id}"

    @property
    def reached(self) -> bool:
        return self.status in REACHED


class BulkSendStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Sending"
    FINISHED = "finished", "Finished"


class BulkSend(models.Model):
    """Several feedback items sent at once from the feedback page, as background work with progress."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    item_ids = models.JSONField(default=list)
    message = models.TextField(blank=True, help_text="For items that have no message of their own.")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    refused = models.JSONField(default=list, help_text="[item id, reason] for each item not sent.")
    status = models.CharField(max_length=8, choices=BulkSendStatus.choices, default=BulkSendStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Sending {self.total} feedback items"

    def get_absolute_url(self) -> str:
        return reverse("accountability:bulk-send", args=[self.pk])

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


class Listened(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Difference(models.IntegerChoices):
    """Did it make a difference: five points from empowered to disempowered."""

    EMPOWERED = 2, "I feel empowered: it made a real difference"
    SOMEWHAT_EMPOWERED = 1, "It made some difference"
    NEITHER = 0, "Neither: it made no difference"
    SOMEWHAT_DISEMPOWERED = -1, "I feel a little less able to change things"
    DISEMPOWERED = -2, "I feel disempowered: nothing changes"


class AssessmentSource(models.TextChoices):
    LINK = "link", "Short link form"
    CONNECTOR = "connector", "Recorded by a connector"
    # The link anyone may use (posters, social media): not tied to a resident, so its answers are counted
    # apart and never mixed into the figure from residents' own links and connectors.
    OPEN_LINK = "open-link", "Open link (not checked to be one per person)"


PER_RESIDENT_SOURCES = (AssessmentSource.LINK, AssessmentSource.CONNECTOR)


class Assessment(models.Model):
    """After feedback: did the resident feel listened to, and did it make a difference."""

    feedback = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="assessments")
    listened = models.CharField(max_length=6, choices=Listened.choices)
    difference = models.SmallIntegerField(choices=Difference.choices)
    comment = models.TextField(blank=True, help_text="Private to the programme team; never published.")
    source = models.CharField(max_length=10, choices=AssessmentSource.choices)
    contribution = models.ForeignKey(
        "engagement.Contribution",
        on_delete=models.CASCADE,  # withdrawing everything removes their assessment too
        null=True,
        blank=True,
        related_name="assessments",
    )
    ward = models.ForeignKey("places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField()
    # Open-link answers only: a keyed hash of the link and the address it came from, for the rate limit.
    # Never the address itself; it cannot be turned back into one without the site's secret key.
    address_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-answered_at", "-id"]
        indexes = [
            models.Index(fields=["feedback", "source", "answered_at"], name="assessment_open_link_rate")
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"


class ShortLink(models.Model):
    """A short code standing for a "have your say" link, for a printed leaflet, a poster's QR code or a text
    message: /h/K7P2Q. The open link (no participant) has a short code anyone may type; a resident's own link
    has a longer one, so that it cannot be guessed. Both stop working link_days after they were made."""

    code = models.CharField(max_length=12, unique=True)
    feedback = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="short_links")
    participant = models.ForeignKey(
        "imports.Participant", on_delete=models.CASCADE, null=True, blank=True, related_name="short_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "participant"], name="one_short_link_per_participant"
            ),
            models.UniqueConstraint(
                fields=["feedback"], condition=models.Q(participant=None), name="one_open_short_link"
            ),
        ]

    def __str__(self) -> str:
        return self.code
