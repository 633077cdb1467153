"""Trained coding models in file storage (chorus/apps/core/storage.py), so a worker on another machine can
load what the run that trained them saved: a run's model lives under models/<run id>/ and its run records
that folder in `ModelRun.directory` (a storage name, which on the local disk is also a path under
MEDIA_ROOT)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from chorus.apps.core import storage

if TYPE_CHECKING:
    from chorus.coding.classifier import MultiLabelCoder, SingleLabelCoder

FOLDER = "models"


def save_trained(run_id: int, coder: MultiLabelCoder | SingleLabelCoder) -> str:
    """Save the coder for this run (replacing one saved before) and return its folder's storage name. It is
    written to a private temporary folder first, removed once stored."""
    directory = f"{FOLDER}/{run_id}"
    with tempfile.TemporaryDirectory(prefix="chorus-model-") as folder:
        coder.save(Path(folder))
        storage.save_folder(Path(folder), directory)
    return directory


def load_trained(directory: str) -> MultiLabelCoder | SingleLabelCoder:
    """The coder saved under this folder (FileNotFoundError when it is gone)."""
    from chorus.coding import classifier

    with storage.local_folder(directory) as folder:
        return classifier.load(folder)


def delete_trained(directory: str) -> int:
    """Delete a saved coder's files; returns how many went."""
    if not directory or not directory.startswith(f"{FOLDER}/"):
        return 0
    return storage.delete_folder(directory)
