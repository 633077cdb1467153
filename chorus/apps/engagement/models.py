"""What was heard: engagement activities and the contributions (residents' voices) they gathered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from chorus import equality


def _choices(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(pairs)


class ActivityKind(models.TextChoices):
    CONVERSATION = "conversation", "Conversation"
    SURVEY = "survey", "Survey"
    FOCUS_GROUP = "focus-group", "Focus group"
    LISTENING_EVENT = "listening-event", "Listening event"
    WORKSHOP = "workshop", "Workshop"
    EVENT = "event", "Event"
    PATIENT_FEEDBACK = "patient-feedback", "Patient feedback"
    INTERVIEW = "interview", "Interview"
    OTHER = "other", "Other"


class Activity(models.Model):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices, db_index=True)
    title = models.CharField(max_length=200)
    date = models.DateField(db_index=True)
    area = models.ForeignKey(
        "places.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text="Where it took place (usually a ward).",
    )
    partner = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    participants = models.PositiveIntegerField(default=1)
    source = models.CharField(
        max_length=120, blank=True, help_text="Where the records came from, if imported."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %b %Y})"


class Contribution(models.Model):
    """One resident's voice: what they said, where they live, optional equality answers, and their consent.

    Withdrawing consent to analysis deletes the contribution and everything derived from it (the audit log
    keeps that it happened, never what was said). The other consents can be withdrawn one by one.
    """

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="contributions"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="contributions")
    text = models.TextField(
        help_text="What the resident said, with personal data redacted before it is stored."
    )
    answers = models.JSONField(default=dict, blank=True, help_text="Structured answers, question -> answer.")
    ward = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="ward_contributions"
    )
    lsoa = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="lsoa_contributions"
    )
    postcode_district = models.CharField(max_length=4, blank=True)
    imd_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="From the LSOA, when known."
    )
    core20 = models.BooleanField(null=True, help_text="From the LSOA, when known.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    participant = models.ForeignKey(
        "imports.Participant",
        on_delete=models.PROTECT,  # a participant goes only by erasure, which removes their words first
        null=True,
        blank=True,
        related_name="contributions",
        help_text="The pseudonymous resident who said it, when the source identified them.",
    )
    submission_key = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Identifies one submission (a form, a field-tool instance) so a resend is stored once.",
    )

    language = models.CharField(
        max_length=12,
        blank=True,
        help_text="ISO 639-1 code of the language the resident spoke, blank when not known.",
    )
    translation_requested = models.BooleanField(
        default=False, help_text="An analyst asked for a human translation of these words."
    )

    # Kept by the coding actions (coding.actions.coverage) whenever they write codings, so that the share of
    # contributions coded, and how many a person checked, are plain counts rather than a join per request.
    coded = models.BooleanField(
        default=False,
        help_text="Holds a theme of the programme's current codebook, from the model (above its threshold) "
        "or a person, that nobody rejected.",
    )
    checked = models.BooleanField(
        default=False, help_text="A person reviewed its themes, or accepted, rejected or applied one."
    )

    # Equality monitoring: every question optional; blank = not asked.
    age_band = models.CharField(max_length=20, blank=True, choices=_choices(equality.AGE_BANDS))
    sex = models.CharField(max_length=20, blank=True, choices=_choices(equality.SEXES))
    gender_identity_same = models.CharField(
        max_length=20,
        blank=True,
        choices=_choices(equality.GENDER_IDENTITY_SAME),
        verbose_name="gender identity same as sex registered at birth",
    )
    ethnicity = models.CharField(max_length=40, blank=True, choices=_choices(equality.ETHNICITIES))
    disability = models.CharField(max_length=20, blank=True, choices=_choices(equality.YES_NO))
    carer = models.CharField(max_length=20, blank=True, choices=_choices(equality.YES_NO))

    # Consent, taken by the person who recorded the conversation.
    consent_analysis = models.BooleanField(help_text="Agreed that what they said is used for analysis.")
    consent_quote = models.BooleanField(help_text="Agreed to be quoted anonymously.")
    consent_open_data = models.BooleanField(help_text="Agreed to be included in anonymised open data.")
    consent_recontact = models.BooleanField(help_text="Agreed to be contacted about what happened.")
    consent_taken_at = models.DateTimeField()
    consent_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "recorded_at"]),
            models.Index(fields=["programme", "ward"]),
            # The newest contribution of a programme in one index lookup: the dashboards' cache stamp.
            models.Index(fields=["programme", "id"], name="contribution_programme_newest"),
            # The insight dashboard's breakdowns filter by programme and activity and group by ward.
            models.Index(fields=["programme", "activity", "ward"], name="contribution_prog_act_ward"),
            # Contributions, coded ones and checked ones per activity or ward, under any of the dashboard's
            # filters (activities and wards looked up first by id), from the index alone.
            models.Index(
                fields=["programme", "activity", "ward", "core20", "coded", "checked"],
                name="contribution_dashboard",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_analysis=True), name="contribution_has_analysis_consent"
            )
        ]

    def __str__(self) -> str:
        return f"Contribution {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("contribution", args=[self.pk])

    @property
    def language_name(self) -> str:
        """The English name of the language the resident spoke ("Polish"), blank when not known."""
        from chorus.coding.languages import language_name

        return language_name(self.language) if self.language else ""

    @property
    def ethnic_group(self) -> str:
        return equality.ETHNICITY_GROUP_OF.get(self.ethnicity, "")
