"""Trained models go through Django's storage API, so a worker on another machine loads what the run that
trained them saved; they are deleted through it too. Django's in-memory storage stands in for a bucket (no
local path, like S3), and nothing is left in the temporary folder once a model is saved or loaded."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from django.core.files.storage import default_storage

from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.model_files import delete_trained, load_trained, save_trained
from chorus.apps.coding.models import ModelRun
from chorus.apps.coding.queries import current_codebook
from chorus.coding.classifier import FeatureSettings, MultiLabelCoder

THEMES = ["waiting", "parking"]
TEXTS = [
    "I waited four hours for the ambulance",
    "the wait for an appointment was far too long",
    "had to wait three weeks to be seen",
    "waiting times are terrible",
    "nowhere to park the car",
    "the car park was full",
    "parking charges are too expensive",
    "could not find a parking space",
    "Waited ages and then could not park",
    "No comment.",
]
LABELS = np.array([[1, 0]] * 4 + [[0, 1]] * 4 + [[1, 1], [0, 0]], dtype=float)


@pytest.fixture(autouse=True)
def not_on_disk(settings, monkeypatch, tmp_path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


@pytest.fixture(scope="module")
def coder() -> MultiLabelCoder:
    return MultiLabelCoder.fit(TEXTS, LABELS, THEMES, settings=FeatureSettings(use_embedding=False))


def test_a_saved_model_is_loaded_from_storage_and_predicts_the_same(coder, not_on_disk):
    directory = save_trained(41, coder)
    assert directory == "models/41" and default_storage.exists("models/41/manifest.json")
    assert not any(not_on_disk.iterdir())

    loaded = load_trained(directory)
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), coder.predict_proba(TEXTS), rtol=1e-5)
    assert not any(not_on_disk.iterdir())

    assert delete_trained(directory) == 3
    assert not default_storage.exists("models/41/manifest.json")
    with pytest.raises(FileNotFoundError):
        load_trained(directory)


def test_only_a_model_folder_is_ever_deleted(coder):
    save_trained(42, coder)
    assert delete_trained("") == 0 and delete_trained("imports") == 0
    assert default_storage.exists("models/42/manifest.json")


def test_a_deleted_run_takes_its_model_with_it_once_committed(
    world, coder, django_capture_on_commit_callbacks
):
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(
        programme=world.programme,
        codebook=current_codebook(world.programme),
        directory=save_trained(43, coder),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run.delete()
        assert default_storage.exists("models/43/manifest.json")  # a rolled-back delete keeps it
    assert not default_storage.exists("models/43/manifest.json")
