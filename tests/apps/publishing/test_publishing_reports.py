"""Board reports: versions with frozen figures, their content, public versions under disclosure control."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import AgesHeard
from chorus.apps.publishing import actions
from chorus.apps.publishing.models import Report, ReportStatus
from chorus.apps.publishing.render import body_html

from support.world import voice, ward

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 3, 31)
NO_FILTERS = Filters()


def make(evidence, *, public=False, filters=NO_FILTERS, start=START, end=END) -> Report:
    return actions.create_report(
        evidence.world.programme, start, end, filters, public=public, by=evidence.world.analyst, enqueue=False
    )


def test_a_second_report_for_the_period_is_version_two_and_the_first_never_changes(evidence):
    first = make(evidence)
    frozen = copy.deepcopy(first.figures)
    assert first.version == 1 and frozen["summary"]["contributions"] == 43
    activity = Activity.objects.create(
        programme=evidence.world.programme,
        kind=ActivityKind.CONVERSATION,
        title="More",
        date=date(2026, 3, 30),
    )
    for i in range(4):
        create_contribution(
            activity, voice(f"Later voice {i}", already_redacted=True), by=evidence.world.analyst
        )

    second = make(evidence)

    assert second.version == 2 and second.figures["summary"]["contributions"] == 47
    first.refresh_from_db()
    assert first.version == 1 and first.figures == frozen
    assert make(evidence, end=date(2026, 2, 28)).version == 1  # another period starts again at 1
    assert [r.version for r in Report.objects.filter(period_end=END).order_by("version")] == [1, 2]


def test_internal_report_has_exact_figures_intervals_trend_places_and_priorities(evidence):
    figures = make(evidence).figures
    themes = {theme["slug"]: theme for theme in figures["themes"]}
    # A share of the 30 contributions coded to themes, not of all 43.
    assert (themes["housing"]["count"], themes["housing"]["total"]) == (17, 30)
    assert themes["housing"]["percent"] == 56.7 and figures["methods"]["coded"] == 30
    low, high = themes["housing"]["interval"]
    assert low < 56.7 < high
    assert themes["loneliness"]["count"] == 2  # exact in the internal version
    assert figures["trend"]["period"] == "month" and figures["trend"]["periods"] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    places = {place["ward"]: place for place in figures["places"]}
    assert places["Victoria"]["contributions"] == 3 and places["Kursaal"]["contributions"] == 23
    assert [p["title"] for p in figures["priorities"]] == ["Internal only", "Warm, dry homes"]
    warm = figures["priorities"][1]
    assert warm["residents"] == 17 and warm["decisions"][0]["outcome"] == "Accepted"
    assert warm["actions"][0]["title"] == "Open the hotline"
    assert figures["methods"]["reviewed"] == 30  # every coded contribution was a person's decision


def test_the_report_says_whom_the_age_comparison_covers_beside_who_we_heard_from(evidence):
    evidence.world.programme.ages_heard = AgesHeard.ADULTS
    evidence.world.programme.save()
    figures = make(evidence).figures
    sentence = figures["heard_from"]["ages"]
    assert sentence.startswith("The programme sets out to hear adults, so contributors are compared with")
    html = body_html(figures, {}, version=1, made_at="2026-04-01T09:00:00+00:00")

    def heard_from(html: str) -> str:
        return html[html.index('<h2 id="heard">') : html.index('<h2 id="themes">')]

    assert f"<p>{sentence}</p>" in heard_from(html)
    assert f"<p>{sentence}</p>" in html[: html.index('<h2 id="summary">')]  # and in the board story
    del figures["heard_from"]["ages"]  # a version frozen before programmes said whom they hear
    html = body_html(figures, {}, version=1, made_at="2026-04-01T09:00:00+00:00")
    assert sentence not in heard_from(html)


def test_quotes_need_quote_consent_and_public_ones_open_data_consent_too(evidence):
    internal = make(evidence).figures["quotes"]
    public = make(evidence, public=True).figures["quotes"]
    quoted = {c.text: c for c in evidence.contributions}
    assert internal and public
    for quote in internal:
        assert quoted[quote["text"]].consent_quote
    for quote in public:
        assert quoted[quote["text"]].consent_quote and quoted[quote["text"]].consent_open_data
    assert all(quote["text"] != "I do not want this quoted about the housing office" for quote in internal)
    # Victoria gave 3 contributions: its quotes never name it; Kursaal gave 23 and may be named.
    victoria = [q for q in internal if "in Victoria" in q["text"]]
    assert victoria and all(q["ward"] == "" for q in victoria)
    assert any(q["ward"] == "Kursaal" for q in internal)


def test_public_report_has_no_count_from_one_to_seven_in_its_figures_or_its_page(
    evidence, client, public_checks
):
    report = make(evidence, public=True)
    assert public_checks.figures(report.figures) > 40
    themes = {theme["slug"]: theme for theme in report.figures["themes"]}
    assert themes["loneliness"]["count"] == "*" and themes["loneliness"]["interval"] is None
    # 17 of the 30 coded (56.7%) is published as 15 of 30, and the percent is worked out from those: 50.0%.
    assert themes["housing"]["count"] == 15 and themes["housing"]["percent"] == 50.0

    html = client.get(reverse("publishing:public-report", args=["southend-connectors", report.pk])).content
    assert public_checks.html(html.decode()) > 40
    assert "Internal only" not in html.decode()  # only public priorities in a public report


def test_report_form_carries_the_dashboard_filters_and_keeps_input_on_error(evidence, client):
    world = evidence.world
    client.force_login(world.analyst)
    kursaal = ward("Kursaal").code
    url = reverse("publishing:report-new", args=[world.programme.slug])
    page = client.get(url + f"?from=2026-01-01&to=2026-03-31&ward={kursaal}&kind=bogus")
    form = page.context["form"]
    assert form.initial["period_start"] == START and form.initial["filters"] == f"ward={kursaal}"
    assert "Wards: Kursaal" in page.content.decode() and "unknown activity type" in page.content.decode()

    bad = client.post(
        url,
        {
            "period_start": "2026-03-31",
            "period_end": "2026-01-01",
            "audience": "internal",
            "filters": f"ward={kursaal}",
        },
    )
    assert bad.status_code == 400
    assert "The last day must be on or after the first day" in bad.content.decode()
    assert bad.context["form"]["filters"].value() == f"ward={kursaal}"

    made = client.post(
        url,
        {
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "audience": "internal",
            "filters": f"ward={kursaal}",
        },
    )
    report = Report.objects.get()
    assert made.url == report.get_absolute_url()
    assert report.filters == [["ward", kursaal]] and report.figures["filters"] == ["Wards: Kursaal"]
    assert report.figures["summary"]["contributions"] == 23
    assert report.status == ReportStatus.QUEUED


def test_a_rendering_that_fails_says_why_and_can_be_tried_again(evidence, client):
    report = make(evidence)
    Report.objects.filter(pk=report.pk).update(
        figures={**report.figures, "over_time": [{"month": "2026-01"}]}
    )
    report = actions.render_report(report.pk)
    assert report.status == ReportStatus.FAILED and not report.pdf
    assert report.error.startswith("The report could not be rendered (KeyError")
    client.force_login(evidence.world.analyst)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "The PDF could not be made" in page and "Try again" in page
    client.post(reverse("publishing:report-retry", args=[report.programme.slug, report.pk]))
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.QUEUED, "")
