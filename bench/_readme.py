"""Write one benchmark's section of bench/README.md without disturbing the others.

Each benchmark owns the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`.
"""

from __future__ import annotations

import platform
import re
from datetime import UTC, datetime
from pathlib import Path

README = Path(__file__).with_name("README.md")
HEADER = (
    "# Benchmarks\n\nFigures written by the scripts in this folder: `make bench` runs them all,\n"
    "`.venv/bin/python -m bench.NAME` runs one.\n"
)


def machine_line() -> str:
    import os

    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {os.cpu_count()} cores, {platform.machine()}"


def write_section(name: str, markdown: str) -> None:
    text = README.read_text() if README.exists() else HEADER
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    footer = f"_Measured {stamp} on {machine_line()}._"
    body = f"<!-- bench:{name} -->\n{markdown.rstrip()}\n\n{footer}\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: body, text)
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    README.write_text(text)
