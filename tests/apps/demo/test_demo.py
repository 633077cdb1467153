"""The demo loads the five places, the programmes, people in every role and residents' voices, redacted."""

import re

import pytest
from django.db import transaction

from chorus.apps.accounts.models import Role, User
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.apps.demo.loader import PROGRAMMES, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker, shared_data):
    """Loaded once for this module, in a transaction rolled back after its last test; each test runs in a
    savepoint inside it, so what one test writes the next does not see."""
    lines: list[str] = []
    with django_db_blocker.unblock(), transaction.atomic():
        assert load_demo(shared_data, scale=0.03, fft_limit=150, out=lines.append)
        yield lines
        transaction.set_rollback(True)


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
