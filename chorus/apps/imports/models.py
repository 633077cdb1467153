"""Imports: where records come from (sources and their saved column mappings), each import's progress and
summary, the rows that could not be imported, and the protection of residents who took part (pseudonymous
participants, encrypted original text, erasure records)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from . import protection


class SourceKind(models.TextChoices):
    UPLOAD = "upload", "Upload in the web app"
    FIELD_TOOL = "field-tool", "Field tool (KoboToolbox, ODK Central)"
    CLI = "cli", "Command line"


class ImportSource(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="import_sources"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=SourceKind.choices, default=SourceKind.UPLOAD)
    token_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the field tool's token; the token is shown once."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="import_source_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.programme.slug})"


class SavedMapping(models.Model):
    """A column mapping a person confirmed, reused for the next file of the same shape.

    key is the shape signature of the headings, or "kobo:<form id>" for KoboToolbox REST posts, whose
    headings vary with the questions answered."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    mapping = models.JSONField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "-saved_at"]
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="saved_mapping_unique_key")]

    def __str__(self) -> str:
        return f"Mapping {self.key} ({self.programme.slug})"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", "Waiting for the columns to be confirmed"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Finished"
    FAILED = "failed", "Stopped"


class ImportBatch(models.Model):
    """One file (or one field-tool post) being imported, and its summary."""

    source = models.ForeignKey(ImportSource, on_delete=models.CASCADE, related_name="batches")
    filename = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    stored_path = models.CharField(max_length=500, blank=True, help_text="The file while it is imported.")
    delete_file_when_done = models.BooleanField(default=True)
    sheet = models.CharField(max_length=100, blank=True)
    mapping = models.JSONField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT, db_index=True
    )
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_seen = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    last_row_committed = models.PositiveIntegerField(
        default=0,
        help_text="Row number (as in the spreadsheet) of the last row stored; a resume starts after.",
    )
    activity = models.ForeignKey(
        "engagement.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:batch", args=[self.pk])

    @property
    def programme(self):
        return self.source.programme

    @property
    def summary(self) -> str:
        return f"imported {self.imported}, duplicates {self.duplicates}, quarantined {self.quarantined}"

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_seen / self.rows_total))

    @property
    def is_active(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)


class ImportChunk(models.Model):
    """A run of rows of a big import (CHORUS_IMPORT_CHUNK of them) that any worker imports: rows
    first_row+1 .. first_row+rows in file order, with what it stored so far so a worker taking it over
    resumes after last_row_committed and counts nothing twice."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    first_row = models.PositiveIntegerField(help_text="Data rows of the file before this chunk.")
    rows = models.PositiveIntegerField()
    last_row_committed = models.PositiveIntegerField(default=0)
    rows_seen = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["batch", "index"]
        constraints = [models.UniqueConstraint(fields=["batch", "index"], name="import_chunk_unique")]

    def __str__(self) -> str:
        return f"Chunk {self.index} of import {self.batch_id}"


class QuarantinedRow(models.Model):
    """A row that was not imported, with what was wrong; it can be corrected and run again."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="quarantined_rows")
    row_number = models.PositiveIntegerField()
    raw = models.JSONField(help_text="The row as read (long cells shortened).")
    problems = models.JSONField(help_text="[{column, message}] for a person to read.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    contribution = models.ForeignKey(
        "engagement.Contribution", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        "Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quarantined_rows",
        help_text="Who the row is about, when it names a participant: erasing them erases the row too.",
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the row's content was erased; the row stays, empty."
    )

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [models.UniqueConstraint(fields=["batch", "row_number"], name="quarantined_row_unique")]

    def __str__(self) -> str:
        return f"Row {self.row_number} of import {self.batch_id}"


class Participant(models.Model):
    """A resident who took part, known only by a random pseudonym and a keyed hash of the reference the
    field tool or spreadsheet gave them."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    pseudonym = models.CharField(max_length=12, unique=True)
    ref_hash = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    # How to reach them, only when they asked to hear back: email or text, the address or number encrypted
    # (never shown, logged or exported; read only by whoever sends feedback), and a keyed hash of it so the
    # same resident met twice is one participant, contacted once. Erasing the participant erases these.
    contact_channel = models.CharField(
        max_length=5, blank=True, default="", choices=[("email", "Email"), ("sms", "Text message")]
    )
    contact_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    contact_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["programme", "pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "ref_hash"], name="participant_unique_ref")
        ]
        indexes = [models.Index(fields=["programme", "contact_hash"], name="participant_contact")]

    def __str__(self) -> str:
        return self.pseudonym

    def __repr__(self) -> str:
        return f"<Participant {self.pk} {self.pseudonym}>"

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_channel and self.contact_encrypted)

    @property
    def contact(self) -> str:
        """The email address or mobile number, decrypted: only for sending, or for those who send feedback."""
        return protection.decrypt(self.contact_encrypted) if self.contact_encrypted else ""

    def forget_contact(self) -> None:
        self.contact_channel, self.contact_encrypted, self.contact_hash = "", None, ""


class OriginalText(models.Model):
    """The unredacted words, Fernet-encrypted; kept only when the programme says so."""

    contribution = models.OneToOneField(
        "engagement.Contribution", on_delete=models.CASCADE, related_name="original_text"
    )
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Original text of contribution {self.contribution_id}"


class ErasureRecord(models.Model):
    """That an erasure (UK GDPR Article 17) happened; never what was erased.

    pseudonym is blank when a quarantined row was erased on its own (no participant named in it)."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    pseudonym = models.CharField(max_length=12, blank=True)
    contributions_removed = models.PositiveIntegerField()
    quarantined_rows_erased = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Erasure of {self.pseudonym}"
