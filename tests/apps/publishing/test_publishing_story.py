"""The board story: shares of coded contributions with their coverage, change since the period before, who
was heard, decisions and overdue actions, and the lead's recommendations; the same words on the page, on the
report's first page and in the Word board paper."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import AgesHeard
from chorus.apps.publishing import actions
from chorus.apps.publishing.models import Recommendation
from chorus.apps.publishing.story import previous_period, story_figures, story_sections

pytestmark = pytest.mark.django_db

# February and March 2026: 29 contributions, 21 of them coded; the 58 days before hold January's 14 (9 coded).
START, END = date(2026, 2, 1), date(2026, 3, 31)


def words(story: dict) -> str:
    return "\n".join(
        line
        for section in story_sections(story)
        for line in [section.heading, *section.paragraphs, *section.items]
    )


def test_previous_period_of_other_dates_is_the_same_number_of_days_just_before():
    assert previous_period(date(2026, 2, 10), date(2026, 3, 20)) == (date(2026, 1, 2), date(2026, 2, 9))
    assert previous_period(date(2026, 2, 1), date(2026, 3, 20)) == (date(2025, 12, 15), date(2026, 1, 31))


def test_previous_period_of_whole_months_is_as_many_whole_months_just_before():
    assert previous_period(date(2026, 4, 1), date(2026, 9, 30)) == (date(2025, 10, 1), date(2026, 3, 31))
    assert previous_period(date(2026, 1, 1), date(2026, 3, 31)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_period(date(2026, 1, 1), date(2026, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))


def test_theme_shares_are_of_coded_contributions_with_coverage_change_decisions_and_overdue(evidence):
    world = evidence.world
    actions.add_recommendation(
        world.programme, START, END, "  Note the   rise in GP access ", by=world.analyst
    )
    actions.add_recommendation(world.programme, START, END, "Fund the damp hotline", by=world.analyst)
    story = story_figures(world.programme, START, END, public=False, today=date(2026, 7, 1))

    assert story["coverage"] == {"contributions": 29, "coded": 21, "coded_percent": 72.4, "checked": 21}
    assert story["previous_coverage"] == {"contributions": 14, "coded": 9}
    themes = {theme["slug"]: theme for theme in story["themes"]}
    assert [theme["slug"] for theme in story["themes"]][:2] == ["gp-access", "housing"]
    assert themes["gp-access"]["count"] == 13 and themes["gp-access"]["percent"] == 61.9  # 13 of 21 coded
    assert themes["housing"]["previous_percent"] == 100.0 and themes["housing"]["direction"] == "fell"
    assert [d["priority"] for d in story["decided"]] == ["Warm, dry homes"]
    assert [a["title"] for a in story["overdue"]] == ["Open the hotline"]
    assert story["recommendations"] == ["Note the rise in GP access", "Fund the damp hotline"]

    text = words(story)
    assert "21 of the 29 contributions (72.4%) have been sorted into themes" in text
    assert "a person checked 21 of them" in text
    assert "GP access: 61.9% of coded contributions (13 of 21)" in text
    assert "Damp and mould: fell from 100.0% to 38.1% of coded contributions" in text
    assert "Overdue: Open the hotline" in text and "The Board is asked to…" in text
    assert not re.search(r"lsoa|better than england|chorus\.|quintile \d areas", text, re.IGNORECASE)


def test_a_public_story_has_no_recommendations_and_only_rounded_counts(evidence):
    world = evidence.world
    actions.add_recommendation(world.programme, START, END, "Internal advice", by=world.analyst)
    story = story_figures(world.programme, START, END, public=True)
    assert story["recommendations"] == [] and "Internal advice" not in words(story)
    assert story["coverage"]["contributions"] == 30 and story["coverage"]["coded"] == 20  # rounded to 5
    assert story["coverage"]["coded_percent"] == 66.7  # from the published 20 of 30, not the exact 21 of 29


def test_the_story_says_in_one_sentence_whom_the_age_comparison_covers(evidence):
    programme = evidence.world.programme
    text = words(story_figures(programme, START, END, public=True))
    assert (
        "does not say whom it sets out to hear by age, so the age comparison assumes it hears adults" in text
    )
    programme.ages_heard = AgesHeard.EVERYONE
    programme.save()
    story = story_figures(programme, START, END, public=True)
    text = words(story)
    assert "The programme sets out to hear everyone, children included, so children under 16 are" in text
    assert "Children under 16" in story["heard"]["under_heard"]  # none was heard, so they are flagged
    del story["heard"]["ages"]  # a story frozen before programmes said whom they hear
    assert "children included" not in words(story)


def test_only_leads_write_recommendations_and_each_is_audited(evidence):
    world = evidence.world
    with pytest.raises(actions.ActionError, match="leads and administrators"):
        actions.add_recommendation(world.programme, START, END, "Anything", by=world.decision_maker)
    with pytest.raises(actions.ActionError, match="Write what"):
        actions.add_recommendation(world.programme, START, END, "   ", by=world.analyst)
    recommendation = actions.add_recommendation(world.programme, START, END, "Note it", by=world.analyst)
    actions.remove_recommendation(recommendation, by=world.analyst)
    assert not Recommendation.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="publishing.recommendation")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [
        ("publishing.recommendation_added", world.analyst.pk),
        ("publishing.recommendation_removed", world.analyst.pk),
    ]


def test_story_page_for_leads_and_board_members_only_and_leads_add_recommendations(world):
    url = reverse("publishing:story", args=[world.programme.slug])
    period = {"start": "2026-02-01", "end": "2026-03-31"}
    for name, code in [
        ("admin", 200),
        ("analyst", 200),
        ("decision_maker", 200),
        ("connector", 404),
        ("partner_a_member", 404),
        ("other_analyst", 404),
    ]:
        client = Client()
        client.force_login(getattr(world, name))
        assert client.get(url, period).status_code == code, name

    board = Client()
    board.force_login(world.decision_maker)
    add = reverse("publishing:recommendation-add", args=[world.programme.slug])
    assert board.post(add, {**period, "text": "Sneaky"}).status_code == 302
    assert not Recommendation.objects.exists()
    page = board.get(url, period).content.decode()
    assert "What residents raised most" in page and "Add the recommendation" not in page

    lead = Client()
    lead.force_login(world.analyst)
    assert lead.post(add, {**period, "text": "Note the findings"}).status_code == 302
    page = lead.get(url, period).content.decode()
    assert page.count("Note the findings") == 2  # in the story and in the lead's list to remove from
    assert Client().get(url).status_code == 302  # to sign in


FIGURE = re.compile(r"\d[\d,]*(?:\.\d)?%?")


def test_word_board_paper_holds_the_same_figures_as_the_pdf_first_page(evidence, tmp_path):
    import subprocess

    import docx  # python-docx

    world = evidence.world
    actions.add_recommendation(world.programme, START, END, "Note the rise in GP access", by=world.analyst)
    report = actions.create_report(
        world.programme, START, END, Filters(), public=False, by=world.analyst, enqueue=False
    )
    report = actions.render_report(report.pk)
    (tmp_path / "paper.pdf").write_bytes(bytes(report.pdf))
    whole_pdf = subprocess.run(
        ["pdftotext", "paper.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout
    # The board story comes first: from its heading to the report's own summary, page footers left out.
    # (and the numbers of the numbered list, which Word keeps in the list style rather than the text).
    pdf_lines = [
        re.sub(r"^\d+\. ", "", line)
        for line in whole_pdf.splitlines()
        if not re.fullmatch(r"Page \d+ of \d+", line)
    ]
    first = pdf_lines.index("Summary for the board")
    pdf_story = "\n".join(pdf_lines[first : pdf_lines.index("Summary", first)])

    client = Client()
    client.force_login(world.decision_maker)
    response = client.get(reverse("publishing:report-docx", args=[world.programme.slug, report.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    (tmp_path / "paper.docx").write_bytes(response.content)
    paper = docx.Document(str(tmp_path / "paper.docx"))
    texts = [p.text for p in paper.paragraphs]
    word_story = "\n".join(texts[texts.index("Summary for the board") : texts.index("Top themes")])
    table_text = "\n".join(cell.text for row in paper.tables[0].rows for cell in row.cells)

    for text in (" ".join(pdf_story.split()), word_story):
        assert "21 of the 29 contributions (72.4%) have been sorted into themes" in text
        assert "The Board is asked to…" in text and "Note the rise in GP access" in text
    assert len(FIGURE.findall(word_story)) > 15
    assert sorted(FIGURE.findall(word_story)) == sorted(FIGURE.findall(pdf_story))
    # The top themes table: the same counts and shares (of the 30 coded contributions) as the PDF's table.
    flat_pdf = " ".join(whole_pdf.split())
    for theme in report.figures["themes"]:
        interval = f"{theme['interval'][0]:.1f} to {theme['interval'][1]:.1f}"
        assert f"{theme['percent']:.1f}% ({interval})" in table_text
        assert f"{theme['percent']:.1f}% ({interval})" in flat_pdf
    assert "61.9% (40.9 to 79.2)" in table_text  # GP access: 13 of the 21 coded
    assert not re.search(r"lsoa|better than england|chorus\.", whole_pdf + word_story, re.IGNORECASE)
