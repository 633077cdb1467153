"""A trained coding model saved to an S3-compatible bucket (CHORUS_S3_*, as README sets one up) on a real S3
protocol peer (moto's server mode, support/s3_server.py), loaded back from it predicting the same, replaced
in place when its run trains again, and deleted from it; no temporary file is left behind."""

from __future__ import annotations

import numpy as np
import pytest

from chorus.apps.coding.model_files import delete_trained, load_trained, save_trained
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


@pytest.fixture(scope="module")
def coder() -> MultiLabelCoder:
    return MultiLabelCoder.fit(TEXTS, LABELS, THEMES, settings=FeatureSettings(use_embedding=False))


def test_a_model_saved_to_the_bucket_is_loaded_back_and_predicts_the_same(coder, s3):
    directory = save_trained(41, coder)

    assert directory == "models/41"
    names = s3.names()
    assert len(names) == 3 and all(name.startswith("models/41/") for name in names)
    assert "models/41/manifest.json" in names
    assert not any(s3.scratch.iterdir())
    loaded = load_trained(directory)
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), coder.predict_proba(TEXTS), rtol=1e-5)
    assert not any(s3.scratch.iterdir())

    assert save_trained(41, coder) == directory  # trained again: replaced, never saved alongside
    assert s3.names() == names

    assert delete_trained(directory) == 3
    assert s3.names() == []
    with pytest.raises(FileNotFoundError):
        load_trained(directory)
    assert not any(s3.scratch.iterdir())
