"""The real background path: the upload pages queue a django.tasks task on the DatabaseBackend and a
`db_worker` (run in-process here) imports the file; a phone user follows it in Chromium."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.tasks import task_backends
from django_tasks_db.models import DBTaskResult
from imports_helpers import upload

from chorus.apps.engagement.models import Contribution
from chorus.apps.imports.models import BatchStatus, ImportBatch

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}
    }


def run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name", "imports", "--no-startup-delay", "--no-reload")


@pytest.mark.parametrize("stored", ["on the local disk", "where there is no local path"])
def test_database_backend_worker_runs_a_queued_import(client, world, fixtures, settings, stored):
    if stored == "where there is no local path":  # Django's in-memory storage stands in for a bucket
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        }
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    client.login(username="analyst", password=PASSWORD)
    with (fixtures / "community.xlsx").open("rb") as stream:
        response = client.post(f"/imports/{world.programme.slug}/upload/", {"file": stream})
    page = client.get(response.url)
    data = {name: field.initial or "" for name, field in page.context["form"].fields.items()}
    client.post(response.url, data)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED and default_storage.exists(batch.stored_path)
    stored_name = batch.stored_path
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.imported, batch.quarantined) == (BatchStatus.DONE, 3, 0)
    assert Contribution.objects.filter(activity=batch.activity).count() == 3
    assert batch.stored_path == "" and not default_storage.exists(stored_name)


@pytest.mark.parametrize(("chunk", "chunk_tasks"), [(5_000, 0), (2, 3)])
def test_a_big_import_is_queued_as_chunk_tasks_and_a_small_one_is_done_by_its_own_task(
    client, world, settings, tmp_path, chunk, chunk_tasks
):
    settings.CHORUS_IMPORT_CHUNK = chunk
    path = tmp_path / "five.csv"
    lines = ["What matters to you?,Consent to analysis"]
    lines += [f"Comment {number} says the clinic is too far,yes" for number in range(1, 6)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = upload(world.programme, path)
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.imported, batch.rows_seen) == (BatchStatus.DONE, 5, 5)
    assert batch.chunks.filter(done=True).count() == max(1, chunk_tasks)
    tasks = list(DBTaskResult.objects.values_list("task_path", "status"))
    assert sorted(tasks) == [("chorus.apps.imports.tasks.import_chunk", "SUCCESSFUL")] * chunk_tasks + [
        ("chorus.apps.imports.tasks.run_import", "SUCCESSFUL")
    ]
    assert batch.stored_path == ""


@pytest.mark.browser
def test_analyst_imports_a_file_on_a_phone(live_server, world, phone, fixtures, tmp_path):
    path = tmp_path / "voices.csv"
    path.write_text(
        "Date,What matters to you?,Ward,Age,Consent to analysis\n"
        "01/03/2024,The surgery phone line is always engaged,Kursaal,45,yes\n"
        "02/03/2024,The buses stop at six,Milton,2O,yes\n"
        "03/03/2024,My name is Ann Lee and the clinic lost my notes,Victoria,3X,yes\n",
        encoding="utf-8",
    )
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(f"{live_server.url}/imports/{world.programme.slug}/upload/")
    phone.get_by_label("Spreadsheet").set_input_files(str(path))
    phone.get_by_role("button", name="Upload and check columns").click()
    phone.get_by_role("heading", name="Check the columns").wait_for()
    assert phone.get_by_label("What the resident said").input_value() == "What matters to you?"
    phone.screenshot(path="test-results/imports-columns.png", full_page=True)
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Save columns and import").click()
    phone.get_by_text("Waiting").first.wait_for()
    run_worker()
    phone.reload()
    phone.get_by_role("heading", name="Quarantined rows").wait_for()
    content = phone.content()
    assert "Finished" in content and "is not a number" in content
    phone.screenshot(path="test-results/imports-batch.png", full_page=True)
    assert axe_violations(phone) == []
    phone.get_by_role("link", name="Correct row 3").click()
    phone.get_by_label("Age").fill("52")
    phone.get_by_role("button", name="Run this row again").click()
    phone.get_by_text("Row 3 is imported.").wait_for()
    assert Contribution.objects.get(text="The buses stop at six").age_band == "45-54"
    # A quarantined row that names someone is erased instead, after a confirmation.
    phone.get_by_role("link", name="Correct row 4").click()
    phone.get_by_role("link", name="erase row 4").click()
    phone.get_by_role("button", name="Erase permanently").click()
    phone.get_by_text("Confirm that you want to erase this row.").first.wait_for()
    assert axe_violations(phone) == []
    phone.get_by_label("I understand this empties the row").check()
    phone.get_by_role("button", name="Erase permanently").click()
    phone.get_by_text("Row 4 is erased").wait_for()
    assert "Ann Lee" not in phone.content()
    phone.goto(f"{live_server.url}/imports/{world.programme.slug}/")
    phone.get_by_label("Name").fill("Kobo community survey")
    phone.get_by_role("group", name="How records arrive").get_by_label("Field tool").check()
    phone.get_by_role("button", name="Add source").click()
    phone.get_by_role("heading", name="Token for Kobo community survey").wait_for()
    assert "Authorization: Token " in phone.content()
    phone.screenshot(path="test-results/imports-token.png", full_page=True)
    phone.goto(f"{live_server.url}/imports/{world.programme.slug}/")
    phone.screenshot(path="test-results/imports-programme.png", full_page=True)
    assert axe_violations(phone) == []
    # The saved columns can be corrected; a mistake comes back with the choices kept.
    phone.get_by_role("link", name="Columns of Uploads").click()
    phone.get_by_role("link", name="Correct these columns").click()
    phone.get_by_label("What the resident said").select_option("")
    phone.get_by_role("button", name="Save columns").click()
    phone.get_by_text("Choose the column that holds what residents said").first.wait_for()
    assert phone.get_by_label("Date of the conversation").input_value() == "Date"
    assert axe_violations(phone) == []
    phone.get_by_label("What the resident said").select_option("What matters to you?")
    phone.get_by_role("button", name="Save columns").click()
    phone.get_by_text("The columns are saved").wait_for()
    assert axe_violations(phone) == []
