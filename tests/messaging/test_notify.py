"""Chorus's use of notifications-python-client against a local server that checks its JWTs as Notify does:
accepted, delivered, failed, refused and timeout each sorted into done, refused for good, or try again."""

import time

import pytest
from notifications_python_client.authentication import create_jwt_token

from chorus.messaging import notify

from support.notify_server import (
    API_KEY,
    SECRET,
    SERVICE_ID,
    SLOW_SECONDS,
    SMS_TEMPLATE,
    NotifyServer,
    token_problem,
)

OTHER_UUID = "11111111-1111-4111-8111-111111111111"


@pytest.fixture(scope="module")
def server():
    running = NotifyServer().start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def fresh(server):
    server.script.clear()
    server.final_status = "delivered"
    server.refused_tokens = 0


def test_the_api_key_gives_the_service_id_and_secret():
    key = notify.ApiKey.parse(API_KEY)
    assert (key.service_id, key.secret) == (SERVICE_ID, SECRET)
    with pytest.raises(ValueError, match="service id"):
        notify.ApiKey.parse("too-short")
    with pytest.raises(ValueError, match="service id"):
        notify.ApiKey.parse(API_KEY[:-1])  # cut short when pasted
    with pytest.raises(notify.NotifyError, match="NOTIFY_API_KEY"):
        notify.NotifyClient("chorus-not-a-key")


def test_the_local_server_checks_tokens_as_notify_does():
    token = create_jwt_token(SECRET, SERVICE_ID)
    assert token_problem(f"Bearer {token}", time.time()) == ""
    assert "clock" in token_problem(f"Bearer {token}", time.time() + 60)  # Notify allows 30 seconds
    assert "signature" in token_problem(f"Bearer {create_jwt_token('0' * 36, SERVICE_ID)}", time.time())
    assert "service" in token_problem(f"Bearer {create_jwt_token(SECRET, OTHER_UUID)}", time.time())


def test_a_text_is_accepted_and_its_status_read(server):
    client = notify.NotifyClient(API_KEY, base_url=server.url, timeout=2)
    accepted = client.send_sms("+447400123456", SMS_TEMPLATE, {"subject": "s", "body": "b"}, "ref-1")
    assert server.sent[-1].id == accepted.notification_id and server.sent[-1].reference == "ref-1"
    assert server.sent[-1].personalisation == {"subject": "s", "body": "b"}
    assert client.status(accepted.notification_id) == "delivered"
    assert server.refused_tokens == 0


def test_a_failed_status_is_read_as_failed(server):
    client = notify.NotifyClient(API_KEY, base_url=server.url, timeout=2)
    accepted = client.send_email("a@example.net", SMS_TEMPLATE, {"body": "b"}, "ref-f")
    server.final_status = "permanent-failure"
    assert client.status(accepted.notification_id) in notify.FAILED


def test_a_wrong_key_is_refused_and_not_retried(server):
    wrong = API_KEY[: -len(SECRET)] + OTHER_UUID
    client = notify.NotifyClient(wrong, base_url=server.url, timeout=2)
    with pytest.raises(notify.NotifyError, match="AuthError"):
        client.send_sms("+447400123456", SMS_TEMPLATE, {}, "ref-2")
    assert server.refused_tokens == 1


def test_a_refusal_gives_notifys_reason_without_the_number(server):
    server.script = ["reject"]
    client = notify.NotifyClient(API_KEY, base_url=server.url, timeout=2)
    with pytest.raises(notify.NotifyError) as refused:
        client.send_sms("+447400123456", SMS_TEMPLATE, {}, "ref-3")
    assert str(refused.value) == "ValidationError: phone_number Not a UK mobile number"


def test_busy_broken_and_slow_are_worth_trying_again(server):
    patient = notify.NotifyClient(API_KEY, base_url=server.url, timeout=SLOW_SECONDS * 5)
    for behaviour, words in {"busy": "answered 429", "broken": "answered 500"}.items():
        server.script = [behaviour]
        with pytest.raises(notify.NotifyUnavailable, match=words):
            patient.send_email("a@example.net", "t", {}, "ref")
    hasty = notify.NotifyClient(API_KEY, base_url=server.url, timeout=SLOW_SECONDS / 2)
    server.script = ["slow"]
    with pytest.raises(notify.NotifyUnavailable, match="did not answer in time"):
        hasty.send_email("a@example.net", "t", {}, "ref")
    closed = notify.NotifyClient(API_KEY, base_url="http://127.0.0.1:9", timeout=0.2)
    with pytest.raises(notify.NotifyUnavailable, match="could not be reached"):
        closed.status("x")
