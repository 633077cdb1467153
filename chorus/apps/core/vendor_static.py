"""The files Chorus serves from node_modules, named one by one.

The packages' dist folders hold thousands of files Chorus never serves (nhsuk-frontend alone: about 8,000
sources, type declarations and templates); collecting all of them took over a minute and shipped 89 MB.
Listed in settings.VENDOR_STATIC_FILES as {address under /static/: file on disk}; a folder brings
everything under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


def _files() -> Iterator[tuple[str, Path]]:
    for name, source in settings.VENDOR_STATIC_FILES.items():
        source = Path(source)
        if source.is_dir():
            for found in sorted(source.rglob("*")):
                if found.is_file():
                    yield f"{name}/{found.relative_to(source).as_posix()}", found
        else:
            yield name, source


class VendorFileFinder(BaseFinder):
    def check(self, **kwargs) -> list[Error]:
        files = settings.VENDOR_STATIC_FILES.values()
        missing = [str(source) for source in files if not Path(source).exists()]
        if not missing:
            return []
        message = f"Static files missing from node_modules: {', '.join(missing)}"
        return [Error(message, hint="Run `make install`.")]

    def find(self, path: str, find_all: bool = False):
        matches = [str(source) for name, source in _files() if name == path and source.is_file()]
        if find_all:
            return matches
        return matches[0] if matches else None

    def list(self, ignore_patterns):
        for name, source in _files():
            if not source.is_file():
                continue
            storage = FileSystemStorage(location=source.parent)
            storage.prefix = str(PurePosixPath(name).parent)
            yield source.name, storage
