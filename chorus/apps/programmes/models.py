from __future__ import annotations

from django.db import models
from django.urls import reverse


class OrganisationKind(models.TextChoices):
    VCS = "vcs", "Voluntary and community organisation"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    COUNCIL = "council", "Local council"
    NHS = "nhs", "NHS body (ICB, trust, practice)"
    DECISION_BODY = "decision-body", "Decision-making body (board, committee, alliance)"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    areas_served = models.ManyToManyField("places.Area", blank=True, related_name="organisations")
    communities_served = models.CharField(
        max_length=300,
        blank=True,
        help_text="PLUS groups served, e.g. carers, Roma, people experiencing homelessness.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A priority topic a programme focuses on (e.g. hypertension, social isolation)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AudioRetention(models.TextChoices):
    DELETE = "delete", "Delete the audio once it is transcribed"
    KEEP_ENCRYPTED = "keep-encrypted", "Keep the audio, encrypted, so quotes can be played back"


class AgesHeard(models.TextChoices):
    """Whom a programme sets out to hear by age: decides whether "Who we heard from" compares children."""

    EVERYONE = "everyone", "Everyone, children included"
    ADULTS = "adults", "Adults (16 and over)"
    NOT_SET = "not-set", "Not set"


class Programme(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="led_programmes"
    )
    local_authority = models.ForeignKey(
        "places.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        limit_choices_to={"level": "lad"},
    )
    focus_areas = models.ManyToManyField(
        "places.Area",
        blank=True,
        related_name="focus_of_programmes",
        help_text="Wards the programme focuses on.",
    )
    priority_topics = models.ManyToManyField(Topic, blank=True, related_name="programmes")
    partners = models.ManyToManyField(Organisation, through="Partnership", related_name="partner_programmes")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_public = models.BooleanField(default=False, help_text="Show the programme's public page.")
    keep_original_text = models.BooleanField(
        default=False, help_text="Keep residents' original words (encrypted) beside the redacted text."
    )
    audio_retention = models.CharField(
        max_length=20,
        choices=AudioRetention.choices,
        default=AudioRetention.DELETE,
        help_text="What happens to a recorded conversation's audio after it is transcribed.",
    )
    feedback_days = models.PositiveSmallIntegerField(
        default=10, help_text="Days within which residents hear back after a listening event."
    )
    ages_heard = models.CharField(
        max_length=20,
        choices=AgesHeard.choices,
        default=AgesHeard.NOT_SET,
        help_text="Whom the programme sets out to hear by age. Not set: children are compared with the "
        "population only once someone under 16 has been heard.",
    )
    # For residents, on the public page: the programme's own logo, how to take part and whom to contact.
    logo = models.BinaryField(
        null=True, blank=True, editable=False, help_text="PNG, re-encoded and resized when uploaded."
    )
    get_involved = models.TextField(
        blank=True, help_text="How residents can take part: groups, events, where to find us."
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme", args=[self.slug])


class Partnership(models.Model):
    """An organisation taking part in a programme as a delivery partner."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnerships")
    joined_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation"], name="unique_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.programme}"


class Grant(models.Model):
    """Money a programme gives a partner for a period and purpose (e.g. £19k–£40k to each of 16 partners)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grants")
    amount_pence = models.PositiveBigIntegerField(help_text="In pence, so sums are exact.")
    purpose = models.CharField(max_length=300)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["programme", "organisation__name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="grant_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"£{self.amount_pence / 100:,.0f} to {self.organisation} ({self.programme})"

    @property
    def amount_pounds(self) -> float:
        return self.amount_pence / 100
