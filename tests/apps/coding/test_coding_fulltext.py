"""The full-text index behind search: it never returns what the user may not see (even when hidden
contributions match better), it follows edits and erasure, and it is mended when its triggers are lost."""

from __future__ import annotations

import pytest
from django.db import connection

from chorus.apps.coding import fulltext
from chorus.apps.coding.queries import semantic_search
from chorus.apps.engagement.actions import create_contribution, withdraw_consent
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.engagement.rules import visible_contributions

from support.world import voice

pytestmark = pytest.mark.django_db


def hidden_better_matches(world, count: int = 12) -> list[Contribution]:
    """Contributions in another programme that match "damp mould" better than anything the partner sees."""
    activity = Activity.objects.create(
        programme=world.other_programme,
        kind=ActivityKind.CONVERSATION,
        title="Elsewhere",
        date=world.by_partner_a.activity.date,
    )
    return [
        create_contribution(
            activity, voice(f"Damp, damp and mould, mould everywhere, flat {number}"), by=world.other_analyst
        ).contribution
        for number in range(count)
    ]


def test_search_terms_are_the_query_words_without_stop_words():
    assert fulltext.search_terms("Can't get through on the PHONE to the surgery") == ["phone", "surgery"]
    assert fulltext.search_terms("Damp, damp in the flat!") == ["damp", "flat"]
    assert fulltext.search_terms("the and of") == []


def test_the_index_exists_after_migrate():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [fulltext.SQLITE_TABLE])
            assert cursor.fetchone() is not None
        else:
            table = Contribution._meta.db_table
            assert fulltext.POSTGRES_INDEX in connection.introspection.get_constraints(cursor, table)


def test_keyword_search_never_returns_what_the_user_may_not_see(world):
    hidden = hidden_better_matches(world)
    everything = Contribution.objects.all()
    best = fulltext.keyword_matches("damp mould", everything, limit=5)
    assert set(best) <= {contribution.pk for contribution in hidden}, "the hidden ones rank first"

    def found(user, limit=1):
        return fulltext.keyword_matches("damp mould", visible_contributions(user), limit=limit)

    # The permission filter applies before the limit: the one visible match comes back, nothing hidden.
    assert found(world.partner_a_member) == [world.by_partner_a.pk]
    assert found(world.analyst, limit=50) == [world.by_partner_a.pk]
    assert found(world.partner_b_member, limit=50) == []
    assert found(world.connector, limit=50) == []
    assert found(world.decision_maker, limit=50) == []
    assert set(found(world.other_analyst, limit=50)) == {contribution.pk for contribution in hidden}
    assert len(found(world.admin, limit=50)) == len(hidden) + 1


def test_search_page_function_uses_the_index_and_respects_permissions(world):
    hidden = hidden_better_matches(world)
    hits = semantic_search("damp and mould", visible_contributions(world.partner_a_member))
    assert [hit.contribution for hit in hits] == [world.by_partner_a]
    assert hits[0].words_matched
    everything = semantic_search("damp and mould", Contribution.objects.all(), limit=100)
    assert {hit.contribution.pk for hit in everything} == {c.pk for c in hidden} | {world.by_partner_a.pk}
    nothing = semantic_search("damp and mould", visible_contributions(world.partner_b_member))
    assert all(hit.contribution.pk == world.by_partner_b.pk for hit in nothing)


def test_the_index_follows_edits_and_erasure(world):
    contribution = world.by_partner_a
    everything = Contribution.objects.all()
    assert fulltext.keyword_matches("damp", everything) == [contribution.pk]
    contribution.text = "The heating broke in the flat"
    contribution.save()
    assert fulltext.keyword_matches("damp", everything) == []
    assert fulltext.keyword_matches("heating", everything) == [contribution.pk]
    withdraw_consent(contribution, "analysis", by=world.analyst)
    assert fulltext.keyword_matches("heating", everything) == []
    if connection.vendor == "sqlite":  # nothing of the erased words is left in the index itself
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {fulltext.SQLITE_TABLE} WHERE {fulltext.SQLITE_TABLE} MATCH 'heating'"
            )
            assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps its index with triggers")
def test_lost_triggers_are_put_back_and_the_index_rebuilt(world):
    # SQLite rebuilds a table to alter it, which drops its triggers; the next search puts them back.
    with connection.cursor() as cursor:
        for name in fulltext._TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    added = create_contribution(
        world.by_partner_a.activity, voice("Rats in the bin store"), by=world.analyst
    ).contribution
    assert fulltext.keyword_matches("rats", Contribution.objects.all()) == [added.pk]
    added.text = "Mice in the bin store"
    added.save()
    assert fulltext.keyword_matches("mice", Contribution.objects.all()) == [added.pk]
