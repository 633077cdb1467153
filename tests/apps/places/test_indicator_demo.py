"""The demo's local indicators: Southend's real QOF smoking figure is worse than England; made-up ward
figures are flagged illustrative."""

import random

from chorus.apps.places import demo
from chorus.apps.places.indicators import latest_comparisons
from chorus.apps.places.models import IndicatorValue

from support.world import ward


def test_demo_indicators_are_real_where_said_and_illustrative_elsewhere(world):
    lines = []
    demo.load(random.Random(1), lines.append)
    southend_smoking = IndicatorValue.objects.get(indicator__name=demo.SMOKING, area__code="E06000033")
    assert (southend_smoking.numerator, southend_smoking.denominator) == (28468, 156589)
    assert not southend_smoking.illustrative
    kursaal = ward("Kursaal")
    comparisons = {c.indicator.name: c for c in latest_comparisons([kursaal.parent])}
    assert comparisons[demo.SMOKING].label == "worse"
    assert comparisons[demo.OLDER].label == "not compared"
    assert IndicatorValue.objects.filter(area=kursaal, indicator__name=demo.COPD).get().illustrative
    assert not IndicatorValue.objects.filter(area=kursaal, indicator__name=demo.OLDER).get().illustrative
    before = IndicatorValue.objects.count()
    demo.load(random.Random(1), lines.append)
    assert IndicatorValue.objects.count() == before  # loading again adds nothing
