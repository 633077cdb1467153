"""Twenty copies of one field-tool post at once: one contribution, one activity, no empty activities.

Real concurrency: each thread sends its post through Django's full request handling on its own database
connection, released together by a barrier. On SQLite the threads share a copy of the test database in a
file, as in production (WAL, immediate transactions): the in-memory test database locks whole tables."""

from __future__ import annotations

import contextlib
import sqlite3
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chorus.apps.engagement.models import Activity, Contribution
from chorus.apps.imports import actions
from chorus.apps.imports.models import ImportBatch, SourceKind

POSTS = 20


@contextlib.contextmanager
def shared_database(tmp_path):
    """A function that points the calling thread at a database every thread can share."""
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    settings = {**connection.settings_dict, "NAME": str(path)}
    original = connections["default"]

    def use() -> None:
        connections["default"] = type(original)(settings, "default")

    try:
        yield use
    finally:
        connections["default"].close()
        connections["default"] = original


@pytest.mark.django_db(transaction=True)
def test_identical_posts_at_once_store_one_contribution_and_leave_no_empty_activity(
    world, fixtures, tmp_path
):
    source, token = actions.create_source(
        world.programme, "Kobo survey", SourceKind.FIELD_TOOL, by=world.analyst
    )
    warm_up, _ = actions.create_source(world.programme, "Warm-up", SourceKind.FIELD_TOOL, by=world.analyst)
    actions.receive_submission(warm_up, {"what_matters": "load the redaction models first", "_uuid": "warm"})
    body = (fixtures / "kobo_rest_submission.json").read_text()
    url = reverse("imports:field", args=[source.pk])
    barrier = threading.Barrier(POSTS)
    statuses: list[int] = []
    with shared_database(tmp_path) as use_shared_database:
        use_shared_database()

        def send() -> None:
            use_shared_database()
            client = Client(raise_request_exception=False)
            try:
                barrier.wait()
                headers = {"Authorization": f"Token {token}"}
                response = client.post(url, data=body, content_type="application/json", headers=headers)
                statuses.append(response.status_code)
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=send) for _ in range(POSTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(statuses) == [200] * (POSTS - 1) + [201]
        assert Contribution.objects.filter(activity__source=source.name).count() == 1
        activities = Activity.objects.filter(source=source.name)
        assert activities.count() == 1
        assert not activities.filter(contributions=None).exists()
        assert ImportBatch.objects.filter(source=source).exclude(activity=None).count() == 1
