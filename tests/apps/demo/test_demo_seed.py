"""The demo's residents' voices are the same on every load (in its own module: test_demo.py keeps one demo
loaded throughout). The programmes are made twice from the same seed over the same places; the coding,
reports and the rest that `load_demo` adds after them are left out: slow, and not where voices come from."""

import random

import pytest
from django.db import transaction

from chorus.apps.demo.loader import PROGRAMMES, SEED, _create_programme, administrator
from chorus.apps.engagement.models import Contribution
from chorus.apps.places.actions import load_places

pytestmark = pytest.mark.slow  # run first (tests/conftest.py)


def test_same_seed_gives_the_same_voices(db):
    admin = administrator()
    load_places(by=admin)

    def plymouth_texts() -> list[str]:
        with transaction.atomic():
            rng = random.Random(SEED)
            for spec in PROGRAMMES:
                _create_programme(spec, rng, lambda line: None, 0.02, by=admin)
            texts = list(
                Contribution.objects.filter(programme__slug="plymouth-connected")
                .order_by("pk")
                .values_list("text", flat=True)
            )
            transaction.set_rollback(True)
        return texts

    first = plymouth_texts()
    assert first
    assert plymouth_texts() == first
