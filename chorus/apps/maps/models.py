"""Maps of experience: fuzzy cognitive maps of what helps or stops people, built from what residents say.

The maths lives in chorus.maps (no Django); these models store maps, their factors and links, and where
each link came from, so that a resident's words stay tied to (and leave with) their contribution.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from chorus.maps import DEFAULT_STRENGTH_TERMS, FuzzyCognitiveMap
from chorus.maps import Factor as FcmFactor
from chorus.maps import Link as FcmLink
from chorus.maps.aggregate import METHODS


def default_strength_terms() -> dict[str, list[float]]:
    """The library's triangular fuzzy terms, as JSON lists (a programme may change them per map)."""
    return {term: list(triangle) for term, triangle in DEFAULT_STRENGTH_TERMS.items()}


def factor_key(name: str) -> str:
    """How factors are matched across maps: case and spacing do not make two factors different."""
    return " ".join(name.lower().split())


def strength_terms_problem(terms: object) -> str:
    """Why a strength-term setting cannot be used, or "" when it can."""
    if not isinstance(terms, dict) or not terms:
        return "Give the terms as an object: term -> [low, peak, high] or a number."
    for term, value in terms.items():
        numbers = value if isinstance(value, list) else [value]
        if not all(isinstance(n, int | float) and not isinstance(n, bool) and 0 <= n <= 1 for n in numbers):
            return f"{term!r}: use numbers from 0 to 1."
        if len(numbers) not in (1, 3) or numbers != sorted(numbers):
            return f"{term!r}: give one number or a triangle [low, peak, high] with low <= peak <= high."
    return ""


class MapSettings(models.Model):
    """A programme's settings for its maps: the words people use for a link's strength and what they weigh.

    New maps copy these terms; saving new terms re-weighs the links of every map of the programme
    (chorus/apps/maps/actions.change_strength_terms), so one word means one number across a programme.
    """

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="map_settings"
    )
    strength_terms = models.JSONField(
        default=default_strength_terms,
        help_text="Linguistic strength -> triangle [low, peak, high] on 0..1, or a plain number.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "map settings"

    def __str__(self) -> str:
        return f"Map settings for {self.programme}"

    def clean(self) -> None:
        problem = strength_terms_problem(self.strength_terms)
        if problem:
            raise ValidationError({"strength_terms": problem})


def programme_strength_terms(programme) -> dict:
    """The strength terms a programme's maps use (the published default until someone changes them)."""
    found = MapSettings.objects.filter(programme=programme).values_list("strength_terms", flat=True).first()
    return found or default_strength_terms()


class MapKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual (coded from one contribution or one person)"
    WORKSHOP = "workshop", "Workshop (drawn by a group)"
    IMPORTED = "imported", "Imported from a file"
    COMMUNITY = "community", "Community (combined from other maps)"


class AggregationMethod(models.TextChoices):
    MEAN_WITH_ZEROS = "mean_with_zeros", "Mean over all maps (a map without the link counts as 0)"
    MEAN_WITHOUT_ZEROS = "mean_without_zeros", "Mean over the maps that have the link"
    MEDIAN = "median", "Median over the maps that have the link"
    COUNT = "count", "Share of maps that mention the link"


assert {value for value, _ in AggregationMethod.choices} == set(METHODS)


class Sign(models.IntegerChoices):
    POSITIVE = 1, "Positive: more of the cause means more of the effect"
    NEGATIVE = -1, "Negative: more of the cause means less of the effect"


class ExperienceMap(models.Model):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="maps")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=MapKind.choices, db_index=True)
    contribution = models.ForeignKey(
        "engagement.Contribution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="maps",
        help_text="For an individual map coded from one contribution: erasing the contribution erases it.",
    )
    aggregation_method = models.CharField(
        max_length=20, choices=AggregationMethod.choices, default=AggregationMethod.MEAN_WITH_ZEROS
    )
    strength_terms = models.JSONField(
        default=default_strength_terms,
        help_text="Linguistic strength -> triangle [low, peak, high] on 0..1, or a plain number.",
    )
    sources = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="combined_into", help_text="Maps combined."
    )
    needs_rebuild = models.BooleanField(
        default=False,
        help_text="The maps or evidence behind this community map changed since it was combined.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution"],
                condition=models.Q(contribution__isnull=False),
                name="one_map_per_contribution",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("maps:detail", args=[self.pk])

    def clean(self) -> None:
        problem = strength_terms_problem(self.strength_terms)
        if problem:
            raise ValidationError({"strength_terms": problem})

    def as_fcm(self, by_key: bool = False) -> FuzzyCognitiveMap:
        """The map for chorus.maps. Factor ids are primary keys, or name keys to line maps up by name."""
        factors = list(self.factors.all())
        ids = {factor.pk: (factor_key(factor.name) if by_key else str(factor.pk)) for factor in factors}
        links = [
            FcmLink(ids[link.source_id], ids[link.target_id], link.weight, provenance=(f"link:{link.pk}",))
            for link in self.links.all()
        ]
        return FuzzyCognitiveMap(
            [FcmFactor(ids[factor.pk], factor.name) for factor in factors], links, id=str(self.pk)
        )


class Factor(models.Model):
    map = models.ForeignKey(ExperienceMap, on_delete=models.CASCADE, related_name="factors")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["map", "name"], name="unique_factor_name_in_map")]

    def __str__(self) -> str:
        return self.name


class Link(models.Model):
    """A causal link. Its words come from a contribution (quote only with consent) or a workshop note."""

    map = models.ForeignKey(ExperienceMap, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="links_in")
    weight = models.FloatField(help_text="Signed strength, -1 to 1.")
    term = models.CharField(max_length=40, blank=True, help_text="Linguistic strength, e.g. 'strong'.")
    sign = models.SmallIntegerField(choices=Sign.choices)
    contribution = models.ForeignKey(
        "engagement.Contribution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="map_links",
        help_text="The contribution it was coded from: erasing the contribution erases the link.",
    )
    quote = models.TextField(blank=True, help_text="Kept only while the resident agrees to be quoted.")
    note = models.TextField(blank=True, help_text="A workshop note or a note from an imported file.")
    derived_from = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="combined_into", help_text="Links combined."
    )
    agreement = models.PositiveIntegerField(null=True, blank=True, help_text="How many maps hold the link.")
    entropy = models.FloatField(null=True, blank=True, help_text="Shannon entropy (bits) of the ratings.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source__name", "target__name"]
        constraints = [
            models.UniqueConstraint(fields=["map", "source", "target"], name="unique_link_in_map"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=-1.0, weight__lte=1.0),
                name="link_weight_between_minus_1_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.weight:+.2f})"

    @property
    def shown_quote(self) -> str:
        """The quote, only while its contribution still agrees to be quoted."""
        if self.contribution_id is None or not self.contribution.consent_quote:
            return ""
        return self.quote
