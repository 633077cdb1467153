"""The chat-completions client against a real local HTTP server: JSON mode, keys, retries, timeouts, caps."""

import time

import pytest

from chorus.llm import ChatClient, LLMConfig, ModelError
from chorus.llm.client import retry_after_seconds, strict_json

from support.chat_server import ChatServer

API_KEY = "sk-test-4f1c9a7e2b8d4c6f9e0a1b2c3d4e5f60"


def test_a_good_answer_comes_back_parsed_with_provenance(server, client):
    reply = client.ask_json("Reply in JSON.", "{}")

    assert reply.data == {"ok": True}
    assert reply.provenance.host == server.url.split("/")[2]
    assert reply.provenance.model == "llama3.2:3b"
    assert reply.provenance.made_at.tzinfo is not None
    request = server.received[0]
    assert request.path == "/v1/chat/completions"
    assert request.body["response_format"] == {"type": "json_object"}
    assert request.body["model"] == "llama3.2:3b"
    assert [message["role"] for message in request.body["messages"]] == ["system", "user"]


def test_the_key_goes_in_the_bearer_header_and_never_into_the_logs(all_logs):
    server = ChatServer(api_key=API_KEY).start()
    try:
        config = LLMConfig(url=server.url, model="gpt-4o-mini", api_key=API_KEY, timeout=5)
        ChatClient(config).ask_json("Reply in JSON.", "{}")
        with pytest.raises(ModelError) as refused:
            ChatClient(
                LLMConfig(url=server.url, model="gpt-4o-mini", api_key="sk-wrong-key-0000", timeout=5)
            ).ask_json("Reply in JSON.", "{}")
    finally:
        server.stop()

    assert server.received[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert "CHORUS_LLM_API_KEY" in str(refused.value) and "sk-wrong" not in str(refused.value)
    assert any(record.name == "chorus.llm" for record in all_logs.records)  # the logs were captured
    assert API_KEY not in all_logs.text
    assert all(API_KEY not in str(record.args) for record in all_logs.records)
    assert API_KEY not in repr(config)


def test_azure_sends_the_api_key_header_and_the_api_version(server):
    azure = ChatServer(api_key=API_KEY, key_header="api-key").start()
    try:
        config = LLMConfig(
            url=azure.url.replace("/v1", "/openai/deployments/chorus-gpt"),
            api_key=API_KEY,
            kind="azure",
            timeout=5,
        )
        reply = ChatClient(config).ask_json("Reply in JSON.", "{}")
    finally:
        azure.stop()

    request = azure.received[0]
    assert request.path == "/openai/deployments/chorus-gpt/chat/completions"
    assert request.query == {"api-version": ["2024-10-21"]}
    assert request.headers["api-key"] == API_KEY
    assert "authorization" not in request.headers
    assert "model" not in request.body  # Azure's deployment is in the address
    assert reply.provenance.model == "azure-deployment-model"  # as the service reported it
    assert reply.provenance.kind == "azure"


def test_429_is_retried_after_the_time_retry_after_asks(server, client):
    server.script = ["busy"]

    reply = client.ask_json("Reply in JSON.", "{}")

    assert reply.data == {"ok": True}
    assert len(server.received) == 2
    assert server.answered_at[1] - server.answered_at[0] >= 0.95


def test_retries_are_bounded(server):
    server.script = ["error-500"] * 5
    client = ChatClient(LLMConfig(url=server.url, model="m", timeout=5), max_retries=1)

    with pytest.raises(ModelError, match="HTTP 500") as error:
        client.ask_json("Reply in JSON.", "{}")

    assert error.value.reason == "http"
    assert len(server.received) == 2


def test_a_retry_after_longer_than_allowed_is_not_waited_for(server):
    server.script = ["busy"]
    client = ChatClient(LLMConfig(url=server.url, model="m", timeout=5), max_retry_wait=0.5)

    with pytest.raises(ModelError, match="HTTP 429.*busy"):
        client.ask_json("Reply in JSON.", "{}")
    assert len(server.received) == 1


def test_a_slow_answer_past_the_timeout_is_given_up(server):
    server.script = ["slow"]
    client = ChatClient(LLMConfig(url=server.url, model="m", timeout=0.5))
    started = time.monotonic()

    with pytest.raises(ModelError, match="did not answer within 0.5 seconds") as error:
        client.ask_json("Reply in JSON.", "{}")

    assert error.value.reason == "timeout"
    assert time.monotonic() - started < 2.5
    assert len(server.received) == 1  # timeouts are not retried


@pytest.mark.parametrize("behaviour", ["oversize", "oversize-unannounced"])
def test_an_oversize_body_is_not_read(server, client, behaviour):
    server.script = [behaviour]

    with pytest.raises(ModelError, match="larger than 1,000,000 bytes") as error:
        client.ask_json("Reply in JSON.", "{}")
    assert error.value.reason == "too-large"


@pytest.mark.parametrize(
    ("behaviour", "reason", "words"),
    [
        ("bad-body", "json", "not JSON"),
        ("bad-json", "json", "did not answer in JSON"),
        ("wrong-shape", None, None),  # valid JSON: the uses check its shape
        ("content-filter", "refusal", "content filter"),
        ("filter-400", "refusal", "content filter"),
    ],
)
def test_unusable_answers_are_errors_that_say_why(server, client, behaviour, reason, words):
    server.script = [behaviour]

    if reason is None:
        assert client.ask_json("Reply in JSON.", "{}").data == {"title": "Pharmacy closures"}
        return
    with pytest.raises(ModelError, match=words) as error:
        client.ask_json("Reply in JSON.", "{}")
    assert error.value.reason == reason


def test_nothing_listening_is_a_connection_error():
    closed = ChatServer()  # bound to a port, never serving
    url = closed.url
    closed.httpd.server_close()
    client = ChatClient(LLMConfig(url=url, model="m", timeout=2))

    with pytest.raises(ModelError, match="Could not reach the external model at 127.0.0.1") as error:
        client.ask_json("Reply in JSON.", "{}")
    assert error.value.reason == "connection"


def test_json_is_parsed_strictly():
    assert strict_json('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    for not_strict in (
        '{"a": NaN}',
        '{"a": 1, "a": 2}',
        '```json\n{"a": 1}\n```',
        '{"a": 1} trailing',
        "{'a': 1}",
    ):
        with pytest.raises(ValueError):
            strict_json(not_strict)


def test_retry_after_reads_seconds_and_http_dates():
    from datetime import UTC, datetime

    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Sun, 01 Mar 2026 12:00:05 GMT", now=now) == 5.0
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_a_key_a_header_cannot_carry_is_an_error_that_does_not_show_it(server):
    client = ChatClient(LLMConfig(url=server.url, model="m", api_key="clé-secrète", timeout=5))

    with pytest.raises(ModelError, match="check the CHORUS_LLM_\\* settings") as error:
        client.ask_json("Reply in JSON.", "{}")
    assert "secrète" not in str(error.value)
    assert server.received == []
