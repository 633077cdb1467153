"""`chorus manage ...` = Django's manage.py for the Chorus project."""

from __future__ import annotations

import os


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chorus manage", *argv])
    return 0
