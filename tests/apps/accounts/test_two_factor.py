"""Two-step verification: TOTP codes and recovery codes, optional for everyone, required for some roles."""

import base64
import hashlib
import hmac
import re
import struct
import time

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.apps.accounts.actions import pending_authenticator, turn_on_two_factor
from chorus.apps.audit.models import AuditEvent

from support.world import PASSWORD

SIGN_IN = "/accounts/sign-in/"
SETUP = "/accounts/two-step-verification/"
VERIFY = "/accounts/two-step-verification/code/"


def totp(key: bytes, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, written here from the RFC rather than taken from django-otp."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def signed_in_client(username: str) -> Client:
    client = Client()
    response = client.post(SIGN_IN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def with_authenticator(user) -> tuple[bytes, list[str]]:
    """Set up an authenticator for `user` through the action, with a code from the previous time step (so the
    test can sign in with the current one: a code is never accepted twice)."""
    device = pending_authenticator(user)
    codes = turn_on_two_factor(user, device, totp(device.bin_key, at=time.time() - 30))
    return device.bin_key, codes


def test_setting_up_shows_the_secret_and_a_local_qr_code_then_confirms_with_a_code(world):
    client = signed_in_client("connector")
    page = client.get(SETUP)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    secret = re.search(r'<code class="chorus-secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    assert "otpauth://totp/" in html
    assert 'src="data:image/svg+xml' in html  # drawn here by segno: nothing fetched
    key = base64.b32decode(secret)

    assert client.post(SETUP, {"code": "000000" if totp(key) != "000000" else "111111"}).status_code == 400
    assert not TOTPDevice.objects.filter(user=world.connector, confirmed=True).exists()

    response = client.post(SETUP, {"code": totp(key)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.filter(user=world.connector, confirmed=True).exists()
    assert AuditEvent.objects.filter(
        action="accounts.two_factor_on", object_id=str(world.connector.pk)
    ).exists()
    # The codes are shown once: the page afterwards does not show them.
    assert codes[0] not in client.get(SETUP).content.decode()


def test_with_an_authenticator_the_password_alone_does_not_sign_in(world):
    with_authenticator(world.connector)
    client = signed_in_client("connector")
    response = client.get("/contributions/")
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert client.get("/api/tokens/").status_code == 302


def test_a_code_computed_from_the_key_signs_in(world):
    key, _ = with_authenticator(world.connector)
    client = signed_in_client("connector")
    response = client.post(VERIFY, {"code": totp(key), "next": "/contributions/"})
    assert response.status_code == 302 and response.url == "/contributions/"
    assert client.get("/contributions/").status_code == 200


def test_a_wrong_code_is_refused_and_waits_grow(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = (
        60  # a minute after the first failure, so the test does not race the clock
    )
    key, _ = with_authenticator(world.connector)
    client = signed_in_client("connector")
    wrong = "123456" if totp(key) != "123456" else "654321"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert client.get("/contributions/").status_code == 302
    # Straight after a failure even the right code must wait (django-otp's throttle, kept on the device row).
    response = client.post(VERIFY, {"code": totp(key)})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()


def test_a_code_cannot_be_used_twice(world):
    key, _ = with_authenticator(world.connector)
    code = totp(key)
    first = signed_in_client("connector")
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = signed_in_client("connector")
    assert second.post(VERIFY, {"code": code}).status_code == 400


def test_a_recovery_code_works_once(world):
    _, codes = with_authenticator(world.connector)
    client = signed_in_client("connector")
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/contributions/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.recovery_code_used").exists()

    again = signed_in_client("connector")
    response = again.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 400
    assert "has been used" in response.content.decode()


def test_a_required_role_without_an_authenticator_is_sent_to_set_one_up(world, settings):
    settings.CHORUS_2FA_ROLES = ["administrator", "analyst"]
    client = signed_in_client("analyst")
    response = client.get("/contributions/")
    assert response.status_code == 302 and response.url.startswith(SETUP)
    assert client.get(SETUP).status_code == 200
    # Superusers count as administrators even without an administrator membership.
    admin = signed_in_client("admin")
    assert admin.get("/admin/").url.startswith(SETUP)
    # Roles not named are not asked.
    assert signed_in_client("connector").get("/contributions/").status_code == 200


def test_a_required_role_with_an_authenticator_gives_a_code_and_cannot_turn_it_off(world, settings):
    settings.CHORUS_2FA_ROLES = ["analyst"]
    key, _ = with_authenticator(world.analyst)
    client = signed_in_client("analyst")
    assert client.get("/contributions/").url.startswith(VERIFY)
    assert client.post(VERIFY, {"code": totp(key)}).status_code == 302
    client.post(SETUP, {"action": "turn-off"})
    assert TOTPDevice.objects.filter(user=world.analyst, confirmed=True).exists()


def test_an_optional_user_can_turn_it_off(world):
    key, _ = with_authenticator(world.connector)
    client = signed_in_client("connector")
    client.post(VERIFY, {"code": totp(key)})
    assert client.post(SETUP, {"action": "turn-off"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.connector).exists()
    assert signed_in_client("connector").get("/contributions/").status_code == 200


def test_an_unknown_role_in_the_setting_is_a_configuration_error(settings):
    from chorus.apps.accounts.two_factor import check_two_factor_roles

    settings.CHORUS_2FA_ROLES = ["analyst", "adminstrator"]
    errors = check_two_factor_roles(None)
    assert errors and "adminstrator" in errors[0].msg


def test_after_an_administrator_resets_it_a_required_person_sets_it_up_again(world, settings):
    settings.CHORUS_2FA_ROLES = ["analyst"]
    with_authenticator(world.analyst)
    client = signed_in_client("analyst")
    assert client.get("/contributions/").url.startswith(VERIFY)

    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [world.analyst.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.analyst).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor_reset", actor=world.admin).exists()
    # The session that was waiting for a code is not stuck: it is sent to set up a new authenticator.
    response = client.get(VERIFY, follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
