"""Contact details of residents who asked to hear back, on their pseudonymous participant: taken on the
connector's form, encrypted at rest, one participant however often they spoke, gone on erasure or when they
no longer agree to be contacted."""

from django.db import connection
from django.urls import reverse

from chorus.apps.accountability.actions.feedback import record_contact
from chorus.apps.engagement.actions import create_contribution, withdraw_consent
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports.actions import erase_participant
from chorus.apps.imports.models import Participant
from chorus.privacy.contact import parse_contact

from support.world import voice

NUMBER = "07400 123456"


def raw_participant_rows() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM imports_participant")
        return repr(cursor.fetchall())


def test_the_number_is_encrypted_at_rest(world):
    participant = record_contact(by=world.analyst, contribution=world.by_connector, contact=NUMBER)
    raw = raw_participant_rows()
    for piece in ("123456", "7400", "447400"):
        assert piece not in raw
    assert participant.contact == "+447400123456" and participant.contact_channel == "sms"
    world.by_connector.refresh_from_db()
    assert world.by_connector.participant == participant


def test_a_connector_takes_an_email_or_mobile_number_on_the_form(client, world):
    client.force_login(world.connector)
    url = reverse("record")
    form = client.get(url).content.decode()
    assert 'name="hear_back_contact"' in form
    base = {
        "programme": world.programme.pk,
        "date": "2026-11-20",
        "text": "The bus to the hospital stopped.",
        "consent_analysis": "yes",
        "consent_quote": "no",
        "consent_open_data": "no",
        "consent_recontact": "yes",
    }
    refused = client.post(url, {**base, "submission_key": "a" * 32, "hear_back_contact": "01702 215000"})
    assert refused.status_code == 400 and "landline" in refused.content.decode()
    unwanted = client.post(
        url, {**base, "submission_key": "b" * 32, "consent_recontact": "no", "hear_back_contact": NUMBER}
    )
    assert unwanted.status_code == 400 and "leave their contact details" in unwanted.content.decode()
    assert (
        client.post(url, {**base, "submission_key": "c" * 32, "hear_back_contact": NUMBER}).status_code == 302
    )
    stored = Contribution.objects.get(submission_key="c" * 32)
    assert stored.participant.contact == "+447400123456"
    # The same resident met again, giving the number written another way: the same participant.
    assert (
        client.post(
            url, {**base, "submission_key": "d" * 32, "hear_back_contact": "+44 7400 123456"}
        ).status_code
        == 302
    )
    again = Contribution.objects.get(submission_key="d" * 32)
    assert again.participant == stored.participant


def test_erasing_the_participant_removes_their_contact_details(world):
    event = world.by_connector.activity
    address = parse_contact("erase.me@example.net")
    spoke = [
        create_contribution(event, voice(text, hear_back=address)).contribution for text in ("Buses.", "GP.")
    ]
    participant = spoke[0].participant
    assert participant.has_contact
    erase_participant(participant, by=world.analyst)
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert "erase.me" not in raw_participant_rows()
    assert not Contribution.objects.filter(pk__in=[c.pk for c in spoke]).exists()


def test_no_longer_agreeing_to_be_contacted_forgets_the_contact_details(world):
    event = world.by_connector.activity
    address = parse_contact("changed.mind@example.net")
    first, second = [
        create_contribution(event, voice(t, hear_back=address)).contribution for t in ("A.", "B.")
    ]
    participant = first.participant
    withdraw_consent(first, "recontact", by=world.analyst)
    participant.refresh_from_db()
    assert participant.has_contact  # still agrees on the other conversation
    withdraw_consent(second, "recontact", by=world.analyst)
    participant.refresh_from_db()
    assert not participant.has_contact and participant.contact_hash == ""
    assert participant.contact_encrypted is None
