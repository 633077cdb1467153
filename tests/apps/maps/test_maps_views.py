"""Map pages: who may see and change them, forms that come back filled, scenarios, leverage, exports."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from chorus.apps.maps import actions
from chorus.apps.maps.actions import Strength
from chorus.apps.maps.demo import EXAMPLE
from chorus.apps.maps.models import ExperienceMap, Link, MapKind
from chorus.maps import read_edge_list_csv
from chorus.maps.simulate import SimulationSettings

from support.world import make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def plymouth_map(world) -> ExperienceMap:
    return actions.import_map(
        world.programme, "Plymouth", "edge-list", EXAMPLE.read_bytes(), by=world.analyst
    )


@pytest.fixture
def coded(world) -> Link:
    return actions.code_link_from_contribution(
        world.by_partner_a,
        "damp",
        "breathing",
        Strength(1, "strong"),
        quote="makes my chest bad",
        by=world.analyst,
    )


def test_readers_and_editors(world, plymouth_map):
    detail = f"/maps/{plymouth_map.pk}/"
    for user in (world.admin, world.analyst, world.partner_a_member, world.connector, world.decision_maker):
        assert client_for(user).get(detail).status_code == 200, user
        assert client_for(user).get(f"/maps/programme/{world.programme.slug}/").status_code == 200, user
    assert client_for(world.other_analyst).get(detail).status_code == 404
    anonymous = client_for(None).get(detail)
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
    assert client_for(None).get(f"/maps/{plymouth_map.pk}/export/edges.csv").status_code == 302

    for user in (world.partner_a_member, world.connector, world.decision_maker):
        client = client_for(user)
        assert client.get(f"/maps/programme/{world.programme.slug}/import/").status_code == 403
        response = client.post(f"/maps/{plymouth_map.pk}/factors/add/", {"factor-name": "rain"})
        assert response.status_code == 403
    assert not plymouth_map.factors.filter(name="rain").exists()
    assert (
        client_for(world.other_analyst)
        .post(f"/maps/{plymouth_map.pk}/factors/add/", {"factor-name": "rain"})
        .status_code
        == 404
    )

    response = client_for(world.analyst).post(
        f"/maps/{plymouth_map.pk}/factors/add/", {"factor-name": "rain"}
    )
    assert response.status_code == 302 and plymouth_map.factors.filter(name="rain").exists()


def test_maps_index_lists_the_programmes_whose_maps_each_member_reads(world, plymouth_map):
    for user in (world.admin, world.analyst, world.partner_a_member, world.connector, world.decision_maker):
        response = client_for(user).get("/maps/")
        assert response.status_code == 200, user
        page = response.content.decode()
        assert f'href="/maps/programme/{world.programme.slug}/"' in page, user
        assert "1 map" in page, user
    other = client_for(world.other_analyst).get("/maps/").content.decode()
    assert f'href="/maps/programme/{world.other_programme.slug}/"' in other
    assert f'href="/maps/programme/{world.programme.slug}/"' not in other


def test_maps_index_refuses_a_person_with_no_programme_and_sends_the_public_to_sign_in(world):
    refused = client_for(make_user("no-role")).get("/maps/")
    assert refused.status_code == 403
    assert "You cannot open this page" in refused.content.decode()  # the site's own page
    anonymous = client_for(None).get("/maps/")
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]


def test_map_detail_shows_metrics_links_and_quotes_with_consent(world, coded):
    page = client_for(world.partner_a_member).get(f"/maps/{coded.map_id}/").content.decode()
    assert "Density" in page and "Hierarchy" in page and "Driver" in page and "Receiver" in page
    assert "makes my chest bad" in page and "+0.75" in page
    world.by_partner_a.consent_quote = False
    world.by_partner_a.save()  # the signal drops the stored quote too, but the page must not rely on it
    page = client_for(world.analyst).get(f"/maps/{coded.map_id}/").content.decode()
    assert "makes my chest bad" not in page and "(not quoted)" in page


def test_code_a_link_form(world):
    url = f"/maps/contribution/{world.by_connector.pk}/code/"
    analyst = client_for(world.analyst)
    assert "Since the bus was cut" in analyst.get(url).content.decode()
    bad = analyst.post(url, {"quote": "Since the bus", "source": "bus routes", "target": "", "sign": "1"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "There is a problem" in page and 'value="bus routes"' in page and "Enter the effect" in page
    assert "Select how strong the link is" in page
    ok = analyst.post(
        url,
        {
            "quote": "Since the bus was cut",
            "source": "bus routes",
            "target": "going out",
            "sign": "-1",
            "term": "strong",
        },
    )
    assert ok.status_code == 302
    link = Link.objects.get(contribution=world.by_connector)
    assert link.weight == pytest.approx(-0.75) and link.quote == "Since the bus was cut"
    assert client_for(world.connector).get(url).status_code == 403  # may read it, may not code it
    assert client_for(world.decision_maker).get(url).status_code == 404  # cannot see raw words at all


def test_add_edit_and_delete_a_link_on_a_workshop_map(world):
    analyst = client_for(world.analyst)
    response = analyst.post(f"/maps/programme/{world.programme.slug}/new/", {"name": "Workshop 1"})
    workshop = ExperienceMap.objects.get(name="Workshop 1")
    assert response["Location"] == f"/maps/{workshop.pk}/" and workshop.kind == MapKind.WORKSHOP
    response = analyst.post(
        f"/maps/{workshop.pk}/links/add/",
        {
            "link-source": "jobs",
            "link-target": "money",
            "link-sign": "1",
            "link-term": "medium",
            "link-note": "x",
        },
    )
    assert response.status_code == 302
    link = workshop.links.get()
    assert (link.source.name, link.target.name, link.weight, link.note) == ("jobs", "money", 0.5, "x")
    response = analyst.post(f"/maps/{workshop.pk}/links/{link.pk}/", {"sign": "-1", "term": "very strong"})
    link.refresh_from_db()
    assert link.weight == pytest.approx(-(0.75 + 1 + 1) / 3)
    duplicate = analyst.post(
        f"/maps/{workshop.pk}/links/add/",
        {"link-source": "Jobs", "link-target": "money", "link-sign": "1", "link-term": "weak"},
    )
    assert duplicate.status_code == 400 and "already has a link" in duplicate.content.decode()
    analyst.post(f"/maps/{workshop.pk}/links/{link.pk}/delete/")
    assert not workshop.links.exists()


def test_import_page_takes_a_file_and_shows_errors(world):
    analyst = client_for(world.analyst)
    url = f"/maps/programme/{world.programme.slug}/import/"
    bad = analyst.post(
        url, {"name": "Bad", "format": "matrix", "file": SimpleUploadedFile("m.csv", b",a,b\na,,1\n")}
    )
    assert (
        bad.status_code == 400
        and "not square" in bad.content.decode()
        and 'value="Bad"' in bad.content.decode()
    )
    good = analyst.post(
        url,
        {"name": "Good", "format": "edge-list", "file": SimpleUploadedFile("e.csv", EXAMPLE.read_bytes())},
    )
    imported = ExperienceMap.objects.get(name="Good")
    assert good["Location"] == f"/maps/{imported.pk}/" and imported.links.count() == len(
        read_edge_list_csv(EXAMPLE).links
    )


def test_combine_page(world, coded):
    other = actions.code_link_from_contribution(
        world.by_partner_b, "damp", "breathing", Strength(1, "weak"), by=world.analyst
    )
    analyst = client_for(world.analyst)
    url = f"/maps/programme/{world.programme.slug}/combine/"
    one = analyst.post(url, {"name": "C", "sources": [coded.map_id], "method": "median"})
    assert one.status_code == 400 and "at least two" in one.content.decode()
    response = analyst.post(url, {"name": "C", "sources": [coded.map_id, other.map_id], "method": "median"})
    community = ExperienceMap.objects.get(kind=MapKind.COMMUNITY)
    assert response["Location"] == f"/maps/{community.pk}/" and community.aggregation_method == "median"
    page = client_for(world.partner_b_member).get(f"/maps/{community.pk}/").content.decode()
    assert "From 2 links" in page and "makes my chest bad" in page and "Maps holding it" in page


def test_scenario_page_without_javascript(world, plymouth_map):
    bus = plymouth_map.factors.get(name="bus routes")
    client = client_for(world.decision_maker)
    blank = client.get(f"/maps/{plymouth_map.pk}/scenario/")
    assert blank.status_code == 200 and 'type="range"' in blank.content.decode()
    assert "What rises and falls" not in blank.content.decode()
    response = client.get(
        f"/maps/{plymouth_map.pk}/scenario/",
        {"run": "1", f"hold_{bus.pk}": "on", f"value_{bus.pk}": "0.8", "rule": "kosko"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "What rises and falls" in page and "Rises" in page
    assert 'value="0.8"' in page and ">0.8</output>" in page
    assert "Worked out with:</strong> Kosko update rule, sigmoid transfer, λ = 1." in page  # the defaults
    assert actions.run_scenario(plymouth_map, {bus: 0.8}).rows[1].factor.name in page
    none_held = client.get(f"/maps/{plymouth_map.pk}/scenario/", {"run": "1", "rule": "kosko"})
    assert none_held.status_code == 400 and "Select at least one factor to hold" in none_held.content.decode()


def test_leverage_page(world, plymouth_map):
    connected = plymouth_map.factors.get(name="feeling connected")
    health = plymouth_map.factors.get(name="health")
    response = client_for(world.connector).get(
        f"/maps/{plymouth_map.pk}/leverage/", {"outcomes": [connected.pk, health.pk]}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Swing on feeling connected" in page and "Swing on health" in page
    ranked = [row.factor.name for row in actions.leverage_table(plymouth_map, [connected, health])]
    body = page[page.index("<tbody") :]
    positions = [body.index(f'class="nhsuk-table__header">{escape(name)}</th>') for name in ranked]
    assert positions == sorted(positions)


def test_exports(world, plymouth_map):
    client = client_for(world.partner_a_member)
    base = f"/maps/{plymouth_map.pk}/export/"
    edges = client.get(base + "edges.csv")
    assert edges["Content-Type"].startswith("text/csv") and "attachment" in edges["Content-Disposition"]
    text = edges.content.decode()
    assert text.startswith("from,to,weight") and "bus routes,mobility,0.75" in text
    assert "The bus is my legs" not in text  # no quotes or notes in exports
    matrix = client.get(base + "matrix.csv").content.decode()
    header = matrix.splitlines()[0].split(",")
    assert header[0] == "" and set(header[1:]) == set(plymouth_map.factors.values_list("name", flat=True))
    assert client.get(base + "map.svg")["Content-Type"] == "image/svg+xml"
    assert client.get(base + "map.png").content.startswith(b"\x89PNG")
    assert client.get(base + "map.gif").status_code == 404


def test_decision_makers_see_the_combined_map_with_consented_quotes_but_no_records(world, coded):
    unquoted = actions.code_link_from_contribution(
        world.by_connector, "damp", "breathing", Strength(1, "weak"), by=world.analyst
    )
    world.by_connector.consent_quote = False
    world.by_connector.save()
    community = actions.combine_maps(
        world.programme, [coded.map, unquoted.map], "Community", by=world.analyst
    )
    decision_maker = client_for(world.decision_maker)

    page = decision_maker.get(f"/maps/{community.pk}/").content.decode()
    assert "makes my chest bad" in page  # agreed to be quoted (and redacted when stored)
    assert "a resident, not quoted" in page
    assert f"/contributions/{world.by_partner_a.pk}/" not in page  # no way to the records
    assert f"/maps/{coded.map_id}/" not in page
    assert decision_maker.get(f"/maps/{coded.map_id}/").status_code == 404  # one resident's map
    assert decision_maker.get(f"/maps/{coded.map_id}/export/edges.csv").status_code == 404
    listing = decision_maker.get(f"/maps/programme/{world.programme.slug}/").content.decode()
    assert "Community" in listing and f"Contribution {world.by_partner_a.pk}" not in listing

    analyst_page = client_for(world.analyst).get(f"/maps/{community.pk}/").content.decode()
    assert f'href="/contributions/{world.by_partner_a.pk}/"' in analyst_page


def test_the_map_page_carries_its_network_for_the_interactive_view(world, plymouth_map):
    import json
    import re

    def graph_of(user):
        page = client_for(user).get(f"/maps/{plymouth_map.pk}/").content.decode()
        found = re.search(r'<script id="map-graph-data" type="application/json">(.*?)</script>', page, re.S)
        assert 'data-map-graph="map-graph-data"' in page and "maps/graph.mjs" in page
        return json.loads(found.group(1))

    data = graph_of(world.analyst)
    assert len(data["factors"]) == plymouth_map.factors.count()
    assert len(data["links"]) == plymouth_map.links.count()
    bus = next(f for f in data["factors"] if f["name"] == "bus routes")
    mobility = next(f for f in data["factors"] if f["name"] == "mobility")
    link = next(x for x in data["links"] if x["source"] == bus["id"] and x["target"] == mobility["id"])
    assert (link["weight"], link["verb"], link["label"]) == (0.75, "raises", "+0.75")
    assert link["edit"] == f"/maps/{plymouth_map.pk}/links/{link['id']}/" and "addLink" in data
    assert len({(f["x"], f["y"]) for f in data["factors"]}) == len(data["factors"])  # laid out, not piled up
    assert "The bus is my legs" not in json.dumps(data)  # notes and quotes stay in the tables

    read_only = graph_of(world.decision_maker)
    assert "addLink" not in read_only and not any("edit" in item for item in read_only["links"])


def test_strength_words_page(world):
    link = actions.code_link_from_contribution(
        world.by_partner_a, "damp", "health", Strength(1, "strong"), by=world.analyst
    )
    url = f"/maps/programme/{world.programme.slug}/strengths/"
    assert client_for(world.decision_maker).get(url).status_code == 403
    assert client_for(world.other_analyst).get(url).status_code == 404
    analyst = client_for(world.analyst)
    page = analyst.get(url).content.decode()
    assert 'value="very strong"' in page and 'name="term_5"' in page and 'name="term_7"' not in page

    rows = {"rows": "3", "term_0": "weak", "low_0": "0", "peak_0": "0.2", "high_0": "0.4"}
    rows |= {"term_1": "strong", "low_1": "0.9", "peak_1": "0.7", "high_1": "1"}
    rows |= {"term_2": "", "low_2": "0.5", "peak_2": "", "high_2": ""}
    bad = analyst.post(url, rows)
    page = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in page
    assert (
        "the peak must be between the lowest and highest" in page and "Enter the words for strength 3" in page
    )
    assert 'value="0.9"' in page and 'value="weak"' in page  # the rows come back as typed

    rows |= {"low_1": "0.6", "peak_1": "0.8", "low_2": ""}
    dropped_strong = analyst.post(url, rows | {"term_1": ""} | {"low_1": "", "peak_1": "", "high_1": ""})
    assert (
        dropped_strong.status_code == 400
        and "Links still use &#x27;strong&#x27;" in dropped_strong.content.decode()
    )

    saved = analyst.post(url, rows, follow=True)
    assert "1 link re-weighed" in saved.content.decode()
    link.refresh_from_db()
    assert link.weight == pytest.approx(0.8)
    reset = analyst.post(url, {"use_default": "1"}, follow=True)
    link.refresh_from_db()
    assert reset.status_code == 200 and link.weight == pytest.approx(0.75)


@pytest.fixture
def chain_map(world) -> ExperienceMap:
    """going out → mobility → loneliness: more going out, more mobility; more mobility, less loneliness."""
    experience_map = actions.create_map(world.programme, "Chain", by=world.analyst)
    actions.create_link(experience_map, "going out", "mobility", Strength(1, "strong"), by=world.analyst)
    actions.create_link(experience_map, "mobility", "loneliness", Strength(-1, "strong"), by=world.analyst)
    return experience_map


def _table(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</table>", start)]


def _results(page: str) -> dict[str, tuple[str, str, str]]:
    """Factor → (without the change, with the change, difference) as shown in the results table."""
    table = _table(page, 'id="results"')
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>((?:\s*<td[^>]*>[^<]*</td>){3})', table)
    return {name: tuple(re.findall(r"<td[^>]*>([^<]*)</td>", cells)) for name, cells in rows}


def test_scenario_runs_with_the_chosen_transfer_function_and_lambda(world, chain_map):
    going_out = chain_map.factors.get(name="going out")
    client = client_for(world.decision_maker)
    url = f"/maps/{chain_map.pk}/scenario/"
    hold = {"run": "1", f"hold_{going_out.pk}": "on", f"value_{going_out.pk}": "1", "rule": "kosko"}

    bivalent = client.get(url, hold | {"transfer": "bivalent", "steepness": "1"}).content.decode()
    # On/off steps, worked by hand: going out held on switches mobility on, and mobility only pushes
    # loneliness down, so loneliness stays off; with nothing held everything stays off.
    assert _results(bivalent) == {
        "going out": ("0.000", "1.000", "+1.000"),
        "mobility": ("0.000", "1.000", "+1.000"),
        "loneliness": ("0.000", "0.000", "+0.000"),
    }
    assert "Kosko update rule, bivalent transfer." in bivalent and "λ =" not in bivalent

    sigmoid = client.get(url, hold | {"transfer": "sigmoid", "steepness": "2"}).content.decode()
    steep = actions.run_scenario(chain_map, {going_out: 1.0}, SimulationSettings(steepness=2.0))
    mobility = next(row for row in steep.rows if row.factor.name == "mobility")
    assert _results(sigmoid)["mobility"][1] == f"{mobility.scenario:.3f}" != "1.000"
    assert _results(sigmoid) != _results(bivalent)
    assert "Kosko update rule, sigmoid transfer, λ = 2." in sigmoid
    gentle = client.get(url, hold | {"transfer": "sigmoid", "steepness": "0.5"}).content.decode()
    assert _results(gentle) != _results(sigmoid)  # λ is used, not just shown

    trivalent = client.get(url, hold | {"transfer": "trivalent", "rule": "modified-kosko"}).content.decode()
    assert "Modified kosko update rule, trivalent transfer." in trivalent
    assert _results(trivalent)["loneliness"] == ("0.000", "-1.000", "−1.000")


@pytest.mark.parametrize(
    ("steepness", "message"),
    [
        ("0", "λ must be greater than 0"),
        ("-1", "λ must be greater than 0"),
        ("50", "λ must be 10 or less"),
        ("steep", "λ must be a number, for example 1"),
        ("nan", "λ must be a number, for example 1"),
    ],
)
def test_a_bad_lambda_comes_back_with_the_form_filled(world, chain_map, steepness, message):
    going_out = chain_map.factors.get(name="going out")
    response = client_for(world.decision_maker).get(
        f"/maps/{chain_map.pk}/scenario/",
        {
            "run": "1",
            f"hold_{going_out.pk}": "on",
            f"value_{going_out.pk}": "0.65",
            "rule": "modified-kosko",
            "transfer": "tanh",
            "steepness": steepness,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert "What rises and falls" not in page
    assert f'value="{steepness}"' in page and 'value="0.65"' in page
    assert re.search(rf'id="id_hold_{going_out.pk}"[^>]*checked', page)
    assert re.search(r'value="tanh" checked', page)
    assert re.search(r'<option value="modified-kosko" selected>', page)


def test_unknown_transfer_is_refused(world, chain_map):
    going_out = chain_map.factors.get(name="going out")
    response = client_for(world.decision_maker).get(
        f"/maps/{chain_map.pk}/scenario/",
        {"run": "1", f"hold_{going_out.pk}": "on", "rule": "kosko", "transfer": "cubic"},
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_factors_table_shows_betweenness(world, chain_map):
    page = client_for(world.decision_maker).get(f"/maps/{chain_map.pk}/").content.decode()
    table = _table(page, 'id="factors-caption"')
    assert "Betweenness" in table
    cells = {
        name: re.findall(r"<td[^>]*>([^<]*)</td>", row)
        for name, row in re.findall(r'<th scope="row"[^>]*>([^<]+)(?:<br>.*?)?</th>(.*?)</tr>', table, re.S)
    }
    # Of the 2 ordered pairs of other factors, only going out → loneliness has a shortest route, through
    # mobility: betweenness 1 / 2, normalised over (n - 1)(n - 2) = 2 pairs.
    assert cells["mobility"][-1] == "0.500"
    assert cells["going out"][-1] == "0.000" and cells["loneliness"][-1] == "0.000"
