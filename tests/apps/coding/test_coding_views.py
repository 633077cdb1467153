"""Coding pages: who may use them, the review queue as a plain form (no JavaScript), codebook import and
export, search, emerging issues and agreement pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chorus.apps.coding.actions.agreement import create_agreement_sample
from chorus.apps.coding.actions.codebooks import create_starter_codebook
from chorus.apps.coding.actions.runs import run_coding
from chorus.apps.coding.models import Coding, CodingStatus, ModelRun
from chorus.apps.coding.queries import current_codebook, current_codings, review_queue
from chorus.coding.codebook import validate_qdc

from support.world import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def coded(world):
    codebook = create_starter_codebook(world.programme, "community_health", by=world.analyst)
    run = ModelRun.objects.create(programme=world.programme, codebook=codebook)
    run_coding(run.pk, by=world.analyst, sentiment=False)
    return world


@pytest.mark.parametrize(
    "username, status",
    [
        ("analyst", 200),
        ("admin", 200),
        ("other-analyst", 403),
        ("partner-a", 403),
        ("connector", 403),
        ("decision-maker", 403),
    ],
)
def test_only_the_programmes_analysts_reach_the_review_queue_and_teach_chorus(
    client, coded, username, status
):
    user = next(user for user in coded.users if user.username == username)
    signed_in(client, user)
    contribution = coded.by_partner_a
    page = client.get(reverse("coding:review", args=[coded.programme.slug, contribution.pk]))
    assert page.status_code == status
    home = client.get(reverse("coding:programme", args=[coded.programme.slug]))
    assert home.status_code == status
    posted = client.post(
        reverse("coding:review", args=[coded.programme.slug, contribution.pk]), {"themes": []}
    )
    assert posted.status_code in ((302,) if status == 200 else (403,))
    teach = client.get(reverse("coding:teach", args=[coded.programme.slug]))
    assert teach.status_code == status
    answered = client.post(
        reverse("coding:teach", args=[coded.programme.slug]),
        {"contribution": coded.by_connector.pk, "themes": []},
    )
    assert answered.status_code in ((302,) if status == 200 else (403,))


def test_anonymous_visitors_are_sent_to_sign_in(client, coded):
    page = client.get(reverse("coding:review_next", args=[coded.programme.slug]))
    assert page.status_code == 302 and "sign-in" in page["Location"]


def test_review_queue_works_as_a_plain_form(client, coded):
    signed_in(client, coded.analyst)
    codebook = current_codebook(coded.programme)
    first = client.get(reverse("coding:review_next", args=[coded.programme.slug]))
    assert first.status_code == 302
    queue = review_queue(codebook, coded.programme.contributions.all())
    least_sure = queue.first()
    assert first["Location"].endswith(f"/review/{least_sure.pk}/")

    page = client.get(first["Location"])
    html = page.content.decode()
    assert least_sure.text in html and 'type="checkbox"' in html and "Save and next" in html
    suggested = [c.theme for c in current_codings(least_sure, codebook)]
    transport = codebook.themes.get(slug="transport")
    chosen = [transport.pk] + [theme.pk for theme in suggested[:1]]
    saved = client.post(first["Location"], {"themes": [str(pk) for pk in chosen]})
    assert saved.status_code == 302 and saved["Location"].endswith("/review/")
    current = {c.theme_id: c.status for c in current_codings(least_sure, codebook)}
    assert current[transport.pk] == CodingStatus.ACCEPTED
    assert all(current[theme.pk] == CodingStatus.REJECTED for theme in suggested[1:])
    assert least_sure not in review_queue(codebook, coded.programme.contributions.all())


def test_review_form_with_an_unknown_theme_comes_back_with_an_error(client, coded):
    signed_in(client, coded.analyst)
    url = reverse("coding:review", args=[coded.programme.slug, coded.by_connector.pk])
    page = client.post(url, {"themes": ["999999"]})
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()
    assert not Coding.objects.filter(contribution=coded.by_connector, made_by_user__isnull=False).exists()


def test_a_contribution_the_analyst_may_not_see_is_not_found(client, coded):
    signed_in(client, coded.analyst)
    url = reverse("coding:review", args=[coded.programme.slug, coded.in_other_programme.pk])
    assert client.get(url).status_code == 404


def test_codebook_downloads_and_import(client, coded):
    signed_in(client, coded.analyst)
    codebook = current_codebook(coded.programme)
    qdc = client.get(reverse("coding:export", args=[coded.programme.slug, codebook.pk, "qdc"]))
    assert qdc.status_code == 200 and "attachment" in qdc["Content-Disposition"]
    assert validate_qdc(qdc.content) == []
    csv = client.get(reverse("coding:export", args=[coded.programme.slug, codebook.pk, "csv"]))
    assert csv.content.startswith(b"id,parent_id,name,description,examples")
    upload = SimpleUploadedFile("ours.qdc", qdc.content, content_type="application/xml")
    imported = client.post(
        reverse("coding:import", args=[coded.programme.slug]), {"file": upload, "name": "Our codebook"}
    )
    assert imported.status_code == 302
    assert current_codebook(coded.programme).name == "Our codebook"
    bad = SimpleUploadedFile("bad.csv", b"nothing,useful\n1,2\n", content_type="text/csv")
    page = client.post(reverse("coding:import", args=[coded.programme.slug]), {"file": bad, "name": "Bad"})
    assert page.status_code == 400 and "missing the column" in page.content.decode()


def test_search_page_shows_only_visible_contributions(client, coded):
    url = reverse("coding:search")
    signed_in(client, coded.partner_b_member)
    html = client.get(url, {"q": "damp in the flat"}).content.decode()
    assert coded.by_partner_b.text.replace("'", "&#x27;") in html
    assert coded.by_partner_a.text not in html
    client.logout()
    signed_in(client, coded.analyst)
    html = client.get(url, {"q": "damp in the flat"}).content.decode()
    assert coded.by_partner_a.text in html and coded.in_other_programme.text not in html


def test_search_link_from_a_programme_opens_the_search_with_that_programme_chosen(client, coded):
    signed_in(client, coded.analyst)
    programme_page = client.get(reverse("coding:programme", args=[coded.programme.slug])).content.decode()
    link = f"{reverse('coding:search')}?programme={coded.programme.pk}"
    assert f'href="{link}"' in programme_page

    response = client.get(link)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter what you are looking for" not in page
    assert f'<option value="{coded.programme.pk}" selected>' in page


def test_coding_button_queues_a_run_and_shows_progress(client, coded, django_capture_on_commit_callbacks):
    signed_in(client, coded.analyst)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("coding:start", args=[coded.programme.slug]))
    assert len(callbacks) == 1
    run = coded.programme.model_runs.first()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    progress = client.get(run.get_absolute_url(), {"format": "json"}).json()
    assert progress["status"] == "queued" and progress["active"] is True
    assert "Waiting to start" in client.get(run.get_absolute_url()).content.decode()


def test_emerging_agreement_and_history_pages(client, coded):
    signed_in(client, coded.analyst)
    slug = coded.programme.slug
    assert client.get(reverse("coding:emerging", args=[slug])).status_code == 200
    sample = create_agreement_sample(
        coded.programme, coders=[coded.analyst], size=3, by=coded.analyst, seed=2
    )
    page = client.get(reverse("coding:sample_code", args=[slug, sample.pk]))
    assert page.status_code == 200
    contribution = page.context["contribution"]
    gp = sample.codebook.themes.get(slug="gp-access")
    client.post(
        reverse("coding:sample_code", args=[slug, sample.pk]),
        {"contribution": contribution.pk, "themes": [str(gp.pk)]},
    )
    assert sample.answers.filter(coder=coded.analyst, contribution=contribution).exists()
    report = client.get(reverse("coding:sample", args=[slug, sample.pk])).content.decode()
    assert "Krippendorff" in report
    history = client.get(reverse("coding:contribution", args=[coded.by_partner_a.pk]))
    assert history.status_code == 200 and "Codings" in history.content.decode()
    signed_in(client, coded.partner_b_member)
    assert client.get(reverse("coding:contribution", args=[coded.by_partner_a.pk])).status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "1e3", "²", "9" * 30])
def test_an_answer_to_a_sample_with_a_malformed_contribution_is_not_found_not_a_server_error(
    client, coded, value
):
    signed_in(client, coded.analyst)
    sample = create_agreement_sample(
        coded.programme, coders=[coded.analyst], size=3, by=coded.analyst, seed=2
    )
    gp = sample.codebook.themes.get(slug="gp-access")
    answers_before = sample.answers.count()
    response = client.post(
        reverse("coding:sample_code", args=[coded.programme.slug, sample.pk]),
        {"contribution": value, "themes": [str(gp.pk)]},
    )
    assert response.status_code == 404
    assert sample.answers.count() == answers_before


def test_agreement_samples_can_be_coded_by_administrators_by_role_not_only_superusers(client, coded):
    from chorus.apps.accounts.models import Role

    from support.world import make_user

    by_role = make_user("admin-by-role", (Role.ADMINISTRATOR, None, None))
    signed_in(client, coded.analyst)
    page = client.get(reverse("coding:agreement", args=[coded.programme.slug]))
    people = set(page.context["form"].fields["coders"].queryset)
    assert {by_role, coded.admin, coded.analyst} <= people
    assert not {coded.other_analyst, coded.partner_a_member, coded.connector} & people
