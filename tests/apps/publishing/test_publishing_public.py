"""The public programme page: open-data files, public report versions and the "you said, we did" page,
with nothing personal and no small counts."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import Organisation, OrganisationKind
from chorus.apps.publishing import actions, opendata

pytestmark = pytest.mark.django_db
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def first_quarter_report(world, *, public: bool):
    return actions.create_report(
        world.programme,
        date(2026, 1, 1),
        date(2026, 3, 31),
        Filters(),
        public=public,
        by=world.analyst,
        enqueue=False,
    )


def test_public_page_lists_open_data_public_reports_and_you_said_we_did(evidence):
    world = evidence.world
    slug = world.programme.slug
    world.analyst.display_name = "Priya Makepeace"
    world.analyst.save()
    public = first_quarter_report(world, public=True)
    internal = first_quarter_report(world, public=False)
    client = Client()
    response = client.get(reverse("publishing:public", args=[slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for spec in opendata.TABLES:
        for extension in ("csv", "json"):
            url = reverse("publishing:open-data", args=[slug, spec.name, extension])
            assert f'href="{url}"' in html
            assert client.get(url).status_code == 200
    assert reverse("publishing:datapackage", args=[slug]) in html
    assert reverse("publishing:open-data-zip", args=[slug]) in html
    you_said = reverse("accountability:you-said-we-did", args=[slug])
    assert f'href="{you_said}"' in html and client.get(you_said).status_code == 200
    assert reverse("publishing:public-report", args=[slug, public.pk]) in html
    assert reverse("publishing:public-report", args=[slug, internal.pk]) not in html
    assert f"/reports/{internal.pk}/" not in html
    # Nothing personal: no staff names or emails, no residents' words.
    assert not any(person.email in html for person in world.users)
    assert "Priya Makepeace" not in html  # who made the report (the members' list shows it)
    # Residents' words only where they agreed to be quoted.
    assert not any(c.text in html for c in evidence.contributions if not c.consent_quote)
    assert not any(
        "not want this quoted" in quote for quote in re.findall(r"<blockquote.*?</blockquote>", html, re.S)
    )
    quotes = re.findall(r'<blockquote class="publishing-quote"><p>“(.*?)”</p>', html)
    assert quotes and all(
        any(unescape(quote) == c.text for c in evidence.contributions if c.consent_quote) for quote in quotes
    )
    # No count from 1 to 7: once dates, version numbers, the rule's own wording, quotes and shares worked
    # out from published counts are set aside, no number is left on the page at all.
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r"<blockquote.*?</blockquote>", " ", main, flags=re.S)
    told = re.search(r'told us about <span data-figure="count">([\d,]+)</span> things', main)
    assert told and int(told.group(1).replace(",", "")) % 5 == 0
    # What the shares are of: published counts, and the percentage worked out from them.
    coverage = re.search(r'<p class="nhsuk-body-s" data-coverage>(.*?)</p>', main, re.S).group(1)
    said = r"([\d,]+) of the ([\d,]+) contributions \(([\d.]+)%\) have been sorted into themes.*?"
    said += r"checked ([\d,]+)"
    coded, total, share, checked = re.match(said, coverage).groups()
    total, coded, checked = (int(n.replace(",", "")) for n in (total, coded, checked))
    assert total % 5 == coded % 5 == checked % 5 == 0
    assert float(share) == round(100 * coded / total, 1)
    main = main.replace(coverage, " ")
    main = re.sub(
        r'\(\d+%\)|about 1 in \d+|about <span data-figure="count">[\d,]+</span> things|numbers from 1 to 7',
        " ",
        main,
    )
    text = unescape(re.sub(r"<[^>]+>", " ", main))
    text = re.sub(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b", " ", text)
    text = re.sub(
        r"Version \d+|v3\.0|counts of 1 to 7|nearest 5|datapackage\.json|IMD 2019|95%|2025 boundaries|are 0",
        " ",
        text,
    )
    assert not re.findall(r"\d", text), re.findall(r".{0,30}\d.{0,10}", text)


def test_public_page_is_only_for_public_programmes(evidence):
    programme = evidence.world.programme
    programme.is_public = False
    programme.save()
    assert Client().get(reverse("publishing:public", args=[programme.slug])).status_code == 404


def test_public_page_leads_a_resident_with_what_we_heard_and_did_and_never_to_sign_in(evidence):
    programme = evidence.world.programme
    programme.get_involved = "Join our tenants' forum on the first Tuesday of the month."
    programme.contact_email = "listen@example.org"
    programme.save()
    html = Client().get(reverse("publishing:public", args=[programme.slug])).content.decode()
    headings = ["What we heard", "What we did", "How to get involved", "Contact us", "Reports and figures"]
    places = [html.index(f">{heading}</h2>") for heading in headings]
    assert places == sorted(places)
    heard = html[places[0] : places[1]]
    assert "Damp and mould" in heard and "GP access" in heard  # the themes raised most, in order
    assert heard.index("Damp and mould") < heard.index("GP access")
    assert "Fund a damp hotline run with tenants." in html[places[1] : places[2]]  # we did
    assert "tenants&#x27; forum" in html and "mailto:listen@example.org" in html
    header = html[html.index('<header class="nhsuk-header"') : html.index("</header>")]
    assert "/accounts/" not in header
    lead = html[: places[4]]
    for word in ("Frictionless", "Wilson", "CSV", "JSON", "LSOA"):
        assert word not in lead


def header_logo_link(html: str) -> str:
    header = html[html.index('<header class="nhsuk-header"') : html.index("</header>")]
    return re.search(r'class="nhsuk-header__service-logo" href="([^"]*)"', header).group(1)


def test_public_pages_logo_leads_a_visitor_to_the_welcome_page_of_public_programmes(evidence):
    world = evidence.world
    slug = world.programme.slug
    report = first_quarter_report(world, public=True)
    visitor = Client()
    pages = [
        (reverse("publishing:public", args=[slug]), 200),
        (reverse("publishing:public-report", args=[slug, report.pk]), 200),
        (reverse("accountability:you-said-we-did", args=[slug]), 200),
        (reverse("accountability:short-code"), 200),
        (reverse("accountability:have-your-say", args=["not-a-real-link"]), 404),
        (reverse("accountability:have-your-say-thanks"), 200),
    ]
    for page, status in pages:
        response = visitor.get(page)
        assert response.status_code == status, page
        assert header_logo_link(response.content.decode()) == "/", page
    welcome = visitor.get("/").content.decode()
    assert f'href="{reverse("publishing:public", args=[slug])}"' in welcome


def test_public_page_shares_are_of_coded_contributions_said_as_the_board_story_says_them(evidence):
    from chorus.apps.coding.queries import coding_coverage
    from chorus.apps.insight import aggregates
    from chorus.apps.insight.coverage import coverage_sentence, released_coverage
    from chorus.apps.publishing import public_page
    from chorus.apps.publishing.story import story_figures, story_sections
    from chorus.privacy.disclosure import published_counts

    programme = evidence.world.programme
    coverage = coding_coverage(programme.contributions.all())
    assert 0 < coverage.coded < coverage.contributions  # some contributions are not coded yet
    heard = public_page.what_we_heard(programme)
    assert heard.coverage == coverage_sentence(released_coverage(coverage, public=True))
    top = aggregates.top_themes(programme, Filters(), limit=1)[0]
    shown, coded = published_counts(top.count, coverage.coded)
    assert heard.themes[0].percent == round(100 * shown / coded)  # of the coded ones, not of all
    html = Client().get(reverse("publishing:public", args=[programme.slug])).content.decode()
    assert unescape(heard.coverage) in unescape(html)
    # The public board story over the whole programme says the same sentence.
    dates = sorted(programme.activities.values_list("date", flat=True))
    story = story_figures(programme, dates[0], dates[-1], public=True)
    raised = next(s for s in story_sections(story) if s.heading == "What residents raised most")
    assert raised.paragraphs[0] == heard.coverage


def test_contact_us_without_an_email_or_phone_tells_a_resident_whom_to_ask_not_only_who_runs_it(evidence):
    programme = evidence.world.programme
    programme.contact_email = programme.contact_phone = ""
    programme.lead_organisation = Organisation.objects.create(
        name="Southend Community Health Voice", slug="southend-voice", kind=OrganisationKind.HEALTHWATCH
    )
    programme.save()
    html = Client().get(reverse("publishing:public", args=[programme.slug])).content.decode()
    contact = html[html.index(">Contact us</h2>") : html.index(">Reports and figures</h2>")]

    assert f"Run by {programme.lead_organisation.name}" in unescape(re.sub(r"<[^>]+>", "", contact))
    assert "Ask the community connector or group you spoke to." in contact

    programme.contact_phone = "01702 000000"
    programme.save()
    html = Client().get(reverse("publishing:public", args=[programme.slug])).content.decode()
    contact = html[html.index(">Contact us</h2>") : html.index(">Reports and figures</h2>")]
    assert 'href="tel:01702000000"' in contact and "Ask the community connector" not in contact
