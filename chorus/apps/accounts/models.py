"""People who sign in to Chorus, and the roles they hold in programmes.

The anonymous public holds no role: it sees only public pages.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    ANALYST = "analyst", "Programme lead or analyst"
    PARTNER = "partner", "Partner organisation member"
    CONNECTOR = "connector", "Community connector or researcher"
    DECISION_MAKER = "decision-maker", "Decision-maker"


class User(AbstractUser):
    display_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.memberships.filter(role=Role.ADMINISTRATOR).exists()

    def programme_ids(self, *roles: str) -> set[int]:
        memberships = self.memberships.exclude(programme=None)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return set(memberships.values_list("programme_id", flat=True))

    def organisation_ids(self, *roles: str) -> set[int]:
        memberships = self.memberships.exclude(organisation=None)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return set(memberships.values_list("organisation_id", flat=True))


class Membership(models.Model):
    """A role held by a person, in a programme and (for partners and connectors) an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="Required for partner members: the organisation whose records they see.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            # One constraint per null pattern: SQLite has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["user", "role", "programme", "organisation"],
                condition=models.Q(programme__isnull=False, organisation__isnull=False),
                name="unique_membership_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "programme"],
                condition=models.Q(programme__isnull=False, organisation__isnull=True),
                name="unique_membership_in_programme",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(programme__isnull=True),
                name="unique_membership_everywhere",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(organisation__isnull=False),
                name="partner_membership_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        where = self.programme or "all programmes"
        return f"{self.user} — {self.get_role_display()} — {where}"
