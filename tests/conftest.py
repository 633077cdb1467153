import os
from pathlib import Path

import pytest

# The files the tests read from the project's shared data, shipped with the tests in the same layout
# (a sample of the NHS FFT comments: tests/fixtures/data/NOTICE.md), so a clone alone passes.
# Geography comes from the product's own chorus/data.
FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "data"


def pytest_configure(config):
    # The demo loaders read the FFT file from CHORUS_SHARED_DATA (default ../shared/data): the sample, always.
    os.environ["CHORUS_SHARED_DATA"] = str(FIXTURE_DATA)


def pytest_collection_modifyitems(config, items):
    """Modules with slow or browser tests run first. pytest-xdist (--dist loadscope) hands modules to workers
    in this order, so the long ones start at once and the quick ones fill in after, instead of one worker
    finishing a long module alone at the end."""

    def weight(module) -> int:
        markers = {marker.name for item in by_module[module] for marker in item.iter_markers()}
        return 0 if "slow" in markers else 1 if "browser" in markers else 2

    by_module: dict = {}
    for item in items:
        by_module.setdefault(item.module, []).append(item)
    items[:] = [item for module in sorted(by_module, key=weight) for item in by_module[module]]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return FIXTURE_DATA


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory) -> Path:
    """Stored files (trained models, uploads, evidence) go to this run's own folder, one per xdist worker:
    never var/media, and never a file that another worker, numbering its rows alike, also writes."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: SQLite may reuse ids after a rolled-back test."""
    from django.core.cache import cache

    from chorus.apps.coding import vector_index

    cache.clear()
    vector_index.reset()  # the search indexes held in this process, for the same reason
    yield
