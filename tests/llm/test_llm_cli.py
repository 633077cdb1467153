"""`chorus llm check` tells an administrator whether the configured endpoint answers."""

from chorus import cli
from chorus.llm.cli import main

from support.chat_server import ChatServer

KEY = "sk-cli-test-9d8c7b6a5f4e3d2c1b0a"


def test_check_says_ok_when_the_endpoint_answers(server, capsys):
    code = main(["check"], environ={"CHORUS_LLM_URL": server.url, "CHORUS_LLM_MODEL": "llama3.2:3b"})

    output = capsys.readouterr().out
    assert code == 0
    assert output.startswith("OK: llama3.2:3b at 127.0.0.1:")
    assert server.received[0].user_document == {}  # no resident's words in a check


def test_check_fails_clearly_and_never_prints_the_key(capsys):
    server = ChatServer(api_key="sk-the-right-one").start()
    try:
        code = main(
            ["check"],
            environ={
                "CHORUS_LLM_URL": server.url,
                "CHORUS_LLM_MODEL": "gpt-4o-mini",
                "CHORUS_LLM_API_KEY": KEY,
            },
        )
    finally:
        server.stop()

    printed = capsys.readouterr()
    assert code == 1
    assert printed.out.startswith("FAILED: The external model at 127.0.0.1:")
    assert "HTTP 401" in printed.out and "Check CHORUS_LLM_API_KEY" in printed.out
    assert KEY not in printed.out + printed.err


def test_check_reports_a_refusal_as_a_failure(server, capsys):
    server.script = ["content-filter"]

    code = main(["check"], environ={"CHORUS_LLM_URL": server.url, "CHORUS_LLM_MODEL": "m"})

    assert code == 1
    assert "content filter" in capsys.readouterr().out


def test_check_without_a_configured_endpoint_says_so(capsys, monkeypatch):
    monkeypatch.delenv("CHORUS_LLM_URL", raising=False)

    assert cli.main(["llm", "check"]) == 2
    assert "No external model is configured" in capsys.readouterr().out


def test_check_refuses_settings_that_cannot_work(capsys):
    assert (
        main(["check"], environ={"CHORUS_LLM_URL": "http://127.0.0.1:1/v1", "CHORUS_LLM_KIND": "bard"}) == 2
    )
    assert "CHORUS_LLM_KIND must be one of openai, azure" in capsys.readouterr().err
    assert main(["check"], environ={"CHORUS_LLM_URL": "ftp://example.org", "CHORUS_LLM_MODEL": "m"}) == 2
    assert "must be an http(s) address" in capsys.readouterr().err
    environ = {
        "CHORUS_LLM_URL": "http://127.0.0.1:1/v1",
        "CHORUS_LLM_MODEL": "m",
        "CHORUS_LLM_TIMEOUT": "soon",
    }
    assert main(["check"], environ=environ) == 2
    assert "CHORUS_LLM_TIMEOUT must be a number of seconds" in capsys.readouterr().err
    assert main(["check"], environ={"CHORUS_LLM_URL": "http://127.0.0.1:1/v1"}) == 2
    assert "CHORUS_LLM_MODEL is needed" in capsys.readouterr().err
