"""Search by meaning goes through each programme's nearest-neighbour index: it never returns a contribution
the user may not see, follows new contributions, and drops erased ones."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.storage import default_storage

from chorus.apps.coding import vector_index
from chorus.apps.coding.models import ContributionVector
from chorus.apps.coding.queries import semantic_search
from chorus.apps.engagement.actions import withdraw_consent
from chorus.apps.engagement.models import Contribution
from chorus.apps.engagement.rules import visible_contributions
from chorus.coding import embeddings

# No word in common with any contribution of the world, so meaning alone decides (not the full-text index).
DOCTOR = "doctor surgery booking"


def store_vectors(contributions: list[Contribution]) -> None:
    vectors = embeddings.embed([contribution.text for contribution in contributions])
    for contribution, vector in zip(contributions, vectors, strict=True):
        ContributionVector.objects.update_or_create(
            contribution=contribution,
            defaults={
                "model_name": embeddings.MODEL_NAME,
                "model_version": embeddings.MODEL_VERSION,
                "vector": vector.astype(np.float32).tobytes(),
            },
        )


@pytest.fixture
def indexed(world):
    store_vectors(world.contributions)
    return world


def found(user_or_queryset, query: str = DOCTOR) -> list[int]:
    contributions = (
        user_or_queryset if hasattr(user_or_queryset, "filter") else visible_contributions(user_or_queryset)
    )
    return [hit.contribution.pk for hit in semantic_search(query, contributions)]


def test_meaning_alone_never_returns_a_contribution_the_user_may_not_see(indexed):
    world = indexed
    everything = found(Contribution.objects.all())
    assert world.by_partner_b.pk in everything  # the index holds it and it is near in meaning

    partner_a = found(world.partner_a_member)
    assert world.by_partner_a.pk in partner_a
    assert set(partner_a) <= set(visible_contributions(world.partner_a_member).values_list("pk", flat=True))
    assert world.by_partner_b.pk not in partner_a
    assert world.in_other_programme.pk not in found(world.analyst)


def test_the_closest_in_meaning_comes_first(indexed):
    world = indexed
    assert found(world.analyst)[0] == world.by_partner_b.pk  # "Can't get a GP appointment for weeks"


def test_a_new_contribution_is_found_at_the_next_search_and_an_erased_one_leaves_the_index(indexed):
    world = indexed
    assert found(world.analyst)  # the index is built
    index = vector_index.programme_index(world.programme.pk)
    erased = world.by_partner_b.pk
    assert erased in index

    withdraw_consent(world.by_partner_b, "analysis", by=world.analyst)
    assert erased not in index

    ContributionVector.objects.filter(contribution=world.in_other_programme).delete()
    assert vector_index.programme_index(world.other_programme.pk) is None  # no vectors there any more
    store_vectors([world.in_other_programme])
    assert world.in_other_programme.pk in vector_index.programme_index(world.other_programme.pk)


def saved_files(programme_id: int) -> list[str]:
    try:
        _, names = default_storage.listdir(vector_index.FOLDER)
    except FileNotFoundError:
        return []
    return [name for name in names if name.startswith(f"programme-{programme_id}-")]


def test_another_process_starts_from_the_saved_index_and_an_erasure_deletes_the_file(
    indexed, settings, tmp_path
):
    world = indexed
    settings.MEDIA_ROOT = tmp_path / "media"
    vector_index.programme_index(world.programme.pk, save=True)
    assert len(saved_files(world.programme.pk)) == 2  # the index and the pointer to it

    vector_index.reset()  # as a fresh process: from the database alone there would be nothing to index now
    ContributionVector.objects.filter(contribution__programme=world.programme).update(model_version="older")
    index = vector_index.programme_index(world.programme.pk)
    assert index is not None and world.by_connector.pk in index

    withdraw_consent(world.by_partner_b, "analysis", by=world.analyst)
    assert saved_files(world.programme.pk) == []
