from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "ingest" / "fixtures"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
