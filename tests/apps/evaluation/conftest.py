import random

import pytest

from chorus.apps.evaluation import demo
from chorus.apps.evaluation.models import Intervention


@pytest.fixture
def screening(world) -> Intervention:
    """The demo's cancer screening evaluation, loaded on top of the small world (Kursaal is partner A)."""
    lines: list[str] = []
    demo.load(random.Random(7), lines.append)
    assert any("/evaluation/southend-connectors/cancer-screening-uptake/" in line for line in lines)
    return Intervention.objects.get(slug=demo.SLUG)
