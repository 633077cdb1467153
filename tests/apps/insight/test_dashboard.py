"""The programme dashboard: who may see it, that its figures are the aggregates', that filters carry over
and that bad filters come back with a message."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chorus.apps.coding.actions.review import apply_theme, reject
from chorus.apps.coding.models import Codebook, Theme
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight import aggregates
from chorus.apps.insight.filters import Filters

from support.world import voice, ward

NO_FILTERS = Filters()


def heard(world, on: date, n: int, *, kind=ActivityKind.CONVERSATION, partner=None, **extra) -> list:
    activity = Activity.objects.create(
        programme=world.programme, kind=kind, title="Listening", date=on, recorded_by=world.connector,
        partner=partner,
    )  # fmt: skip
    return [
        create_contribution(
            activity, voice(f"Said on {on} number {i}", already_redacted=True, **extra), by=world.connector
        ).contribution
        for i in range(n)
    ]


@pytest.fixture
def coded(world):
    """The world's three contributions plus two quarters of conversations in two wards, coded."""
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    housing = Theme.objects.create(codebook=codebook, slug="housing", name="Housing", position=1)
    access = Theme.objects.create(codebook=codebook, slug="gp-access", name="GP access", position=2)
    apply_theme(world.by_partner_a, housing, by=world.analyst)
    apply_theme(world.by_partner_b, access, by=world.analyst)
    apply_theme(world.by_connector, housing, by=world.analyst)
    reject(world.by_connector, housing, by=world.analyst)
    kursaal, milton = ward("Kursaal"), ward("Milton")
    spring = heard(world, date(2026, 4, 10), 12, ward=kursaal, age_band="25-34")
    summer = heard(world, date(2026, 7, 10), 20, ward=milton, age_band="65-74", partner=world.partner_a)
    for contribution in spring[:2] + summer[:12]:
        apply_theme(contribution, access, by=world.analyst)
    for contribution in spring[5:9]:
        apply_theme(contribution, housing, by=world.analyst)
    return world


def dashboard_url(world, query: str = "") -> str:
    return reverse("insight:dashboard", args=[world.programme.slug]) + query


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, unescape(response.content.decode())


# ------------------------------------------------------------------------------------------------ who


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("analyst", 200),
        ("partner_a_member", 200),
        ("partner_b_member", 200),
        ("connector", 200),
        ("other_connector", 200),
        ("decision_maker", 200),
        ("other_analyst", 404),
    ],
)
def test_programme_members_see_the_dashboard_and_others_get_not_found(client, world, who, status):
    client.force_login(getattr(world, who))
    assert client.get(dashboard_url(world)).status_code == status
    geojson = reverse("insight:ward_geojson", args=[world.programme.slug])
    assert client.get(geojson).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (dashboard_url(world), reverse("insight:ward_geojson", args=[world.programme.slug])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_programme_is_not_found(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("insight:dashboard", args=["no-such-programme"])).status_code == 404


def test_decision_makers_see_figures_but_never_residents_words(client, coded):
    response, html = page(client, coded.decision_maker, dashboard_url(coded))
    assert response.status_code == 200
    assert 'data-figure="total">35<' in html
    for contribution in coded.contributions:
        assert contribution.text not in html
    assert "Said on" not in html


# ------------------------------------------------------------------------------------------------ figures


def test_dashboard_figures_agree_with_the_separate_aggregates(coded):
    programme = coded.programme
    for filters in (NO_FILTERS, Filters(wards=(ward("Milton").code,)), Filters(theme="gp-access")):
        for breakdown in ("ward", "age_band", "core20"):
            figures = aggregates.dashboard_figures(
                programme, filters, period="quarter", breakdown=breakdown, focus_theme="gp-access",
                map_theme="housing",
            )  # fmt: skip
            assert figures.total == aggregates.total(programme, filters)
            assert figures.over_time == aggregates.counts_over_time(programme, filters, "quarter")
            assert figures.by_kind == aggregates.counts_by(programme, filters, "activity_kind")
            assert figures.by_partner == aggregates.counts_by(programme, filters, "partner")
            assert figures.by_ward == aggregates.counts_by(programme, filters, "ward")
            assert figures.prevalence == aggregates.theme_prevalence(programme, filters)
            expected = aggregates.theme_prevalence(programme, filters, by=breakdown)
            assert figures.breakdown == [row for row in expected if row.theme == "gp-access"]
            by_ward = aggregates.theme_prevalence(programme, filters, by="ward")
            assert figures.map_prevalence == [row for row in by_ward if row.theme == "housing"]
            assert figures.changes == aggregates.theme_changes(programme, filters)


def test_each_dashboard_page_alone_has_the_same_total_and_shares_as_all_figures_together(coded):
    """A page works out only its own section's figures (a breakdown page counts its groups, not every
    activity and ward): its total and theme shares must still be those of the whole dashboard."""
    programme = coded.programme
    for filters in (NO_FILTERS, Filters(wards=(ward("Milton").code,)), Filters(theme="gp-access")):
        for breakdown in ("ward", "sex", "imd_quintile"):
            every = aggregates.dashboard_figures(programme, filters, breakdown=breakdown)
            for section in aggregates.SECTIONS:
                alone = aggregates.dashboard_figures(
                    programme, filters, breakdown=breakdown, sections=[section]
                )
                assert alone.total == every.total == aggregates.total(programme, filters), (section, filters)
                if section in ("summary", "groups"):
                    assert alone.prevalence == every.prevalence
                if section == "groups":
                    assert alone.breakdown == every.breakdown


def test_monthly_figures_agree_and_gaps_are_filled(coded):
    figures = aggregates.dashboard_figures(coded.programme, NO_FILTERS, period="month")
    assert figures.over_time == aggregates.counts_over_time(coded.programme, NO_FILTERS, "month")
    assert [m.label for m in figures.over_time][:4] == ["2026-04", "2026-05", "2026-06", "2026-07"]


def section_url(world, name: str, query: str = "") -> str:
    return reverse(f"insight:dashboard-{name}", args=[world.programme.slug]) + query


def test_the_summary_leads_with_shares_of_coded_contributions_their_coverage_and_what_changed(client, coded):
    response, html = page(client, coded.analyst, dashboard_url(coded))
    assert response.status_code == 200
    coverage = aggregates.coding_summary(coded.programme, NO_FILTERS)
    # 15 contributions hold GP access, 5 hold housing (the connector's was rejected): 20 coded, all by a
    # person; the connector's, checked but left with no theme, is not among the coded ones.
    assert (coverage.contributions, coverage.coded, coverage.checked_by_person) == (35, 20, 20)
    assert 'data-figure="coded">20<' in html and 'data-figure="checked">20<' in html
    # What the shares are of, in the words the board story and the public page use.
    assert (
        "20 of the 35 contributions (57.1%) have been sorted into themes, by the Chorus model or by a "
        "person; a person checked 20 of them. Each share below is of those 20."
    ) in html
    top = aggregates.coded_shares(aggregates.theme_prevalence(coded.programme, NO_FILTERS), 20, 10)
    access = next(row for row in top if row.theme == "gp-access")
    assert (access.count, access.total) == (15, 20)
    assert "15 of 20" in html and f"{100 * access.proportion:.1f}%" in html
    assert f"{100 * access.lower:.1f}% to {100 * access.upper:.1f}%" in html
    assert html.index("What people raised most") < html.index("What changed since the quarter before")
    # GP access: 12 of 20 in 2026 Q3, then 1 of the world's 3 October contributions in Q4
    change = {c.theme: c for c in aggregates.theme_changes(coded.programme, NO_FILTERS)}["gp-access"]
    assert f"{100 * change.difference:+.1f}" in html
    assert 'id="ward-table"' not in html  # breakdowns are asked for, not shown first


def test_breakdown_pages_show_the_aggregates_figures(client, coded):
    response, html = page(client, coded.analyst, section_url(coded, "groups", "?by=age_band&focus=gp-access"))
    assert response.status_code == 200
    # the breakdown by age: 12 of 20 aged 65-74 raised GP access, 2 of 12 aged 25-34
    older = next(
        row
        for row in aggregates.theme_prevalence(coded.programme, NO_FILTERS, by="age_band")
        if row.theme == "gp-access" and row.group == "65-74"
    )
    assert (older.count, older.total) == (12, 20)
    assert f"{100 * older.lower:.1f}% to {100 * older.upper:.1f}%" in html
    assert "Fewer than 30 contributions: the interval is wide." in html
    response, html = page(client, coded.analyst, section_url(coded, "time"))
    for kind in aggregates.counts_by(coded.programme, NO_FILTERS, "activity_kind"):
        assert re.search(rf"{re.escape(kind.label)}</th>\s*<td[^>]*>{kind.count}</td>", html)


def test_ward_table_lists_every_ward_with_its_contributions(client, coded):
    response, html = page(client, coded.analyst, section_url(coded, "wards", "?shade=gp-access"))
    table = html[html.index('id="ward-table"') :]
    table = table[: table.index("</table>")]
    assert len(re.findall(r'data-ward="E05', table)) == 17  # all of Southend's wards, heard from or not
    milton = table[table.index(f'data-ward="{ward("Milton").code}"') :]
    assert re.search(r"Milton(</a>)?</th>\s*<td[^>]*>22</td>", milton)
    assert "Share raising “GP access”" in html


def test_queries_do_not_grow_with_the_data(client, coded):
    client.force_login(coded.analyst)
    urls = [
        dashboard_url(coded),
        section_url(coded, "wards", "?shade=housing"),
        section_url(coded, "time"),
        section_url(coded, "groups", "?by=sex"),
    ]
    before = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        before.append(len(queries))
    heard(coded, date(2026, 8, 1), 15, ward=ward("Victoria"), sex="female")
    heard(coded, date(2026, 9, 1), 5, ward=ward("Belfairs"), kind=ActivityKind.SURVEY)
    for url, count in zip(urls, before, strict=True):
        with CaptureQueriesContext(connection) as after:
            assert client.get(url).status_code == 200
        assert len(after) == count, url
        assert len(after) <= 30  # figures, the cache stamp (4), session, the user and their roles


# ------------------------------------------------------------------------------------------------ filters


def test_filters_carry_to_every_insight_link_and_view_form(client, coded):
    query = f"?from=2026-04-01&to=2026-12-31&kind=conversation&ward={ward('Milton').code}&core20=no"
    response, html = page(client, coded.analyst, dashboard_url(coded, query))
    expected = set(parse_qsl(query[1:]))
    links = [
        href
        for href in re.findall(r'href="([^"]+)"', html)
        if href.startswith("?") or (href.startswith("/insight/") and "wards.geojson" not in href)
    ]
    clear = reverse("insight:dashboard", args=[coded.programme.slug])
    carried = [href for href in links if href != clear]
    assert carried, "the page has links to other views of the same evidence"
    for href in carried:
        assert expected <= set(parse_qsl(urlsplit(href).query)), href
    for section in ("wards", "groups"):
        response, html = page(client, coded.analyst, section_url(coded, section, query))
        for form in re.findall(r'<form method="get".*?</form>', html, re.S)[:-1]:  # the view choosers
            hidden = set(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
            assert expected <= hidden
    assert 'value="2026-04-01"' in html
    assert re.search(r'value="conversation" checked', html)


def test_filters_narrow_the_figures(client, coded):
    response, html = page(client, coded.analyst, dashboard_url(coded, f"?ward={ward('Kursaal').code}"))
    assert 'data-figure="total">13<' in html  # 12 in spring and the Kursaal Hub's one


def test_bad_filters_come_back_with_a_message_and_the_good_ones_kept(client, coded):
    query = "?from=someday&ward=E05999999&core20=maybe&theme=astrology&kind=conversation&kind=seance"
    response, html = page(client, coded.analyst, dashboard_url(coded, query))
    assert response.status_code == 200
    summary = html[html.index("nhsuk-error-summary") :]
    summary = summary[: summary.index("</ul>")]
    assert "The start date must be a date like 2026-03-31; “someday” was ignored." in summary
    assert "Ward E05999999 is not in this programme's area and was ignored." in summary
    assert "Core20 must be “yes” or “no”; “maybe” was ignored." in summary
    assert "Theme “astrology” is not in this programme's codebook and was ignored." in summary
    assert "An unknown activity type was ignored." in summary
    assert re.search(r'value="conversation" checked', html)
    conversations = aggregates.total(coded.programme, Filters(activity_kinds=("conversation",)))
    assert f'data-figure="total">{conversations}<' in html


def test_filters_check_against_the_programme():
    filters = Filters(wards=("E05000001", "E05999999"), partners=("kursaal-hub", "gone"), theme="x").checked(
        wards=["E05000001"], partners=["kursaal-hub"], themes=["housing"]
    )
    assert (filters.wards, filters.partners, filters.theme) == (("E05000001",), ("kursaal-hub",), "")
    assert len(filters.problems) == 3


# ------------------------------------------------------------------------------------------------ map data


def test_ward_geojson_has_every_ward_of_the_programmes_area_and_may_be_cached(client, world):
    client.force_login(world.decision_maker)
    response = client.get(reverse("insight:ward_geojson", args=[world.programme.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=86400" in response["Cache-Control"] and "private" in response["Cache-Control"]
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    codes = {feature["properties"]["code"] for feature in collection["features"]}
    assert ward("Milton").code in codes and len(codes) == 17
    assert set(collection["features"][0]["properties"]) == {"code", "name"}
    assert collection["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_page_gives_the_map_its_figures_and_boundary_address(client, coded):
    response, html = page(client, coded.analyst, section_url(coded, "wards"))
    data = response.context["map_data"]
    assert data["geojson"] == reverse("insight:ward_geojson", args=[coded.programme.slug])
    assert data["wards"][ward("Milton").code]["label"] == "22 contributions"
    assert 'id="ward-map-data"' in html


def test_what_changed_says_how_many_contributions_each_quarter_holds_and_when_a_running_one_ends(
    client, coded, monkeypatch
):
    from chorus.apps.insight.views import dashboard

    totals = {
        c.latest.group: (c.previous.total, c.latest.total)
        for c in aggregates.theme_changes(coded.programme, NO_FILTERS)
    }
    assert list(totals) == ["2026-10-01"]  # 2026 Q3 against 2026 Q4
    previous, latest = totals["2026-10-01"]
    monkeypatch.setattr(dashboard.timezone, "localdate", lambda: date(2026, 11, 15))
    _, html = page(client, coded.analyst, dashboard_url(coded))
    changed = html[html.index("What changed since the quarter before") :]

    assert f"2026 Q3: {previous} contributions. 2026 Q4: {latest} contributions so far" in changed
    assert "the quarter ends on 31 December 2026" in changed

    monkeypatch.setattr(dashboard.timezone, "localdate", lambda: date(2027, 1, 4))
    html = unescape(client.get(dashboard_url(coded)).content.decode())
    changed = html[html.index("What changed since the quarter before") :]
    assert f"2026 Q4: {latest} contributions." in changed and "so far" not in changed


def test_a_quarter_ends_on_its_last_day(coded):
    from chorus.apps.insight.views.dashboard import _change_totals

    figures = aggregates.dashboard_figures(coded.programme, NO_FILTERS, sections=["summary"])
    assert _change_totals(figures, date(2026, 12, 30))["ends"] == date(2026, 12, 31)
    assert _change_totals(figures, date(2026, 12, 31))["ends"] is None
