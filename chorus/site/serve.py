"""`chorus serve`: Chorus under gunicorn, the production web server. `chorus worker`: a background worker.

    CHORUS_BIND=0.0.0.0:8000 CHORUS_WEB_WORKERS=3 chorus serve

Put one or more behind a TLS proxy (set BEHIND_PROXY=1 there), with DEBUG off, DATABASE_URL pointing at
PostgreSQL and `chorus manage collectstatic` run once per release. Gunicorn keeps no access log: a URL can
hold a resident's feedback link, and the proxy's log is the place for traffic figures.
"""

from __future__ import annotations

import argparse
import os
import sys


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.site.settings")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chorus serve", description="Serve Chorus with gunicorn.")
    parser.add_argument("--bind", help="address:port to listen on (default CHORUS_BIND, else 127.0.0.1:8000)")
    args = parser.parse_args(argv)
    try:
        _setup_django()
    except Exception as error:  # ImproperlyConfigured and friends: say what to set, not a traceback
        print(f"chorus serve: {error}", file=sys.stderr)
        return 2
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from chorus.site.wsgi import application

    missing_static = settings.STATIC_MANIFEST and not (settings.STATIC_ROOT / "staticfiles.json").exists()
    if missing_static:
        print(
            f"chorus serve: static files are not collected in {settings.STATIC_ROOT}: "
            "run `chorus manage collectstatic --noinput` first.",
            file=sys.stderr,
        )
        return 2
    options = {
        "bind": args.bind or settings.CHORUS_BIND,
        "workers": settings.CHORUS_WEB_WORKERS,
        "threads": settings.CHORUS_WEB_THREADS,
        "timeout": settings.CHORUS_WEB_TIMEOUT,
        "graceful_timeout": 30,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        "forwarded_allow_ips": "*" if settings.BEHIND_PROXY else "127.0.0.1,::1",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "chorus",
    }

    class ChorusServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            return application

    ChorusServer().run()
    return 0


def worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="chorus worker",
        description="Run background work (imports, recordings, coding, reports) until stopped.",
    )
    parser.add_argument(
        "--queues", default="*", help="comma-separated queues to take work from (default all)"
    )
    parser.add_argument("--batch", action="store_true", help="do what is waiting, then stop")
    args = parser.parse_args(argv)
    try:
        _setup_django()
    except Exception as error:
        print(f"chorus worker: {error}", file=sys.stderr)
        return 2
    from django.core.management import call_command

    from chorus.apps.core import durable

    durable.serve()
    options = {"queue_name": args.queues, "batch": args.batch, "reload": False}
    call_command("db_worker", **options)
    return 0
