"""Protecting residents: encryption of original text, pseudonymous participant ids, consent filters."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models import QuerySet

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def _derived(info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"chorus", info=info).derive(
        settings.SECRET_KEY.encode("utf-8")
    )


@cache
def _fernet(configured: str | None, secret_key: str) -> Fernet:
    if configured:
        return Fernet(configured.encode("ascii") if isinstance(configured, str) else configured)
    return Fernet(base64.urlsafe_b64encode(_derived(b"chorus original text")))


def fernet() -> Fernet:
    """CHORUS_ENCRYPTION_KEY (a Fernet key) when set, else a key derived from SECRET_KEY with HKDF."""
    return _fernet(getattr(settings, "CHORUS_ENCRYPTION_KEY", None), settings.SECRET_KEY)


def encrypt(text: str) -> bytes:
    return fernet().encrypt(text.encode("utf-8"))


def decrypt(ciphertext: bytes | memoryview) -> str:
    return fernet().decrypt(bytes(ciphertext)).decode("utf-8")


def ref_hash(programme_id: int, participant_ref: str) -> str:
    """Keyed hash of an external participant reference: stable, but not reversible without the key."""
    key = _derived(b"chorus participant ref")
    message = f"{programme_id}:{' '.join(participant_ref.lower().split())}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_pseudonym() -> str:
    return "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


# Consent, enforced wherever contributions leave the analysts' hands.


def quotable(contributions: QuerySet) -> QuerySet:
    """Only residents who agreed to be quoted."""
    return contributions.filter(consent_quote=True)


def open_data_rows(contributions: QuerySet) -> QuerySet:
    """Only residents who agreed to be included in open data."""
    return contributions.filter(consent_open_data=True)


def recontactable(contributions: QuerySet) -> QuerySet:
    """Only residents who agreed to be contacted again."""
    return contributions.filter(consent_recontact=True)
