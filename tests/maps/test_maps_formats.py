import io
from pathlib import Path

import numpy as np
import pytest

from chorus.maps import (
    MapError,
    read_edge_list_csv,
    read_matrix_csv,
    read_mmp,
    write_edge_list_csv,
    write_matrix_csv,
)
from chorus.maps.examples import read_example

FIXTURES = Path(__file__).with_name("fixtures")


def test_edge_list_reads_terms_signs_quotes_and_provenance():
    text = (
        "from,to,sign,strength,quote,provenance\n"
        'bus routes,community groups,+,strong,"No bus, no club.",c:1;q:4\n'
        "cost of living,community groups,-,medium,,\n"
        "community groups,loneliness,,0.9,,\n"
    )
    fcm = read_edge_list_csv(io.StringIO(text))
    assert fcm.names == ["bus routes", "community groups", "cost of living", "loneliness"]
    bus = fcm.link("bus routes", "community groups")
    assert bus.weight == pytest.approx(0.75)
    assert bus.quote == "No bus, no club."
    assert bus.provenance == ("c:1", "q:4")
    assert fcm.link("cost of living", "community groups").weight == pytest.approx(-0.5)
    assert fcm.link("community groups", "loneliness").weight == pytest.approx(0.9)


def test_edge_list_uses_programme_terms():
    text = "from,to,strength\na,b,a lot\n"
    assert read_edge_list_csv(io.StringIO(text), terms={"a lot": 0.8}).link("a", "b").weight == 0.8


def test_edge_list_weight_column_is_signed_number():
    fcm = read_edge_list_csv(io.StringIO("From,To,Weight\na,b,-0.4\n\n"))
    assert fcm.link("a", "b").weight == -0.4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source,to,weight\na,b,1\n", r"needs columns 'from' and 'to' \(missing from\)"),
        ("from,to\na,b\n", "'weight' or a 'strength'"),
        ("from,to,strength\na,b,enormous\n", "row 2: unknown strength 'enormous'"),
        ("from,to,weight\na,b,lots\n", "row 2: 'lots' is not a number"),
        ("from,to,weight\na,b,1\na,b,0.5\n", "row 3: link 'a' -> 'b' already given on row 2"),
        ("from,to,weight\na,,1\n", "row 2: 'from' and 'to' must both be filled in"),
        ("from,to,sign,strength\na,b,sideways,weak\n", "unknown sign 'sideways'"),
    ],
)
def test_edge_list_errors_name_the_row_and_problem(text, message):
    with pytest.raises(MapError, match=message):
        read_edge_list_csv(io.StringIO(text))


def test_matrix_csv_reads_rows_as_causes_and_blank_cells_as_zero():
    fcm = read_matrix_csv(io.StringIO(",a,b,c\na,0,0.5,\nb,-0.25,0,0\nc,0,0,0\n"))
    assert fcm.names == ["a", "b", "c"]
    assert np.array_equal(fcm.weight_matrix(), [[0, 0.5, 0], [-0.25, 0, 0], [0, 0, 0]])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (",a,b\na,0,1\n", "not square: 2 factor columns but 1 rows"),
        (",a,b\nb,0,1\na,1,0\n", "first column does not match the header: row 2 is 'b' but column 2 is 'a'"),
        (",a,b\na,0,x\nb,0,0\n", "row 'a', column 'b': 'x' is not a number"),
        (",a,b\na,0,nan\nb,0,0\n", "not a finite number"),
        (",a,a\na,0,0\na,0,0\n", "more than once"),
        (",a,b\na,0,1,2\nb,0,0\n", "row 'a' has 3 values but there are 2 factors"),
        ("", "empty"),
    ],
)
def test_matrix_csv_errors_are_clear(text, message):
    with pytest.raises(MapError, match=message):
        read_matrix_csv(io.StringIO(text))


def test_matrix_round_trips_through_csv(tmp_path):
    original = read_matrix_csv(io.StringIO(",a,b\na,0,0.123456789\nb,-1,0\n"))
    write_matrix_csv(original, tmp_path / "w.csv")
    again = read_matrix_csv(tmp_path / "w.csv")
    assert again.names == original.names
    assert np.array_equal(again.weight_matrix(), original.weight_matrix())


def test_edge_list_round_trips_with_quotes_and_provenance(tmp_path):
    text = 'from,to,weight,quote,provenance\nx,y,-0.5,"She said ""never""",q:9\ny,z,0.25,,\n'
    original = read_edge_list_csv(io.StringIO(text))
    write_edge_list_csv(original, tmp_path / "edges.csv")
    again = read_edge_list_csv(tmp_path / "edges.csv")
    assert again.links == original.links


def test_mental_modeler_xml_project_reads_concepts_and_relationships():
    fcm = read_mmp(FIXTURES / "gp_access.mmp")
    assert fcm.names == [
        "8am phone queue",
        "Getting an appointment",
        "Going to A&E instead",
        "Worry",
        "Health",
    ]
    queue = fcm.id_for_name("8am phone queue")
    appointment = fcm.id_for_name("Getting an appointment")
    link = fcm.link(queue, appointment)
    assert link.weight == -0.75
    assert link.quote == "You ring at eight and you're forty-third in the queue."
    # the zero-influence relationship Worry -> 8am phone queue carries no effect and is left out
    assert len(fcm.links) == 5
    assert fcm.link(fcm.id_for_name("Worry"), queue) is None


def test_mental_modeler_json_project_reads_the_same_shape():
    fcm = read_mmp(FIXTURES / "bus_and_groups.json.mmp")
    assert fcm.id == "5f1c2a9e-3b7d-4e60-9c2f-8a1d0b6e4c33"
    assert fcm.names == ["Bus service", "Lunch club", "Loneliness"]
    assert np.array_equal(fcm.weight_matrix(), [[0, 0.8, 0], [0, 0, -1], [0, 0, 0]])


def test_mental_modeler_reader_refuses_other_xml():
    with pytest.raises(MapError, match="root element is <svg>"):
        read_mmp(io.StringIO("<svg></svg>"))


def test_plymouth_example_is_a_complete_quoted_map():
    fcm = read_example("plymouth_connectedness")
    assert fcm.id == "plymouth_connectedness"
    assert len(fcm.factors) == 15
    assert 30 <= len(fcm.links) <= 35
    assert {"loneliness", "bus routes", "feeling connected", "health", "cost of living"} <= set(fcm.names)
    assert all(link.quote for link in fcm.links)
    assert all(-1 <= link.weight <= 1 and link.weight != 0 for link in fcm.links)


def test_unknown_example_is_refused():
    with pytest.raises(MapError, match="unknown example"):
        read_example("atlantis")
