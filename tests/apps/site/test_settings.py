"""Settings come from the environment with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run_check(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHORUS_", "DATABASE_URL", "SECRET_KEY", "DEBUG", "PYTEST_", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_when_debug_is_off(tmp_path):
    result = run_check(
        {
            "SECRET_KEY": "k" * 30 + "-production-secret-" + "z" * 20,
            "ALLOWED_HOSTS": "chorus.example.org",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # Text messages through GOV.UK Notify (a key of Notify's shape: name, service id, secret).
            "NOTIFY_API_KEY": "chorus-26785a09-ab16-4eb0-8407-a37497a57506"
            "-3d844edf-8d35-48ac-975b-e847b4f122b0",
            "NOTIFY_SMS_TEMPLATE_ID": "f33517ff-2a88-4f6e-b855-c550268ce08a",
            "CHORUS_VAR_DIR": str(tmp_path),
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_in_production_is_a_clear_error(tmp_path):
    result = run_check({"CHORUS_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_yes_no_setting_it_does_not_know_is_a_clear_error_not_false(tmp_path):
    result = run_check({"DEBUG": "ture", "CHORUS_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DEBUG='ture' is not a yes/no value" in result.stderr
    assert run_check({"DEBUG": "yes", "CHORUS_VAR_DIR": str(tmp_path)}).returncode == 0


def test_sqlite_is_the_default_and_database_url_selects_postgresql(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_VERSION"}}
    base.update(
        {
            "SECRET_KEY": "x" * 50,
            "CHORUS_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "chorus.site.settings",
        }
    )
    sqlite = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env=base,
        capture_output=True,
        text=True,
        check=True,
    )
    assert sqlite.stdout.strip() == "django.db.backends.sqlite3"
    postgres = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env={**base, "DATABASE_URL": "postgres://u@127.0.0.1:5432/chorus"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert postgres.stdout.strip() == "django.db.backends.postgresql"
