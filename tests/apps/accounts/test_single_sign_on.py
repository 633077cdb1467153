"""Single sign-on end to end against a real OpenID provider (django-oauth-toolkit in its own process), and the
rules that turn a provider's claims into a Chorus account and roles."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chorus.apps.accounts.actions import sign_in_with_identity_provider
from chorus.apps.accounts.models import ExternalIdentity, Membership, Role, User
from chorus.apps.audit.models import AuditEvent

TESTS = Path(__file__).resolve().parents[2]
CLIENT_ID = "chorus-test-client"
CLIENT_SECRET = "a-long-client-secret-for-the-test-only"
ISSUER = "https://login.example.org/tenant/v2.0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The organisation's identity provider, knowing one member of staff with two app roles."""
    port = free_port()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    setup = {
        "client": {
            "id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect_uri": f"{live_server.url}/accounts/single-sign-on/callback/",
        },
        "people": [
            {
                "username": "priya.shah",
                "password": "provider-password-1",
                "email": "priya.shah@council.example.org",
                "first_name": "Priya",
                "last_name": "Shah",
                "groups": ["southend-connectors:analyst", "*:administrator", "unknown-programme:analyst"],
            }
        ],
    }
    env = {
        **os.environ,
        "PYTHONPATH": str(TESTS),
        "OIDC_PROVIDER_PORT": str(port),
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("provider") / "provider.sqlite3"),
        "OIDC_PROVIDER_RSA_KEY": key.decode(),
        "OIDC_PROVIDER_SETUP": json.dumps(setup),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "support.oidc_provider.serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if line.strip() != "ready":
            process.kill()
            pytest.fail(f"The test OpenID provider did not start: {process.stderr.read()[-2000:]}")
        yield f"http://localhost:{port}"
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def single_sign_on(settings, provider):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/o/.well-known/jwks.json"
    settings.CHORUS_OIDC_PROVIDER_NAME = "Southend Council"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, settings.SINGLE_SIGN_ON_BACKEND]
    # As in production: sign-in throttling on, and analysts must use two-step verification.
    settings.AXES_ENABLED = True
    settings.CHORUS_2FA_ROLES = ["administrator", "analyst"]


def sign_in_at_provider(browser: requests.Session, start_url: str) -> requests.Response:
    """Follow Chorus to the provider, sign in there as its member of staff, and follow back to Chorus."""
    login_page = browser.get(start_url, timeout=30)
    assert "Test identity provider" in login_page.text, login_page.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    return browser.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": token,
            "username": "priya.shah",
            "password": "provider-password-1",
            "next": re.search(r'name="next" value="([^"]+)"', login_page.text).group(1).replace("&amp;", "&"),
        },
        headers={"Referer": login_page.url},
        timeout=30,
    )


def test_staff_sign_in_with_their_organisation_and_get_the_roles_it_gives(live_server, single_sign_on, world):
    browser = requests.Session()
    sign_in_page = browser.get(f"{live_server.url}/accounts/sign-in/", timeout=30)
    assert "Sign in with Southend Council" in sign_in_page.text

    landed = sign_in_at_provider(browser, f"{live_server.url}/accounts/single-sign-on/")

    # Back at Chorus, signed in, not held at a two-step page: the provider's own policy is the second step.
    assert landed.url.startswith(live_server.url), landed.url
    assert "two-step" not in landed.url
    assert "Sign out" in landed.text
    user = User.objects.get(external_identities__subject__isnull=False)
    assert user.email == "priya.shah@council.example.org"
    assert user.display_name == "Priya Shah"
    assert not user.has_usable_password()
    assert not user.is_superuser and not user.is_staff
    roles = set(Membership.objects.filter(user=user).values_list("role", "programme__slug"))
    # The claim's analyst role is given; "*:administrator" and the unknown programme are not.
    assert roles == {(Role.ANALYST, "southend-connectors")}
    ignored = AuditEvent.objects.filter(action="accounts.provider_roles_ignored", object_id=str(user.pk))
    assert ignored.get().details == {"count": 2}

    # Signing in a second time finds the same account.
    browser.get(f"{live_server.url}/accounts/sign-out/", timeout=30)
    again = requests.Session()
    sign_in_at_provider(again, f"{live_server.url}/accounts/single-sign-on/")
    assert User.objects.filter(external_identities__isnull=False).count() == 1
    assert ExternalIdentity.objects.get(user=user).last_sign_in is not None


def test_a_refusal_at_the_provider_comes_back_to_the_sign_in_page_with_a_plain_message(client, settings, db):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://localhost:1/o/authorize/"
    response = client.get("/accounts/single-sign-on/callback/?error=access_denied&state=x", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/sign-in/?single-sign-on=failed"
    assert "did not work" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_without_a_provider_there_is_no_single_sign_on(client, db):
    assert client.get("/accounts/single-sign-on/").status_code == 404
    assert client.get("/accounts/single-sign-on/callback/?code=a&state=b").status_code == 404
    assert "Sign in with" not in client.get("/accounts/sign-in/").content.decode()


def claims(**extra) -> dict:
    return {"iss": ISSUER, "sub": "00000000-aaaa", "email": "sam@nhs.example", "name": "Sam Jones", **extra}


def test_the_same_subject_finds_the_same_account_though_name_and_email_change(world):
    first = sign_in_with_identity_provider(claims(), roles_claim="roles")
    later = sign_in_with_identity_provider(
        claims(email="sam.jones@nhs.example", name="Samira Jones"), roles_claim="roles"
    )
    assert later.pk == first.pk
    later.refresh_from_db()
    assert (later.email, later.display_name) == ("sam.jones@nhs.example", "Samira Jones")


def test_an_email_matching_a_local_account_does_not_take_it_over(world):
    user = sign_in_with_identity_provider(claims(email=world.analyst.email), roles_claim="roles")
    assert user.pk != world.analyst.pk
    assert not user.memberships.exists()


def test_the_roles_claim_is_the_whole_truth_about_memberships_when_sent(world):
    user = sign_in_with_identity_provider(
        claims(roles=["southend-connectors:connector", "southend-connectors:partner:kursaal-hub"]),
        roles_claim="roles",
    )
    held = set(user.memberships.values_list("role", "programme__slug", "organisation__slug"))
    assert held == {
        (Role.CONNECTOR, "southend-connectors", None),
        (Role.PARTNER, "southend-connectors", "kursaal-hub"),
    }
    user = sign_in_with_identity_provider(claims(roles=["*:decision-maker"]), roles_claim="roles")
    assert set(user.memberships.values_list("role", "programme")) == {(Role.DECISION_MAKER, None)}
    # No claim at all: the roles given in Chorus stay as they are.
    user = sign_in_with_identity_provider(claims(), roles_claim="roles")
    assert user.memberships.count() == 1


def test_claims_never_make_an_administrator_nor_a_partner_without_an_organisation(world):
    user = sign_in_with_identity_provider(
        claims(roles=["*:administrator", "southend-connectors:partner", "southend-connectors"]),
        roles_claim="roles",
    )
    assert not user.memberships.exists()
    assert not user.is_administrator


def test_a_switched_off_account_cannot_sign_in_through_the_provider(world):
    user = sign_in_with_identity_provider(claims(), roles_claim="roles")
    user.is_active = False
    user.save()
    with pytest.raises(Exception, match="switched off"):
        sign_in_with_identity_provider(claims(), roles_claim="roles")


def test_deploy_check_refuses_a_provider_reached_over_plain_http(settings):
    from chorus.apps.accounts.sso import check_single_sign_on

    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://login.example.org/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example.org/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = ""
    ids = [problem.id for problem in check_single_sign_on(None)]
    assert ids == ["chorus.E_SSO_ENDPOINT", "chorus.E_SSO_ENDPOINT", "chorus.E_SSO_SECRET"]
    settings.OIDC_RP_CLIENT_ID = ""
    assert check_single_sign_on(None) == []
