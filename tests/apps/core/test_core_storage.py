"""Files through Django's storage API (chorus/apps/core/storage.py), on the local disk and on a storage
that is not a local folder (Django's in-memory storage stands in for a bucket: it has no path, like S3).
Nothing is left in the temporary folder once a block that needed a local copy ends."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from chorus.apps.core import storage

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


@pytest.fixture(params=["local", "not-local"])
def backend(request, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "not-local":
        settings.STORAGES = {**settings.STORAGES, "default": IN_MEMORY}
    return request.param


@pytest.fixture
def scratch(monkeypatch, tmp_path) -> Path:
    """The temporary folder Python hands out, to see that nothing is left in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_local_disk_is_local_and_in_memory_storage_is_not(backend):
    assert storage.is_local() == (backend == "local")


def test_a_stream_is_stored_with_its_digest_and_read_back_through_a_local_copy(backend, scratch):
    stored = storage.save_stream("imports/a.csv", [b"id,text\n", b"1,hello\n"], max_bytes=100)
    assert (stored.name, stored.size) == ("imports/a.csv", 16)
    assert stored.sha256 == hashlib.sha256(b"id,text\n1,hello\n").hexdigest()
    with default_storage.open("imports/a.csv", "rb") as readback:
        assert readback.read() == b"id,text\n1,hello\n"
    with storage.local_copy("imports/a.csv") as path:
        assert path.read_bytes() == b"id,text\n1,hello\n"
    assert not any(scratch.iterdir())
    assert storage.exists("imports/a.csv") and storage.delete("imports/a.csv")
    assert not storage.exists("imports/a.csv") and not storage.delete("imports/a.csv")


def test_too_large_a_stream_is_refused_and_leaves_nothing(backend, scratch):
    with pytest.raises(storage.TooLarge):
        storage.save_stream("imports/big.csv", [b"x" * 60, b"x" * 60], max_bytes=100)
    assert not storage.exists("imports/big.csv")
    assert list(storage.files_under("imports")) == []
    assert not any(scratch.iterdir())


def test_a_folder_is_stored_loaded_and_deleted_whole(backend, scratch, tmp_path):
    local = tmp_path / "model"
    (local / "inner").mkdir(parents=True)
    (local / "manifest.json").write_text("{}")
    (local / "inner" / "weights.bin").write_bytes(bytes(range(256)))
    names = storage.save_folder(local, "models/7")
    assert sorted(names) == ["models/7/inner/weights.bin", "models/7/manifest.json"]
    assert sorted(storage.names_under("models/7")) == sorted(names)
    with storage.local_folder("models/7") as folder:
        assert (folder / "inner" / "weights.bin").read_bytes() == bytes(range(256))
    assert not any(scratch.iterdir())

    storage.save_folder(local / "inner", "models/7")  # saving again replaces what was there
    assert list(storage.names_under("models/7")) == ["models/7/weights.bin"]
    assert storage.delete_folder("models/7") == 1
    assert list(storage.names_under("models/7")) == []
    with pytest.raises(ValueError):
        storage.delete_folder("/")


def test_files_under_a_folder_come_with_when_they_were_written(backend):
    storage.save_stream("imports/one.csv", [b"1"], max_bytes=10)
    (name, written), *rest = storage.files_under("imports")
    assert name == "imports/one.csv" and written.tzinfo is not None and rest == []
