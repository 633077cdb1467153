"""The permission rules: who sees which raw contribution (rules predicates and list querysets agree)."""

import pytest
from django.urls import reverse

from chorus.apps.engagement.rules import activities_to_record_at, recordable_programmes, visible_contributions

from support.permissions import (
    ADMINISTRATORS,
    ANALYSTS,
    CONNECTORS,
    OTHER_PROGRAMME,
    PARTNERS,
    allowed,
    assert_list_agrees,
    everyone,
)
from support.world import PASSWORD


def expected_visible(world):
    return {
        world.admin.username: set(world.contributions),
        world.analyst.username: {world.by_partner_a, world.by_partner_b, world.by_connector},
        world.other_analyst.username: {world.in_other_programme},
        world.partner_a_member.username: {world.by_partner_a},
        world.partner_b_member.username: {world.by_partner_b},
        world.connector.username: {world.by_connector},
        world.other_connector.username: set(),
        world.decision_maker.username: set(),
    }


@pytest.mark.django_db
def test_each_role_sees_exactly_its_contributions(world):
    for user in world.users:
        assert set(visible_contributions(user)) == expected_visible(world)[user.username], user.username


@pytest.mark.django_db
def test_object_rule_agrees_with_list_filter_for_every_user_and_contribution(world):
    for user in world.users:
        visible = set(visible_contributions(user))
        for contribution in world.contributions:
            assert user.has_perm("engagement.view_contribution", contribution) == (contribution in visible), (
                user.username,
                contribution.pk,
            )


@pytest.mark.django_db
def test_another_partners_contribution_is_not_found(client, world):
    client.login(username=world.partner_b_member.username, password=PASSWORD)
    response = client.get(reverse("contribution", args=[world.by_partner_a.pk]))
    assert response.status_code == 404
    assert b"damp in our flat" not in response.content


@pytest.mark.django_db
def test_partner_sees_own_contribution(client, world):
    client.login(username=world.partner_a_member.username, password=PASSWORD)
    response = client.get(reverse("contribution", args=[world.by_partner_a.pk]))
    assert response.status_code == 200
    assert b"damp in our flat" in response.content


@pytest.mark.django_db
def test_contribution_list_shows_only_visible_ones(client, world):
    client.login(username=world.connector.username, password=PASSWORD)
    content = client.get(reverse("contributions")).content.decode()
    assert "bus was cut" in content
    assert "damp in our flat" not in content
    assert "GP appointment" not in content


@pytest.mark.django_db
def test_decision_maker_sees_programme_figures_but_no_raw_words(client, world):
    client.login(username=world.decision_maker.username, password=PASSWORD)
    response = client.get(reverse("programme", args=[world.programme.slug]))
    assert response.status_code == 200
    assert "Kursaal" in response.content.decode()
    assert "damp in our flat" not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("contribution", args=[world.by_partner_a.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_programme_page_of_a_programme_you_are_not_in_is_not_found(client, world):
    client.login(username=world.other_analyst.username, password=PASSWORD)
    assert client.get(reverse("programme", args=[world.programme.slug])).status_code == 404


# ------------------------------------------------------------------------- the matrix, with every role


@pytest.mark.django_db
@pytest.mark.parametrize("perm", ["engagement.view_contribution", "engagement.withdraw_consent"])
def test_each_role_on_each_contribution(world, perm):
    """Analysts and administrators, and whoever recorded it (the partner that gathered it sees it too)."""
    people = everyone(world)
    assert allowed(people, perm, world.by_partner_a) == ANALYSTS | {"partner-a"}
    assert allowed(people, perm, world.by_partner_b) == ANALYSTS | {"partner-b"}
    assert allowed(people, perm, world.by_connector) == ANALYSTS | {"connector"}
    assert allowed(people, perm, world.in_other_programme) == OTHER_PROGRAMME


@pytest.mark.django_db
def test_only_analysts_and_administrators_ask_for_a_human_translation(world):
    """Not whoever recorded it nor the partner that gathered it: translation is an analyst's call."""
    people = everyone(world)
    perm = "engagement.request_translation"
    for contribution in (world.by_partner_a, world.by_partner_b, world.by_connector):
        assert allowed(people, perm, contribution) == ANALYSTS, contribution.pk
    assert allowed(people, perm, world.in_other_programme) == OTHER_PROGRAMME


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username, status", [("analyst", 302), ("admin", 302), ("partner-a", 403), ("other-analyst", 404)]
)
def test_the_translation_button_answers_each_role(client, world, username, status):
    user = next(user for user in world.users if user.username == username)
    client.login(username=user.username, password=PASSWORD)
    response = client.post(reverse("request-translation", args=[world.by_partner_a.pk]), {"requested": "on"})
    assert response.status_code == status
    world.by_partner_a.refresh_from_db()
    assert world.by_partner_a.translation_requested is (status == 302)


@pytest.mark.django_db
def test_a_partner_sees_what_their_organisation_gathered_though_a_colleague_recorded_it(world):
    colleague = everyone(world)["partner-a"]
    by_colleague = world.by_partner_a
    by_colleague.recorded_by = world.analyst
    by_colleague.save()
    assert colleague.has_perm("engagement.view_contribution", by_colleague)
    assert not colleague.has_perm("engagement.withdraw_consent", by_colleague)


@pytest.mark.django_db
def test_who_lists_contributions_and_records_conversations(world):
    people = everyone(world)
    gatherers = ANALYSTS | PARTNERS | CONNECTORS
    assert allowed(people, "engagement.list_contributions") == gatherers | {"other-analyst"}
    for perm in ("engagement.list_programme_contributions", "engagement.record_contribution"):
        assert allowed(people, perm, world.programme) == gatherers, perm
        assert allowed(people, perm, world.other_programme) == OTHER_PROGRAMME, perm
        assert allowed(people, perm, None) == ADMINISTRATORS, perm


@pytest.mark.django_db
def test_each_permission_agrees_with_its_list_for_every_role(world):
    people = everyone(world)
    assert_list_agrees(people, "engagement.view_contribution", world.contributions, visible_contributions)
    programmes = [world.programme, world.other_programme]
    assert_list_agrees(people, "engagement.record_contribution", programmes, recordable_programmes)


@pytest.mark.django_db
def test_who_records_what_residents_said_at_an_activity(world):
    """The partner that ran it (not another partner, not a connector), analysts and administrators."""
    people = everyone(world)
    perm = "engagement.record_at_activity"
    assert allowed(people, perm, world.by_partner_a.activity) == ANALYSTS | {"partner-a"}
    assert allowed(people, perm, world.by_partner_b.activity) == ANALYSTS | {"partner-b"}
    assert allowed(people, perm, world.by_connector.activity) == ANALYSTS
    assert allowed(people, perm, world.in_other_programme.activity) == OTHER_PROGRAMME
    activities = [contribution.activity for contribution in world.contributions]
    assert_list_agrees(people, perm, activities, activities_to_record_at)


@pytest.mark.django_db
def test_a_partner_cannot_open_the_form_of_another_partners_activity(client, world):
    client.login(username=world.partner_b_member.username, password=PASSWORD)
    theirs = world.by_partner_a.activity.pk
    assert client.get(reverse("record-at", args=[theirs])).status_code == 404
    assert client.post(reverse("record-at", args=[theirs]), {"text": "x"}).status_code == 404
