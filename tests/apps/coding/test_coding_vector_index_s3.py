"""A programme's saved search index in an S3-compatible bucket (CHORUS_S3_*) on a real S3 protocol peer
(moto's server mode, support/s3_server.py): another process starts from it, saving again replaces it, an
erasure deletes it, and the private copy read from the bucket is gone at once."""

from __future__ import annotations

import numpy as np

from chorus.apps.coding import vector_index
from chorus.apps.coding.models import ContributionVector
from chorus.apps.engagement.actions import withdraw_consent
from chorus.coding import embeddings


def store_vectors(contributions) -> None:
    vectors = embeddings.embed([contribution.text for contribution in contributions])
    for contribution, vector in zip(contributions, vectors, strict=True):
        ContributionVector.objects.create(
            contribution=contribution,
            model_name=embeddings.MODEL_NAME,
            model_version=embeddings.MODEL_VERSION,
            vector=vector.astype(np.float32).tobytes(),
        )


def test_another_process_starts_from_the_index_in_the_bucket_and_an_erasure_deletes_it(world, s3):
    assert vector_index.programme_index(world.programme.pk) is None  # no pointer in the bucket yet
    store_vectors(world.contributions)
    vector_index.programme_index(world.programme.pk, save=True)
    saved = s3.names()
    assert len(saved) == 2 and all(name.startswith(f"{vector_index.FOLDER}/programme-") for name in saved)

    vector_index.reset()  # as a fresh process: from the database alone there would be nothing to index now
    ContributionVector.objects.filter(contribution__programme=world.programme).update(model_version="older")
    index = vector_index.programme_index(world.programme.pk)
    assert index is not None and world.by_connector.pk in index
    assert not any(s3.scratch.iterdir())

    withdraw_consent(world.by_partner_b, "analysis", by=world.analyst)
    assert s3.names() == []
