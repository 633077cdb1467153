from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    COUNTRY = "ctry", "Country"
    LOCAL_AUTHORITY = "lad", "Local authority"
    WARD = "ward", "Ward"
    LSOA = "lsoa", "LSOA"


class Area(models.Model):
    """An ONS area: England (E92, the benchmark), local authority (E06/E08/E09), electoral ward (E05) or
    LSOA 2011 (E01)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=4, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Mid-2015, from IoD 2019 File 6."
    )
    population_0_15 = models.PositiveIntegerField(
        null=True, blank=True, help_text="Aged 0 to 15, mid-2015, from IoD 2019 File 6."
    )
    population_16_59 = models.PositiveIntegerField(
        null=True, blank=True, help_text="Aged 16 to 59, mid-2015, from IoD 2019 File 6."
    )
    population_60_plus = models.PositiveIntegerField(
        null=True, blank=True, help_text="Aged 60 and over, mid-2015, from IoD 2019 File 6."
    )
    imd_rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="IMD 2019 rank; 1 = most deprived."
    )
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    core20 = models.BooleanField(
        null=True, help_text="LSOA in the national most-deprived quintile (IMD 2019)."
    )
    core20_population_share = models.FloatField(
        null=True, blank=True, help_text="Share of the area's population living in Core20 LSOAs."
    )
    parent_method = models.CharField(
        max_length=10, blank=True, help_text="How an LSOA was placed in its ward: ONS lookup or centroid."
    )
    former_codes = models.JSONField(default=list, blank=True, help_text="Earlier ward codes that map here.")

    class Meta:
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return self.name if self.level != Level.LSOA else f"{self.name} ({self.code})"

    @property
    def imd_quintile(self) -> int | None:
        return None if self.imd_decile is None else (self.imd_decile + 1) // 2


class IndicatorUnit(models.TextChoices):
    PROPORTION = "proportion", "Proportion (per cent)"
    RATE = "rate", "Rate per N people"
    COUNT = "count", "Count"


class IndicatorPolarity(models.TextChoices):
    """Values match chorus.stats.Polarity."""

    HIGH_IS_GOOD = "high-is-good", "Higher is better"
    LOW_IS_GOOD = "low-is-good", "Lower is better"
    NONE = "none", "No judgement"


class Indicator(models.Model):
    """A local health indicator such as smoking prevalence or COPD mortality, compared with England."""

    name = models.CharField(max_length=200, unique=True, help_text="As Fingertips names it, if it is there.")
    unit = models.CharField(max_length=12, choices=IndicatorUnit.choices)
    per = models.PositiveIntegerField(
        default=100, help_text="For a rate, per how many people (e.g. 100,000). A proportion is per 100."
    )
    polarity = models.CharField(max_length=14, choices=IndicatorPolarity.choices)
    source = models.CharField(max_length=300, help_text="Where the figures come from, e.g. QOF (Fingertips).")
    period = models.CharField(
        max_length=40, blank=True, help_text="How its periods run, e.g. financial year, 3 years pooled."
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_label(self) -> str:
        if self.unit == IndicatorUnit.PROPORTION:
            return "%"
        if self.unit == IndicatorUnit.RATE:
            return f"per {self.per:,}"
        return ""


class IndicatorValue(models.Model):
    """An indicator's value for one area and period, with the counts behind it when known.

    `value` is in the indicator's unit (18.18 for 18.18%, 412.3 for a rate per 100,000). England's values
    are held against the England area, so every comparison finds its benchmark the same way.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="indicator_values")
    period = models.CharField(max_length=40, help_text="e.g. 2019/20 or 2017 - 19.")
    numerator = models.PositiveIntegerField(null=True, blank=True, help_text="Count of people or events.")
    denominator = models.FloatField(null=True, blank=True, help_text="Denominator or population.")
    value = models.FloatField()
    illustrative = models.BooleanField(
        default=False, help_text="Made up to show how the page works; not a real figure."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator__name", "area__name", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area", "period"], name="one_value_per_area_period"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="indicator_denominator_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} in {self.area.name}, {self.period}: {self.value:g}"
