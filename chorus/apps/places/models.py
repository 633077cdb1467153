from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    LOCAL_AUTHORITY = "lad", "Local authority"
    WARD = "ward", "Ward"
    LSOA = "lsoa", "LSOA"


class Area(models.Model):
    """An ONS area: local authority (E06/E08/E09), electoral ward (E05) or LSOA 2011 (E01)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=4, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Mid-2015, from IoD 2019 File 6."
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
