"""The demo loads the five places, the programmes, people in every role and residents' voices, redacted."""

import re

import pytest
from django.apps import apps
from django.db import transaction

from chorus.apps.accounts.models import Role, User
from chorus.apps.audit.models import AuditEvent
from chorus.apps.demo.loader import PROGRAMMES, load_demo
from chorus.apps.engagement.models import Contribution
from chorus.apps.insight.filters import Filters
from chorus.apps.insight.heard import ADULTS, ASSUMED_ADULTS, EVERYONE, who_we_heard_from
from chorus.apps.programmes.models import AgesHeard, Programme

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


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


def test_demo_programmes_say_whom_they_set_out_to_hear_and_one_leaves_it_unset(small_demo):
    ages = dict(Programme.objects.values_list("slug", "ages_heard"))
    assert ages["southend-connectors"] == ages["plymouth-connected"] == AgesHeard.ADULTS
    assert ages["church-street"] == ages["nhs-fft"] == AgesHeard.EVERYONE
    assert ages["hackney-listening"] == AgesHeard.NOT_SET
    heard = {
        slug: who_we_heard_from(Programme.objects.get(slug=slug), Filters())
        for slug in ("southend-connectors", "church-street", "hackney-listening")
    }
    assert [heard[slug].ages for slug in heard] == [ADULTS, EVERYONE, ASSUMED_ADULTS]
    # The demo's voices are all 16 or over: the family programme that means to hear children compares them
    # (flagged under-heard in the full demo; this small one has too few answers to be sure).
    children = next(row for row in heard["church-street"].section("age").rows if row.key == "0-15")
    assert children.contributors == 0 and children.population_share > 0.1


def test_demo_people_are_named_by_the_job_they_do(small_demo):
    names = dict(User.objects.values_list("username", "display_name"))
    assert names["lead-southend"] == "Southend-on-Sea programme lead"
    assert names["analyst-plymouth"] == "Plymouth analyst"  # an analyst, not the programme's lead
    analysts = [spec.analyst for spec in PROGRAMMES if not spec.analyst.startswith("lead-")]
    assert analysts and not [name for name in analysts if "lead" in names[name]]


def test_demo_voices_are_stored_redacted(small_demo):
    texts = list(Contribution.objects.values_list("text", flat=True))
    assert not [t for t in texts if re.search(r"07700 ?900\d{3}|@example\.com", t)]


def test_demo_codes_most_community_contributions_with_a_confidence_through_coding_runs(small_demo):
    from chorus.apps.coding.demo import RESIDENT_PROGRAMMES
    from chorus.apps.coding.models import Coding, CodingStatus, TeachAnswer
    from chorus.apps.coding.queries import coding_coverage

    community = Contribution.objects.filter(programme__slug__in=RESIDENT_PROGRAMMES)
    coverage = coding_coverage(community)
    assert coverage.contributions > 50 and coverage.share >= 0.8, coverage
    # The model's themes came from coding runs, each saying how it was made and how sure it was.
    suggested = Coding.objects.filter(contribution__in=community, current=True, status=CodingStatus.SUGGESTED)
    assert suggested.exists() and not suggested.filter(run=None).exists()
    assert not suggested.filter(confidence=None).exists() and not suggested.filter(method="").exists()
    # The analysts taught Chorus, and people checked some of what it coded.
    assert TeachAnswer.objects.filter(programme__slug__in=RESIDENT_PROGRAMMES).exists()
    assert 0 < coverage.checked_by_person < coverage.coded


def test_demo_loads_once(small_demo, shared_data):
    before = Contribution.objects.count()
    assert load_demo(shared_data, scale=0.03, fft_limit=150, out=lambda line: None) is False
    assert Contribution.objects.count() == before


# Each kind of row the demo writes, and the audit events of the actions that create it (any one will do).
CREATED_BY = {
    "accounts.user": {"accounts.user_created"},
    "accounts.membership": {"accounts.membership_created"},
    "places.area": {"places.loaded"},
    "places.indicator": {"places.indicator_created"},
    "places.indicatorvalue": {"places.indicator_value_added"},
    "programmes.organisation": {"programmes.organisation_created"},
    "programmes.topic": {"programmes.topic_created"},
    "programmes.programme": {"programmes.programme_created"},
    "programmes.partnership": {"programmes.partnership_created"},
    "programmes.grant": {"programmes.grant_created"},
    "engagement.activity": {"contributions.added", "contribution.recorded"},
    "engagement.contribution": {"contributions.added", "contribution.recorded", "import.finished"},
    "imports.importsource": {"import.source_created"},
    "imports.savedmapping": {"import.mapping_confirmed"},
    "imports.importbatch": {"import.uploaded", "import.field_post"},
    "imports.importchunk": {"import.uploaded", "import.field_post"},  # an import's chunks come with it
    "imports.quarantinedrow": {"import.finished"},
    "imports.participant": {"import.finished", "import.field_post"},
    "coding.codebook": {"coding.codebook_loaded"},
    "coding.theme": {"coding.codebook_loaded"},
    "coding.modelrun": {"coding.run_queued", "coding.emerging_queued"},
    "coding.modelrunchunk": {"coding.run_queued"},  # a run's chunks are planned as part of it
    "coding.coding": {"coding.run_finished", "coding.labels_imported", "coding.reviewed"},
    "coding.codingevent": {"coding.reviewed"},
    "coding.teachanswer": {"coding.taught"},
    "coding.reviewstate": {"coding.run_finished", "coding.labels_imported"},
    "coding.contributionvector": {"coding.run_finished"},
    "coding.sentiment": {"coding.run_finished"},
    "coding.emergingcluster": {"coding.emerging_found"},
    "coding.discoveredtheme": {"coding.discovery_done"},
    "maps.experiencemap": {"maps.map_created"},
    "maps.factor": {"maps.link_added", "maps.map_imported"},
    "maps.link": {"maps.link_added", "maps.map_imported"},
    "accountability.priority": {"priority.created"},
    "accountability.proposal": {"proposal.added"},
    "accountability.decisionbody": {"decision_body.created"},
    "accountability.meeting": {"meeting.scheduled"},
    "accountability.decision": {"decision.recorded"},
    "accountability.action": {"action.created"},
    "accountability.actionupdate": {"action.updated"},
    "accountability.feedbackitem": {"feedback.owed", "decision.recorded"},
    "accountability.assessment": {"assessment.recorded"},
    "evaluation.intervention": {"evaluation.intervention_created"},
    "evaluation.interventionpartner": {"evaluation.partner_added"},
    "evaluation.comparatorpopulation": {"evaluation.comparator_added"},
    "evaluation.outcomeindicator": {"evaluation.indicator_added"},
    "evaluation.measurement": {"evaluation.measurement_recorded"},
    "evaluation.reach": {"evaluation.reach_recorded"},
    "evaluation.survey": {"evaluation.survey_added"},
    "evaluation.surveyitem": {"evaluation.survey_item_added"},
    "evaluation.surveyresponse": {"evaluation.survey_answers_imported"},
    "evaluation.surveytally": {"evaluation.survey_item_added"},
    "evaluation.casestudy": {"evaluation.case_study_added"},
    "delivery.grantmilestone": {"delivery.grant_milestone_created"},
    "delivery.grantreport": {"delivery.grant_report_created"},
    "delivery.connectorprofile": {"delivery.connector_recruited"},
    "delivery.statuschange": {"delivery.connector_recruited", "delivery.connector_status_changed"},
    "delivery.trainingrecord": {"delivery.training_recorded"},
    "delivery.supervisionnote": {"delivery.supervision_noted"},
    "delivery.safeguardinglead": {"delivery.safeguarding_lead_set"},
    "delivery.safeguardingconcern": {"delivery.safeguarding_concern_raised"},
    "delivery.neighbourhood": {"delivery.neighbourhood_created"},
    "delivery.steprecord": {"delivery.step_recorded"},
    "delivery.standardsassessment": {"delivery.standards_assessed"},
    "delivery.standardscore": {"delivery.standards_assessed"},
    "delivery.event": {"delivery.event_created"},
    "delivery.attendance": {"delivery.sign_in_sheet_imported"},
    "publishing.report": {"publishing.report_created"},
    "publishing.reportquote": {"publishing.report_created"},
    "publishing.recommendation": {"publishing.recommendation_added"},
}
# Not the demo's writes: the audit log itself, and what Django and its add-ons keep for themselves.
NOT_WRITE_KINDS = {
    *("audit", "contenttypes", "auth", "sessions", "admin", "axes", "django_tasks_database"),
    *("otp_static", "otp_totp"),
}


def test_every_kind_of_row_the_demo_writes_has_the_audit_event_of_the_action_that_creates_it(small_demo):
    recorded = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    written = [
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.app_label not in NOT_WRITE_KINDS and model.objects.exists()
    ]
    assert "engagement.contribution" in written and "delivery.attendance" in written
    missing = [
        f"{label} (expected {' or '.join(sorted(CREATED_BY[label]))})"
        if label in CREATED_BY
        else f"{label} (no creating action known: add it to CREATED_BY)"
        for label in written
        if not CREATED_BY.get(label, set()) & recorded
    ]
    assert not missing, "write kinds with no audit event: " + "; ".join(missing)


def test_demo_writes_are_made_by_the_people_who_would_make_them(small_demo):
    southend = Programme.objects.get(slug="southend-connectors")
    recorded_by = dict(southend.activities.exclude(recorded_by=None).values_list("pk", "recorded_by"))
    events = AuditEvent.objects.filter(action="contributions.added", programme=southend)
    made_by = {
        int(event.object_id): event.actor_id for event in events if int(event.object_id) in recorded_by
    }
    assert made_by and made_by == {pk: recorded_by[pk] for pk in made_by}
    recorders = User.objects.filter(pk__in=set(made_by.values()))
    assert all(southend.pk in {held.programme_id for held in user.roles_held()} for user in recorders)
    fft = AuditEvent.objects.filter(action="contributions.added", programme__slug="nhs-fft")
    assert {event.actor.username for event in fft} == {"admin"}
    created = AuditEvent.objects.filter(action="programmes.programme_created")
    assert {event.actor.username for event in created} == {"admin"}
    assert created.count() == len(PROGRAMMES) + 1


def test_demo_people_land_on_their_own_home(small_demo):
    """The board member on the board story (with its figures), the connector on their own conversations
    with no analyst tool, the partner on their portal, the public page leading with what was heard."""
    from django.test import Client
    from django.urls import reverse

    def home_of(username: str):
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client.get(reverse("home"), follow=True)

    board = home_of("board-southend")
    assert board.redirect_chain[-1][0] == reverse("publishing:story", args=["southend-connectors"])
    story = board.content.decode()
    assert "The story for the board" in story and "What residents raised most" in story

    connector = home_of("connector-southend")
    page = connector.content.decode()
    assert connector.status_code == 200 and "Your conversations" in page
    assert Contribution.objects.filter(recorded_by__username="connector-southend").exists()
    assert "Correct this conversation" in page or "ask your analyst" in page
    assert not re.findall(r'href="/(?:coding|imports|insight|feedback|maps)/', page)

    partner = home_of("partner-kursaal")
    assert "/delivery/southend-connectors/partners/" in partner.redirect_chain[-1][0]

    public = Client().get(reverse("publishing:public", args=["southend-connectors"])).content.decode()
    assert public.index("What we heard") < public.index("What we did") < public.index("Reports and figures")
