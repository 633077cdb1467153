"""Who sees and changes an evaluation, and what the pages show."""

import pytest
from django.urls import reverse

from chorus.apps.evaluation.models import CaseStudy
from chorus.apps.evaluation.rules import partner_scope, visible_interventions

from support.world import PASSWORD

pytestmark = pytest.mark.django_db


def url(intervention, name="evaluation:intervention"):
    return reverse(name, args=[intervention.programme.slug, intervention.slug])


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_each_role_reads_edits_or_is_refused(client, world, screening):
    expected = {
        # username: (detail status, import status)
        world.admin.username: (200, 200),
        world.analyst.username: (200, 200),
        world.other_analyst.username: (404, 404),
        world.partner_a_member.username: (200, 403),
        world.decision_maker.username: (200, 403),
        world.connector.username: (200, 403),
    }
    for user in world.users:
        if user.username not in expected:
            continue
        client.force_login(user)
        detail, can_import = expected[user.username]
        assert client.get(url(screening)).status_code == detail, user.username
        assert client.get(url(screening, "evaluation:import")).status_code == can_import, user.username
        assert client.get(url(screening, "evaluation:add-case-study")).status_code == can_import, (
            user.username
        )
        assert (screening in visible_interventions(user)) == (detail == 200), user.username
        assert user.has_perm("evaluation.view_intervention", screening) == (detail == 200), user.username
        assert user.has_perm("evaluation.change_intervention", screening) == (can_import == 200), (
            user.username
        )


def test_signed_out_people_are_sent_to_sign_in(client, screening):
    response = client.get(url(screening))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_detail_page_shows_the_partner_table_with_intervals_and_significance(client, world, screening):
    sign_in(client, world.analyst)
    content = client.get(url(screening)).content.decode()
    assert "1,712" in content and "1,675" in content
    assert "59.0%" in content and "65.0%" in content  # 1010/1712 and 1089/1675
    assert "+6.02" in content and "(+2.75 to +9.27)" in content
    assert "+10.2%" in content and "(+4.5% to +16.2%)" in content
    assert "3.61" in content and "0.0003" in content
    assert "Significant" in content
    assert "Difference in differences" in content
    assert "Other Southend practices" in content
    assert 'src="data:image/png;base64,' in content  # uptake and funnel charts
    assert "Funnel plot" in content or "funnel plot" in content
    assert "£40,000" in content  # VCKC's grant
    assert "about 9 in 10" in content  # 58 of 64 more likely to book screening, asked afterwards
    assert "64 people answered both times; paired" in content
    assert "VCKC: 59.0% on 31 Mar 2024 to 65.0% on 31 Mar 2025, +6.02 percentage points" in content
    assert "I had put the kit in a drawer" in content


def test_a_partner_sees_only_its_own_rows(client, world, screening):
    assert partner_scope(world.partner_a_member, screening) == {world.partner_a.pk}
    assert partner_scope(world.analyst, screening) is None
    assert partner_scope(world.decision_maker, screening) is None
    sign_in(client, world.partner_a_member)
    for name in ("evaluation:intervention", "evaluation:report"):
        content = client.get(url(screening, name)).content.decode()
        assert "Kursaal Community Hub" in content
        assert "Other Southend practices" in content  # the comparator is nobody's row
        assert "VCKC" not in content and "1,712" not in content, name
        assert "Westborough Family Centre" not in content, name
        assert "All partners" not in content


def test_unpublished_story_is_shown_to_the_team_only_and_never_in_the_report(client, world, screening):
    CaseStudy.objects.create(
        intervention=screening,
        title="Not agreed yet",
        text="A story still waiting for consent",
        consent_to_publish=False,
    )
    sign_in(client, world.analyst)
    assert "Not agreed yet" in client.get(url(screening)).content.decode()
    assert "Not agreed yet" not in client.get(url(screening, "evaluation:report")).content.decode()
    client.force_login(world.decision_maker)
    assert "Not agreed yet" not in client.get(url(screening)).content.decode()


def test_intervention_list_shows_only_programmes_the_user_belongs_to(client, world, screening):
    sign_in(client, world.analyst)
    assert "Cancer screening uptake" in client.get(reverse("evaluation:interventions")).content.decode()
    client.force_login(world.other_analyst)
    assert "Cancer screening uptake" not in client.get(reverse("evaluation:interventions")).content.decode()


def test_case_study_cannot_be_published_without_consent(client, world, screening):
    sign_in(client, world.analyst)
    form = {
        "title": "A walk to the clinic",
        "text": "She went with a friend.",
        "consent_to_publish": "no",
        "publish": "on",
    }
    response = client.post(url(screening, "evaluation:add-case-study"), form)
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content and "A walk to the clinic" in content  # comes back filled
    assert not CaseStudy.objects.filter(title="A walk to the clinic").exists()
    form["consent_to_publish"] = "yes"
    response = client.post(url(screening, "evaluation:add-case-study"), form)
    assert response.status_code == 302
    assert CaseStudy.objects.get(title="A walk to the clinic").published
