"""Writes for board reports: one function per action (validate, change atomically, record audit)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import Programme

from . import render
from .figures import report_figures
from .models import Recommendation, Report, ReportQuote, ReportStatus

log = logging.getLogger("chorus.publishing")

# A report period longer than this is almost certainly a typing slip (a year 2206, say).
LONGEST_PERIOD = datetime.timedelta(days=366 * 5)


def create_report(
    programme: Programme,
    period_start: datetime.date,
    period_end: datetime.date,
    filters: Filters,
    *,
    public: bool,
    by,
    enqueue: bool = True,
) -> Report:
    """Make the next version of the programme's report for the period: freeze its figures now and queue
    the rendering of its HTML and PDF on the "reports" queue (enqueue=False: the caller renders it)."""
    if by is not None and not by.has_perm("publishing.create_report", programme):
        raise ActionError("Only the programme's analysts and administrators can make its reports.")
    if period_end < period_start:
        raise ActionError("The period must end on or after the day it starts.", "period_end")
    if period_end - period_start > LONGEST_PERIOD:
        raise ActionError("A report can cover at most five years.", "period_end")
    kept_filters = filters.without("from", "to")
    with transaction.atomic():
        # Lock the programme so two people making a report at once get versions n and n + 1.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        quoted: list[int] = []
        figures = report_figures(
            programme, period_start, period_end, kept_filters, public=public, quoted=quoted
        )
        latest = Report.objects.filter(
            programme=programme, period_start=period_start, period_end=period_end
        ).aggregate(latest=Max("version"))["latest"]
        report = Report.objects.create(
            programme=programme,
            period_start=period_start,
            period_end=period_end,
            version=(latest or 0) + 1,
            filters=[list(pair) for pair in kept_filters.as_params()],
            is_public=public,
            figures=figures,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        ReportQuote.objects.bulk_create(
            ReportQuote(report=report, contribution_id=contribution_id, position=position)
            for position, contribution_id in enumerate(quoted)
        )
        audit(
            "publishing.report_created",
            actor=by,
            obj=report,
            programme=programme,
            version=report.version,
            public=public,
        )
        if enqueue:
            _enqueue(report)
    return report


def _enqueue(report: Report) -> None:
    from .tasks import render_report as task

    report_id = report.pk
    transaction.on_commit(lambda: task.enqueue(report_id))


def retry_report(report: Report, *, by) -> Report:
    """Queue a failed rendering again (the figures stay as they were frozen)."""
    if not by.has_perm("publishing.create_report", report.programme):
        raise ActionError("Only the programme's analysts and administrators can do this.")
    if report.status != ReportStatus.FAILED:
        raise ActionError("Only a report whose rendering failed can be tried again.")
    with transaction.atomic():
        report.status, report.error, report.phase = ReportStatus.QUEUED, "", ""
        report.progress_done = 0
        report.save(update_fields=["status", "error", "phase", "progress_done"])
        audit("publishing.report_retried", actor=by, obj=report, programme=report.programme)
        _enqueue(report)
    return report


def withdraw_quotes(contribution_ids: Iterable[int], *, reason: str, public_only: bool = False, by) -> int:
    """Take these contributions' words out of every report version that quotes them: out of the frozen
    figures at once, and out of the HTML and PDF by rendering them again on the "reports" queue (until then
    the page is drawn from the new figures and no PDF is served). Returns how many quotes were taken out.

    Runs inside the action that withdraws the consent or erases the resident, before the contribution is
    deleted (on engagement's consent_withdrawn signal, see apps.py). `public_only`: only the published
    versions (consent to open data withdrawn). The audit names each version and how many quotes left it,
    never the words.
    """
    links = ReportQuote.objects.filter(contribution_id__in=list(contribution_ids))
    if public_only:
        links = links.filter(report__is_public=True)
    removed = 0
    with transaction.atomic():
        reports = Report.objects.select_for_update().filter(pk__in=links.values("report_id")).order_by("pk")
        for report in reports.select_related("programme"):
            sources = list(report.quote_sources.order_by("position"))
            gone = set(links.filter(report=report).values_list("position", flat=True))
            quotes = report.figures.get("quotes", [])
            report.figures["quotes"] = [
                quote for position, quote in enumerate(quotes) if position not in gone
            ]
            report.quote_sources.all().delete()
            ReportQuote.objects.bulk_create(
                ReportQuote(report=report, contribution_id=link.contribution_id, position=position)
                for position, link in enumerate(link for link in sources if link.position not in gone)
            )
            Report.objects.filter(pk=report.pk).update(
                figures=report.figures,
                html="",
                pdf=None,
                status=ReportStatus.QUEUED,
                phase="",
                progress_done=0,
                error="",
                quotes_removed=F("quotes_removed") + len(gone),
            )
            audit(
                "publishing.report_quotes_removed",
                actor=by,
                obj=report,
                programme=report.programme,
                version=report.version,
                quotes=len(gone),
                reason=reason,
            )
            _enqueue(report)
            removed += len(gone)
    return removed


def title(report: Report) -> str:
    return f"{report.programme.name}: report for {report.period_label}"


def meta(report: Report) -> str:
    audience = "Published version" if report.is_public else "For the programme and its board"
    return f"Version {report.version} · {audience} · made {timezone.localtime(report.created_at):%-d %B %Y}"


def render_report(report_id: int) -> Report:
    """Draw the charts, write the HTML body and make the PDF of a report version, with progress.

    Run by the background task; safe to run again (a finished report is left as it is).
    """
    report = Report.objects.select_related("programme").get(pk=report_id)
    if report.status == ReportStatus.DONE:
        return report
    # Quotes taken out while this runs make what it draws stale: it then writes nothing, and the
    # rendering queued by withdraw_quotes draws the version again.
    same_quotes = Report.objects.filter(pk=report.pk, quotes_removed=report.quotes_removed)
    steps = len(render.CHARTS) + 2
    state = {"done": 0}

    def progress(phase: str | None = None, step: bool = True) -> None:
        if step:
            state["done"] += 1
        fields = {"progress_done": state["done"]}
        if phase is not None:
            fields["phase"] = phase
        Report.objects.filter(pk=report.pk).update(**fields)

    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        phase="Drawing the charts",
        progress_done=0,
        progress_total=steps,
        error="",
    )
    try:
        charts = render.draw_charts(report.figures, progress=progress)
        progress("Writing the report", step=False)
        made_at = f"{timezone.localtime(report.created_at):%-d %B %Y}"
        html = render.body_html(report.figures, charts, version=report.version, made_at=made_at)
        same_quotes.update(html=html)
        progress("Making the PDF")
        pdf = render.pdf_bytes(title=title(report), meta=meta(report), body=html)
    except Exception as error:
        log.exception("report %s could not be rendered", report.pk)
        same_quotes.update(
            status=ReportStatus.FAILED,
            error=f"The report could not be rendered ({type(error).__name__}: {error})"[:2000],
        )
    else:
        same_quotes.update(
            pdf=pdf,
            status=ReportStatus.DONE,
            phase="",
            progress_done=steps,
            rendered_at=timezone.now(),
        )
    report.refresh_from_db()
    return report


def report_lost(report_id: int, *, retrying: bool, reason: str) -> None:
    """The worker rendering the report stopped (chorus.apps.core.durable): it is queued again, or failed
    with the reason."""
    report = Report.objects.filter(
        pk=report_id, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).first()
    if report is None:
        return
    if retrying:
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, phase="Starting again")
    else:
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=reason)
    audit("report.worker_lost", obj=report, programme=report.programme, retrying=retrying)


# ------------------------------------------------------------------------------------------------ board story

RECOMMENDATION_MAX_CHARS = 600


def add_recommendation(
    programme: Programme, period_start: datetime.date, period_end: datetime.date, text: str, *, by
) -> Recommendation:
    """Add a "The Board is asked to…" line to the programme's board story for the period (at the end)."""
    if not by.has_perm("publishing.write_recommendations", programme):
        raise ActionError("Only the programme's leads and administrators can write recommendations.")
    text = " ".join(text.split())
    if not text:
        raise ActionError("Write what the board is asked to do.", "text")
    if len(text) > RECOMMENDATION_MAX_CHARS:
        raise ActionError(f"Keep a recommendation to {RECOMMENDATION_MAX_CHARS} characters.", "text")
    if period_end < period_start:
        raise ActionError("The period must end on or after the day it starts.")
    with transaction.atomic():
        last = Recommendation.objects.filter(
            programme=programme, period_start=period_start, period_end=period_end
        ).aggregate(last=Max("position"))["last"]
        recommendation = Recommendation.objects.create(
            programme=programme,
            period_start=period_start,
            period_end=period_end,
            text=text,
            position=0 if last is None else last + 1,
            created_by=by,
        )
        audit("publishing.recommendation_added", actor=by, obj=recommendation, programme=programme)
    return recommendation


def remove_recommendation(recommendation: Recommendation, *, by) -> None:
    """Take a recommendation out of the board story (report versions already made keep theirs)."""
    programme = recommendation.programme
    if not by.has_perm("publishing.write_recommendations", programme):
        raise ActionError("Only the programme's leads and administrators can change recommendations.")
    with transaction.atomic():
        audit("publishing.recommendation_removed", actor=by, obj=recommendation, programme=programme)
        recommendation.delete()
