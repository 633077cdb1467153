#!/usr/bin/env bash
# Regenerates the hash-pinned lock files from pyproject.toml; run it after changing a dependency there:
#   ./scripts/lock.sh                       keep every locked version that still fits, add what is new
#   ./scripts/lock.sh --upgrade             move everything to the newest versions pyproject.toml allows
#   ./scripts/lock.sh --upgrade-package X   move X alone
# requirements.lock is what `make install` installs (the app and its dev tools, --require-hashes);
# requirements-bench.lock adds the `bench` extra on the same versions, for `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9  # the version pinned in pyproject.toml's dev extra
uv=.venv/bin/uv
if ! [ -x "$uv" ]; then  # no dev environment yet: a throwaway one holding uv alone
  python="$(./scripts/find-python.sh)"
  [ -x var/lock-tools/bin/uv ] || { "$python" -m venv var/lock-tools && var/lock-tools/bin/pip install -q "uv==$UV_VERSION"; }
  uv=var/lock-tools/bin/uv
fi
common=(pyproject.toml --generate-hashes --python-version 3.12 --quiet)
"$uv" pip compile "${common[@]}" --extra dev -o requirements.lock "$@"
"$uv" pip compile "${common[@]}" --extra dev --extra bench -c requirements.lock -o requirements-bench.lock "$@"
echo "requirements.lock and requirements-bench.lock are up to date with pyproject.toml"
