"""Each contribution's coverage flags (coded, checked by a person) follow every action that writes codings, so
that "how many were coded and how many a person checked" is one count wherever a theme share is shown."""

from __future__ import annotations

import pytest

from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.coverage import update_coverage
from chorus.apps.coding.actions.review import accept, apply_theme, import_labels, reject, review
from chorus.apps.coding.actions.runs import run_coding
from chorus.apps.coding.actions.themes import delete_theme, merge_themes
from chorus.apps.coding.models import Codebook, Coding, CodingStatus, ModelRun, Theme
from chorus.apps.coding.queries import coding_coverage, current_codebook
from chorus.apps.engagement.models import Contribution

pytestmark = pytest.mark.django_db


def flags(contribution) -> tuple[bool, bool]:
    contribution = Contribution.objects.get(pk=contribution.pk)
    return contribution.coded, contribution.checked


@pytest.fixture
def themes(world):
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    housing = Theme.objects.create(codebook=codebook, slug="housing", name="Housing", position=1)
    access = Theme.objects.create(codebook=codebook, slug="gp-access", name="GP access", position=2)
    return housing, access


def test_a_persons_decisions_set_coded_and_checked(world, themes):
    housing, access = themes
    assert flags(world.by_connector) == (False, False)
    apply_theme(world.by_connector, housing, by=world.analyst)
    assert flags(world.by_connector) == (True, True)
    reject(world.by_connector, housing, by=world.analyst)
    assert flags(world.by_connector) == (False, True)  # checked, and no theme holds
    review(world.by_partner_a, housing.codebook, [access], by=world.analyst)
    review(world.by_partner_b, housing.codebook, [], by=world.analyst)
    assert flags(world.by_partner_a) == (True, True) and flags(world.by_partner_b) == (False, True)
    coverage = coding_coverage(world.programme.contributions.all())
    counted = (coverage.contributions, coverage.coded, coverage.checked_by_person, coverage.by_model)
    assert counted == (3, 1, 1, 0)


def test_a_models_suggestion_is_coded_but_not_checked_until_a_person_accepts_it(world, themes):
    housing, _ = themes
    Coding.objects.create(
        contribution=world.by_connector, theme=housing, confidence=0.9, threshold=0.5, made_by_model="m@1",
        made_at=world.by_connector.recorded_at, status=CodingStatus.SUGGESTED,
    )  # fmt: skip
    update_coverage(world.programme, [world.by_connector.pk])
    assert flags(world.by_connector) == (True, False)
    assert coding_coverage(world.programme.contributions.all()).by_model == 1
    accept(world.by_connector, housing, by=world.analyst)
    assert flags(world.by_connector) == (True, True)


def test_imported_labels_merges_deletions_and_a_new_codebook_keep_the_flags(world, themes):
    housing, access = themes
    import_labels(housing.codebook, {world.by_partner_a.pk: [housing], world.by_partner_b.pk: [access]},
                  source="spreadsheet", by=world.analyst)  # fmt: skip
    assert flags(world.by_partner_a) == (True, True) and flags(world.by_partner_b) == (True, True)
    merge_themes(access, housing, by=world.analyst)
    assert flags(world.by_partner_b) == (True, True)
    delete_theme(housing, by=world.analyst)
    assert flags(world.by_partner_a)[0] is False and flags(world.by_partner_b)[0] is False
    apply_theme(world.by_connector, Theme.objects.create(codebook=housing.codebook, slug="x", name="X"),
                by=world.analyst)  # fmt: skip
    assert flags(world.by_connector) == (True, True)
    # A codebook loaded later is the current one: nothing is coded under it yet.
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    assert not world.programme.contributions.filter(coded=True).exists()


def test_a_coding_run_marks_what_it_coded(world):
    create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=current_codebook(world.programme))
    run_coding(run.pk, by=world.analyst, sentiment=False)
    with_theme = world.programme.contributions.filter(codings__current=True).distinct()
    assert with_theme.exists()
    assert set(world.programme.contributions.filter(coded=True)) == set(with_theme)
    assert not world.programme.contributions.filter(checked=True).exists()
