"""Demo local indicators for the Southend and Plymouth programmes, for place profiles.

Real figures: Southend-on-Sea's QOF smoking prevalence, 28,468 of 156,589 (18.18%), against England's
16.46%, as quoted in issue 5; and the share of residents aged 60 and over (IoD 2019 File 6, mid-2015) for
every area. Everything else is ILLUSTRATIVE: made up from each ward's deprivation so the pages have
something to show, and flagged `illustrative` so every page labels it.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from chorus.apps.accounts.models import Role, User

from .actions import change_indicator_value, create_indicator, create_indicator_value, load_places
from .indicators import england
from .models import Area, Indicator, IndicatorPolarity, IndicatorUnit, IndicatorValue, Level

PROGRAMMES = ("southend-connectors", "plymouth-connected")
SOUTHEND = "E06000033"
SMOKING = "Smoking prevalence in adults (15+), recorded by GPs (QOF)"
COPD = "Emergency hospital admissions for COPD"
SCREENING = "Bowel cancer screening coverage, aged 60 to 74"
OLDER = "Residents aged 60 and over"
QOF_PERIOD = "QOF, as quoted"
ILLUSTRATIVE_PERIOD = "2023/24"
FILE6_PERIOD = "mid-2015"
ADMINISTRATOR = "admin"  # defines the indicators and enters England's figures


def _indicators(by: User) -> dict[str, Indicator]:
    specs = [
        (
            SMOKING,
            IndicatorUnit.PROPORTION,
            100,
            IndicatorPolarity.LOW_IS_GOOD,
            "QOF via Fingertips: Southend-on-Sea and England are real; ward figures are illustrative.",
        ),
        (
            COPD,
            IndicatorUnit.RATE,
            100_000,
            IndicatorPolarity.LOW_IS_GOOD,
            "ILLUSTRATIVE figures for the demo, shaped like Fingertips' COPD admissions indicator.",
        ),
        (
            SCREENING,
            IndicatorUnit.PROPORTION,
            100,
            IndicatorPolarity.HIGH_IS_GOOD,
            "ILLUSTRATIVE figures for the demo, shaped like Fingertips' cancer screening coverage.",
        ),
        (
            OLDER,
            IndicatorUnit.PROPORTION,
            100,
            IndicatorPolarity.NONE,
            "IoD 2019 population denominators (ONS mid-2015, File 6): real.",
        ),
    ]
    found = {}
    for name, unit, per, polarity, source in specs:
        found[name] = Indicator.objects.filter(name=name).first() or create_indicator(
            Indicator(name=name, unit=unit, per=per, polarity=polarity, source=source), by=by
        )
    return found


def _value(
    indicator, area, period, numerator, denominator, value, illustrative, *, by, programme=None
) -> None:
    found = IndicatorValue.objects.filter(indicator=indicator, area=area, period=period).first()
    save = change_indicator_value if found else create_indicator_value
    found = found or IndicatorValue(indicator=indicator, area=area, period=period)
    found.numerator, found.denominator = numerator, denominator
    found.value, found.illustrative = value, illustrative
    save(found, by=by, programme=programme)


def _proportion(indicator, area, period, numerator, denominator, illustrative, **who) -> None:
    value = 100 * numerator / denominator
    _value(indicator, area, period, numerator, denominator, value, illustrative, **who)


def _analyst(programme, admin: User) -> User:
    members = User.objects.filter(memberships__programme=programme, memberships__role=Role.ANALYST)
    return members.order_by("pk").first() or admin


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    # The demo programmes' local authorities, found from the places side: places is built on by programmes,
    # so it does not import them.
    authorities = list(Area.objects.filter(programmes__slug__in=PROGRAMMES).order_by("programmes__name"))
    if not authorities:
        out("  Places demo: no Southend or Plymouth programme, so no indicators.")
        return
    admin = User.objects.filter(username=ADMINISTRATOR).first()
    if admin is None:
        raise RuntimeError(f"the places demo needs the user {ADMINISTRATOR!r}: load the core demo first")
    indicators = _indicators(admin)
    country = england()
    if not country.population_60_plus:
        load_places([], by=admin)  # fills England's population figures
        country.refresh_from_db()

    # Real: Southend-on-Sea's QOF smoking prevalence against England's (issue 5).
    southend = Area.objects.filter(code=SOUTHEND).first()
    if southend is not None:
        _proportion(indicators[SMOKING], southend, QOF_PERIOD, 28_468, 156_589, False, by=admin)
    _value(indicators[SMOKING], country, QOF_PERIOD, None, None, 16.46, False, by=admin)

    # Illustrative England benchmarks.
    _value(indicators[COPD], country, ILLUSTRATIVE_PERIOD, None, None, 415.0, True, by=admin)
    _value(indicators[SCREENING], country, ILLUSTRATIVE_PERIOD, None, None, 70.3, True, by=admin)
    # Real: the share of residents aged 60 and over.
    _proportion(
        indicators[OLDER],
        country,
        FILE6_PERIOD,
        country.population_60_plus,
        country.population,
        False,
        by=admin,
    )

    count = 0
    for authority in authorities:
        programme = authority.programmes.filter(slug__in=PROGRAMMES).order_by("name").first()
        who = {"by": _analyst(programme, admin), "programme": programme}
        wards = list(Area.objects.filter(parent=authority, level=Level.WARD).exclude(population=None))
        for area in [authority, *wards]:
            if area.population_60_plus:
                _proportion(
                    indicators[OLDER],
                    area,
                    FILE6_PERIOD,
                    area.population_60_plus,
                    area.population,
                    False,
                    **who,
                )
            deprivation = area.core20_population_share if area.level == Level.WARD else 0.3
            deprivation = deprivation or 0.0
            adults = (area.population_16_59 or 0) + (area.population_60_plus or 0)
            if area.level == Level.WARD and adults:
                smokers_share = 0.11 + 0.14 * deprivation + rng.uniform(-0.02, 0.02)
                listed = round(adults * 1.04)  # GP lists hold a few more than the resident population
                _proportion(
                    indicators[SMOKING], area, QOF_PERIOD, round(listed * smokers_share), listed, True, **who
                )
            rate = 300 + 520 * deprivation + rng.uniform(-60, 60)
            admissions = round(area.population * rate / 100_000)
            _value(
                indicators[COPD],
                area,
                ILLUSTRATIVE_PERIOD,
                admissions,
                area.population,
                admissions / area.population * 100_000,
                True,
                **who,
            )
            eligible = round((area.population_60_plus or 0) * 0.62)
            if eligible:
                coverage = 0.74 - 0.12 * deprivation + rng.uniform(-0.03, 0.03)
                _proportion(
                    indicators[SCREENING],
                    area,
                    ILLUSTRATIVE_PERIOD,
                    round(eligible * coverage),
                    eligible,
                    True,
                    **who,
                )
            count += 1
    out(
        f"  Local indicators: {len(indicators)} indicators for {count} areas and England "
        "(Southend's QOF smoking and the 60+ shares are real; the rest is illustrative)."
    )
