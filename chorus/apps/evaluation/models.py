"""Evaluating community interventions: who each partner should reach, what was measured, and what changed.

Measurements are always integer counts (eligible people and people with the outcome), never a percentage
alone: intervals and tests need the counts. Published percentages are turned back into counts on import.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class PopulationKind(models.TextChoices):
    WARD = "ward", "Ward"
    PRACTICE = "practice", "GP practice list"
    CLIENT_GROUP = "client-group", "Client group"


class Intervention(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="interventions"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What was done, with whom, and what it aimed to change.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    report_is_public = models.BooleanField(
        default=False,
        help_text="Anyone, signed in or not, can read the public version of the report: counts under "
        "disclosure control, published case studies only.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="unique_intervention_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:intervention", args=[self.programme.slug, self.slug])


class InterventionPartner(models.Model):
    """A partner delivering the intervention, with its proxy population: the eligible people to reach."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="intervention_partnerships"
    )
    population_kind = models.CharField(max_length=20, choices=PopulationKind.choices)
    population_description = models.CharField(
        max_length=300,
        help_text="Who counts as eligible, e.g. 'Registered list of Queensway Surgery, 50-74'.",
    )
    area = models.ForeignKey("places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["intervention", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "organisation"], name="unique_intervention_partner"
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name


class ComparatorPopulation(models.Model):
    """A population the intervention did not reach, to tell its effect from change that happened anyway."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="comparators")
    name = models.CharField(max_length=200)
    population_kind = models.CharField(max_length=20, choices=PopulationKind.choices)
    description = models.CharField(max_length=300, blank=True)
    area = models.ForeignKey("places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["intervention", "name"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "name"], name="unique_comparator_name")
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    UPTAKE = "uptake", "Uptake"
    COVERAGE = "coverage", "Coverage"


class OutcomeIndicator(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=IndicatorKind.choices)
    definition = models.TextField(
        help_text="Numerator and denominator in words, e.g. 'People aged 60-74 invited for bowel screening "
        "who returned a kit within 6 months'."
    )

    class Meta:
        ordering = ["intervention", "name"]
        constraints = [models.UniqueConstraint(fields=["intervention", "name"], name="unique_indicator_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"


class MeasurementSource(models.TextChoices):
    COUNTS = "counts", "Counts"
    RECONSTRUCTED = "reconstructed", "Reconstructed from a published percentage"


class Measurement(models.Model):
    """Eligible people and people with the outcome in one population at one date."""

    indicator = models.ForeignKey(OutcomeIndicator, on_delete=models.CASCADE, related_name="measurements")
    partner = models.ForeignKey(
        InterventionPartner, on_delete=models.CASCADE, null=True, blank=True, related_name="measurements"
    )
    comparator = models.ForeignKey(
        ComparatorPopulation, on_delete=models.CASCADE, null=True, blank=True, related_name="measurements"
    )
    date = models.DateField()
    eligible = models.PositiveIntegerField()
    with_outcome = models.PositiveIntegerField()
    source = models.CharField(
        max_length=15, choices=MeasurementSource.choices, default=MeasurementSource.COUNTS
    )
    published_percentage = models.DecimalField(
        max_digits=7, decimal_places=3, null=True, blank=True, help_text="As published, when counts were not."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "partner", "comparator", "date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(with_outcome__lte=models.F("eligible")),
                name="measurement_outcome_within_eligible",
            ),
            models.CheckConstraint(
                condition=models.Q(eligible__gte=1), name="measurement_has_eligible_people"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(partner__isnull=False, comparator__isnull=True)
                    | models.Q(partner__isnull=True, comparator__isnull=False)
                ),
                name="measurement_of_partner_or_comparator",
            ),
            models.UniqueConstraint(
                fields=["indicator", "partner", "date"],
                condition=models.Q(partner__isnull=False),
                name="unique_partner_measurement",
            ),
            models.UniqueConstraint(
                fields=["indicator", "comparator", "date"],
                condition=models.Q(comparator__isnull=False),
                name="unique_comparator_measurement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.population}: {self.with_outcome}/{self.eligible} on {self.date:%d %b %Y}"

    @property
    def population(self) -> InterventionPartner | ComparatorPopulation:
        return self.partner or self.comparator


class Reach(models.Model):
    """Residents a partner reached in a period (people, not contacts)."""

    partner = models.ForeignKey(InterventionPartner, on_delete=models.CASCADE, related_name="reach")
    period_start = models.DateField()
    period_end = models.DateField()
    residents_reached = models.PositiveIntegerField()
    how_counted = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["partner", "period_start"]
        verbose_name_plural = "reach"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reach_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.residents_reached} reached"


class Survey(models.Model):
    """A pre/post survey of knowledge, attitudes and behaviour among the people an intervention reached."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    who_was_asked = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["intervention", "title"]

    def __str__(self) -> str:
        return self.title


class ItemDomain(models.TextChoices):
    KNOWLEDGE = "knowledge", "Knowledge"
    ATTITUDE = "attitude", "Attitude"
    BEHAVIOUR = "behaviour", "Behaviour"


class Wave(models.TextChoices):
    PRE = "pre", "Before"
    POST = "post", "After"


class SurveyItem(models.Model):
    """A yes/no statement, e.g. 'I am more likely to book screening when I am invited'."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="items")
    statement = models.CharField(max_length=300)
    domain = models.CharField(max_length=10, choices=ItemDomain.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.statement


class SurveyResponse(models.Model):
    """One person's yes/no answer to one item in one wave.

    respondent_key is an arbitrary code (never a name) given to the same person before and after, so their
    two answers can be paired; leave it blank when answers cannot be linked.
    """

    item = models.ForeignKey(SurveyItem, on_delete=models.CASCADE, related_name="responses")
    wave = models.CharField(max_length=4, choices=Wave.choices)
    respondent_key = models.CharField(max_length=64, blank=True)
    agrees = models.BooleanField()

    class Meta:
        ordering = ["item", "wave", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "wave", "respondent_key"],
                condition=~models.Q(respondent_key=""),
                name="one_answer_per_respondent_and_wave",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.wave}): {'yes' if self.agrees else 'no'}"


class SurveyTally(models.Model):
    """Aggregated answers to one item in one wave, when individual answers are not available."""

    item = models.ForeignKey(SurveyItem, on_delete=models.CASCADE, related_name="tallies")
    wave = models.CharField(max_length=4, choices=Wave.choices)
    respondents = models.PositiveIntegerField()
    agreeing = models.PositiveIntegerField()

    class Meta:
        ordering = ["item", "wave"]
        verbose_name_plural = "survey tallies"
        constraints = [
            models.UniqueConstraint(fields=["item", "wave"], name="one_tally_per_item_and_wave"),
            models.CheckConstraint(
                condition=models.Q(agreeing__lte=models.F("respondents")),
                name="tally_agreeing_within_respondents",
            ),
            models.CheckConstraint(condition=models.Q(respondents__gte=1), name="tally_has_respondents"),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.wave}): {self.agreeing}/{self.respondents}"


class CaseStudy(models.Model):
    """A story shared with consent. Only stories whose teller agreed to publication can be published."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="case_studies")
    partner = models.ForeignKey(
        InterventionPartner, on_delete=models.SET_NULL, null=True, blank=True, related_name="case_studies"
    )
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="No names, addresses or other details that could identify the person.")
    consent_to_publish = models.BooleanField(
        default=False, help_text="The person agreed that their story can be shared without their name."
    )
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["intervention", "-created_at"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(consent_to_publish=True),
                name="case_study_published_only_with_consent",
            )
        ]

    def __str__(self) -> str:
        return self.title
