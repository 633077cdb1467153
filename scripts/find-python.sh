#!/usr/bin/env bash
# Prints a Python 3.12 or 3.13 that runs (Django 6 needs >= 3.12). pyenv's shims exist for versions that are
# installed but not active and then fail, so each candidate is run, not just looked up.
for candidate in python3.12 python3.13 \
    "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12 "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13 \
    /root/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12 python3; do
  if "$candidate" -c 'import sys, ssl, sqlite3; sys.exit(0 if (3, 12) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
echo "Chorus needs Python 3.12 or 3.13 (Django 6 does not run on 3.11); none was found" >&2
exit 1
