"""The demo loads the five places, the programmes, people in every role and residents' voices, redacted."""

import re

import pytest
from django.db import transaction

from chorus.apps.accounts.models import Role, User
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.apps.web.demo import PROGRAMMES, load_demo


@pytest.fixture
def small_demo(db, shared_data):
    lines: list[str] = []
    assert load_demo(shared_data, scale=0.03, fft_limit=150, out=lines.append)
    return lines


def test_demo_has_every_programme_role_and_voices(small_demo):
    assert set(Programme.objects.values_list("slug", flat=True)) >= {p.slug for p in PROGRAMMES} | {"nhs-fft"}
    for role in (Role.ANALYST, Role.PARTNER, Role.CONNECTOR, Role.DECISION_MAKER):
        assert User.objects.filter(memberships__role=role).exists(), role
    southend = Programme.objects.get(slug="southend-connectors")
    assert southend.focus_areas.count() == 6
    assert southend.contributions.filter(core20=True).exists()
    assert Contribution.objects.filter(programme__slug="nhs-fft").count() == 150
    assert any("Demo loaded" in line for line in small_demo)


def test_demo_voices_are_stored_redacted(small_demo):
    texts = list(Contribution.objects.values_list("text", flat=True))
    assert not [t for t in texts if re.search(r"07700 ?900\d{3}|@example\.com", t)]


def test_demo_loads_once(small_demo, shared_data):
    before = Contribution.objects.count()
    assert load_demo(shared_data, scale=0.03, fft_limit=150, out=lambda line: None) is False
    assert Contribution.objects.count() == before


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
