"""Who may make and read board reports: analysts and administrators make them, programme members read them,
anyone reads a public version of a public programme; everyone else gets a 404 (or the sign-in page)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chorus.apps.insight.filters import Filters
from chorus.apps.publishing import actions

from support.permissions import ADMINISTRATORS, ANALYSTS, MEMBERS, OTHER_PROGRAMME, allowed, everyone

pytestmark = pytest.mark.django_db

# user in the world -> (reads the programme's reports, makes them)
ACCESS = {
    "admin": (True, True),
    "analyst": (True, True),
    "partner_a_member": (True, False),
    "connector": (True, False),
    "decision_maker": (True, False),
    "other_analyst": (False, False),
}


def make(world, *, public: bool):
    return actions.create_report(
        world.programme,
        date(2026, 1, 1),
        date(2026, 12, 31),
        Filters(),
        public=public,
        by=world.analyst,
        enqueue=False,
    )


def status(user, url: str, method: str = "get", **data) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data).status_code


def test_members_read_reports_and_only_analysts_and_administrators_make_them(world):
    report = make(world, public=False)
    slug = world.programme.slug
    listing = reverse("publishing:reports", args=[slug])
    new = reverse("publishing:report-new", args=[slug])
    page = reverse("publishing:report", args=[slug, report.pk])
    form = {"period_start": "2026-01-01", "period_end": "2026-12-31", "audience": "internal", "filters": ""}
    for name, (reads, makes) in ACCESS.items():
        user = getattr(world, name)
        assert status(user, listing) == (200 if reads else 404), name
        assert status(user, page) == (200 if reads else 404), name
        assert status(user, new) == (200 if makes else 403 if reads else 404), name
        assert user.has_perm("publishing.create_report", world.programme) == makes, name
    assert status(world.decision_maker, new, "post", **form) == 403
    assert status(world.analyst, new, "post", **form) == 302
    for url in (listing, new, page):
        assert status(None, url) == 302  # to the sign-in page


def test_the_action_refuses_people_who_may_not_make_reports(world):
    with pytest.raises(actions.ActionError, match="analysts and administrators"):
        actions.create_report(
            world.programme,
            date(2026, 1, 1),
            date(2026, 2, 1),
            Filters(),
            public=False,
            by=world.decision_maker,
        )
    with pytest.raises(actions.ActionError, match="must end on or after"):
        actions.create_report(
            world.programme, date(2026, 2, 1), date(2026, 1, 1), Filters(), public=False, by=world.analyst
        )


def test_anyone_reads_a_public_version_of_a_public_programme_and_nothing_else(world):
    public, internal = make(world, public=True), make(world, public=False)
    slug = world.programme.slug
    public_url = reverse("publishing:public-report", args=[slug, public.pk])
    internal_url = reverse("publishing:public-report", args=[slug, internal.pk])
    programme_page = reverse("publishing:public", args=[slug])
    assert status(None, public_url) == 404 and status(None, programme_page) == 404  # programme not public
    world.programme.is_public = True
    world.programme.save()
    assert status(None, public_url) == 200 and status(None, programme_page) == 200
    assert status(None, internal_url) == 404
    assert status(world.other_analyst, reverse("publishing:report", args=[slug, internal.pk])) == 404
    # A public version is readable on the member pages by anyone signed in once the programme is public.
    assert world.other_analyst.has_perm("publishing.view_report", public)
    assert not world.other_analyst.has_perm("publishing.view_report", internal)
    pdf = reverse("publishing:public-report-pdf", args=[slug, internal.pk])
    assert status(None, pdf) == 404


# ------------------------------------------------------------------------- the matrix, with every role


def test_analysts_and_administrators_make_reports(world):
    people = everyone(world)
    assert allowed(people, "publishing.create_report", world.programme) == ANALYSTS
    assert allowed(people, "publishing.create_report", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "publishing.create_report", None) == ADMINISTRATORS


def test_members_read_a_programmes_reports(world):
    people = everyone(world)
    assert allowed(people, "publishing.view_reports", world.programme) == MEMBERS
    assert allowed(people, "publishing.view_reports", world.other_programme) == OTHER_PROGRAMME


def test_a_public_version_is_read_by_anyone_once_its_programme_is_public(world):
    people = everyone(world)
    public, internal = make(world, public=True), make(world, public=False)
    assert allowed(people, "publishing.view_report", internal) == MEMBERS
    assert allowed(people, "publishing.view_report", public) == MEMBERS
    world.programme.is_public = True
    world.programme.save()
    public.refresh_from_db()
    internal.refresh_from_db()
    assert allowed(people, "publishing.view_report", internal) == MEMBERS
    assert allowed(people, "publishing.view_report", public) == set(people)


def test_leads_and_board_members_read_the_board_story_and_leads_write_its_recommendations(world):
    people = everyone(world)
    assert allowed(people, "publishing.view_story", world.programme) == ANALYSTS | {"decision-maker"}
    assert allowed(people, "publishing.view_story", world.other_programme) == OTHER_PROGRAMME
    assert allowed(people, "publishing.write_recommendations", world.programme) == ANALYSTS
    assert allowed(people, "publishing.write_recommendations", world.other_programme) == OTHER_PROGRAMME


def test_the_word_board_paper_is_read_by_whoever_reads_the_version(world):
    internal = make(world, public=False)
    url = reverse("publishing:report-docx", args=[world.programme.slug, internal.pk])
    assert status(world.other_analyst, url) == 404
    assert status(None, url) == 302  # to the sign-in page
