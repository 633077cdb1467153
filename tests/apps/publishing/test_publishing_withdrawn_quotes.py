"""A resident who withdraws consent to be quoted, or is erased, leaves every stored report version that
quoted them: its frozen figures, its HTML, its PDF (internal and public), with an audit naming the version
and the count, never the words."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.actions import withdraw_consent
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports.actions import erase_participant
from chorus.apps.imports.models import Participant
from chorus.apps.insight.filters import Filters
from chorus.apps.publishing import actions
from chorus.apps.publishing.models import Report, ReportStatus

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 3, 31)


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "imports", "coding", "reports"],
        }
    }


def created(evidence, *, public: bool) -> Report:
    world = evidence.world
    return actions.create_report(
        world.programme, START, END, Filters(), public=public, by=world.analyst, enqueue=False
    )


def rendered(evidence, *, public: bool) -> Report:
    report = actions.render_report(created(evidence, public=public).pk)
    assert report.status == ReportStatus.DONE and report.pdf
    return report


def pdf_text(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def quoted_in_both(internal: Report, public: Report) -> Contribution:
    """A contribution both versions quote (public quotes also need open-data consent)."""
    texts = {quote["text"] for quote in public.figures["quotes"]} & {
        q["text"] for q in internal.figures["quotes"]
    }
    assert texts
    return Contribution.objects.get(text=sorted(texts)[0])


def everything_stored(report: Report) -> str:
    report.refresh_from_db()
    return json.dumps(report.figures) + report.html


def assert_gone_everywhere(words: str, internal: Report, public: Report, evidence, tmp_path, capture) -> None:
    for report in (internal, public):
        assert words not in everything_stored(report)
        # Until the PDF is made again, none is served (never the old one).
        assert report.pdf is None and not report.has_pdf
    slug = evidence.world.programme.slug
    anonymous = Client()
    page = anonymous.get(reverse("publishing:public-report", args=[slug, public.pk]))
    assert page.status_code == 200 and words not in page.content.decode()
    assert anonymous.get(reverse("publishing:public-report-pdf", args=[slug, public.pk])).status_code == 404
    member = Client()
    member.force_login(evidence.world.analyst)
    page = member.get(reverse("publishing:report", args=[slug, internal.pk]))
    assert words not in page.content.decode() and "being made again" in page.content.decode()
    # The background rendering (run here as the worker would) makes a PDF without the words.
    for callback in capture:
        callback()
    for report in (internal, public):
        report.refresh_from_db()
        assert report.status == ReportStatus.DONE and report.has_pdf
        assert words not in report.html
        text = " ".join(pdf_text(bytes(report.pdf), tmp_path).split())
        assert "In residents" in text and words not in text
    response = anonymous.get(reverse("publishing:public-report-pdf", args=[slug, public.pk]))
    assert response.status_code == 200 and words.encode() not in response.content


def test_withdrawing_quote_consent_takes_the_words_out_of_every_stored_report(
    evidence, tmp_path, django_capture_on_commit_callbacks
):
    internal, public = rendered(evidence, public=False), rendered(evidence, public=True)
    contribution = quoted_in_both(internal, public)
    words = contribution.text
    assert words in internal.html and words in pdf_text(bytes(public.pdf), tmp_path).replace("\n", " ")
    quotes_before = len(internal.figures["quotes"])

    with django_capture_on_commit_callbacks() as capture:
        withdraw_consent(contribution, "quote", by=evidence.world.analyst)

    internal.refresh_from_db()
    assert len(internal.figures["quotes"]) == quotes_before - 1 and internal.quotes_removed == 1
    assert not internal.quote_sources.filter(contribution_id=contribution.pk).exists()
    # The remaining quotes still point at their own contributions.
    for link in internal.quote_sources.all():
        assert (
            internal.figures["quotes"][link.position]["text"]
            == Contribution.objects.get(pk=link.contribution_id).text
        )
    events = AuditEvent.objects.filter(action="publishing.report_quotes_removed")
    assert {event.object_id for event in events} == {str(internal.pk), str(public.pk)}
    assert all(event.details["quotes"] == 1 for event in events)
    assert words not in json.dumps(list(events.values("details")))
    assert_gone_everywhere(words, internal, public, evidence, tmp_path, capture)


def test_erasing_a_resident_takes_their_words_out_of_every_stored_report(
    evidence, tmp_path, django_capture_on_commit_callbacks
):
    internal, public = rendered(evidence, public=False), rendered(evidence, public=True)
    contribution = quoted_in_both(internal, public)
    words = contribution.text
    person = Participant.objects.create(
        programme=evidence.world.programme, pseudonym="P-QUOTED", ref_hash="x"
    )
    Contribution.objects.filter(pk=contribution.pk).update(participant=person)

    with django_capture_on_commit_callbacks() as capture:
        erase_participant(person, by=evidence.world.analyst)

    assert not Contribution.objects.filter(pk=contribution.pk).exists()
    assert_gone_everywhere(words, internal, public, evidence, tmp_path, capture)


def test_withdrawing_open_data_consent_takes_the_words_out_of_published_versions_only(evidence):
    internal = created(evidence, public=False)
    public = created(evidence, public=True)
    contribution = quoted_in_both(internal, public)

    withdraw_consent(contribution, "open_data", by=evidence.world.analyst)

    assert contribution.text not in everything_stored(public)
    assert contribution.text in everything_stored(internal)  # still agreed to be quoted to the board


def test_versions_made_before_the_upgrade_get_their_quotes_linked_and_withdrawn_ones_taken_out(evidence):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("chorus.apps.publishing.migrations.0003_link_existing_quotes")
    internal = created(evidence, public=False)
    Report.objects.filter(pk=internal.pk).update(
        html="<p>stored</p>", pdf=b"%PDF-old", status=ReportStatus.DONE
    )
    positions = {link.position: link.contribution_id for link in internal.quote_sources.all()}
    internal.quote_sources.all().delete()  # as a version made before quotes were linked
    withdrawn = Contribution.objects.get(pk=positions[0])
    Contribution.objects.filter(pk=withdrawn.pk).update(consent_quote=False)  # withdrawn before the upgrade

    migration.link_existing_quotes(apps, None)

    internal.refresh_from_db()
    assert withdrawn.text not in everything_stored(internal)
    assert internal.pdf is None and internal.status == ReportStatus.FAILED and internal.quotes_removed == 1
    assert {link.position: link.contribution_id for link in internal.quote_sources.all()} == {
        position - 1: contribution_id for position, contribution_id in positions.items() if position
    }
