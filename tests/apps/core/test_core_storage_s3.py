"""Chorus's storage helpers (chorus/apps/core/storage.py) against an S3-compatible bucket configured from
CHORUS_S3_* on a real S3 protocol peer (moto's server mode, support/s3_server.py): a large object is read
by another process without being held whole in its memory, and no temporary file is left behind."""

from __future__ import annotations

import pytest

from chorus.apps.core import storage

from support.processes import chorus_environment, run_python

MIB = 1024 * 1024


@pytest.mark.slow
def test_a_large_object_is_read_to_a_private_copy_without_holding_it_in_memory(s3, tmp_path):
    size = 96 * MIB
    stored = storage.save_stream("imports/large.csv", (b"x" * MIB for _ in range(96)), max_bytes=size)
    assert s3.names() == ["imports/large.csv"] and stored.size == size
    worker_home = tmp_path / "worker"  # another process, the S3 server not in it, so its memory is its own
    (worker_home / "tmp").mkdir(parents=True)
    script = (
        "import tracemalloc\n"
        "from chorus.apps.core import storage\n"
        "assert not storage.exists('imports/absent.csv')  # the client made and its service model read\n"
        "tracemalloc.start()\n"
        f"with storage.local_copy({stored.name!r}) as path:\n"
        "    print('copied', path.stat().st_size)\n"
        "print('peak', tracemalloc.get_traced_memory()[1])\n"
    )
    environment = chorus_environment(worker_home, TMPDIR=str(worker_home / "tmp"), **s3.environment)

    result = run_python(script, environment, worker_home)

    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert int(lines["copied"]) == size
    peak = int(lines["peak"])
    # boto3's transfer keeps some parts in flight (tens of MiB whatever the size); the object whole never.
    assert peak < size * 3 / 4, f"{peak / MIB:.0f} MiB held in memory to read a {size / MIB:.0f} MiB object"
    assert not any((worker_home / "tmp").iterdir()) and not any(s3.scratch.iterdir())
