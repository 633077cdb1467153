"""The programme settings page: who may open it, what saving changes and records, and what it refuses."""

from datetime import date

import pytest
from django.urls import NoReverseMatch, include, path, reverse

from chorus.apps.audit.models import AuditEvent
from chorus.apps.core.errors import ActionError
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes import actions
from chorus.apps.programmes.actions import change_programme_settings
from chorus.apps.programmes.models import AgesHeard
from chorus.site import urls as site_urls

from support.browser import axe_violations, sign_in
from support.world import PASSWORD, SOUTHEND, ward

# Until chorus/site/urls.py mounts the app at "programmes/", mount it here the same way.
try:
    reverse("programmes:settings", kwargs={"slug": "x"}, urlconf=site_urls)
    urlpatterns = site_urls.urlpatterns
except NoReverseMatch:
    urlpatterns = [path("programmes/", include("chorus.apps.programmes.urls")), *site_urls.urlpatterns]

pytestmark = pytest.mark.urls(__name__)


def settings_url(programme) -> str:
    return reverse("programmes:settings", kwargs={"slug": programme.slug})


def filled(programme, **changes) -> dict:
    """The form as the page would post it, with the programme's current values and `changes`."""
    data = {
        "name": programme.name,
        "summary": programme.summary,
        "start_date": programme.start_date.isoformat() if programme.start_date else "",
        "end_date": programme.end_date.isoformat() if programme.end_date else "",
        "feedback_days": str(programme.feedback_days),
        "focus_areas": [str(pk) for pk in programme.focus_areas.values_list("pk", flat=True)],
    }
    if programme.is_public:
        data["is_public"] = "on"
    if programme.keep_original_text:
        data["keep_original_text"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def a_ward_elsewhere() -> Area:
    """A ward outside Southend, under another authority (made up: the test database holds only Southend)."""
    borough = Area.objects.create(code="E06999998", name="Elsewhere borough", level=Level.LOCAL_AUTHORITY)
    return Area.objects.create(code="E05999998", name="Grays Riverside", level=Level.WARD, parent=borough)


# Who may open it


def test_the_programmes_analyst_and_an_administrator_open_the_settings(client, world):
    for user in (world.analyst, world.admin):
        client.force_login(user)
        response = client.get(settings_url(world.programme))
        assert response.status_code == 200, user
        html = response.content.decode()
        assert 'value="Southend community connectors"' in html
        assert "Kursaal" in html and "Milton" in html


@pytest.mark.parametrize(
    "username", ["decision-maker", "connector", "other-connector", "partner-a", "partner-b"]
)
def test_other_members_of_the_programme_are_refused(client, world, username):
    client.force_login(next(u for u in world.users if u.username == username))
    url = settings_url(world.programme)
    assert client.get(url).status_code == 403
    assert client.post(url, filled(world.programme, name="Taken over")).status_code == 403
    world.programme.refresh_from_db()
    assert world.programme.name == "Southend community connectors"
    assert not AuditEvent.objects.filter(action="programme.settings_changed").exists()


def test_an_analyst_of_another_programme_gets_not_found(client, world):
    client.force_login(world.other_analyst)
    assert client.get(settings_url(world.programme)).status_code == 404
    assert client.post(settings_url(world.programme), filled(world.programme, name="X")).status_code == 404
    assert client.get(settings_url(world.other_programme)).status_code == 200


def test_signing_in_is_needed(client, world):
    response = client.get(settings_url(world.programme))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    response = client.post(settings_url(world.programme), filled(world.programme, name="X"))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    world.programme.refresh_from_db()
    assert world.programme.name == "Southend community connectors"


def test_the_rule_matches_the_roles(world):
    allowed = {u.username for u in world.users if u.has_perm("programmes.change_programme", world.programme)}
    assert allowed == {"admin", "analyst"}
    assert world.other_analyst.has_perm("programmes.change_programme", world.other_programme)


# Saving


def test_the_analyst_saves_every_setting_and_the_audit_names_fields_without_values(client, world):
    client.force_login(world.analyst)
    kursaal, milton = ward("Kursaal"), ward("Milton")
    response = client.post(
        settings_url(world.programme),
        filled(
            world.programme,
            name="Southend connectors 2027",
            summary="Residents lead the conversation.",
            start_date="2026-04-01",
            end_date="2027-03-31",
            feedback_days="14",
            is_public="on",
            keep_original_text="on",
            focus_areas=[str(kursaal.pk), str(milton.pk)],
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert "Programme settings saved." in response.content.decode()
    programme = world.programme
    programme.refresh_from_db()
    assert programme.name == "Southend connectors 2027"
    assert programme.summary == "Residents lead the conversation."
    assert (programme.start_date, programme.end_date) == (date(2026, 4, 1), date(2027, 3, 31))
    assert programme.feedback_days == 14
    assert programme.is_public and programme.keep_original_text
    assert set(programme.focus_areas.all()) == {kursaal, milton}

    event = AuditEvent.objects.get(action="programme.settings_changed")
    assert event.actor == world.analyst and event.programme == programme
    assert event.object_id == str(programme.pk)
    assert sorted(event.details["fields"]) == sorted(
        [
            "name",
            "summary",
            "start_date",
            "end_date",
            "feedback_days",
            "is_public",
            "keep_original_text",
            "focus_areas",
        ]
    )
    recorded = repr(event.details)
    for value in ("2027", "Residents lead", "14", "Kursaal", str(kursaal.pk)):
        assert value not in recorded


def test_turning_settings_off_and_unticking_wards_is_saved(client, world):
    world.programme.is_public = True
    world.programme.keep_original_text = True
    world.programme.save()
    world.programme.focus_areas.set([ward("Kursaal")])
    client.force_login(world.admin)
    html = client.get(settings_url(world.programme)).content.decode()
    assert f'href="/public/{world.programme.slug}/"' in html
    data = filled(world.programme, focus_areas=[])
    del data["is_public"], data["keep_original_text"]
    assert client.post(settings_url(world.programme), data).status_code == 302
    world.programme.refresh_from_db()
    assert not world.programme.is_public and not world.programme.keep_original_text
    assert not world.programme.focus_areas.exists()
    event = AuditEvent.objects.get(action="programme.settings_changed")
    assert sorted(event.details["fields"]) == ["focus_areas", "is_public", "keep_original_text"]
    assert event.actor == world.admin


def test_saving_without_a_change_records_nothing(client, world):
    client.force_login(world.analyst)
    response = client.post(settings_url(world.programme), filled(world.programme), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert not AuditEvent.objects.filter(action="programme.settings_changed").exists()


def test_the_page_warns_what_becomes_public(client, world):
    client.force_login(world.analyst)
    html = client.get(settings_url(world.programme)).content.decode()
    for words in ("public page", "open data", "reports that are marked public", "You said, we did"):
        assert words in html


# Refusals


@pytest.mark.parametrize("days", ["0", "91", "-3", "ten", ""])
def test_bad_feedback_days_come_back_filled_with_the_problem(client, world, days):
    client.force_login(world.analyst)
    kursaal = ward("Kursaal")
    response = client.post(
        settings_url(world.programme),
        filled(
            world.programme,
            name="A new name",
            summary="Kept as typed",
            feedback_days=days,
            is_public="on",
            focus_areas=[str(kursaal.pk)],
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html and 'href="#id_feedback_days"' in html
    assert "from 1 to 90" in html
    assert 'value="A new name"' in html and "Kept as typed" in html
    assert f'value="{kursaal.pk}" checked' in html
    assert 'name="is_public" type="checkbox" value="on" checked' in html
    world.programme.refresh_from_db()
    assert world.programme.name == "Southend community connectors"
    assert world.programme.feedback_days == 10 and not world.programme.is_public
    assert not world.programme.focus_areas.exists()
    assert not AuditEvent.objects.filter(action="programme.settings_changed").exists()


def test_an_end_before_the_start_comes_back_with_the_problem(client, world):
    client.force_login(world.analyst)
    response = client.post(
        settings_url(world.programme),
        filled(world.programme, start_date="2027-01-01", end_date="2026-01-01"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end date must be the same as or after the start date" in html
    assert 'value="2027-01-01"' in html and 'value="2026-01-01"' in html
    world.programme.refresh_from_db()
    assert world.programme.start_date is None and world.programme.end_date is None


def test_the_form_offers_only_the_programmes_own_wards(client, world):
    elsewhere = a_ward_elsewhere()
    client.force_login(world.analyst)
    html = client.get(settings_url(world.programme)).content.decode()
    southend_wards = Area.objects.filter(level=Level.WARD, parent__code=SOUTHEND)
    assert southend_wards.count() > 10
    for area in southend_wards:
        assert f'value="{area.pk}"' in html
    assert "Grays Riverside" not in html

    response = client.post(
        settings_url(world.programme),
        filled(world.programme, focus_areas=[str(ward("Milton").pk), str(elsewhere.pk)]),
    )
    assert response.status_code == 400
    assert "Choose focus areas only from the wards listed" in response.content.decode()
    assert not world.programme.focus_areas.exists()


def test_the_action_refuses_wards_of_another_authority_and_changes_nothing(world):
    elsewhere = a_ward_elsewhere()
    with pytest.raises(ActionError) as refused:
        change_programme_settings(
            world.programme,
            {"name": "Renamed", "focus_areas": [ward("Milton"), elsewhere]},
            by=world.analyst,
        )
    assert set(refused.value.errors) == {"focus_areas"}
    world.programme.refresh_from_db()
    assert world.programme.name == "Southend community connectors"
    assert not world.programme.focus_areas.exists()
    assert not AuditEvent.objects.filter(action="programme.settings_changed").exists()


def test_a_lsoa_or_the_authority_itself_is_not_a_focus_area(world, southend):
    lsoa = Area.objects.filter(level=Level.LSOA, parent__parent=southend).first()
    for area in (southend, lsoa):
        with pytest.raises(ActionError):
            change_programme_settings(world.programme, {"focus_areas": [area]}, by=world.analyst)


def test_the_action_checks_every_field_and_reports_each_problem(world):
    with pytest.raises(ActionError) as refused:
        change_programme_settings(
            world.programme,
            {"name": "  ", "feedback_days": 91, "start_date": "2026-13-01", "colour": "red"},
            by=world.analyst,
        )
    assert set(refused.value.errors) == {"colour"}
    with pytest.raises(ActionError) as refused:
        change_programme_settings(
            world.programme,
            {"name": "  ", "feedback_days": True, "start_date": "2026-13-01"},
            by=world.analyst,
        )
    assert set(refused.value.errors) == {"name", "feedback_days", "start_date"}


def test_the_action_keeps_fields_left_out_and_accepts_the_limits(world):
    for days in (actions.FEEDBACK_DAYS_MIN, actions.FEEDBACK_DAYS_MAX):
        changed = change_programme_settings(world.programme, {"feedback_days": days}, by=world.admin)
        assert changed == ["feedback_days"]
        world.programme.refresh_from_db()
        assert world.programme.feedback_days == days
        assert world.programme.name == "Southend community connectors"


def test_a_programme_without_a_local_authority_has_no_wards_to_offer(client, world):
    world.programme.local_authority = None
    world.programme.save()
    client.force_login(world.analyst)
    html = client.get(settings_url(world.programme)).content.decode()
    assert "no wards to choose from" in html
    with pytest.raises(ActionError):
        change_programme_settings(world.programme, {"focus_areas": [ward("Milton")]}, by=world.analyst)


# In a browser, on a phone


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lead_fixes_a_mistake_and_saves_on_a_phone(live_server, world, phone):
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(f"{live_server.url}{settings_url(world.programme)}")
    assert axe_violations(phone) == []
    phone.get_by_label("Days within which residents hear back").fill("120")
    phone.get_by_label("Milton").check()
    phone.get_by_role("button", name="Save settings").click()
    phone.get_by_role("heading", name="There is a problem").wait_for()  # the page after the post, not before
    assert phone.get_by_role("heading", name="There is a problem").is_visible()
    assert phone.get_by_label("Milton").is_checked()
    assert axe_violations(phone) == []
    phone.get_by_role("link", name="from 1 to 90").click()
    phone.get_by_label("Days within which residents hear back").fill("7")
    phone.get_by_role("button", name="Save settings").click()
    phone.get_by_text("Programme settings saved.").wait_for()
    assert phone.get_by_text("Programme settings saved.").is_visible()
    world.programme.refresh_from_db()
    assert world.programme.feedback_days == 7
    assert list(world.programme.focus_areas.values_list("name", flat=True)) == ["Milton"]


def test_the_analyst_gives_the_public_page_a_logo_and_contacts_and_a_non_picture_is_refused(client, world):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (1200, 300), "#005eb8").save(picture, format="JPEG")
    client.force_login(world.analyst)
    response = client.post(
        settings_url(world.programme),
        filled(
            world.programme,
            is_public="on",
            contact_email="listen@example.org",
            contact_phone="01702 215000",
            get_involved="Come to our coffee mornings.",
            logo=SimpleUploadedFile("logo.jpg", picture.getvalue(), content_type="image/jpeg"),
        ),
    )
    assert response.status_code == 302
    programme = world.programme
    programme.refresh_from_db()
    assert (programme.contact_email, programme.contact_phone) == ("listen@example.org", "01702 215000")
    with Image.open(io.BytesIO(bytes(programme.logo))) as stored:
        assert stored.format == "PNG" and stored.size == (480, 120)  # fits 480 × 160, shape kept
    logo = client.get(reverse("publishing:public-logo", args=[programme.slug]))
    assert logo["Content-Type"] == "image/png" and logo.content == bytes(programme.logo)

    response = client.post(
        settings_url(programme),
        filled(programme, is_public="on", logo=SimpleUploadedFile("logo.png", b"not a picture")),
    )
    assert response.status_code == 400
    assert "The logo must be a PNG, JPEG or WebP picture" in response.content.decode()


def test_the_analyst_chooses_to_keep_recordings_audio_and_a_page_without_the_choice_keeps_it(client, world):
    client.force_login(world.analyst)
    html = client.get(settings_url(world.programme)).content.decode()
    assert "Delete the audio once it is transcribed" in html  # the default, offered first

    client.post(settings_url(world.programme), filled(world.programme, audio_retention="keep-encrypted"))
    world.programme.refresh_from_db()
    assert world.programme.audio_retention == "keep-encrypted"
    client.post(settings_url(world.programme), filled(world.programme, name="Renamed"))
    world.programme.refresh_from_db()
    assert (world.programme.name, world.programme.audio_retention) == ("Renamed", "keep-encrypted")


# Whom the programme sets out to hear by age


def test_the_form_offers_whom_the_programme_sets_out_to_hear_with_not_set_chosen(client, world):
    client.force_login(world.analyst)
    html = client.get(settings_url(world.programme)).content.decode()
    assert 'id="ages-heard"' in html
    assert "Ages the programme sets out to hear" in html
    for label in ("Everyone, children included", "Adults (16 and over)", "Not set"):
        assert label in html
    assert 'name="ages_heard" type="radio" value="not-set" checked' in html
    assert 'aria-describedby="id_ages_heard-hint"' in html and "Who we heard from" in html


def test_the_form_saves_whom_the_programme_sets_out_to_hear_and_the_audit_names_the_field(client, world):
    client.force_login(world.analyst)
    response = client.post(settings_url(world.programme), filled(world.programme, ages_heard="everyone"))
    assert response.status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.ages_heard == AgesHeard.EVERYONE
    event = AuditEvent.objects.get(action="programme.settings_changed")
    assert event.details["fields"] == ["ages_heard"] and "everyone" not in repr(event.details)
    html = client.get(settings_url(world.programme)).content.decode()
    assert 'value="everyone" checked' in html

    client.post(settings_url(world.programme), filled(world.programme, name="Renamed"))  # an older page
    world.programme.refresh_from_db()
    assert (world.programme.name, world.programme.ages_heard) == ("Renamed", AgesHeard.EVERYONE)
    client.post(settings_url(world.programme), filled(world.programme, ages_heard="not-set"))
    world.programme.refresh_from_db()
    assert world.programme.ages_heard == AgesHeard.NOT_SET


def test_an_unknown_choice_of_ages_comes_back_filled_with_the_problem(client, world):
    client.force_login(world.analyst)
    response = client.post(
        settings_url(world.programme), filled(world.programme, name="Kept as typed", ages_heard="toddlers")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_ages_heard_0"' in html and "Choose whom the programme sets out to hear" in html
    assert 'value="Kept as typed"' in html
    world.programme.refresh_from_db()
    assert world.programme.ages_heard == AgesHeard.NOT_SET
    with pytest.raises(ActionError) as refused:
        change_programme_settings(world.programme, {"ages_heard": "toddlers"}, by=world.analyst)
    assert set(refused.value.errors) == {"ages_heard"}
    assert change_programme_settings(world.programme, {"ages_heard": "adults"}, by=world.admin) == [
        "ages_heard"
    ]


def test_the_contact_phone_box_is_an_nhs_input_like_the_others(client, world):
    client.force_login(world.analyst)
    html = client.get(settings_url(world.programme)).content.decode()
    assert 'type="tel" name="contact_phone" class="nhsuk-input nhsuk-input--width-20"' in html
