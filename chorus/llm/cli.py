"""`chorus llm check`: does the configured external model answer?

Reads the same environment variables as the web application (CHORUS_LLM_URL, CHORUS_LLM_MODEL,
CHORUS_LLM_API_KEY, CHORUS_LLM_TIMEOUT, CHORUS_LLM_KIND, CHORUS_LLM_API_VERSION) and sends one tiny request
holding no resident's words. Exit status: 0 it answered, 1 it did not, 2 nothing or something unusable is
configured. The key is never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

from chorus.llm.client import ChatClient
from chorus.llm.config import ConfigError, LLMConfig
from chorus.llm.uses import check_endpoint


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chorus llm", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="send one small request to the configured endpoint and say how it went")
    return parser


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = _parser()
    try:
        parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        config = LLMConfig.from_mapping(os.environ if environ is None else environ)
    except ConfigError as error:
        print(f"chorus llm: {error}", file=sys.stderr)
        return 2
    if config is None:
        print("No external model is configured (CHORUS_LLM_URL is empty): Chorus uses its local models only.")
        return 2
    result = check_endpoint(ChatClient(config, max_retries=0))
    print(("OK: " if result.value else "FAILED: ") + result.message)
    return 0 if result.value else 1
