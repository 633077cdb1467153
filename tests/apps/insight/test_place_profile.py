"""Place profiles: a ward's top themes with intervals, quotes only for those who may read them and only with
consent, local indicators against England, and filters carried between pages."""

from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.coding.actions.review import apply_theme
from chorus.apps.coding.models import Codebook, Theme
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.insight.filters import Filters
from chorus.apps.insight.profiles import place_profile
from chorus.apps.places.indicators import england
from chorus.apps.places.models import Area, Indicator, IndicatorValue
from chorus.stats import wilson_ci

from support.world import PASSWORD, voice, ward


@pytest.fixture
def profiled(world):
    """Kursaal: 4 contributions, 3 about damp (2 with quote consent), 1 about buses; Milton: the world's 2."""
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    damp = Theme.objects.create(codebook=codebook, slug="damp", name="Damp and mould", position=1)
    buses = Theme.objects.create(codebook=codebook, slug="buses", name="Buses", position=2)
    kursaal = ward("Kursaal")
    activity = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.LISTENING_EVENT,
        title="Kursaal listening event",
        date=date(2026, 10, 20),
        area=kursaal,
        recorded_by=world.connector,
    )

    def said(text, quote=True):
        contribution = create_contribution(
            activity,
            voice(text, ward=kursaal, already_redacted=True) if quote else _no_quote(text, kursaal),
            by=world.connector,
        ).contribution
        return contribution

    apply_theme(world.by_partner_a, damp, by=world.analyst)  # world: Kursaal, focus group, quote consent
    apply_theme(said("Black mould on every wall since the winter"), damp, by=world.analyst)
    apply_theme(
        said("Nobody should breathe this damp, I will not be quoted", quote=False), damp, by=world.analyst
    )
    apply_theme(said("The number 7 bus stopped coming after six"), buses, by=world.analyst)
    Indicator.objects.create(
        name="Smoking prevalence (QOF)", unit="proportion", polarity="low-is-good", source="QOF"
    )
    smoking = Indicator.objects.get()
    IndicatorValue.objects.create(
        indicator=smoking,
        area=Area.objects.get(code="E06000033"),
        period="2019/20",
        numerator=28468,
        denominator=156589,
        value=18.18,
    )
    IndicatorValue.objects.create(indicator=smoking, area=england(), period="2019/20", value=16.46)
    return world, kursaal


def _no_quote(text, place):
    data = voice(text, ward=place, already_redacted=True)
    data.consent_quote = False
    return data


def test_profile_ranks_the_wards_themes_with_wilson_intervals(profiled):
    world, kursaal = profiled
    profile = place_profile(world.programme, kursaal, Filters())
    assert profile.contributions == 4
    damp, buses = profile.themes
    assert (damp.here.theme, damp.here.count, damp.here.total) == ("damp", 3, 4)
    assert (damp.here.lower, damp.here.upper) == pytest.approx(wilson_ci(3, 4))
    assert damp.programme.total == 6  # across the programme: Kursaal's four and Milton's two
    assert buses.here.count == 1


def test_quotes_need_quote_consent_and_a_reader_who_may_see_contributions(profiled):
    world, kursaal = profiled
    for_analyst = place_profile(
        world.programme, kursaal, Filters(), quotes_from=visible_contributions(world.analyst)
    )
    texts = [quote.text for quote in for_analyst.quotes]
    assert texts == [
        "Black mould on every wall since the winter",
        "The number 7 bus stopped coming after six",
    ]
    assert all("not be quoted" not in text for text in texts)
    for_board = place_profile(
        world.programme, kursaal, Filters(), quotes_from=visible_contributions(world.decision_maker)
    )
    assert for_board.quotes == []
    assert place_profile(world.programme, kursaal, Filters()).quotes == []


def test_indicators_come_from_the_local_authority_when_the_ward_has_none(profiled):
    world, kursaal = profiled
    [smoking] = place_profile(world.programme, kursaal, Filters()).indicators
    assert smoking.local.area.code == "E06000033"
    assert smoking.label == "worse"


def test_filters_narrow_the_profile(profiled):
    world, kursaal = profiled
    focus_groups = Filters(activity_kinds=(ActivityKind.FOCUS_GROUP,))
    profile = place_profile(world.programme, kursaal, focus_groups)
    assert profile.contributions == 1
    assert [t.here.theme for t in profile.themes] == ["damp"]


def test_decision_maker_sees_themes_and_figures_but_no_quotes(client, profiled):
    world, kursaal = profiled
    client.login(username="decision-maker", password=PASSWORD)
    response = client.get(reverse("insight:place", args=[world.programme.slug, kursaal.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Damp and mould" in page and "Worse" in page
    assert "Black mould" not in page and "In residents' words" not in page


def test_analyst_sees_consented_quotes_on_the_page(client, profiled):
    world, kursaal = profiled
    client.login(username="analyst", password=PASSWORD)
    page = client.get(reverse("insight:place", args=[world.programme.slug, kursaal.code])).content.decode()
    assert "Black mould on every wall since the winter" in page
    assert "not be quoted" not in page


def test_filters_carry_from_the_index_to_the_profile_and_onwards(client, profiled):
    world, kursaal = profiled
    client.login(username="analyst", password=PASSWORD)
    slug = world.programme.slug
    index = client.get(reverse("insight:places", args=[slug]) + "?kind=listening-event&from=2026-01-01")
    profile_url = (
        reverse("insight:place", args=[slug, kursaal.code]) + "?from=2026-01-01&kind=listening-event"
    )
    assert f'href="{profile_url.replace("&", "&amp;")}"' in index.content.decode()
    profile = client.get(profile_url)
    page = profile.content.decode()
    assert profile.context["profile"].contributions == 3
    heard = (
        reverse("insight:heard", args=[slug])
        + f"?from=2026-01-01&amp;ward={kursaal.code}&amp;kind=listening-event"
    )
    assert heard in page


def test_a_ward_outside_the_programmes_area_is_not_found(client, profiled):
    world, _ = profiled
    client.login(username="analyst", password=PASSWORD)
    assert client.get(reverse("insight:place", args=[world.programme.slug, "E05000001"])).status_code == 404
    client.logout()
    client.login(username="other-connector", password=PASSWORD)
    other = client.get(reverse("insight:place", args=[world.other_programme.slug, ward("Kursaal").code]))
    assert other.status_code == 404
