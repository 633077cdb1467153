"""The read API refuses an address that keeps sending wrong tokens, and a token that asks too often: 429 with
Retry-After."""

from django.test import Client

from chorus.apps.api.actions import create_token

BASE = "/api/v1"


def bearer(secret: str, address: str = "203.0.113.9") -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"}, REMOTE_ADDR=address)


def test_an_address_sending_wrong_tokens_is_refused_with_retry_after(world, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 10
    statuses = [bearer(f"chorus_guess-{n}").get(f"{BASE}/programmes").status_code for n in range(12)]
    assert statuses[:9] == [401] * 9
    assert statuses[-1] == 429
    good = create_token(world.analyst, "dashboard").secret
    response = bearer(good).get(f"{BASE}/programmes")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests."}
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # Another address is not affected.
    assert bearer(good, address="203.0.113.10").get(f"{BASE}/programmes").status_code == 200


def test_a_token_asking_too_often_gets_429_with_retry_after(world, settings):
    settings.CHORUS_API_TOKEN_RATE = "5/min"
    client = bearer(create_token(world.analyst, "dashboard").secret)
    statuses = [client.get(f"{BASE}/programmes").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    response = client.get(f"{BASE}/programmes")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    # Each token has its own allowance.
    assert bearer(create_token(world.analyst, "other").secret).get(f"{BASE}/programmes").status_code == 200
