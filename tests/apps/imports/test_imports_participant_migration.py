"""The data migration that moved the participant link from imports.ContributionParticipant onto
Contribution.participant keeps every link (and can be undone)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.slow  # run first (tests/conftest.py)

# Programmes back to the columns this state's models know (later migrations add NOT NULL columns).
BEFORE = [
    ("imports", "0002_quarantined_row_erasure"),
    ("engagement", "0002_alter_contribution_text"),
    ("programmes", "0002_grants"),
]
AFTER = [("imports", "0003_participant_on_contribution")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_links_move_onto_the_contribution_and_back():
    old = migrate(BEFORE)
    try:
        Area = old.get_model("places", "Area")
        Programme = old.get_model("programmes", "Programme")
        Activity = old.get_model("engagement", "Activity")
        Contribution = old.get_model("engagement", "Contribution")
        Participant = old.get_model("imports", "Participant")
        Link = old.get_model("imports", "ContributionParticipant")
        area = Area.objects.create(code="E06999999", name="Testshire", level="lad")
        programme = Programme.objects.create(slug="p", name="P", local_authority=area)
        activity = Activity.objects.create(
            programme=programme, kind="survey", title="S", date=date(2026, 1, 1)
        )

        def said(text: str):
            return Contribution.objects.create(
                programme=programme,
                activity=activity,
                text=text,
                consent_analysis=True,
                consent_quote=False,
                consent_open_data=False,
                consent_recontact=False,
                consent_taken_at=timezone.now(),
            )

        one, two, nobody = said("one"), said("two"), said("nobody")
        alice = Participant.objects.create(programme=programme, pseudonym="P-AAAAAA", ref_hash="a" * 64)
        bob = Participant.objects.create(programme=programme, pseudonym="P-BBBBBB", ref_hash="b" * 64)
        Link.objects.create(contribution=one, participant=alice)
        Link.objects.create(contribution=two, participant=bob)

        new = migrate(AFTER)
        moved = dict(
            new.get_model("engagement", "Contribution").objects.values_list("text", "participant_id")
        )
        assert moved == {"one": alice.pk, "two": bob.pk, "nobody": None}

        back = migrate(BEFORE)
        links = back.get_model("imports", "ContributionParticipant").objects.values_list(
            "contribution_id", "participant_id"
        )
        assert sorted(links) == sorted([(one.pk, alice.pk), (two.pk, bob.pk)])
        assert nobody.pk not in {contribution for contribution, _ in links}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
