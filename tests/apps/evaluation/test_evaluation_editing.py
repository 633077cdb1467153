"""Editing an evaluation in the app: who may, what each page does with good and bad input, and the audit."""

import json
from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.evaluation.actions import populations, surveys
from chorus.apps.evaluation.models import (
    ComparatorPopulation,
    Intervention,
    InterventionPartner,
    Measurement,
    MeasurementSource,
    OutcomeIndicator,
    Reach,
    Survey,
    SurveyItem,
    SurveyResponse,
    SurveyTally,
)
from chorus.apps.places.models import Area, Level

pytestmark = pytest.mark.django_db


def url(intervention, name, *args):
    return reverse(f"evaluation:{name}", args=[intervention.programme.slug, intervention.slug, *args])


def editing_pages(screening) -> list[str]:
    partner = screening.partners.get(organisation__name="VCKC")
    measurement = Measurement.objects.filter(partner=partner).first()
    reach = Reach.objects.filter(partner=partner).first()
    survey = screening.surveys.first()
    item = survey.items.first()
    story = screening.case_studies.first()
    return [
        url(screening, "manage"),
        url(screening, "edit"),
        url(screening, "add-partner"),
        url(screening, "edit-partner", partner.pk),
        url(screening, "add-comparator"),
        url(screening, "edit-comparator", screening.comparators.first().pk),
        url(screening, "add-indicator"),
        url(screening, "edit-indicator", screening.indicators.first().pk),
        url(screening, "add-measurement"),
        url(screening, "edit-measurement", measurement.pk),
        url(screening, "add-reach"),
        url(screening, "edit-reach", reach.pk),
        url(screening, "add-survey"),
        url(screening, "edit-survey", survey.pk),
        url(screening, "add-survey-item", survey.pk),
        url(screening, "edit-survey-item", item.pk),
        url(screening, "edit-case-study", story.pk),
    ]


def test_only_the_programmes_leads_and_analysts_can_open_the_editing_pages(client, world, screening):
    expected = {
        world.admin: 200,
        world.analyst: 200,
        world.other_analyst: 404,
        world.partner_a_member: 403,
        world.decision_maker: 403,
        world.connector: 403,
    }
    pages = editing_pages(screening)
    for user, status in expected.items():
        client.force_login(user)
        for page in pages:
            assert client.get(page).status_code == status, (user.username, page)
        assert client.get(reverse("evaluation:new")).status_code == (
            200 if status == 200 or user == world.other_analyst else 403
        ), user.username
        assert user.has_perm("evaluation.add_intervention", world.programme) == (status == 200), user.username
    client.force_login(world.analyst)
    manage = client.get(url(screening, "manage")).content.decode()
    assert "Westborough Family Centre" in manage and "Other Southend practices" in manage
    assert "1,712" in manage and "(from 59" not in manage  # VCKC's counts, entered as counts
    assert manage.count(">Change<") >= 10
    client.logout()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/" in response["Location"], page


def test_refused_people_cannot_remove_anything(client, world, screening):
    partner = screening.partners.get(organisation__name="VCKC")
    reach = Reach.objects.filter(partner=partner).first()
    for user in (world.partner_a_member, world.decision_maker, world.other_analyst):
        client.force_login(user)
        assert client.post(url(screening, "remove-reach", reach.pk)).status_code in (403, 404)
    assert Reach.objects.filter(pk=reach.pk).exists()
    client.force_login(world.analyst)
    assert client.get(url(screening, "remove-reach", reach.pk)).status_code == 405  # removing needs a POST


def test_analyst_starts_an_evaluation_and_a_mistake_comes_back_filled(client, world):
    client.force_login(world.analyst)
    form = {
        "programme": world.programme.pk,
        "name": "Flu vaccination in Milton",
        "summary": "Door-knocking with the pharmacy.",
        "start_date": "2025-10-01",
        "end_date": "2025-09-01",
    }
    response = client.post(reverse("evaluation:new"), form)
    assert response.status_code == 400
    content = response.content.decode()
    assert (
        "There is a problem" in content
        and "The end date must be the same as or after the start date" in content
    )
    assert 'value="Flu vaccination in Milton"' in content and "Door-knocking with the pharmacy." in content
    assert not Intervention.objects.filter(name="Flu vaccination in Milton").exists()

    form["end_date"] = "2026-03-31"
    response = client.post(reverse("evaluation:new"), form)
    intervention = Intervention.objects.get(name="Flu vaccination in Milton")
    assert response.status_code == 302 and response["Location"] == url(intervention, "manage")
    assert (intervention.slug, intervention.end_date) == ("flu-vaccination-in-milton", date(2026, 3, 31))
    event = AuditEvent.objects.get(action="evaluation.intervention_created")
    assert event.actor == world.analyst and event.object_id == str(intervention.pk)

    client.force_login(world.other_analyst)  # may start evaluations, but not in this programme
    form["name"] = "Sneaked in"
    assert client.post(reverse("evaluation:new"), form).status_code == 400
    assert not Intervention.objects.filter(name="Sneaked in").exists()


def test_changing_the_intervention_keeps_its_address_and_can_withdraw_the_public_report(
    client, world, screening
):
    assert screening.report_is_public  # the demo publishes it
    client.force_login(world.analyst)
    response = client.post(url(screening, "edit"), {"name": "Cancer screening uptake 2024-25", "summary": ""})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.name == "Cancer screening uptake 2024-25" and screening.slug == "cancer-screening-uptake"
    assert not screening.report_is_public
    event = AuditEvent.objects.get(action="evaluation.intervention_changed")
    assert set(event.details["changed"]) == {"name", "summary", "start_date", "end_date", "report_is_public"}
    client.logout()
    assert client.get(url(screening, "public-report")).status_code == 404


def test_partners_are_added_changed_and_removed_with_clear_refusals(client, world, screening):
    client.force_login(world.analyst)
    milton = Area.objects.get(level=Level.WARD, name="Milton", parent=world.programme.local_authority)
    form = {
        "organisation": world.partner_b.pk,
        "population_kind": "ward",
        "population_description": "Residents of Milton aged 60 to 74",
        "area": milton.pk,
    }
    assert client.post(url(screening, "add-partner"), form).status_code == 302
    partner = InterventionPartner.objects.get(intervention=screening, organisation=world.partner_b)
    assert (partner.area, partner.population_kind) == (milton, "ward")

    response = client.post(url(screening, "add-partner"), form)  # the same organisation again
    assert response.status_code == 400
    content = response.content.decode()
    assert "Milton Voices is already a partner in this intervention." in content
    assert "Residents of Milton aged 60 to 74" in content  # the form comes back filled

    form["population_description"] = "Residents of Milton and Victoria aged 60 to 74"
    assert client.post(url(screening, "edit-partner", partner.pk), form).status_code == 302
    partner.refresh_from_db()
    assert partner.population_description == "Residents of Milton and Victoria aged 60 to 74"

    vckc = screening.partners.get(organisation__name="VCKC")
    response = client.post(url(screening, "remove-partner", vckc.pk), follow=True)
    assert "has measurements or reach recorded" in response.content.decode()
    assert InterventionPartner.objects.filter(pk=vckc.pk).exists()
    assert client.post(url(screening, "remove-partner", partner.pk)).status_code == 302
    assert not InterventionPartner.objects.filter(pk=partner.pk).exists()
    actions_done = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "evaluation.partner_added",
        "evaluation.partner_changed",
        "evaluation.partner_removed",
    } <= actions_done


def test_a_partner_organisation_must_belong_to_the_programme(world, screening):
    stranger = type(world.partner_a).objects.create(name="Elsewhere Trust", slug="elsewhere", kind="vcs")
    with pytest.raises(ActionError) as error:
        populations.create_partner(
            screening, organisation=stranger, population_kind="ward", population_description="Anyone", by=None
        )
    assert error.value.field == "organisation"


def test_comparators_and_indicators_refuse_names_that_would_confuse_a_measurement_table(
    client, world, screening
):
    client.force_login(world.analyst)
    response = client.post(
        url(screening, "add-comparator"), {"name": "VCKC", "population_kind": "practice", "description": ""}
    )
    assert response.status_code == 400 and "is the name of a partner" in response.content.decode()
    response = client.post(
        url(screening, "add-comparator"),
        {"name": "Rest of Essex", "population_kind": "practice", "description": "All other Essex practices"},
    )
    assert response.status_code == 302
    comparator = ComparatorPopulation.objects.get(intervention=screening, name="Rest of Essex")
    assert client.post(url(screening, "remove-comparator", comparator.pk)).status_code == 302
    assert not ComparatorPopulation.objects.filter(pk=comparator.pk).exists()

    response = client.post(
        url(screening, "add-indicator"),
        {"name": "Bowel screening uptake", "kind": "uptake", "definition": "x"},
    )
    assert response.status_code == 400 and "There is already an indicator called" in response.content.decode()
    response = client.post(url(screening, "add-indicator"), {"name": "Breast screening coverage", "kind": ""})
    content = response.content.decode()
    assert response.status_code == 400 and "Select uptake or coverage" in content
    assert 'value="Breast screening coverage"' in content
    bowel = screening.indicators.get(name="Bowel screening uptake")
    response = client.post(url(screening, "remove-indicator", bowel.pk), follow=True)
    assert "has measurements" in response.content.decode()
    assert OutcomeIndicator.objects.filter(pk=bowel.pk).exists()


def test_a_measurement_is_typed_in_corrected_and_removed(client, world, screening):
    client.force_login(world.analyst)
    bowel = screening.indicators.get(name="Bowel screening uptake")
    vckc = screening.partners.get(organisation__name="VCKC")
    form = {
        "indicator": bowel.pk,
        "population": f"partner-{vckc.pk}",
        "when": "2025-09-30",
        "eligible": "1700",
        "with_outcome": "1800",
    }
    response = client.post(url(screening, "add-measurement"), form)
    content = response.content.decode()
    assert response.status_code == 400 and "This is more than the 1700 eligible people" in content
    assert 'value="1800"' in content and 'value="2025-09-30"' in content
    form["with_outcome"] = "1111"
    assert client.post(url(screening, "add-measurement"), form).status_code == 302
    measurement = Measurement.objects.get(indicator=bowel, partner=vckc, date=date(2025, 9, 30))
    assert (measurement.eligible, measurement.with_outcome) == (1700, 1111)

    response = client.post(url(screening, "add-measurement"), form)  # the same date again
    assert response.status_code == 400 and "already has a measurement on 30 September 2025" in (
        response.content.decode()
    )

    measurement.source, measurement.published_percentage = MeasurementSource.RECONSTRUCTED, "65.4"
    measurement.save()
    response = client.post(
        url(screening, "edit-measurement", measurement.pk), {"eligible": "1700", "with_outcome": "1112"}
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.with_outcome, measurement.source, measurement.published_percentage) == (
        1112,
        MeasurementSource.COUNTS,
        None,
    )
    assert client.post(url(screening, "remove-measurement", measurement.pk)).status_code == 302
    assert not Measurement.objects.filter(pk=measurement.pk).exists()


def test_reach_is_recorded_and_shows_in_the_report(client, world, screening):
    client.force_login(world.analyst)
    westborough = screening.partners.get(organisation__name="Westborough Family Centre")
    form = {
        "partner": westborough.pk,
        "period_start": "2025-04-01",
        "period_end": "2025-03-01",
        "residents_reached": "1000",
        "how_counted": "Sign-in sheets",
    }
    response = client.post(url(screening, "add-reach"), form)
    content = response.content.decode()
    assert (
        response.status_code == 400 and "The last day must be the same as or after the first day" in content
    )
    assert 'value="Sign-in sheets"' in content
    form["period_end"] = "2025-09-30"
    assert client.post(url(screening, "add-reach"), form).status_code == 302
    reach = Reach.objects.get(partner=westborough, period_start=date(2025, 4, 1))
    report = client.get(url(screening, "report")).content.decode()
    assert "1,251" in report  # 251 in the demo plus the 1,000 added
    form["residents_reached"] = "900"
    assert client.post(url(screening, "edit-reach", reach.pk), form).status_code == 302
    assert "1,151" in client.get(url(screening, "report")).content.decode()
    assert client.post(url(screening, "remove-reach", reach.pk)).status_code == 302
    assert not Reach.objects.filter(pk=reach.pk).exists()


def test_a_survey_with_totals_before_and_after_is_built_in_the_app(client, world, screening):
    client.force_login(world.analyst)
    assert (
        client.post(
            url(screening, "add-survey"), {"title": "Bowel kit sessions", "who_was_asked": ""}
        ).status_code
        == 302
    )
    survey = Survey.objects.get(intervention=screening, title="Bowel kit sessions")
    form = {
        "statement": "I know how to do the bowel screening test",
        "domain": "knowledge",
        "before_agreeing": "20",
        "before_respondents": "",
        "after_agreeing": "45",
        "after_respondents": "50",
    }
    response = client.post(url(screening, "add-survey-item", survey.pk), form)
    content = response.content.decode()
    assert (
        response.status_code == 400
        and "Enter how many people were asked before, or leave both blank" in content
    )
    assert "I know how to do the bowel screening test" in content
    form["before_respondents"] = "50"
    assert client.post(url(screening, "add-survey-item", survey.pk), form).status_code == 302
    item = SurveyItem.objects.get(survey=survey)
    assert {(t.wave, t.agreeing, t.respondents) for t in SurveyTally.objects.filter(item=item)} == {
        ("pre", 20, 50),
        ("post", 45, 50),
    }
    report = client.get(url(screening, "report")).content.decode()
    assert "20 of 50" in report and "45 of 50" in report and "+50.0" in report

    form.update(before_agreeing="", before_respondents="")  # the before totals were wrong: clear them
    assert client.post(url(screening, "edit-survey-item", item.pk), form).status_code == 302
    assert set(SurveyTally.objects.filter(item=item).values_list("wave", flat=True)) == {"post"}


def test_a_statement_with_individual_answers_refuses_totals(world, screening):
    item = SurveyItem.objects.filter(responses__isnull=False).distinct().first()
    assert SurveyResponse.objects.filter(item=item).exists()
    with pytest.raises(ActionError, match="individual answers"):
        surveys.change_survey_item(
            item, statement=item.statement, domain=item.domain, before=(5, 10), after=None, by=None
        )
    with pytest.raises(ActionError, match="individual answers"):
        surveys.delete_survey_item(item, by=None)


def test_a_case_study_cannot_be_published_without_consent_when_edited(client, world, screening):
    client.force_login(world.analyst)
    story = screening.case_studies.first()
    form = {"title": story.title, "text": "Changed words", "consent_to_publish": "no", "publish": "on"}
    response = client.post(url(screening, "edit-case-study", story.pk), form)
    assert response.status_code == 400 and "Changed words" in response.content.decode()
    form["publish"] = ""
    assert client.post(url(screening, "edit-case-study", story.pk), form).status_code == 302
    story.refresh_from_db()
    assert (story.text, story.published, story.consent_to_publish) == ("Changed words", False, False)


def test_audit_events_name_what_changed_but_never_hold_what_people_typed(client, world, screening):
    client.force_login(world.analyst)
    secret = "Mrs Example of 12 Acacia Avenue"
    story = screening.case_studies.first()
    client.post(
        url(screening, "edit-case-study", story.pk),
        {"title": "A visit", "text": secret, "consent_to_publish": "yes", "publish": "on"},
    )
    client.post(url(screening, "add-survey"), {"title": secret, "who_was_asked": secret})
    events = AuditEvent.objects.filter(action__startswith="evaluation.")
    assert {"evaluation.case_study_changed", "evaluation.survey_added"} <= set(
        events.values_list("action", flat=True)
    )
    for event in events:
        assert secret not in json.dumps(event.details), event.action
    changed = events.get(action="evaluation.case_study_changed").details["changed"]
    assert "text" in changed
