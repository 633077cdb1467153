"""Board reports: versions of a programme's report for a period, each with its figures frozen as JSON."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be rendered"
    RUNNING = "running", "Rendering"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class Report(models.Model):
    """One version of a programme's board report for a period.

    The figures are computed once, when the version is made, and kept as JSON: a version never changes,
    whatever happens to the data afterwards (a later version shows the new figures), with one exception: a
    resident who withdraws consent to be quoted, or is erased, leaves every version that quoted them
    (`ReportQuote` says which did; `quotes_removed` counts what left). The HTML body and the
    PDF are rendered from those figures by a background task on the "reports" queue. A public version's
    figures went through disclosure control before they were frozen, so not even the stored JSON holds a
    small count.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField()
    filters = models.JSONField(
        default=list,
        blank=True,
        help_text='The dashboard filters besides the dates, e.g. [["ward", "E05…"]].',
    )
    is_public = models.BooleanField(default=False, help_text="Published on the programme's public page.")
    figures = models.JSONField(help_text="Every figure in the report, frozen when the version was made.")
    html = models.TextField(blank=True, help_text="The report's body, rendered once from the figures.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    phase = models.CharField(max_length=60, blank=True)
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    quotes_removed = models.PositiveIntegerField(
        default=0, help_text="Quotes taken out since the version was made (consent withdrawn or erased)."
    )

    class Meta:
        ordering = ["programme", "-period_end", "-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start", "period_end", "version"], name="unique_report_version"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="report_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} report {self.period_label}, version {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("publishing:report", args=[self.programme.slug, self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"

    @property
    def is_active(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def has_pdf(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.pdf)

    @property
    def being_remade(self) -> bool:
        """Rendered once, and queued again since (quotes were taken out of it)."""
        return self.is_active and self.rendered_at is not None

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == ReportStatus.DONE else 0
        return round(100 * self.progress_done / self.progress_total)


class ReportQuote(models.Model):
    """A quote in a report version and the contribution it came from, so that the words leave the version
    when the resident withdraws consent or is erased. The contribution is kept by id, without a database
    constraint, so the link still says which quote to take out after the contribution itself is deleted."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="quote_sources")
    contribution = models.ForeignKey(
        "engagement.Contribution", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    position = models.PositiveSmallIntegerField(help_text="Index of the quote in the figures' quotes.")

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="unique_report_quote_position")
        ]

    def __str__(self) -> str:
        return f"quote {self.position} of {self.report}"


class Recommendation(models.Model):
    """One of "The Board is asked to…" lines a programme lead writes for a period's board story. A report
    version made for that period freezes the recommendations as they stood, like its figures."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="board_recommendations"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    text = models.TextField(help_text="What the board is asked to do, e.g. note the rise in damp and mould.")
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "-period_end", "position", "id"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.text[:60]}"
