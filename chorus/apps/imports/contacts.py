"""Contact details for residents who asked to hear back, kept on the pseudonymous participant (encrypted),
so a resident met twice is one participant and is contacted once. Gone when the participant is erased, and
when they no longer agree to be contacted on any of their contributions."""

from __future__ import annotations

import hashlib
import hmac

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.privacy.contact import Contact

from . import protection
from .models import Participant


def contact_hash(programme_id: int, contact: Contact) -> str:
    """Keyed hash of the normalised address or number: finds the same resident, cannot be reversed."""
    key = protection._derived(b"chorus participant contact")
    return hmac.new(
        key, f"{programme_id}:{contact.kind}:{contact.value}".encode(), hashlib.sha256
    ).hexdigest()


def _new_participant(programme_id: int, digest: str) -> Participant:
    for _ in range(5):  # a clash of random pseudonyms
        pseudonym = protection.new_pseudonym()
        if not Participant.objects.filter(pseudonym=pseudonym).exists():
            return Participant.objects.create(
                programme_id=programme_id, pseudonym=pseudonym, ref_hash=f"contact:{digest}"[:64]
            )
    raise RuntimeError("Could not give the participant a pseudonym.")


@transaction.atomic
def keep_contact(contribution: Contribution, contact: Contact, *, by) -> Participant:
    """Keep how to reach the resident who made `contribution`, on their participant: the one the contribution
    already has, else the one already reachable at this address or number, else a new one."""
    if not contribution.consent_recontact:
        raise ActionError("This resident did not agree to be contacted, so no contact details are kept.")
    digest = contact_hash(contribution.programme_id, contact)
    participant = contribution.participant
    if participant is None:
        participant = (
            Participant.objects.filter(programme_id=contribution.programme_id, contact_hash=digest)
            .order_by("pk")
            .first()
        ) or _new_participant(contribution.programme_id, digest)
        contribution.participant = participant
        contribution.save(update_fields=["participant"])
    participant.contact_channel = contact.kind
    participant.contact_encrypted = protection.encrypt(contact.value)
    participant.contact_hash = digest
    participant.save(update_fields=["contact_channel", "contact_encrypted", "contact_hash"])
    audit(
        "participant.contact_kept",
        actor=by,
        obj=participant,
        programme=contribution.programme,
        contribution_id=contribution.pk,
        channel=contact.kind,
    )
    return participant


def forget_contacts_after_withdrawal(contribution_ids: list[int], *, by) -> int:
    """After residents withdrew consent to be contacted (or withdrew their words): a participant left with no
    other contribution that agrees to be contacted loses their contact details. Returns how many did."""
    participants = Participant.objects.filter(contributions__in=contribution_ids).exclude(contact_channel="")
    forgotten = 0
    for participant in participants.distinct():
        still_agrees = (
            Contribution.objects.filter(participant=participant, consent_recontact=True)
            .exclude(pk__in=contribution_ids)
            .exists()
        )
        if not still_agrees:
            participant.forget_contact()
            participant.save(update_fields=["contact_channel", "contact_encrypted", "contact_hash"])
            audit("participant.contact_forgotten", actor=by, obj=participant, programme=participant.programme)
            forgotten += 1
    return forgotten
