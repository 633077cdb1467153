"""Sign-in is throttled per account and per address (django-axes), with the counts kept in the database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client

from chorus.apps.accounts.actions import unlock_sign_in
from chorus.apps.audit.models import AuditEvent

from support.world import PASSWORD

SIGN_IN = "/accounts/sign-in/"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 10


def sign_in(username: str, password: str, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(SIGN_IN, {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_sixty_wrong_passwords_then_the_right_one_is_refused(world):
    for attempt in range(60):
        response = sign_in("analyst", f"guess-{attempt}")
        assert response.status_code in (200, 429)
    response = sign_in("analyst", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(response)
    page = response.content.decode()
    assert "Signing in is paused" in page
    assert "ask an administrator to unlock your account" in page


def test_the_account_is_locked_whichever_address_the_guesses_come_from(world):
    for attempt in range(12):
        sign_in("analyst", f"guess-{attempt}", address=f"198.51.100.{attempt + 1}")
    assert sign_in("analyst", PASSWORD, address="192.0.2.200").status_code == 429
    # Another account from a fresh address is untouched.
    assert signed_in(sign_in("connector", PASSWORD, address="192.0.2.201"))


def test_an_address_is_locked_whichever_accounts_it_guesses(world):
    for attempt in range(12):
        sign_in(f"nobody-{attempt}", "guess", address="203.0.113.50")
    response = sign_in("analyst", PASSWORD, address="203.0.113.50")
    assert response.status_code == 429
    assert not signed_in(response)
    assert signed_in(sign_in("analyst", PASSWORD, address="203.0.113.51"))


def test_a_good_sign_in_from_the_address_does_not_clear_the_count_against_another_account(world):
    for attempt in range(9):
        sign_in("analyst", f"guess-{attempt}", address="203.0.113.60")
    # The attacker signs in to their own account from the same address, then guesses again.
    assert signed_in(sign_in("connector", PASSWORD, address="203.0.113.61"))
    sign_in("analyst", "guess-9", address="203.0.113.62")
    assert sign_in("analyst", PASSWORD, address="203.0.113.63").status_code == 429


def test_a_few_mistakes_do_not_lock_anyone_out(world):
    for attempt in range(3):
        assert sign_in("analyst", f"typo-{attempt}").status_code == 200
    assert signed_in(sign_in("analyst", PASSWORD))


def test_the_lock_is_read_from_the_database(world):
    """Failures written by another process (rows in the table) lock this one out; nothing is kept in memory:
    removing the rows lifts it."""
    AccessAttempt.objects.create(
        username="analyst",
        ip_address="198.51.100.9",
        user_agent="elsewhere",
        failures_since_start=10,
        get_data="",
        post_data="",
        http_accept="",
        path_info=SIGN_IN,
    )
    assert sign_in("analyst", PASSWORD, address="192.0.2.1").status_code == 429
    AccessAttempt.objects.all().delete()
    assert signed_in(sign_in("analyst", PASSWORD, address="192.0.2.1"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database another process can open")
def test_failures_in_another_process_lock_this_one_out(world):
    """Ten wrong passwords sent by a separate Python process; the right one here is then refused."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(REMOTE_ADDR='198.51.100.77', HTTP_HOST='localhost')\n"
        "for n in range(10):\n"
        "    response = client.post('/accounts/sign-in/', {'username': 'analyst', 'password': f'x{n}'})\n"
        "    assert response.status_code in (200, 429), response.status_code\n"
    )
    database = connection.settings_dict
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    url = f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "chorus.site.settings",
        "PYTHONPATH": str(REPO),
        "CHORUS_2FA_ROLES": "",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120, cwd=REPO)
    assert AccessAttempt.objects.filter(username="analyst").exists()
    assert sign_in("analyst", PASSWORD, address="192.0.2.2").status_code == 429


def test_an_administrator_unlocks_an_account_from_the_admin(world):
    for attempt in range(10):
        sign_in("analyst", f"guess-{attempt}", address=f"198.51.100.{attempt + 1}")
    assert sign_in("analyst", PASSWORD, address="192.0.2.3").status_code == 429

    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [world.analyst.pk]},
    )
    assert response.status_code == 302
    assert signed_in(sign_in("analyst", PASSWORD, address="192.0.2.3"))
    event = AuditEvent.objects.get(action="accounts.sign_in_unlocked")
    assert event.object_id == str(world.analyst.pk) and event.actor == world.admin


def test_unlocking_is_an_action_that_clears_only_that_account(world):
    for attempt in range(10):
        sign_in("analyst", f"guess-{attempt}", address="198.51.100.20")
        sign_in("connector", f"guess-{attempt}", address="198.51.100.21")
    assert unlock_sign_in([world.analyst], by=world.admin) > 0
    assert AccessAttempt.objects.filter(username="connector").exists()
    assert not AccessAttempt.objects.filter(username="analyst").exists()


def test_the_password_is_never_stored_with_a_failed_attempt(world):
    sign_in("analyst", "my-secret-guess")
    stored = AccessAttempt.objects.get(username="analyst")
    assert "my-secret-guess" not in stored.post_data
