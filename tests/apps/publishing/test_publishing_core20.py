"""The Core20 share says what it is a share of: the summary counts every ward, who we heard from counts the
focus wards only, and a board member reading both must not take them for one figure, one of them wrong."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chorus.apps.engagement.actions import ContributionInput, create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight.filters import Filters
from chorus.apps.places.models import Area, Level
from chorus.apps.publishing import actions, render
from chorus.apps.publishing.story import story_figures, story_sections

from support.world import SOUTHEND

pytestmark = pytest.mark.django_db

START, END = date(2026, 2, 1), date(2026, 3, 31)
SHARE = re.compile(r"(\d+) of (?:the )?(\d+)[^(]*\((\d+\.\d)%\)")


def words(story: dict) -> str:
    return "\n".join(
        line
        for section in story_sections(story)
        for line in [section.heading, *section.paragraphs, *section.items]
    )


def heard_from_elsewhere(evidence, n: int = 12) -> Area:
    """`n` contributions in March from a Southend ward that is not a focus ward, from Core20 LSOAs or not."""
    programme = evidence.world.programme
    focus = programme.focus_areas.values("pk")
    elsewhere = (
        Area.objects.filter(level=Level.WARD, parent__code=SOUTHEND, children__level=Level.LSOA)
        .exclude(pk__in=focus)
        .exclude(children__core20=None)
        .distinct()
        .order_by("name")
        .first()
    )
    lsoas = list(Area.objects.filter(parent=elsewhere, level=Level.LSOA).order_by("-core20", "code"))
    activity = Activity.objects.create(
        programme=programme,
        kind=ActivityKind.CONVERSATION,
        title="Elsewhere",
        date=date(2026, 3, 20),
        area=elsewhere,
        participants=n,
    )
    for i in range(n):
        create_contribution(
            activity,
            ContributionInput(
                text=f"Resident {i} elsewhere talked about the buses",
                consent_quote=False,
                consent_open_data=False,
                consent_recontact=False,
                ward=elsewhere,
                lsoa=lsoas[i % len(lsoas)],
                age_band="25-34",
                already_redacted=True,
            ),
            by=evidence.world.analyst,
        )
    return elsewhere


def test_the_story_core20_share_names_all_wards_and_its_base_and_gives_the_focus_ward_share_apart(evidence):
    heard_from_elsewhere(evidence)
    story = story_figures(evidence.world.programme, START, END, public=False)
    heard = story["heard"]
    assert heard["core20_scope"] == "all wards"
    compared = heard["core20_compared"]
    assert compared["scope"] == "focus wards only" and compared["known"] == heard["core20_known"] - 12

    text = words(story)
    all_wards = next(line for line in text.splitlines() if line.startswith("All wards: "))
    focus = next(line for line in text.splitlines() if line.startswith("Focus wards only"))
    assert (
        f"All wards: {heard['core20']} of the {heard['core20_known']} contributions with a known home area "
        f"({heard['core20_percent']:.1f}%) came from Core20 areas" in all_wards
    )
    assert (
        f"Focus wards only, as in the comparison with the population: {compared['core20']} of "
        f"{compared['known']} ({compared['percent']:.1f}%)." == focus
    )
    # Two figures, two bases, each said beside its share: neither can be read as the other.
    (_, base_all, share_all), (_, base_focus, share_focus) = (
        SHARE.findall(all_wards)[0],
        SHARE.findall(focus)[0],
    )
    assert base_all != base_focus and share_all != share_focus
    assert "whose neighbourhood we know" not in text


def test_the_story_gives_one_core20_share_when_every_contribution_is_from_a_focus_ward(evidence):
    story = story_figures(evidence.world.programme, START, END, public=False)
    assert story["heard"]["core20_compared"] is None
    text = words(story)
    assert "All wards: " in text and "Focus wards only" not in text


def test_a_public_story_core20_bases_are_published_counts(evidence):
    heard_from_elsewhere(evidence)
    heard = story_figures(evidence.world.programme, START, END, public=True)["heard"]
    for value in (heard["core20_known"], heard["core20_compared"]["known"]):
        assert value == "*" or value % 5 == 0


def test_a_story_frozen_before_the_core20_base_keeps_its_first_words(evidence):
    story = story_figures(evidence.world.programme, START, END, public=False)
    del story["heard"]["core20_scope"], story["heard"]["core20_compared"]
    text = words(story)
    assert "of contributions whose neighbourhood we know came from the most deprived 20%" in text
    assert "All wards" not in text


def test_report_summary_pdf_table_and_word_paper_each_name_the_core20_base(evidence, tmp_path):
    heard_from_elsewhere(evidence)
    world = evidence.world
    report = actions.create_report(
        world.programme, START, END, Filters(), public=False, by=world.analyst, enqueue=False
    )
    report = actions.render_report(report.pk)
    summary, compared = report.figures["summary"], report.figures["heard_from"]["core20"]
    assert compared["differs"] and compared["known"] < summary["core20_known"]
    all_wards = (
        f"All wards: {summary['core20']} of the {summary['core20_known']} contributions with a known home "
        f"area ({summary['core20_percent']:.1f}%)"
    )
    focus = (
        f"Focus wards only: {compared['core20']} of {compared['known']} contributions with a known home area"
    )
    table_back = (
        f"the summary's {summary['core20_percent']:.1f}% counts all wards "
        f"({summary['core20']} of {summary['core20_known']})"
    )

    html = " ".join(re.sub(r"<[^>]+>", "", report.html).split())
    assert all_wards in html and focus in html and table_back in html
    assert "whose neighbourhood we know" not in html

    (tmp_path / "report.pdf").write_bytes(bytes(report.pdf))
    pdf = subprocess.run(
        ["pdftotext", "report.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout
    pdf = " ".join(pdf.split())
    assert all_wards in pdf and focus in pdf and table_back in pdf

    import docx  # python-docx

    client = Client()
    client.force_login(world.decision_maker)
    response = client.get(reverse("publishing:report-docx", args=[world.programme.slug, report.pk]))
    (tmp_path / "paper.docx").write_bytes(response.content)
    paper = "\n".join(p.text for p in docx.Document(str(tmp_path / "paper.docx")).paragraphs)
    assert all_wards in paper and "Focus wards only, as in the comparison with the population" in paper


def test_a_version_made_before_the_core20_base_renders_its_first_words(evidence):
    world = evidence.world
    report = actions.create_report(
        world.programme, START, END, Filters(), public=False, by=world.analyst, enqueue=False
    )
    figures = report.figures
    del figures["summary"]["core20_scope"], figures["heard_from"]["core20"]
    del figures["story"]["heard"]["core20_scope"], figures["story"]["heard"]["core20_compared"]
    body = render.body_html(figures, {}, version=1, made_at="1 April 2026")
    text = " ".join(re.sub(r"<[^>]+>", "", body).split())
    assert f"{figures['summary']['core20_percent']:.1f}% of contributions whose neighbourhood we know" in text
    assert "all wards" not in text.lower() and "focus wards only" not in text.lower()
