"""Files Chorus keeps for a while (uploads waiting to be imported, recordings, trained models, search
indexes) go through Django's storage API (`default_storage`), so a worker on another machine reads what the
web process stored: the local disk by default, an S3-compatible bucket when settings configure one
(chorus/site/settings.py, CHORUS_S3_BUCKET).

Code that needs a real file or folder (a spreadsheet reader, a model loader) asks for `local_copy` or
`local_folder`: the stored file itself where storage is the local disk, or else a private temporary copy
deleted when the block ends, so nothing is left on disk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage


@dataclass(frozen=True)
class Stored:
    name: str  # the storage's name for it, e.g. "imports/3f2a….csv"
    sha256: str
    size: int


class TooLarge(ValueError):
    pass


def is_local(storage: Storage = default_storage) -> bool:
    """Whether stored files are files in a folder of this machine (only then may code use their paths)."""
    return isinstance(storage, FileSystemStorage)


def save_stream(name: str, chunks: Iterable[bytes], *, max_bytes: int) -> Stored:
    """Store chunks under `name` (kept exactly: callers choose unique names), refusing more than max_bytes
    with TooLarge and leaving nothing behind."""
    digest, size = hashlib.sha256(), 0
    if is_local():
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        target = path.open("xb")
    else:
        target = tempfile.TemporaryFile()
    try:
        with target:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(name)
                digest.update(chunk)
                target.write(chunk)
            if not is_local():
                target.seek(0)
                saved = default_storage.save(name, File(target))
                if saved != name:  # the bucket renamed it: a name clash, which uuid names never have
                    default_storage.delete(saved)
                    raise FileExistsError(name)
    except BaseException:
        if is_local():
            Path(default_storage.path(name)).unlink(missing_ok=True)
        raise
    return Stored(name, digest.hexdigest(), size)


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A path to the stored file for the length of the block."""
    if is_local():
        yield Path(default_storage.path(name))
        return
    folder = tempfile.mkdtemp(prefix="chorus-")  # mode 0700
    try:
        path = Path(folder) / Path(name).name
        with default_storage.open(name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def delete(name: str) -> bool:
    if not name or not default_storage.exists(name):
        return False
    default_storage.delete(name)
    return True


def files_under(prefix: str) -> Iterator[tuple[str, datetime]]:
    """Every file directly under the folder `prefix`, with when it was last written."""
    try:
        _, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return
    for filename in files:
        name = f"{prefix.rstrip('/')}/{filename}"
        yield name, default_storage.get_modified_time(name)


def save_folder(local: Path, prefix: str) -> list[str]:
    """Store every file under the local folder `local` as `prefix`/<its path inside it>, replacing what was
    stored under `prefix` before. Returns the storage names."""
    delete_folder(prefix)
    names = []
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        name = f"{prefix.rstrip('/')}/{path.relative_to(local).as_posix()}"
        with path.open("rb") as source:
            saved = default_storage.save(name, File(source, name=name))
        names.append(saved)
    return names


def names_under(prefix: str) -> Iterator[str]:
    """Every file under the folder `prefix` and its subfolders, by storage name."""
    prefix = prefix.rstrip("/")
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return
    for filename in files:
        yield f"{prefix}/{filename}"
    for folder in folders:
        yield from names_under(f"{prefix}/{folder}")


def delete_folder(prefix: str) -> int:
    """Delete every file under the folder `prefix` (and, on the local disk, the emptied folders). Returns
    how many files went."""
    if not prefix.strip("/"):
        raise ValueError("refusing to delete the whole of storage")
    names = list(names_under(prefix))
    for name in names:
        default_storage.delete(name)
    if is_local():
        shutil.rmtree(default_storage.path(prefix), ignore_errors=True)
    return len(names)


@contextmanager
def local_folder(prefix: str) -> Iterator[Path]:
    """A local path to the stored folder `prefix` for the length of the block (a private copy when storage
    is not the local disk)."""
    if is_local():
        yield Path(default_storage.path(prefix))
        return
    folder = Path(tempfile.mkdtemp(prefix="chorus-"))  # mode 0700
    try:
        for name in names_under(prefix):
            path = folder / name[len(prefix.rstrip("/")) + 1 :]
            path.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, path.open("wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def unique_name(prefix: str, suffix: str) -> str:
    return f"{prefix.rstrip('/')}/{os.urandom(16).hex()}{suffix[:10]}"
