"""Logs are JSON and never carry what residents said."""

import io
import json
import logging
import uuid

import pytest
from django.urls import reverse

from chorus.site.logging import DropRequestDetails, JsonFormatter

from support.world import PASSWORD, ward


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(DropRequestDetails())
    loggers = [
        logging.getLogger(name) for name in ("", "chorus", "django", "django.request", "django.server")
    ]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_recording_a_conversation_logs_ids_but_not_words(client, world, captured_logs):
    client.login(username=world.connector.username, password=PASSWORD)
    secret = "my neighbour Brenda keeps an eye on me"
    client.post(
        reverse("record"),
        {
            "submission_key": uuid.uuid4().hex,
            "programme": world.programme.pk,
            "date": "2026-11-20",
            "text": secret,
            "ward": ward("Milton").pk,
            "consent_analysis": "yes",
            "consent_quote": "no",
            "consent_open_data": "no",
            "consent_recontact": "no",
        },
    )
    output = captured_logs.getvalue()
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert any(line.get("event") == "contribution.recorded" for line in lines)
    assert "Brenda" not in output


def test_request_log_lines_lose_their_query_string():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /contributions/?q=Brenda+damp HTTP/1.1", "200", "512"),
        None,
    )
    DropRequestDetails().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert "Brenda" not in line["message"]
    assert "/contributions/?[query removed]" in line["message"]


def test_unknown_extra_fields_are_not_written():
    record = logging.LogRecord("chorus", logging.INFO, __file__, 1, "saved", (), None)
    record.text = "the resident's words"
    record.contribution_id = 7
    line = json.loads(JsonFormatter().format(record))
    assert line["contribution_id"] == 7
    assert "text" not in line
