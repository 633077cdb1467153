"""Start the test OpenID provider: `python -m support.oidc_provider.serve` with tests/ on sys.path.

Reads OIDC_PROVIDER_PORT, OIDC_PROVIDER_DB, OIDC_PROVIDER_RSA_KEY and OIDC_PROVIDER_SETUP (JSON: the client
and the people, each with the groups that become their `roles` claim), migrates a fresh database, then serves
until killed, printing "ready" once it listens."""

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "support.oidc_provider.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def set_up(setup: dict) -> None:
    call_command("migrate", verbosity=0)
    client = setup["client"]
    Application.objects.create(
        name="Chorus",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for person in setup["people"]:
        user = User.objects.create_user(
            person["username"],
            email=person["email"],
            password=person["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])


def main() -> None:
    set_up(json.loads(os.environ["OIDC_PROVIDER_SETUP"]))
    port = int(os.environ["OIDC_PROVIDER_PORT"])
    server = make_server("127.0.0.1", port, WSGIHandler(), handler_class=QuietHandler)
    print("ready", flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
