"""The demo is the same on every load (in its own module: test_demo.py keeps one demo loaded throughout)."""

from django.db import transaction

from chorus.apps.demo.loader import load_demo
from chorus.apps.engagement.models import Contribution


def test_same_seed_gives_the_same_voices(db, shared_data):
    def plymouth_texts() -> list[str]:
        with transaction.atomic():
            load_demo(shared_data, scale=0.02, fft_limit=1, out=lambda line: None)
            texts = list(
                Contribution.objects.filter(programme__slug="plymouth-connected").values_list(
                    "text", flat=True
                )
            )
            transaction.set_rollback(True)
        return texts

    first = plymouth_texts()
    assert first
    assert plymouth_texts() == first
