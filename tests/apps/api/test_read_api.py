import pytest
from django.test import Client

from chorus.apps.api.actions import create_token, revoke_token
from chorus.apps.api.api import PAGE_SIZE
from chorus.apps.api.models import ApiToken
from chorus.apps.coding.actions.review import apply_theme
from chorus.apps.coding.models import Codebook, Theme
from chorus.apps.engagement.actions import create_contribution

from support.world import voice

BASE = "/api/v1"


def client_for(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(user, 'tests').secret}"})


@pytest.fixture
def coded(world):
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    housing = Theme.objects.create(codebook=codebook, slug="housing", name="Housing", position=1)
    apply_theme(world.by_partner_a, housing, by=world.analyst)
    return world


def test_requests_without_a_valid_token_are_refused(world):
    assert Client().get(f"{BASE}/programmes").status_code == 401
    wrong = Client(headers={"Authorization": "Bearer chorus_not-a-token"})
    assert wrong.get(f"{BASE}/programmes").status_code == 401


def test_a_revoked_token_no_longer_works(world):
    new = create_token(world.analyst, "dashboard")
    client = Client(headers={"Authorization": f"Bearer {new.secret}"})
    assert client.get(f"{BASE}/programmes").status_code == 200
    revoke_token(new.token, by=world.analyst)
    assert client.get(f"{BASE}/programmes").status_code == 401


def test_only_the_tokens_hash_is_stored(world):
    new = create_token(world.analyst, "dashboard")
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret not in (stored.token_hash, stored.prefix, stored.name)


def test_programmes_are_those_the_user_belongs_to(world):
    response = client_for(world.analyst).get(f"{BASE}/programmes")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [p["slug"] for p in body["items"]] == ["southend-connectors"]
    assert client_for(world.other_analyst).get(f"{BASE}/programmes/southend-connectors").status_code == 404


def test_counts_and_theme_prevalence_match_the_dashboard_figures(coded):
    client = client_for(coded.decision_maker)
    counts = client.get(f"{BASE}/programmes/southend-connectors/counts", {"by": "ward"}).json()
    assert counts["total"] == 3
    assert {g["label"]: g["count"] for g in counts["groups"]} == {"Kursaal": 1, "Milton": 2}
    themes = client.get(f"{BASE}/programmes/southend-connectors/themes").json()
    assert [(t["theme"], t["count"], t["total"]) for t in themes] == [("housing", 1, 3)]
    assert themes[0]["lower"] < 1 / 3 < themes[0]["upper"]


def test_filters_narrow_the_figures(coded):
    client = client_for(coded.analyst)
    response = client.get(
        f"{BASE}/programmes/southend-connectors/counts", {"by": "month", "kind": "conversation"}
    )
    assert response.json()["total"] == 1


def test_bad_filters_get_a_clear_message(coded):
    client = client_for(coded.analyst)
    response = client.get(f"{BASE}/programmes/southend-connectors/counts", {"kind": "seance"})
    assert response.status_code == 422  # kind is an enum in the schema: the choices come back
    assert "conversation" in str(response.json()["detail"])
    assert client.get(f"{BASE}/programmes/southend-connectors/counts", {"by": "shoe-size"}).status_code == 422


def test_contributions_are_only_those_the_user_may_read(coded):
    by_analyst = client_for(coded.analyst).get(f"{BASE}/programmes/southend-connectors/contributions").json()
    assert by_analyst["count"] == 3
    housing = [c for c in by_analyst["items"] if c["themes"] == ["housing"]]
    assert [c["id"] for c in housing] == [coded.by_partner_a.pk]

    by_partner = client_for(coded.partner_a_member).get(
        f"{BASE}/programmes/southend-connectors/contributions"
    )
    assert [c["id"] for c in by_partner.json()["items"]] == [coded.by_partner_a.pk]

    by_board = client_for(coded.decision_maker).get(f"{BASE}/programmes/southend-connectors/contributions")
    assert by_board.json()["count"] == 0


def test_contributions_carry_no_equality_or_consent_details(coded):
    item = (
        client_for(coded.analyst)
        .get(f"{BASE}/programmes/southend-connectors/contributions")
        .json()["items"][0]
    )
    assert not {"age_band", "sex", "ethnicity", "recorded_by", "consent_recontact"} & set(item)


def test_contributions_come_a_page_at_a_time(coded):
    activity = coded.by_connector.activity
    for i in range(PAGE_SIZE + 1):
        create_contribution(activity, voice(f"Comment {i}", already_redacted=True), by=coded.connector)
    client = client_for(coded.analyst)
    url = f"{BASE}/programmes/southend-connectors/contributions"
    first, second = client.get(url).json(), client.get(url, {"page": 2}).json()
    assert first["count"] == second["count"] == PAGE_SIZE + 4
    assert len(first["items"]) == PAGE_SIZE and len(second["items"]) == 4
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}


def test_openapi_schema_describes_every_route(world):
    schema = Client().get(f"{BASE}/openapi.json").json()
    assert schema["info"]["title"] == "Chorus read API"
    assert {
        "/api/v1/programmes",
        "/api/v1/programmes/{slug}",
        "/api/v1/programmes/{slug}/counts",
        "/api/v1/programmes/{slug}/themes",
        "/api/v1/programmes/{slug}/contributions",
    } <= set(schema["paths"])
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_token_page_shows_a_new_secret_once_and_refuses_a_blank_name(world, client):
    client.force_login(world.analyst)
    created = client.post("/api/tokens/", {"name": "ICB dashboard"})
    assert created.status_code == 200
    secret = created.context["new_secret"]
    assert secret.startswith("chorus_")
    assert secret not in client.get("/api/tokens/").content.decode()
    blank = client.post("/api/tokens/", {"name": "  "})
    assert blank.status_code == 400
