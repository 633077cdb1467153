import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CHORUS_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.fail(f"shared data not found at {SHARED_DATA}; set CHORUS_SHARED_DATA")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: SQLite may reuse ids after a rolled-back test."""
    from django.core.cache import cache

    cache.clear()
    yield
