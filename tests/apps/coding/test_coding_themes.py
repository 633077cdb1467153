"""Editing a codebook's themes: rename, describe, move, merge keeping codings, delete after confirming;
one action each, and the page that calls them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.review import accept, apply_theme, reject
from chorus.apps.coding.actions.themes import (
    change_theme_description,
    change_theme_name,
    delete_theme,
    merge_themes,
    move_theme,
)
from chorus.apps.coding.models import AgreementSample, Coding, CodingSampleAnswer, CodingStatus, Theme
from chorus.apps.coding.queries import theme_deletion_counts
from chorus.apps.core.errors import ActionError

from support.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(world):
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    return world, codebook


def current(contribution, theme):
    return Coding.objects.filter(contribution=contribution, theme=theme, current=True).first()


def test_renaming_keeps_the_slug_and_refuses_a_blank_or_taken_name(book):
    world, codebook = book
    damp = codebook.themes.get(slug="housing/damp-mould")
    change_theme_name(damp, "  Damp,   mould and condensation ", by=world.analyst)
    damp.refresh_from_db()
    assert (damp.name, damp.slug) == ("Damp, mould and condensation", "housing/damp-mould")
    with pytest.raises(ActionError, match="Enter a name"):
        change_theme_name(damp, "  ", by=world.analyst)
    with pytest.raises(ActionError, match="already has a theme called “Asthma”"):
        change_theme_name(damp, "asthma", by=world.analyst)
    assert AuditEvent.objects.filter(action="coding.theme_renamed", object_id=str(damp.pk)).count() == 1


def test_describing_sets_description_and_examples_without_blank_lines(book):
    world, codebook = book
    theme = codebook.themes.get(slug="transport")
    change_theme_description(
        theme, " Buses, trains. ", ["The 7 never comes", "", "  Two   buses  "], by=world.analyst
    )
    theme.refresh_from_db()
    assert theme.description == "Buses, trains."
    assert theme.examples == ["The 7 never comes", "Two buses"]


def test_moving_under_another_theme_and_never_under_itself(book):
    world, codebook = book
    housing = codebook.themes.get(slug="housing")
    damp = codebook.themes.get(slug="housing/damp-mould")
    breathing = codebook.themes.get(slug="breathing")
    move_theme(damp, breathing, by=world.analyst)
    assert Theme.objects.get(pk=damp.pk).parent == breathing
    move_theme(damp, None, by=world.analyst)
    assert Theme.objects.get(pk=damp.pk).parent is None
    move_theme(damp, housing, by=world.analyst)
    with pytest.raises(ActionError, match="under itself or one of its own sub-themes"):
        move_theme(housing, damp, by=world.analyst)
    with pytest.raises(ActionError, match="under itself"):
        move_theme(housing, housing, by=world.analyst)
    elsewhere = create_starter_codebook(world.other_programme, "community_health", by=world.other_analyst)
    with pytest.raises(ActionError, match="same codebook"):
        move_theme(damp, elsewhere.themes.get(slug="housing"), by=world.analyst)
    assert Theme.objects.get(pk=housing.pk).parent is None


def test_merging_keeps_every_coding_and_its_history(book):
    world, codebook = book
    source = codebook.themes.get(slug="housing/repairs-landlords")
    target = codebook.themes.get(slug="housing/damp-mould")
    child = Theme.objects.create(
        codebook=codebook, parent=source, slug="housing/repairs-landlords/leaks", name="Leaks"
    )
    a, b, c = world.by_partner_a, world.by_partner_b, world.by_connector
    reject(a, source, by=world.analyst)  # history on a: rejected, then accepted
    accept(a, source, by=world.analyst)
    reject(a, target, by=world.analyst)  # both themes on a: the acceptance wins
    apply_theme(b, source, by=world.analyst)  # only the source on b
    accept(c, target, by=world.analyst)  # only the target on c
    sample = AgreementSample.objects.create(programme=world.programme, codebook=codebook, name="S")
    answer = CodingSampleAnswer.objects.create(sample=sample, contribution=a, coder=world.analyst)
    answer.themes.set([source])
    source.examples = ["The landlord ignores us"]
    source.save()
    before = Coding.objects.filter(theme__in=[source, target]).count()

    counts = merge_themes(source, target, by=world.analyst)

    assert not Theme.objects.filter(pk=source.pk).exists()
    assert Coding.objects.filter(theme=target).count() == before  # nothing lost, history included
    assert counts == {"codings": 3, "both": 1}
    assert current(a, target).status == CodingStatus.ACCEPTED
    assert current(b, target).status == CodingStatus.ACCEPTED
    assert current(c, target).status == CodingStatus.ACCEPTED
    assert list(answer.themes.all()) == [target]
    assert Theme.objects.get(pk=child.pk).parent_id == target.pk
    target.refresh_from_db()
    assert "The landlord ignores us" in target.examples
    assert AuditEvent.objects.filter(action="coding.themes_merged", object_id=str(target.pk)).exists()


def test_merging_into_a_sub_theme_lifts_it_out_first(book):
    world, codebook = book
    housing = codebook.themes.get(slug="housing")
    damp = codebook.themes.get(slug="housing/damp-mould")
    merge_themes(housing, damp, by=world.analyst)
    damp.refresh_from_db()
    assert damp.parent is None
    assert set(damp.children.values_list("slug", flat=True)) >= {"housing/overcrowding"}
    with pytest.raises(ActionError, match="two different themes"):
        merge_themes(damp, damp, by=world.analyst)


def test_deleting_takes_its_codings_and_moves_sub_themes_up(book):
    world, codebook = book
    housing = codebook.themes.get(slug="housing")
    accept(world.by_partner_a, housing, by=world.analyst)
    assert theme_deletion_counts(housing) == {"codings": 1, "children": 4}
    housing_id = housing.pk
    delete_theme(housing, by=world.analyst)
    assert not Coding.objects.filter(contribution=world.by_partner_a, theme_id=housing_id).exists()
    assert codebook.themes.get(slug="housing/damp-mould").parent is None
    event = AuditEvent.objects.get(action="coding.theme_deleted")
    assert event.details == {"theme": housing_id, "codings": 1, "children": 4}


# ------------------------------------------------------------------------------------------------ pages


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_only_the_programmes_analysts_edit_themes(client, book):
    world, codebook = book
    theme = codebook.themes.get(slug="transport")
    url = reverse("coding:theme", args=[world.programme.slug, theme.pk])
    for user, status in ((world.other_analyst, 403), (world.partner_a_member, 403), (world.analyst, 200)):
        signed_in(client, user)
        assert client.get(url).status_code == status
        assert client.post(url, {"action": "edit", "edit-name": "X"}).status_code in (status, 302)
    other = create_starter_codebook(
        world.other_programme, "community_health", by=world.other_analyst
    ).themes.first()
    assert client.get(reverse("coding:theme", args=[world.programme.slug, other.pk])).status_code == 404


def test_the_theme_page_edits_moves_merges_and_deletes_with_confirmation(client, book):
    world, codebook = book
    signed_in(client, world.analyst)
    theme = codebook.themes.get(slug="transport/hospital-travel")
    url = reverse("coding:theme", args=[world.programme.slug, theme.pk])

    page = client.get(url)
    assert page.status_code == 200 and "Merge into another theme" in page.content.decode()
    saved = client.post(
        url,
        {
            "action": "edit",
            "edit-name": "Getting to hospital",
            "edit-description": "Travel.",
            "edit-examples": "a\n\nb",
        },
    )
    assert saved.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.description, theme.examples) == ("Getting to hospital", "Travel.", ["a", "b"])

    # A taken name comes back as an error with what was typed kept.
    clash = client.post(url, {"action": "edit", "edit-name": "Asthma", "edit-description": "Kept text"})
    assert clash.status_code == 400
    html = clash.content.decode()
    assert "already has a theme called" in html and "Kept text" in html

    moved = client.post(url, {"action": "move", "move-parent": codebook.themes.get(slug="money").pk})
    assert moved.status_code == 302 and Theme.objects.get(pk=theme.pk).parent.slug == "money"
    to_top = client.post(url, {"action": "move", "move-parent": ""})
    assert to_top.status_code == 302 and Theme.objects.get(pk=theme.pk).parent is None

    accept(world.by_connector, theme, by=world.analyst)
    transport = codebook.themes.get(slug="transport")
    merged = client.post(url, {"action": "merge", "merge-into": transport.pk})
    assert merged.status_code == 302 and merged["Location"].endswith(f"/themes/{transport.pk}/")
    assert current(world.by_connector, transport).status == CodingStatus.ACCEPTED

    delete_url = reverse("coding:theme_delete", args=[world.programme.slug, transport.pk])
    confirm = client.get(delete_url)
    assert confirm.status_code == 200 and "1 contribution loses this theme" in confirm.content.decode()
    assert Theme.objects.filter(pk=transport.pk).exists(), "asking is not deleting"
    gone = client.post(delete_url)
    assert gone.status_code == 302 and not Theme.objects.filter(pk=transport.pk).exists()
