from datetime import date

import pytest
from django.http import QueryDict

from chorus.apps.coding.actions.review import apply_theme, reject
from chorus.apps.coding.models import Codebook, Theme
from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight import aggregates
from chorus.apps.insight.filters import Filters
from chorus.stats import wilson_ci

from support.world import voice, ward

NO_FILTERS = Filters()


@pytest.fixture
def coded(world):
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    housing = Theme.objects.create(codebook=codebook, slug="housing", name="Housing", position=1)
    access = Theme.objects.create(codebook=codebook, slug="gp-access", name="GP access", position=2)
    apply_theme(world.by_partner_a, housing, by=world.analyst)
    apply_theme(world.by_partner_b, access, by=world.analyst)
    apply_theme(world.by_connector, housing, by=world.analyst)
    reject(world.by_connector, housing, by=world.analyst)
    return world, housing, access


def heard(world, on: date, n: int, *, kind=ActivityKind.CONVERSATION, **extra) -> list:
    activity = Activity.objects.create(
        programme=world.programme, kind=kind, title="Listening", date=on, recorded_by=world.connector
    )
    return [
        create_contribution(
            activity, voice(f"Said on {on} number {i}", already_redacted=True, **extra), by=world.connector
        ).contribution
        for i in range(n)
    ]


def by_theme(rows):
    return {(row.theme, row.group): row for row in rows}


def test_prevalence_is_share_of_contributions_with_wilson_interval(coded):
    world, housing, access = coded
    rows = by_theme(aggregates.theme_prevalence(world.programme, NO_FILTERS))
    housing_row = rows[("housing", "all")]
    assert (housing_row.count, housing_row.total) == (1, 3)  # the rejected coding does not count
    assert (housing_row.lower, housing_row.upper) == pytest.approx(wilson_ci(1, 3))
    assert rows[("gp-access", "all")].count == 1


def test_prevalence_by_ward_uses_each_wards_contributions_as_denominator(coded):
    world, housing, access = coded
    rows = by_theme(aggregates.theme_prevalence(world.programme, NO_FILTERS, by="ward"))
    kursaal, milton = ward("Kursaal").code, ward("Milton").code
    assert (rows[("housing", kursaal)].count, rows[("housing", kursaal)].total) == (1, 1)
    assert (rows[("housing", milton)].count, rows[("housing", milton)].total) == (0, 2)
    assert rows[("gp-access", milton)].proportion == pytest.approx(0.5)


def test_other_programmes_contributions_are_never_counted(coded):
    world, *_ = coded
    assert aggregates.total(world.programme, NO_FILTERS) == 3
    assert sum(c.count for c in aggregates.counts_by(world.programme, NO_FILTERS, "ward")) == 3


def test_filters_narrow_counts_and_prevalence(coded):
    world, *_ = coded
    conversations = Filters(activity_kinds=(ActivityKind.CONVERSATION,))
    assert aggregates.total(world.programme, conversations) == 1
    rows = by_theme(aggregates.theme_prevalence(world.programme, conversations))
    assert rows[("housing", "all")].total == 1
    assert rows[("housing", "all")].count == 0


def test_theme_filter_keeps_contributions_raising_that_theme(coded):
    world, *_ = coded
    only_housing = Filters(theme="housing")
    assert aggregates.total(world.programme, only_housing) == 1
    assert [c.key for c in aggregates.counts_by(world.programme, only_housing, "partner")] == ["kursaal-hub"]


def test_partner_breakdown_names_programme_team_for_activities_without_partner(coded):
    world, *_ = coded
    counts = {c.key: (c.label, c.count) for c in aggregates.counts_by(world.programme, NO_FILTERS, "partner")}
    assert counts == {
        "kursaal-hub": ("Kursaal Community Hub", 1),
        "milton-voices": ("Milton Voices", 1),
        "programme-team": ("Programme team", 1),
    }


def test_counts_over_time_include_months_with_nobody_heard(coded):
    world, *_ = coded
    heard(world, date(2026, 7, 15), 2)
    months = aggregates.counts_over_time(world.programme, NO_FILTERS, "month")
    assert [(m.label, m.count) for m in months] == [
        ("2026-07", 2),
        ("2026-08", 0),
        ("2026-09", 0),
        ("2026-10", 3),
    ]
    quarters = aggregates.counts_over_time(world.programme, NO_FILTERS, "quarter")
    assert [(q.label, q.count) for q in quarters] == [("2026 Q3", 2), ("2026 Q4", 3)]


def test_imd_deciles_fold_into_quintiles(coded):
    world, *_ = coded
    for decile in (1, 2, 2, 9):
        contribution = heard(world, date(2026, 10, 2), 1)[0]
        contribution.imd_decile = decile
        contribution.save(update_fields=["imd_decile"])
    counts = {c.key: c.count for c in aggregates.counts_by(world.programme, NO_FILTERS, "imd_quintile")}
    assert counts == {"1": 3, "5": 1, aggregates.NOT_KNOWN: 3}


def test_a_theme_rising_between_quarters_is_reported_rising(coded):
    world, housing, access = coded
    for contribution in heard(world, date(2026, 4, 10), 40)[:4]:
        apply_theme(contribution, access, by=world.analyst)
    for contribution in heard(world, date(2026, 7, 10), 40)[:24]:
        apply_theme(contribution, access, by=world.analyst)
    changes = {
        c.theme: c for c in aggregates.theme_changes(world.programme, Filters(date_to=date(2026, 9, 30)))
    }
    change = changes["gp-access"]
    assert (change.previous_period, change.latest_period) == ("2026 Q2", "2026 Q3")
    assert change.difference == pytest.approx(0.5)
    assert change.direction == "rising"


def test_filters_round_trip_through_the_query_string():
    query = QueryDict(
        "from=2026-01-01&to=2026-03-31&ward=E05002212&ward=E05002210&kind=conversation&core20=yes"
    )
    filters = Filters.from_query(query)
    assert filters.wards == ("E05002210", "E05002212")
    assert filters.core20 is True
    assert Filters.from_query(QueryDict(filters.query_string()[1:])) == filters


def test_bad_filter_values_are_dropped_with_a_message():
    filters = Filters.from_query(QueryDict("from=yesterday&kind=seance&to=2026-01-01"))
    assert filters.date_from is None and filters.activity_kinds == ()
    assert filters.date_to == date(2026, 1, 1)
    assert len(filters.problems) == 2
