"""One rule for residents' words, held by the code, the README's role table and the privacy page alike:
decision-makers read only the quotes residents agreed to (redacted, no names) and never a list of
contributions; partners read their own organisation's raw records and, elsewhere, consented quotes only."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from chorus.apps.accountability.actions.meetings import create_decision_body, create_meeting
from chorus.apps.accountability.actions.priorities import create_priority
from chorus.apps.accountability.models import BodyKind
from chorus.apps.engagement.actions import ContributionInput, create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[3] / "README.md"
CONSENTED = "The damp in our flat makes my chest bad"
OTHER_PARTNER = "GP appointment for weeks"
REFUSED = "My landlord Mr Grey never answers about the mould"


@pytest.fixture
def board_meeting(world):
    refused = create_contribution(
        Activity.objects.create(
            programme=world.programme, kind=ActivityKind.CONVERSATION, title="Talk", date=date(2026, 10, 2)
        ),
        ContributionInput(
            text=REFUSED, consent_quote=False, consent_open_data=False, consent_recontact=False
        ),
        by=world.analyst,
    ).contribution
    priority = create_priority(
        by=world.analyst,
        programme=world.programme,
        title="Warm, dry homes",
        theme="Damp and mould",
        summary="Damp in rented flats.",
        contributions=[world.by_partner_a, world.by_partner_b, world.by_connector, refused],
        quotes=[world.by_partner_a],
        is_public=False,
    )
    body = create_decision_body(
        by=world.analyst, programme=world.programme, name="Southend HWBB", kind=BodyKind.HWBB
    )
    meeting = create_meeting(
        by=world.analyst, body=body, title="Board", date=date(2026, 11, 11), priorities=[priority]
    )
    return priority, meeting


def test_a_decision_maker_reads_consented_quotes_but_no_list_and_no_other_words(client, world, board_meeting):
    priority, meeting = board_meeting
    client.force_login(world.decision_maker)
    for url in (
        reverse("accountability:board-pack", args=[meeting.pk]),
        reverse("accountability:priority", args=[priority.pk]),
    ):
        html = client.get(url).content.decode()
        assert CONSENTED in html, url
        for words in (OTHER_PARTNER, REFUSED, "bus was cut"):
            assert words not in html, (url, words)
    assert client.get(reverse("contributions")).status_code == 403
    for contribution in world.contributions:
        assert client.get(reverse("contribution", args=[contribution.pk])).status_code == 404
    programme_page = client.get(reverse("programme", args=[world.programme.slug])).content.decode()
    assert 'href="/contributions/' not in programme_page


def test_a_partner_reads_its_own_records_and_only_consented_quotes_of_others(client, world, board_meeting):
    priority, meeting = board_meeting
    client.force_login(world.partner_b_member)
    listing = client.get(reverse("contributions"))
    assert listing.status_code == 200 and OTHER_PARTNER in listing.content.decode()
    assert CONSENTED not in listing.content.decode()
    pack = client.get(reverse("accountability:board-pack", args=[meeting.pk])).content.decode()
    assert CONSENTED in pack and REFUSED not in pack


def test_the_readme_and_the_privacy_page_state_the_same_rule(client):
    table = {
        row.split("|")[1].strip(): row.split("|")[2].strip()
        for row in README.read_text(encoding="utf-8").splitlines()
        if row.startswith("| ") and row.count("|") == 3
    }
    decision_maker = table["decision-maker"]
    assert "agreed to be quoted" in decision_maker and "never lists of contributions" in decision_maker
    assert "never raw words" not in decision_maker
    assert "own organisation's raw records" in table["partner member (VCS organisation)"]
    assert "only quotes residents agreed to" in table["partner member (VCS organisation)"]
    privacy = " ".join(client.get(reverse("privacy")).content.decode().split())
    assert "Decision-makers" in privacy and "only of residents who agreed to be quoted" in privacy
    assert "never see lists of contributions" in privacy
    assert "consented quotes, without names" in privacy


def test_only_roles_that_read_raw_records_may_list_contributions(world):
    allowed = {user.username: user.has_perm("engagement.list_contributions") for user in world.users}
    assert allowed == {
        "admin": True,
        "analyst": True,
        "other-analyst": True,
        "partner-a": True,
        "partner-b": True,
        "connector": True,
        "other-connector": True,
        "decision-maker": False,
    }
