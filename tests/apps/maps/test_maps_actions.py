"""Maps of experience: coding links with consent, erasure, import, combining, scenarios, leverage, exports."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.actions import create_contribution, withdraw_consent
from chorus.apps.maps import actions, exports
from chorus.apps.maps.actions import Strength
from chorus.apps.maps.models import ExperienceMap, Link, MapKind
from chorus.ingest.safety import neutralise_formula
from chorus.maps import (
    Factor,
    FuzzyCognitiveMap,
    aggregate_maps,
    compare_scenario,
    rank_leverage,
    read_edge_list_csv,
    term_value,
)
from chorus.maps import (
    Link as FcmLink,
)

from support.world import voice

pytestmark = pytest.mark.django_db

STRONG = Strength(sign=1, term="strong")


def test_coding_a_link_keeps_the_quote_and_the_contribution(world):
    link = actions.code_link_from_contribution(
        world.by_partner_a, "damp", "breathing problems", STRONG, quote="damp in our flat", by=world.analyst
    )
    assert link.quote == "damp in our flat" and link.shown_quote == "damp in our flat"
    assert link.contribution == world.by_partner_a
    assert link.weight == pytest.approx(term_value("strong")) == pytest.approx(0.75)
    assert link.map.kind == MapKind.INDIVIDUAL and link.map.contribution == world.by_partner_a
    event = AuditEvent.objects.get(action="maps.link_added")
    assert "damp" not in str(event.details)  # ids only, never the resident's words


def test_coding_without_quote_consent_keeps_the_link_but_not_the_words(world):
    activity = world.by_connector.activity
    unquotable = create_contribution(
        activity, replace(voice("Since the bus was cut I never see my sister"), consent_quote=False)
    ).contribution
    link = actions.code_link_from_contribution(
        unquotable, "bus routes", "loneliness", STRONG, quote="Since the bus was cut", by=world.analyst
    )
    assert link.pk and link.contribution == unquotable
    assert link.quote == "" and link.shown_quote == ""


def test_a_quote_must_be_the_residents_own_words(world):
    with pytest.raises(ActionError, match="copied exactly"):
        actions.code_link_from_contribution(
            world.by_partner_a, "damp", "breathing", STRONG, quote="my landlord ignores me", by=world.analyst
        )
    assert not Link.objects.exists()


def test_withdrawing_quote_consent_removes_the_quote(world):
    link = actions.code_link_from_contribution(
        world.by_partner_a, "damp", "breathing", STRONG, quote="makes my chest bad", by=world.analyst
    )
    withdraw_consent(world.by_partner_a, "quote", by=world.analyst)
    link.refresh_from_db()
    assert link.quote == "" and link.weight == pytest.approx(0.75)


def test_erasing_a_contribution_removes_its_links_and_flags_community_maps(world):
    first = actions.code_link_from_contribution(
        world.by_partner_a, "damp", "health", STRONG, quote="damp", by=world.analyst
    )
    second = actions.code_link_from_contribution(
        world.by_connector, "bus routes", "health", Strength(sign=-1, term="medium"), by=world.analyst
    )
    community = actions.combine_maps(world.programme, [first.map, second.map], "Southend", by=world.analyst)
    assert community.links.count() == 2

    withdraw_consent(world.by_partner_a, "analysis", by=world.analyst)

    assert not Link.objects.filter(pk=first.pk).exists()
    assert not ExperienceMap.objects.filter(pk=first.map_id).exists()
    assert not Link.objects.filter(quote="damp").exists()
    community.refresh_from_db()
    assert community.needs_rebuild
    actions.rebuild_community_map(community, by=world.analyst)
    assert [(link.source.name, link.target.name) for link in community.links.all()] == [
        ("bus routes", "health")
    ]
    assert not community.needs_rebuild


def test_combining_keeps_method_provenance_and_agreement(world):
    maps = []
    for contribution, term in [(world.by_partner_a, "strong"), (world.by_partner_b, "weak")]:
        link = actions.code_link_from_contribution(
            contribution, "Cost of living", "anxiety", Strength(sign=1, term=term), by=world.analyst
        )
        maps.append(link.map)
    other = actions.code_link_from_contribution(
        world.by_connector, "cost of  living", "loneliness", STRONG, by=world.analyst
    )
    maps.append(other.map)

    community = actions.combine_maps(
        world.programme, maps, "Community", "mean_without_zeros", by=world.analyst
    )

    assert community.kind == MapKind.COMMUNITY and community.aggregation_method == "mean_without_zeros"
    assert set(community.sources.all()) == set(maps)
    assert community.factors.filter(name__iexact="cost of living").count() == 1
    shared = community.links.get(target__name="anxiety")
    expected = aggregate_maps([m.as_fcm(by_key=True) for m in maps], "mean_without_zeros")
    library = expected.link("cost of living", "anxiety")
    assert shared.weight == pytest.approx(library.weight) == pytest.approx((0.75 + 0.25) / 2)
    assert shared.agreement == 2 and shared.entropy == pytest.approx(library.entropy)
    assert {item.contribution for item in shared.derived_from.all()} == {
        world.by_partner_a,
        world.by_partner_b,
    }
    assert community.links.get(target__name="loneliness").agreement == 1


def test_count_method_stores_a_signed_share(world):
    maps = [
        actions.code_link_from_contribution(
            contribution, "bus", "loneliness", Strength(sign=-1, term="weak"), by=world.analyst
        ).map
        for contribution in (world.by_partner_a, world.by_partner_b)
    ]
    maps.append(
        actions.code_link_from_contribution(world.by_connector, "bus", "groups", STRONG, by=world.analyst).map
    )
    community = actions.combine_maps(world.programme, maps, "Counted", "count", by=world.analyst)
    assert community.links.get(target__name="loneliness").weight == pytest.approx(-2 / 3)


def test_combining_needs_two_maps(world):
    link = actions.code_link_from_contribution(world.by_partner_a, "a", "b", STRONG, by=world.analyst)
    with pytest.raises(ActionError, match="at least two"):
        actions.combine_maps(world.programme, [link.map], "One", by=world.analyst)


EDGE_LIST = (
    b"from,to,sign,strength,quote\n"
    b"bus routes,mobility,+,strong,The bus is my legs\n"
    b"loneliness,health,-,medium,\n"
)
MATRIX = b",a,b,c\na,,0.5,\nb,,,-0.25\nc,1,,\n"
MMP_XML = b"""<?xml version="1.0"?><mentalmodeler><concepts>
<concept><id>1</id><name>Damp</name><relationships><relationship><id>2</id><influence>0.8</influence>
<notes>said at the workshop</notes></relationship></relationships></concept>
<concept><id>2</id><name>Breathing</name></concept></concepts></mentalmodeler>"""
MMP_JSON = (
    b'{"info": {}, "concepts": [{"id": "x", "name": "Work",'
    b' "relationships": [{"id": "y", "influence": -0.5}]},'
    b' {"id": "y", "name": "Stress"}]}'
)


@pytest.mark.parametrize(
    ("fmt", "content", "expected"),
    [
        ("edge-list", EDGE_LIST, {("bus routes", "mobility"): 0.75, ("loneliness", "health"): -0.5}),
        ("matrix", MATRIX, {("a", "b"): 0.5, ("b", "c"): -0.25, ("c", "a"): 1.0}),
        ("mmp", MMP_XML, {("Damp", "Breathing"): 0.8}),
        ("mmp", MMP_JSON, {("Work", "Stress"): -0.5}),
    ],
)
def test_import_each_format(world, fmt, content, expected):
    imported = actions.import_map(world.programme, "From a file", fmt, content, by=world.analyst)
    assert imported.kind == MapKind.IMPORTED
    got = {(link.source.name, link.target.name): link.weight for link in imported.links.all()}
    assert got == pytest.approx(expected)
    assert all(link.sign == (1 if link.weight > 0 else -1) for link in imported.links.all())


def test_import_keeps_file_quotes_as_notes_not_resident_quotes(world):
    imported = actions.import_map(world.programme, "Edges", "edge-list", EDGE_LIST, by=world.analyst)
    link = imported.links.get(source__name="bus routes")
    assert link.note == "The bus is my legs" and link.quote == "" and link.contribution is None


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("edge-list", b"source,target\nx,y\n", "needs columns 'from' and 'to'"),
        ("edge-list", b"from,to,weight\nx,y,lots\n", "is not a number"),
        ("edge-list", b"from,to,weight\nx,y,3\n", "between -1 and 1"),
        ("matrix", b",a,b\na,,1\n", "not square"),
        ("mmp", b"<html><body>no</body></html>", "not a Mental Modeler file"),
        ("edge-list", b"\xff\xfe\x00bad", "not UTF-8"),
        ("edge-list", b"", "empty"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_error(world, fmt, content, message):
    with pytest.raises(ActionError, match=message):
        actions.import_map(world.programme, "Bad", fmt, content, by=world.analyst)
    assert not ExperienceMap.objects.exists()


def _example_map(world) -> ExperienceMap:
    from chorus.apps.maps.demo import EXAMPLE

    return actions.import_map(
        world.programme, "Plymouth", "edge-list", EXAMPLE.read_bytes(), by=world.analyst
    )


def test_scenario_results_match_the_library(world):
    experience_map = _example_map(world)
    bus = experience_map.factors.get(name="bus routes")
    outcome = actions.run_scenario(experience_map, {bus: 1.0})
    library = compare_scenario(experience_map.as_fcm(), {str(bus.pk): 1.0})
    got = {str(row.factor.pk): (row.baseline, row.scenario) for row in outcome.rows}
    for position, factor_id in enumerate(library.factor_ids):
        assert got[factor_id] == pytest.approx(
            (library.baseline.settled_state[position], library.scenario.settled_state[position])
        )
    assert outcome.rows[0].factor == bus and outcome.rows[0].direction == "held"
    mobility = next(row for row in outcome.rows if row.factor.name == "mobility")
    assert mobility.direction == "rises"


def test_leverage_table_matches_the_library(world):
    experience_map = _example_map(world)
    connected = experience_map.factors.get(name="feeling connected")
    rows = actions.leverage_table(experience_map, [connected])
    library = rank_leverage(experience_map.as_fcm(), [str(connected.pk)])
    assert [str(row.factor.pk) for row in rows] == [item.factor for item in library]
    assert rows[0].score == pytest.approx(library[0].score)
    loneliness = next(row for row in rows if row.factor.name == "loneliness")
    assert loneliness.swings[0][1] < 0  # more loneliness, less feeling connected


def test_community_maps_cannot_be_edited_by_hand(world):
    maps = [
        actions.code_link_from_contribution(c, "a", "b", STRONG, by=world.analyst).map
        for c in (world.by_partner_a, world.by_partner_b)
    ]
    community = actions.combine_maps(world.programme, maps, "C", by=world.analyst)
    with pytest.raises(ActionError, match="combined from other maps"):
        actions.create_link(community, "b", "a", STRONG, by=world.analyst)


def test_edge_list_and_matrix_exports_neutralise_formulas():
    fcm = FuzzyCognitiveMap(
        [Factor("a", '=HYPERLINK("http://x")'), Factor("b", "@risk"), Factor("c", "plain")],
        [FcmLink("a", "b", -0.5), FcmLink("b", "c", 0.25)],
    )
    edge_rows = list(csv.reader(io.StringIO(exports.edge_list_csv(fcm))))
    assert edge_rows[1] == ['\'=HYPERLINK("http://x")', "'@risk", "-0.5"]
    matrix_rows = list(csv.reader(io.StringIO(exports.matrix_csv(fcm))))
    assert matrix_rows[0] == ["", '\'=HYPERLINK("http://x")', "'@risk", "plain"]
    assert matrix_rows[1][2] == "-0.5"
    assert exports.safe_cell("+44 7700") == "'+44 7700" and exports.safe_cell("-1e-3") == "-1e-3"
    # One rule with the ingest exports: tiny weights stay numbers, disguised formulas do not.
    assert exports.safe_cell(-0.00001) == "-1e-05" == neutralise_formula("-1e-05")
    assert exports.safe_cell("  =1+2") == "'  =1+2" == neutralise_formula("  =1+2")
    assert exports.safe_cell("-inf") == "'-inf"
    # Reading the export back takes off only the apostrophe Chorus added: the names come back as they were.
    read_back = read_edge_list_csv(io.StringIO(exports.edge_list_csv(fcm)))
    assert read_back.link("@risk", "plain").weight == 0.25
    assert read_back.link('=HYPERLINK("http://x")', "@risk").weight == -0.5


def test_drawings_are_svg_and_png():
    fcm = FuzzyCognitiveMap([Factor("a", "damp"), Factor("b", "health")], [FcmLink("a", "b", -0.75)])
    svg = exports.draw(fcm, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg and b"damp" in svg
    assert exports.draw(fcm, "png").startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("terms", "ok"),
    [
        ({"weak": [0, 0.25, 0.5], "strong": 0.8}, True),
        ({"weak": [0.5, 0.25, 0]}, False),
        ({"weak": [0, 2, 3]}, False),
        ({"weak": [0, 1]}, False),
        ([], False),
    ],
)
def test_strength_term_settings_are_checked(world, terms, ok):
    experience_map = actions.create_map(world.programme, "Terms", by=world.analyst)
    experience_map.strength_terms = terms
    if ok:
        experience_map.full_clean()
        link = actions.create_link(experience_map, "a", "b", Strength(-1, "strong"), by=world.analyst)
        assert link.weight == pytest.approx(-0.8)
    else:
        with pytest.raises(ValidationError):
            experience_map.full_clean()


def test_programme_strength_terms_reweigh_links_and_reach_new_maps(world):
    coded = actions.code_link_from_contribution(
        world.by_partner_a, "damp", "health", Strength(-1, "strong"), by=world.analyst
    )
    other = actions.code_link_from_contribution(
        world.by_partner_b, "damp", "health", Strength(-1, "weak"), by=world.analyst
    )
    community = actions.combine_maps(world.programme, [coded.map, other.map], "C", by=world.analyst)
    numeric = actions.import_map(
        world.programme, "Numbers", "matrix", b",a,b\na,,0.3\nb,,\n", by=world.analyst
    )
    elsewhere = actions.code_link_from_contribution(
        world.in_other_programme, "x", "y", Strength(1, "strong"), by=world.analyst
    )

    terms = {"weak": [0.1, 0.2, 0.3], "strong": [0.6, 0.8, 1.0], "overwhelming": 1.0}
    change = actions.change_strength_terms(world.programme, terms, by=world.analyst)

    assert (change.links_reweighed, change.community_maps_flagged) == (2, 1)
    coded.refresh_from_db(), other.refresh_from_db(), community.refresh_from_db()
    assert coded.weight == pytest.approx(-0.8) and other.weight == pytest.approx(-0.2)
    assert community.needs_rebuild
    assert numeric.links.get().weight == pytest.approx(0.3)  # a number, not a word: unchanged
    elsewhere.refresh_from_db()
    assert elsewhere.weight == pytest.approx(0.75)  # another programme keeps its own terms
    new_map = actions.create_map(world.programme, "Later", by=world.analyst)
    assert new_map.strength_terms == terms
    assert actions.create_link(new_map, "a", "b", Strength(1, "overwhelming"), by=world.analyst).weight == 1.0
    event = AuditEvent.objects.get(action="maps.strength_terms_set")
    assert event.details["links_reweighed"] == 2 and "damp" not in str(event.details)


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"weak": [0, 0.25, 0.5]}, "Links still use 'strong'"),
        ({"weak": [0.5, 0.25, 0], "strong": 0.75}, "low <= peak <= high"),
        ({"Strong": 0.7, "strong ": 0.8, "weak": 0.2}, "two terms are the same"),
        ({}, "Give the terms"),
    ],
)
def test_strength_terms_that_would_lose_meaning_are_refused(world, terms, message):
    link = actions.code_link_from_contribution(world.by_partner_a, "damp", "health", STRONG, by=world.analyst)
    with pytest.raises(ActionError, match=message):
        actions.change_strength_terms(world.programme, terms, by=world.analyst)
    link.refresh_from_db()
    assert link.weight == pytest.approx(0.75) and not AuditEvent.objects.filter(
        action="maps.strength_terms_set"
    )


def test_changing_a_source_map_asks_for_the_community_map_to_be_rebuilt(world):
    workshop = actions.create_map(world.programme, "W", by=world.analyst)
    link = actions.create_link(workshop, "jobs", "money", STRONG, by=world.analyst)
    coded = actions.code_link_from_contribution(world.by_partner_a, "jobs", "money", STRONG, by=world.analyst)
    community = actions.combine_maps(world.programme, [workshop, coded.map], "C", by=world.analyst)
    assert not community.needs_rebuild
    actions.change_link(link, Strength(-1, "weak"), by=world.analyst)
    community.refresh_from_db()
    assert community.needs_rebuild
    actions.rebuild_community_map(community, by=world.analyst)
    actions.change_factor(workshop.factors.get(name="jobs"), "work", by=world.analyst)
    community.refresh_from_db()
    assert community.needs_rebuild
    with pytest.raises(ActionError, match="combined from other maps"):
        actions.create_factor(community, "rain", by=world.analyst)


def test_deleting_a_source_link_factor_or_map_asks_for_the_community_map_to_be_rebuilt(world):
    workshop = actions.create_map(world.programme, "W", by=world.analyst)
    link = actions.create_link(workshop, "jobs", "money", STRONG, by=world.analyst)
    actions.create_link(workshop, "money", "stress", STRONG, by=world.analyst)
    coded = actions.code_link_from_contribution(world.by_partner_a, "jobs", "money", STRONG, by=world.analyst)
    community = actions.combine_maps(world.programme, [workshop, coded.map], "C", by=world.analyst)

    def deleting_asks_for_a_rebuild(delete, *args) -> bool:
        actions.rebuild_community_map(community, by=world.analyst)
        delete(*args, by=world.analyst)
        community.refresh_from_db()
        return community.needs_rebuild

    assert deleting_asks_for_a_rebuild(actions.delete_link, link)
    assert deleting_asks_for_a_rebuild(actions.delete_factor, workshop.factors.get(name="stress"))
    assert deleting_asks_for_a_rebuild(actions.delete_map, coded.map)


def test_an_imported_map_can_be_said_to_be_a_workshops_but_not_a_community_map(world):
    content = b"from,to,weight\nbus routes,loneliness,-0.5\n"
    imported = actions.import_map(world.programme, "Partners' map", "edge-list", content, by=world.analyst)
    changed = actions.change_map(
        imported, kind=MapKind.WORKSHOP, description=" Drawn at the workshop. ", by=world.analyst
    )
    changed.refresh_from_db()
    assert (changed.kind, changed.description) == (MapKind.WORKSHOP, "Drawn at the workshop.")
    assert AuditEvent.objects.get(action="maps.map_changed").actor == world.analyst
    with pytest.raises(ActionError):
        actions.change_map(imported, kind=MapKind.COMMUNITY, description="", by=world.analyst)
