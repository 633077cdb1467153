"""People who sign in to Chorus, and the roles they hold in programmes.

The anonymous public holds no role: it sees only public pages.
"""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    ANALYST = "analyst", "Programme lead or analyst"
    PARTNER = "partner", "Partner organisation member"
    CONNECTOR = "connector", "Community connector or researcher"
    DECISION_MAKER = "decision-maker", "Decision-maker"


class Held(NamedTuple):
    """One role a user holds: everywhere (programme None) or in a programme, for an organisation or not."""

    role: str
    programme_id: int | None
    organisation_id: int | None


# Bumped whenever a membership is saved or deleted in this process, so a user object that read its roles
# earlier reads them again. A user object lives for one request, so other processes' changes count from the
# next request, as Django treats permissions it caches on the user.
_membership_changes = 0


class User(AbstractUser):
    display_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def roles_held(self) -> tuple[Held, ...]:
        """Every role this user holds, read from the database once per user object (one query a request,
        however many permissions a page checks)."""
        cached = self.__dict__.get("_roles_held")
        if cached is None or cached[0] != _membership_changes:
            rows = self.memberships.values_list("role", "programme_id", "organisation_id") if self.pk else []
            cached = self._roles_held = (_membership_changes, tuple(Held(*row) for row in rows))
        return cached[1]

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or any(held.role == Role.ADMINISTRATOR for held in self.roles_held())


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


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="accounts.membership_changed")
def _membership_changed(**kwargs) -> None:
    global _membership_changes
    _membership_changes += 1


class ExternalIdentity(models.Model):
    """A person as an organisation's identity provider knows them (OpenID Connect issuer and subject), so
    their next single sign-on finds the same Chorus account even if their name or email changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_external_identity")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
