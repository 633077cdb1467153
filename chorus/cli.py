"""The `chorus` command line.

Each subcommand lives in the module that owns its domain and exposes `main(argv) -> int`; the dispatcher
imports only the one asked for, so `chorus maps ...` never loads Django or the NLP models.
"""

from __future__ import annotations

import importlib
import sys

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "maps": ("chorus.maps.cli", "simulate and measure fuzzy cognitive maps"),
    "coding": ("chorus.coding.cli", "fit and apply thematic coding models to spreadsheets"),
    "redact": ("chorus.privacy.cli", "redact personal data from text on stdin, line by line"),
    "transcribe": ("chorus.transcribe.cli", "print the redacted transcript of a recorded conversation"),
    "check": ("chorus.ingest.cli", "show how a file would read, map and validate, importing nothing"),
    "import": ("chorus.apps.imports.cli", "import a file of contributions into a programme"),
    "serve": ("chorus.site.serve", "serve Chorus in production (gunicorn; CHORUS_BIND, CHORUS_WEB_WORKERS)"),
    "worker": ("chorus.site.worker", "run background work: imports, coding runs, reports"),
    "backup": ("chorus.site.backup", "back up the database and stored files into one archive"),
    "restore": ("chorus.site.restore", "restore a backup into an empty database (--force to replace one)"),
    "llm": ("chorus.llm.cli", "check the optional external model (an OpenAI-compatible endpoint)"),
    "manage": ("chorus.site.manage", "run a Django management command (migrate, runserver, ...)"),
}


def usage() -> str:
    lines = ["usage: chorus COMMAND [ARGS ...]", "", "commands:"]
    lines += [f"  {name:<10} {summary}" for name, (_, summary) in SUBCOMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"chorus: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(SUBCOMMANDS[name][0])
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
