"""The GOV.UK Notify client against a local server that checks its JWTs as Notify does."""

import time

import pytest

from chorus.messaging import notify

from support.notify_server import API_KEY, SECRET, SERVICE_ID, SMS_TEMPLATE, NotifyServer, token_problem


@pytest.fixture(scope="module")
def server():
    running = NotifyServer().start()
    yield running
    running.stop()


def test_the_api_key_gives_the_service_id_and_secret():
    key = notify.ApiKey.parse(API_KEY)
    assert (key.service_id, key.secret) == (SERVICE_ID, SECRET)
    with pytest.raises(ValueError, match="service id"):
        notify.ApiKey.parse("too-short")


def test_the_token_is_signed_with_the_secret_and_names_the_service():
    token = notify.make_jwt(notify.ApiKey.parse(API_KEY))
    assert token_problem(f"Bearer {token}", time.time()) == ""
    assert "clock" in token_problem(f"Bearer {token}", time.time() + 60)  # Notify allows 30 seconds
    forged = notify.make_jwt(notify.ApiKey(SERVICE_ID, "0" * 36))
    assert "signature" in token_problem(f"Bearer {forged}", time.time())


def test_a_text_is_accepted_and_its_status_read(server):
    client = notify.NotifyClient(API_KEY, base_url=server.url, timeout=2)
    accepted = client.send_sms("+447400123456", SMS_TEMPLATE, {"subject": "s", "body": "b"}, "ref-1")
    assert server.sent[-1].id == accepted.notification_id and server.sent[-1].reference == "ref-1"
    assert client.status(accepted.notification_id) == "delivered"


def test_a_wrong_key_is_refused_and_not_retried(server):
    wrong = API_KEY[: -len(SECRET)] + "1" * len(SECRET)
    client = notify.NotifyClient(wrong, base_url=server.url, timeout=2)
    with pytest.raises(notify.NotifyError, match="AuthError"):
        client.send_sms("+447400123456", SMS_TEMPLATE, {}, "ref-2")


def test_busy_broken_and_slow_are_worth_trying_again(server):
    client = notify.NotifyClient(API_KEY, base_url=server.url, timeout=0.2)
    for behaviour in ("busy", "broken", "slow"):
        server.script = [behaviour]
        with pytest.raises(notify.NotifyUnavailable):
            client.send_email("a@example.net", "t", {}, "ref")
    closed = notify.NotifyClient(API_KEY, base_url="http://127.0.0.1:9", timeout=0.2)
    with pytest.raises(notify.NotifyUnavailable, match="could not be reached"):
        closed.status("x")
