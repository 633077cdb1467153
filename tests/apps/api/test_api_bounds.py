"""The read API on malformed input: a 4xx with a reason, never a 500; closed choices are schema enums."""

import pytest
from django.test import Client

from chorus.apps.api.actions import create_token
from chorus.apps.engagement.models import ActivityKind

BASE = "/api/v1"
PROGRAMME = f"{BASE}/programmes/southend-connectors"


def client_for(user) -> Client:
    token = create_token(user, "tests").secret
    return Client(headers={"Authorization": f"Bearer {token}"}, raise_request_exception=False)


@pytest.mark.parametrize("page", ["99999999999999999", "9223372036854775807", "0", "-1"])
@pytest.mark.parametrize("path", [f"{BASE}/programmes", f"{PROGRAMME}/contributions"])
def test_page_numbers_out_of_range_are_refused_not_a_server_error(world, path, page):
    response = client_for(world.analyst).get(path, {"page": page})
    assert response.status_code == 422
    assert "page" in response.content.decode()


def test_the_last_allowed_page_is_simply_empty(world):
    from chorus.apps.api.api import MAX_PAGE

    response = client_for(world.analyst).get(f"{PROGRAMME}/contributions", {"page": MAX_PAGE})
    assert response.status_code == 200 and response.json()["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"theme": "a\x00b"},
        {"ward": "E05\x00"},
        {"partner": "\x00"},
        {"ward": "x" * 10_000},
    ],
)
@pytest.mark.parametrize("route", ["counts", "themes", "contributions"])
def test_filters_with_characters_no_database_stores_are_refused(world, route, query):
    response = client_for(world.analyst).get(f"{PROGRAMME}/{route}", query)
    assert response.status_code in (400, 422), response.content


def test_a_lone_surrogate_in_the_query_string_is_not_a_server_error(world):
    # UTF-8 cannot carry a lone surrogate: its bytes arrive, and are read as replacement characters.
    response = client_for(world.analyst).get(f"{PROGRAMME}/counts?theme=%ED%A0%80&partner=%ED%A0%80")
    assert response.status_code < 500


@pytest.mark.parametrize("slug", ["south%00end", "%ED%A0%80", "x" * 300])
def test_odd_programme_slugs_are_not_found_or_refused(world, slug):
    response = client_for(world.analyst).get(f"{BASE}/programmes/{slug}/counts")
    assert response.status_code in (404, 422), response.content


def test_unknown_activity_type_is_refused_with_the_choices(world):
    response = client_for(world.analyst).get(f"{PROGRAMME}/counts", {"kind": "seance"})
    assert response.status_code == 422
    assert "conversation" in response.content.decode()


def test_closed_choices_are_enums_in_the_schema(world):
    schema = Client().get(f"{BASE}/openapi.json").json()
    counts = schema["paths"]["/api/v1/programmes/{slug}/counts"]["get"]["parameters"]
    by_name = {parameter["name"]: parameter["schema"] for parameter in counts}
    kind = by_name["kind"]["items"]
    kind = schema["components"]["schemas"][kind["$ref"].rsplit("/", 1)[1]] if "$ref" in kind else kind
    assert set(kind["enum"]) == set(ActivityKind.values)
    assert set(by_name["core20"]["anyOf"][0]["enum"]) == {"yes", "no"}
    assert "enum" in by_name["by"] or "$ref" in by_name["by"]
    page = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/v1/programmes"]["get"]["parameters"]
    }["page"]
    assert page["minimum"] == 1 and page["maximum"] >= 1000
