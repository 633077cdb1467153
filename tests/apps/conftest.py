import tempfile
import uuid

import pytest

from chorus.apps.places.actions import load_places

from support.browser import browser, desktop, phone  # noqa: F401  (fixtures)
from support.world import SOUTHEND, southend, world  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Southend's places once; tests roll back around them (browser tests reload them after a flush)."""
    with django_db_blocker.unblock():
        load_places([SOUTHEND], by=None)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def sign_in_with_a_password(settings):
    """Most tests sign in with `client.login` (no request, which django-axes refuses) and no second step.
    The tests of throttling and two-step verification turn them back on."""
    settings.AXES_ENABLED = False
    settings.CHORUS_2FA_ROLES = []


@pytest.fixture(scope="session")
def notify_server():
    """A local GOV.UK Notify (support/notify_server.py), one per test session."""
    from support.notify_server import NotifyServer

    server = NotifyServer().start()
    yield server
    server.stop()


@pytest.fixture
def notify(settings, notify_server):
    """Chorus configured to send through the local Notify, background tasks run at once."""
    from support.notify_server import use_notify

    return use_notify(settings, notify_server)


@pytest.fixture(scope="session")
def s3_server():
    """A local S3 protocol peer (moto's server mode, support/s3_server.py), one per test session."""
    from support.s3_server import S3Server

    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server, settings, monkeypatch, tmp_path):
    """Chorus keeps its files in a fresh bucket on the local S3 peer, configured from the CHORUS_S3_*
    variables as README says; temporary files go to a folder of the test's own (`s3.scratch`), so a test can
    show none is left behind. Storage goes back to the local disk afterwards (pytest-django's `settings`
    resets STORAGES, which makes Django drop the storages it built)."""
    from chorus.site.file_storage import default_storage_settings

    from support.s3_server import Bucket

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    bucket = Bucket(s3_server, f"chorus-{uuid.uuid4().hex[:16]}", scratch).create()
    for name, value in bucket.environment.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_settings(bucket.environment)}
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return bucket
