"""Setting up programmes: organisations, topics, the programme with its focus wards, partners and grants.
Each write is refused with a reason when it cannot be done, and audited with who did it."""

from datetime import date

import pytest

from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes import actions
from chorus.apps.programmes.models import AgesHeard, OrganisationKind

from support.world import ward


def test_a_programme_is_made_with_its_focus_wards_and_topics(world, southend):
    topic = actions.create_topic("Hypertension", by=world.admin)
    lead = actions.create_organisation("Southend Voice", kind=OrganisationKind.HEALTHWATCH, by=world.admin)
    programme = actions.create_programme(
        "southend-new",
        name="Southend, again",
        lead_organisation=lead,
        local_authority=southend,
        focus_areas=[ward("Kursaal"), ward("Milton")],
        priority_topics=[topic],
        by=world.admin,
    )
    assert set(programme.focus_areas.values_list("name", flat=True)) == {"Kursaal", "Milton"}
    assert list(programme.priority_topics.all()) == [topic]
    assert (lead.slug, topic.slug) == ("southend-voice", "hypertension")
    made = AuditEvent.objects.filter(actor=world.admin).values_list("action", flat=True)
    assert set(made) == {
        "programmes.topic_created",
        "programmes.organisation_created",
        "programmes.programme_created",
    }


def test_focus_wards_must_be_in_the_programmes_local_authority(world, southend):
    england = Area.objects.get(level=Level.COUNTRY)
    with pytest.raises(ActionError) as refused:
        actions.create_programme(
            "elsewhere", name="Elsewhere", local_authority=southend, focus_areas=[england], by=world.admin
        )
    assert refused.value.field == "focus_areas"
    with pytest.raises(ActionError):
        actions.create_programme("x", name="X", local_authority=ward("Kursaal"), by=world.admin)
    with pytest.raises(ActionError) as taken:
        actions.create_programme(world.programme.slug, name="Again", by=world.admin)
    assert taken.value.field == "name"
    assert not AuditEvent.objects.filter(action="programmes.programme_created").exists()


def test_a_programme_says_whom_it_sets_out_to_hear_by_age_or_leaves_it_unset(world, southend):
    unset = actions.create_programme("unset", name="Unset", local_authority=southend, by=world.admin)
    assert unset.ages_heard == AgesHeard.NOT_SET
    adults = actions.create_programme(
        "adults", name="Adults", local_authority=southend, ages_heard=AgesHeard.ADULTS, by=world.admin
    )
    adults.refresh_from_db()
    assert adults.ages_heard == AgesHeard.ADULTS
    with pytest.raises(ActionError) as refused:
        actions.create_programme("babies", name="Babies", ages_heard="babies", by=world.admin)
    assert refused.value.field == "ages_heard"


def test_a_partner_joins_once_serving_some_wards(world):
    hub = actions.create_organisation("Leigh Hub", kind=OrganisationKind.VCS, by=world.admin)
    partnership = actions.create_partnership(
        world.programme, hub, joined_on=date(2025, 6, 2), areas_served=[ward("Kursaal")], by=world.admin
    )
    assert list(hub.areas_served.values_list("name", flat=True)) == ["Kursaal"]
    event = AuditEvent.objects.get(action="programmes.partnership_created")
    assert (event.object_id, event.programme, event.actor) == (
        str(partnership.pk),
        world.programme,
        world.admin,
    )
    with pytest.raises(ActionError):
        actions.create_partnership(world.programme, hub, by=world.admin)
    with pytest.raises(ActionError):
        actions.create_organisation("Leigh Hub", kind=OrganisationKind.VCS, by=world.admin)
    with pytest.raises(ActionError):
        actions.create_organisation("Nowhere", kind="guild", by=world.admin)


def test_a_grant_needs_an_amount_a_purpose_and_an_end_after_its_start(world):
    def grant(**changes):
        values = dict(
            amount_pence=19_000_00,
            purpose="Listening",
            start_date=date(2025, 6, 1),
            end_date=date(2027, 3, 31),
        )
        return actions.create_grant(world.programme, world.partner_a, **{**values, **changes}, by=world.admin)

    for bad, field in (({"amount_pence": 0}, "amount_pence"), ({"purpose": " "}, "purpose")):
        with pytest.raises(ActionError) as refused:
            grant(**bad)
        assert refused.value.field == field
    with pytest.raises(ActionError) as refused:
        grant(end_date=date(2025, 1, 1))
    assert refused.value.field == "end_date"
    made = grant()
    event = AuditEvent.objects.get(action="programmes.grant_created")
    assert (event.object_id, event.details["amount_pence"]) == (str(made.pk), 19_000_00)


def test_communities_served_are_changed_and_audited(world):
    actions.change_communities_served(world.partner_a, " Carers; Roma families ", by=world.analyst)
    world.partner_a.refresh_from_db()
    assert world.partner_a.communities_served == "Carers; Roma families"
    event = AuditEvent.objects.get(action="programmes.organisation_changed")
    assert (event.actor, event.details["fields"]) == (world.analyst, ["communities_served"])
