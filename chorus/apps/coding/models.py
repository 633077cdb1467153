"""Thematic coding: codebooks and themes per programme, codings made by people and by models, their history,
model runs, stored sentence vectors for search and clustering, sentiment, emerging issues and agreement
samples. Nothing here stores residents' words beyond the contribution they belong to: every row that refers to
a contribution is deleted with it (consent withdrawn)."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import models
from django.urls import reverse


class Codebook(models.Model):
    class Source(models.TextChoices):
        STARTER = "starter", "Starter codebook"
        CSV = "csv", "Imported from CSV"
        QDC = "qdc", "Imported from REFI-QDA (.qdc)"
        MANUAL = "manual", "Made in Chorus"

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="codebooks")
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    slug = models.CharField(max_length=200, help_text='Stable id, e.g. "housing/damp-mould".')
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    examples = models.JSONField(default=list, blank=True, help_text="Short example quotes.")
    position = models.PositiveIntegerField(default=0)
    guid = models.CharField(max_length=40, blank=True, help_text="GUID from another QDA tool, if imported.")
    color = models.CharField(max_length=7, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promoted_from_cluster = models.ForeignKey(
        "EmergingCluster", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["codebook", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["codebook", "slug"], name="unique_theme_slug")]

    def __str__(self) -> str:
        return self.name


class RunKind(models.TextChoices):
    ZERO_SHOT = "zero-shot", "Zero-shot (from the codebook)"
    BATCH = "batch", "Zero-shot, learning from the contributions themselves"
    FEW_SHOT = "few-shot", "A few coded examples and the codebook"
    TRAINED = "trained", "Trained on reviews"
    EMERGING = "emerging", "Emerging issues"
    DISCOVERY = "discovery", "Themes from the data"


class CodingMethod(models.TextChoices):
    """How a model coding was made (a person's has none): what figures say it was coded by."""

    ZERO_SHOT = "zero-shot", "Model, from the codebook alone"
    BATCH = "batch", "Model, from the codebook and the contributions themselves"
    FEW_SHOT = "few-shot", "Model, from a few coded examples and the codebook"
    TRAINED = "trained", "Model trained on coded examples"
    OTHER_LANGUAGE = "language", "Multilingual model (contribution not in English)"
    IMPORTED = "imported", "Imported labels"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class ModelRun(models.Model):
    """One background run: coding a programme with a model, or looking for emerging issues; with progress."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="model_runs")
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=10, choices=RunKind.choices, default=RunKind.ZERO_SHOT)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    model_name = models.CharField(max_length=200, blank=True)
    model_version = models.CharField(max_length=200, blank=True)
    training_size = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    directory = models.CharField(max_length=300, blank=True, help_text="Stored model, under MEDIA_ROOT.")
    phase = models.CharField(max_length=60, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    options = models.JSONField(
        default=dict, blank=True, help_text="How the run was asked to code, read by each of its chunks."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("coding:run", args=[self.programme.slug, self.pk])

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class ChunkStage(models.TextChoices):
    PREPARE = "prepare", "Reading contributions"
    CODE = "code", "Coding contributions"


class ModelRunChunk(models.Model):
    """Part of a coding run that any worker may take: some contributions to read (embed, detect their
    language) or to code. Done is set in the same transaction as what the chunk wrote, so a chunk done
    again after its worker stopped writes nothing twice."""

    run = models.ForeignKey(ModelRun, on_delete=models.CASCADE, related_name="chunks")
    stage = models.CharField(max_length=10, choices=ChunkStage.choices)
    index = models.PositiveIntegerField()
    contribution_ids = models.JSONField(default=list)
    other_language = models.JSONField(default=list, help_text="Per contribution: not in English.")
    languages = models.JSONField(
        default=list, help_text="Per contribution: its language code, stored or detected ('' if not known)."
    )
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "stage", "index"], name="one_chunk_per_place_in_run")
        ]

    def __str__(self) -> str:
        return f"{self.stage} chunk {self.index} of run {self.run_id}"


class CodingStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested by the model"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Coding(models.Model):
    """One theme on one contribution, made by a model (name@version) or a person, with when and how sure.

    A person's decision is a new Coding (made_by_user set) that makes the model's suggestion no longer
    current; at most one current coding per contribution and theme.
    """

    contribution = models.ForeignKey(
        "engagement.Contribution", on_delete=models.CASCADE, related_name="codings"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")
    confidence = models.FloatField(null=True, blank=True)
    made_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_by_model = models.CharField(max_length=300, blank=True, help_text='"name@version"')
    method = models.CharField(
        max_length=10,
        choices=CodingMethod.choices,
        blank=True,
        help_text="How the model made it; blank for a person.",
    )
    threshold = models.FloatField(
        null=True, blank=True, help_text="The confidence the model needed to apply the theme (model codings)."
    )
    model_score = models.FloatField(
        null=True,
        blank=True,
        help_text="The model's own confidence, before it was calibrated against people's answers.",
    )
    run = models.ForeignKey(
        ModelRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="codings"
    )
    made_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CodingStatus.choices)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [
            # Starts with (contribution, current) for lookups by contribution, and covers the dashboard's
            # counts of themes per contribution group without reading the table.
            models.Index(
                fields=["contribution", "current", "status", "theme"], name="coding_contrib_status_theme"
            ),
            models.Index(fields=["theme", "current", "status"]),
            # The newest coding under a theme in one index lookup: the dashboards' cache stamp.
            models.Index(fields=["theme", "id"], name="coding_theme_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "theme"], condition=models.Q(current=True), name="one_current_coding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.theme} on contribution {self.contribution_id} ({self.status})"

    @property
    def made_by(self) -> str:
        return str(self.made_by_user) if self.made_by_user_id else self.made_by_model


class CodingEvent(models.Model):
    """History of people's and models' decisions on a contribution: who, what, when (never text)."""

    class Action(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        ADDED = "added", "Added"
        REVIEWED = "reviewed", "Reviewed with no theme"

    contribution = models.ForeignKey(
        "engagement.Contribution", on_delete=models.CASCADE, related_name="coding_events"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    model = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on contribution {self.contribution_id}"


class ReviewState(models.Model):
    """Where a contribution stands in the review queue: how unsure the model is, and who reviewed it."""

    contribution = models.OneToOneField(
        "engagement.Contribution", on_delete=models.CASCADE, related_name="review_state"
    )
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="+")
    margin = models.FloatField(help_text="Distance of the closest call from its threshold: small = unsure.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["codebook", "reviewed_at", "margin"])]

    def __str__(self) -> str:
        return f"Review state of contribution {self.contribution_id}"


class ContributionVector(models.Model):
    contribution = models.OneToOneField(
        "engagement.Contribution", on_delete=models.CASCADE, related_name="vector"
    )
    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=200)
    vector = models.BinaryField(help_text="float32, unit length")

    def __str__(self) -> str:
        return f"Vector of contribution {self.contribution_id}"

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype=np.float32)


class Sentiment(models.Model):
    class Label(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"
        MIXED = "mixed", "Mixed"

    contribution = models.OneToOneField(
        "engagement.Contribution", on_delete=models.CASCADE, related_name="sentiment"
    )
    label = models.CharField(max_length=10, choices=Label.choices)
    confidence = models.FloatField()
    model = models.CharField(max_length=300)
    made_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.label} (contribution {self.contribution_id})"


class EmergingCluster(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="emerging_clusters"
    )
    run = models.ForeignKey(
        ModelRun, on_delete=models.CASCADE, null=True, blank=True, related_name="clusters"
    )
    number = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    key_terms = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    trend = models.CharField(max_length=10, default="unknown")
    periods = models.JSONField(default=list, help_text='[["2026-03", 4], ...] oldest first')
    representative_ids = models.JSONField(
        default=list, help_text="Contribution ids, nearest the centre first."
    )
    member_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_to = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "number"]

    def __str__(self) -> str:
        return self.name


class DiscoveredTheme(models.Model):
    """A theme proposed by a discovery run (chorus.coding.discovery): the analyst edits, merges and promotes
    it into the codebook. Quotes are contribution ids; their words are read (consented ones only) when
    shown."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="discovered_themes"
    )
    run = models.ForeignKey(ModelRun, on_delete=models.CASCADE, related_name="discovered_themes")
    number = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    key_terms = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    trend = models.CharField(max_length=10, default="unknown")
    periods = models.JSONField(default=list, help_text='[["2026-03", 4], ...] oldest first')
    stability = models.FloatField(default=0.0, help_text="Mean best Jaccard overlap across reseeded reruns.")
    quote_ids = models.JSONField(
        default=list, help_text="Consented contribution ids, nearest the centre first."
    )
    member_ids = models.JSONField(default=list)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    promoted_to = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "number"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Still a proposal: neither merged into another nor promoted."""
        return self.merged_into_id is None and self.promoted_to_id is None


class AgreementSample(models.Model):
    """Contributions coded independently by several people (and the model), to measure agreement."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="agreement_samples"
    )
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="agreement_samples")
    name = models.CharField(max_length=200)
    contributions = models.ManyToManyField("engagement.Contribution", related_name="+")
    coders = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="agreement_samples")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CodingSampleAnswer(models.Model):
    """The themes one coder (a person, or the model as it stood) gave one contribution of a sample."""

    sample = models.ForeignKey(AgreementSample, on_delete=models.CASCADE, related_name="answers")
    contribution = models.ForeignKey("engagement.Contribution", on_delete=models.CASCADE, related_name="+")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    coder_model = models.CharField(max_length=300, blank=True, help_text="Set when the model is the coder.")
    themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "contribution", "coder"],
                condition=models.Q(coder__isnull=False),
                name="one_answer_per_coder",
            ),
            models.UniqueConstraint(
                fields=["sample", "contribution"],
                condition=models.Q(coder__isnull=True),
                name="one_model_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer of {self.coder or self.coder_model} on contribution {self.contribution_id}"


class TeachAnswer(models.Model):
    """One answer of a "teach Chorus" session: the themes a person chose for a contribution, beside what the
    model coded before it had seen the answer (prequential evaluation: each answer tests the model first)."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="teach_answers")
    contribution = models.ForeignKey("engagement.Contribution", on_delete=models.CASCADE, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField()
    chosen = models.JSONField(default=list, help_text="Theme ids the person chose.")
    predicted = models.JSONField(
        default=dict, help_text="The model's themes before the answer, {theme id: its own score}."
    )
    model = models.CharField(max_length=300, blank=True, help_text="The model that predicted, name@version.")
    agreed = models.BooleanField(
        help_text="The model's themes and the person's share one (or both are none)."
    )

    class Meta:
        ordering = ["answered_at", "id"]
        indexes = [models.Index(fields=["codebook", "answered_at"])]

    def __str__(self) -> str:
        return f"Teaching answer on contribution {self.contribution_id}"
