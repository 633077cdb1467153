"""Fails when the installed packages do not meet pyproject.toml (the app and the extras named on the command
line): `make install` installs requirements.lock with --no-deps for chorus itself, so a dependency added to
pyproject.toml without re-running ./scripts/lock.sh would otherwise go unnoticed until an import fails."""

import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

extras = sys.argv[1:]
problems = []
for line in requires("chorus") or []:
    requirement = Requirement(line)
    wanted = not requirement.marker or any(requirement.marker.evaluate({"extra": e}) for e in ["", *extras])
    if not wanted:
        continue
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        problems.append(f"{requirement} is not installed")
        continue
    if not requirement.specifier.contains(installed, prereleases=True):
        problems.append(f"{requirement} is wanted but {requirement.name} {installed} is installed")
if problems:
    print("requirements.lock does not match pyproject.toml:", *problems, sep="\n  ", file=sys.stderr)
    print("Run ./scripts/lock.sh, then make install.", file=sys.stderr)
    sys.exit(1)
