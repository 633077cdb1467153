"""Erasure reaches quarantined rows too: a row holding a person's data is emptied, leaving a record without
content; the participant link lives on Contribution."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from imports_helpers import import_file

from chorus.apps.audit.models import AuditEvent
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports import actions
from chorus.apps.imports.models import ErasureRecord, Participant, QuarantinedRow

from support.world import PASSWORD

PEOPLE = (
    "Participant ID,What matters to you?,Age,Consent to analysis\n"
    "R-0042,The pharmacy closes at lunchtime,45,yes\n"
    "R-0042,My neighbour Mary Evans at 12 Elm Road needs help,4O,yes\n"
    "R-0077,The youth club has closed,17,yes\n"
    ",I am Tom Harris and I live at 3 Park Lane,3X,yes\n"
)


@pytest.fixture
def imported(world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return import_file(world.programme, path, by=world.analyst)


def test_the_participant_is_on_the_contribution_and_on_their_quarantined_rows(world, imported):
    assert (imported.imported, imported.quarantined) == (2, 2)
    person = Participant.objects.get(contributions__text="The pharmacy closes at lunchtime")
    assert person.quarantined_rows.get().row_number == 3
    assert QuarantinedRow.objects.get(batch=imported, row_number=5).participant is None


def test_erasing_a_participant_empties_their_quarantined_rows(world, imported):
    person = Participant.objects.get(contributions__text="The pharmacy closes at lunchtime")
    erasure = actions.erase_participant(person, by=world.analyst)
    assert (erasure.contributions_removed, erasure.quarantined_rows_erased) == (1, 1)
    row = QuarantinedRow.objects.get(batch=imported, row_number=3)
    assert (row.raw, row.problems, row.participant) == ({}, [], None) and row.erased_at is not None
    assert not Contribution.objects.filter(text="The pharmacy closes at lunchtime").exists()
    assert Contribution.objects.filter(text="The youth club has closed").exists()
    everything = json.dumps(list(QuarantinedRow.objects.values("raw", "problems")))
    everything += json.dumps(list(AuditEvent.objects.values("details")), default=str)
    assert "Mary" not in everything and "Elm Road" not in everything and "4O" not in everything
    # The other quarantined row, about nobody named, is untouched.
    assert (
        "Tom Harris" in QuarantinedRow.objects.get(batch=imported, row_number=5).raw["What matters to you?"]
    )


def test_a_quarantined_row_can_be_erased_on_its_own(world, imported):
    row = QuarantinedRow.objects.get(batch=imported, row_number=5)
    erasure = actions.erase_quarantined_row(row, by=world.analyst)
    row.refresh_from_db()
    assert (row.raw, row.problems) == ({}, []) and row.erased_at is not None
    assert (erasure.pseudonym, erasure.contributions_removed, erasure.quarantined_rows_erased) == ("", 0, 1)
    event = AuditEvent.objects.get(action="import.row_erased")
    assert event.details == {"row": 5}
    with pytest.raises(actions.ActionError, match="already been erased"):
        actions.erase_quarantined_row(row, by=world.analyst)
    with pytest.raises(actions.ActionError, match="erased"):
        actions.rerun_quarantined_row(row, {"Age": "30"}, by=world.analyst)


def test_erase_row_page_asks_for_confirmation_then_empties_the_row(client, world, imported):
    client.login(username=world.analyst.username, password=PASSWORD)
    row = QuarantinedRow.objects.get(batch=imported, row_number=5)
    page = client.get(reverse("imports:row", args=[row.pk]))
    assert reverse("imports:erase_row", args=[row.pk]) in page.content.decode()

    refused = client.post(reverse("imports:erase_row", args=[row.pk]), {})
    assert refused.status_code == 200
    assert "Confirm that you want to erase this row." in refused.content.decode()
    row.refresh_from_db()
    assert row.erased_at is None

    done = client.post(reverse("imports:erase_row", args=[row.pk]), {"confirm": "on"}, follow=True)
    assert "Row 5 is erased" in done.content.decode()
    assert "Tom Harris" not in done.content.decode()
    assert "Correct row 5" not in done.content.decode()
    assert ErasureRecord.objects.filter(quarantined_rows_erased=1, pseudonym="").exists()


def test_erase_row_page_is_for_the_programmes_analysts_only(client, world, imported):
    row = QuarantinedRow.objects.get(batch=imported, row_number=5)
    client.login(username=world.other_analyst.username, password=PASSWORD)
    assert client.post(reverse("imports:erase_row", args=[row.pk]), {"confirm": "on"}).status_code == 404
    row.refresh_from_db()
    assert row.erased_at is None


def test_participants_page_finds_a_person_by_their_reference(client, world, imported):
    client.login(username=world.analyst.username, password=PASSWORD)
    person = Participant.objects.get(contributions__text="The pharmacy closes at lunchtime")
    page = client.get(reverse("imports:participants", args=[world.programme.slug]), {"pseudonym": "r-0042"})
    body = page.content.decode()
    assert person.pseudonym in body and "1 contribution, 1 quarantined row" in body
    assert "R-0042" not in Participant.objects.values_list("ref_hash", flat=True)

    erase_page = client.get(reverse("imports:erase", args=[world.programme.slug, person.pseudonym]))
    assert "empties 1 quarantined row" in erase_page.content.decode()
    client.post(reverse("imports:erase", args=[world.programme.slug, person.pseudonym]), {"confirm": "on"})
    listing = client.get(reverse("imports:participants", args=[world.programme.slug])).content.decode()
    assert "1 contribution removed and 1 quarantined row emptied" in listing
