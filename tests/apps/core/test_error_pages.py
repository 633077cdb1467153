"""Refused, missing and failed pages are the site's own NHS.UK pages, with a plain reason and a way back."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def _is_own_page(html: str) -> bool:
    return 'class="nhsuk-header' in html and "nhsuk-chorus.min.css" in html and 'href="/"' in html


def test_refused_page_explains_and_leads_home(client, world):
    client.force_login(world.decision_maker)

    response = client.get(reverse("contributions"))

    html = response.content.decode()
    assert response.status_code == 403
    assert _is_own_page(html)
    assert "You cannot open this page" in html
    assert "Decision-makers read figures and consented quotes" in html
    assert "Go to your home page" in html


def test_missing_page_explains_and_leads_home(client, world):
    client.force_login(world.analyst)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert _is_own_page(response.content.decode())
    assert "Page not found" in response.content.decode()


def test_form_sent_without_its_security_token_is_explained(world):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("login"), {"username": "someone", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert _is_own_page(html)
    assert "Your form was not sent" in html
    assert "nothing was saved" in html


def test_server_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert _is_own_page(html)
    assert "Sorry, there is a problem with the service" in html
    assert "<title>Sorry, there is a problem with the service – Chorus</title>" in html
