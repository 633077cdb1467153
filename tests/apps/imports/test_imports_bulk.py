"""The import pipeline on engagement's bulk path: duplicates in and across chunks, bad rows, queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from imports_helpers import upload

from chorus.apps.engagement.models import ActivityKind, Contribution
from chorus.apps.imports.models import BatchStatus
from chorus.apps.imports.pipeline import run_batch


def write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_duplicates_inside_a_chunk_and_across_chunks_are_stored_once(world, tmp_path):
    path = write(
        tmp_path,
        "repeats.csv",
        [
            "What matters to you?,Consent to analysis",
            "The walk-in centre has shut,yes",  # row 2
            "Buses stop at six,yes",
            "The walk-in centre has shut,yes",  # row 4: a repeat inside the first chunk
            "The library runs health checks,yes",
            "Buses stop at six,yes",  # row 6: a repeat of a row in the first chunk
            "Nobody answers at the GP,yes",
        ],
    )
    batch = run_batch(upload(world.programme, path).pk, chunk_rows=3)
    assert (batch.status, batch.imported, batch.duplicates, batch.quarantined) == (BatchStatus.DONE, 4, 2, 0)
    assert Contribution.objects.filter(activity=batch.activity).count() == 4

    again = run_batch(upload(world.programme, path, name="repeats-again.csv").pk, chunk_rows=4)
    assert (again.imported, again.duplicates) == (0, 6)
    assert again.activity is None  # nothing new: no empty activity is made


def test_a_chunk_with_a_bad_row_stores_the_others_and_quarantines_it(world, tmp_path):
    path = write(
        tmp_path,
        "mixed.csv",
        [
            "What matters to you?,Age,Consent to analysis",
            "The pharmacy closes at lunchtime,45,yes",
            "The dentist has a waiting list,2O,yes",
            "The youth club has closed,17,yes",
        ],
    )
    batch = run_batch(upload(world.programme, path).pk, chunk_rows=10)
    assert (batch.imported, batch.duplicates, batch.quarantined) == (2, 0, 1)
    assert batch.last_row_committed == 4 and batch.rows_seen == 3
    row = batch.quarantined_rows.get()
    assert row.row_number == 3 and row.raw["Age"] == "2O"
    assert "'2O' is not a number" in row.problems[0]["text"]


def test_queries_do_not_grow_with_the_rows_in_a_chunk(world, tmp_path):
    def queries_to_import(rows: int, name: str) -> int:
        lines = ["Comment ID,What matters to you?,Ward,Consent to analysis"]
        lines += [f"{name}-{n},Comment {n} about the clinic in {name},Milton,yes" for n in range(rows)]
        batch = upload(world.programme, write(tmp_path, f"{name}.csv", lines))
        with CaptureQueriesContext(connection) as queries:
            done = run_batch(batch.pk, chunk_rows=500)
        assert done.imported == rows
        return len(queries)

    queries_to_import(3, "warm")  # loads the NLP and the places once
    few, many = queries_to_import(10, "few"), queries_to_import(200, "many")
    assert many <= few + 3, (few, many)


def test_interview_and_other_activity_kinds_are_kept(world, tmp_path):
    for kind, label in [(ActivityKind.INTERVIEW, "Interview"), (ActivityKind.OTHER, "Other")]:
        path = write(
            tmp_path,
            f"{kind}.csv",
            [
                "Activity type,What matters to you?,Consent to analysis",
                f"{label},The {kind} was about damp,yes",
            ],
        )
        batch = run_batch(upload(world.programme, path).pk)
        assert batch.activity.kind == kind
