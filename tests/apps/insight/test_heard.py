"""Who we heard from: contributors against the IoD 2019 population of the programme's area."""

from datetime import date

import pytest
from django.urls import reverse

from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind
from chorus.apps.insight.filters import Filters
from chorus.apps.insight.heard import (
    ADULTS,
    ASSUMED_ADULTS,
    ASSUMED_CHILDREN,
    EVERYONE,
    who_we_heard_from,
)
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import AgesHeard
from chorus.stats import wilson_ci

from support.world import PASSWORD, voice, ward


def heard(world, n: int, **extra) -> list:
    activity = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.CONVERSATION,
        title="Listening",
        date=date(2026, 9, 1),
        recorded_by=world.connector,
    )
    return [
        create_contribution(activity, voice(f"Voice {i}", already_redacted=True, **extra), by=world.connector)
        for i in range(n)
    ]


def lsoas(core20: bool) -> list[Area]:
    return list(Area.objects.filter(level=Level.LSOA, parent__parent__code="E06000033", core20=core20))


def rows(section):
    return {row.key: row for row in section.rows}


def test_core20_share_is_compared_with_the_local_authoritys_lsoa_population(world, southend):
    core20, other = lsoas(True), lsoas(False)
    for lsoa in core20[:6]:
        heard(world, 1, lsoa=lsoa)
    for lsoa in other[:4]:
        heard(world, 1, lsoa=lsoa)
    result = who_we_heard_from(world.programme, Filters())

    core20_people = sum(a.population for a in core20)
    everyone = sum(a.population for a in core20 + other)
    section = result.section("core20")
    row = rows(section)["core20"]
    assert (row.contributors, section.answered) == (6, 10)
    assert row.share == pytest.approx(0.6)
    assert (row.lower, row.upper) == pytest.approx(wilson_ci(6, 10))
    assert row.population_share == pytest.approx(core20_people / everyone)
    assert row.ratio == pytest.approx(0.6 / (core20_people / everyone))
    assert row.sentence == f"Core20 residents were {row.ratio:.1f}× their share of the population."
    # The world's three contributions have a ward but no LSOA: shown apart, left out of the shares.
    assert [(item.label, item.count) for item in section.set_aside] == [
        ("Where they live is not known to the LSOA", 3)
    ]


def test_imd_quintiles_use_national_quintiles_of_the_lsoas(world, southend):
    lsoa = lsoas(True)[0]
    heard(world, 2, lsoa=lsoa)
    section = who_we_heard_from(world.programme, Filters()).section("imd_quintile")
    by_key = rows(section)
    assert by_key["1"].contributors == 2
    population = {
        str(q): sum(
            a.population
            for a in Area.objects.filter(parent__parent=southend, level=Level.LSOA)
            if a.imd_quintile == q
        )
        for q in range(1, 6)
    }
    total = sum(population.values())
    for key, row in by_key.items():
        assert row.population_share == pytest.approx(population[key] / total)


def test_age_bands_fold_into_population_bands_and_55_to_64_is_set_aside(world, southend):
    heard(world, 1, age_band="under-16")
    heard(world, 3, age_band="25-34")
    heard(world, 1, age_band="45-54")
    heard(world, 2, age_band="55-64")
    heard(world, 1, age_band="75-plus")
    heard(world, 1, age_band="prefer-not-to-say")
    section = who_we_heard_from(world.programme, Filters()).section("age")
    by_key = rows(section)
    assert {key: row.contributors for key, row in by_key.items()} == {"0-15": 1, "16-59": 4, "60-plus": 1}
    assert by_key["16-59"].share == pytest.approx(4 / 6)
    assert by_key["60-plus"].population_share == pytest.approx(
        southend.population_60_plus
        / (southend.population_0_15 + southend.population_16_59 + southend.population_60_plus)
    )
    set_aside = {item.label: item.count for item in section.set_aside}
    assert set_aside == {
        "55 to 64: cannot be compared (spans 16 to 59 and 60 and over)": 2,
        "Not asked": 3,  # the world's own three contributions
        "Prefer not to say": 1,
    }


def test_a_group_clearly_below_its_population_share_is_flagged_under_heard(world, southend):
    heard(world, 25, age_band="35-44")
    result = who_we_heard_from(world.programme, Filters())
    older = rows(result.section("age"))["60-plus"]
    assert older.contributors == 0 and older.under_heard
    assert older.sentence == "No people aged 60 and over were heard."
    assert rows(result.section("age"))["16-59"].under_heard is False
    assert ("age", "60-plus") in {(section.name, row.key) for section, row in result.under_heard}


def test_unset_programme_infers_from_contributions(client, world, southend):
    """A programme that does not say whom it hears and has heard no child is compared with the population
    aged 16 and over, and the page says this was assumed, with a link for those who may edit the programme."""
    assert world.programme.ages_heard == AgesHeard.NOT_SET  # every programme made before the setting
    heard(world, 25, age_band="35-44")
    heard(world, 10, age_band="65-74")
    result = who_we_heard_from(world.programme, Filters())
    assert result.ages == ASSUMED_ADULTS
    section = result.section("age")
    by_key = rows(section)
    assert set(by_key) == {"16-59", "60-plus"}  # no "Children under 16" row to flag
    assert "0-15" not in {row.key for _, row in result.under_heard}
    adults = southend.population_16_59 + southend.population_60_plus
    assert by_key["60-plus"].population_share == pytest.approx(southend.population_60_plus / adults)
    assert "aged 16 and over" in section.population_note
    assert "Under 16" not in {mapping.contributor_band for mapping in result.age_mapping}
    assert result.ages_sentence.startswith("No contributor was under 16 and the programme does not say")

    settings = reverse("programmes:settings", args=[world.programme.slug]) + "#ages-heard"
    client.login(username="decision-maker", password=PASSWORD)
    page = client.get(reverse("insight:heard", args=[world.programme.slug])).content.decode()
    assert "0 to 15" not in page  # no row, and no band, for children
    assert "Children under 16 were not compared" in page
    assert "assumes it hears adults only (16 and over)" in page
    assert settings not in page  # a board member may not edit the programme
    client.login(username="analyst", password=PASSWORD)
    page = client.get(reverse("insight:heard", args=[world.programme.slug])).content.decode()
    assert f'href="{settings}"' in page and "Say whom the programme sets out to hear" in page


def test_unset_programme_that_heard_a_child_compares_children_too(world, southend):
    heard(world, 1, age_band="under-16")
    heard(world, 25, age_band="35-44")
    result = who_we_heard_from(world.programme, Filters())
    assert result.ages == ASSUMED_CHILDREN
    assert rows(result.section("age"))["0-15"].contributors == 1
    assert "someone under 16 has been heard" in result.ages_sentence


def test_programme_for_everyone_flags_children_not_heard(client, world, southend):
    world.programme.ages_heard = AgesHeard.EVERYONE
    world.programme.save()
    heard(world, 40, age_band="35-44")
    result = who_we_heard_from(world.programme, Filters())
    assert result.ages == EVERYONE
    children = rows(result.section("age"))["0-15"]
    assert children.contributors == 0 and children.under_heard
    assert children.population_share == pytest.approx(
        southend.population_0_15
        / (southend.population_0_15 + southend.population_16_59 + southend.population_60_plus)
    )
    assert ("age", "0-15") in {(section.name, row.key) for section, row in result.under_heard}
    assert "Under 16" in {mapping.contributor_band for mapping in result.age_mapping}

    client.login(username="decision-maker", password=PASSWORD)
    page = client.get(reverse("insight:heard", args=[world.programme.slug])).content.decode()
    assert "No children under 16 were heard." in page
    assert "sets out to hear everyone, children included" in page


def test_adults_only_programme_compares_with_16_and_over(client, world, southend):
    world.programme.ages_heard = AgesHeard.ADULTS
    world.programme.save()
    heard(world, 2, age_band="under-16")
    heard(world, 30, age_band="35-44")
    heard(world, 6, age_band="65-74")
    result = who_we_heard_from(world.programme, Filters())
    assert result.ages == ADULTS
    section = result.section("age")
    by_key = rows(section)
    assert set(by_key) == {"16-59", "60-plus"}
    assert section.answered == 36  # the two children are left out of the shares...
    adults = southend.population_16_59 + southend.population_60_plus
    assert by_key["16-59"].population_share == pytest.approx(southend.population_16_59 / adults)
    set_aside = {item.label: item.count for item in section.set_aside}
    assert set_aside["Under 16: not compared, as the programme sets out to hear adults"] == 2  # ...and shown
    assert "0-15" not in {row.key for _, row in result.under_heard}
    under_16 = next(m for m in result.age_mapping if m.contributor_band == "Under 16")
    assert under_16.population_band is None and "sets out to hear adults" in under_16.note

    client.login(username="decision-maker", password=PASSWORD)
    page = client.get(reverse("insight:heard", args=[world.programme.slug])).content.decode()
    assert (
        "The programme sets out to hear adults, so contributors are compared with the population aged 16"
        in page
    )
    assert "Under 16: not compared, as the programme sets out to hear adults: 2" in page
    assert "Not compared: the programme sets out to hear adults" in page


def test_a_programme_without_an_age_population_says_nothing_of_whom_it_compares(world):
    world.programme.local_authority = None
    world.programme.ages_heard = AgesHeard.EVERYONE
    world.programme.save()
    result = who_we_heard_from(world.programme, Filters())
    assert not result.section("age").compared and result.ages_sentence == ""


def test_children_are_compared_wherever_the_programme_heard_one_even_outside_the_filter(world, southend):
    milton = ward("Milton")
    heard(world, 1, age_band="under-16", ward=ward("Kursaal"))
    heard(world, 40, age_band="35-44", ward=milton)
    result = who_we_heard_from(world.programme, Filters(wards=(milton.code,)))
    children = rows(result.section("age"))["0-15"]
    assert children.contributors == 0 and children.under_heard
    assert children.population == milton.population_0_15


def test_sex_and_ethnicity_have_no_population_figure(world, southend):
    heard(world, 2, sex="female", ethnicity="black-african")
    heard(world, 1, sex="male", ethnicity="white-british")
    result = who_we_heard_from(world.programme, Filters())
    sex = result.section("sex")
    assert not sex.compared and "No population figure" in sex.population_note
    assert rows(sex)["female"].share == pytest.approx(2 / 3)
    assert all(row.population_share is None and row.ratio is None for row in sex.rows)
    ethnicity = rows(result.section("ethnicity"))
    assert ethnicity["Black, Black British, Black Welsh, Caribbean or African"].contributors == 2


def test_a_ward_filter_compares_with_that_wards_population(world, southend):
    milton = ward("Milton")
    lsoa = milton.children.filter(level=Level.LSOA).first()
    heard(world, 4, lsoa=lsoa, age_band="16-24")
    result = who_we_heard_from(world.programme, Filters(wards=(milton.code,)))
    assert result.population_area == "Milton ward"
    assert result.population == milton.population
    assert result.contributions == 6  # two from the world, four here
    core20 = rows(result.section("core20"))
    population = sum(a.population for a in milton.children.filter(level=Level.LSOA, core20=True))
    if "core20" in core20:
        assert core20["core20"].population == population
    age = rows(result.section("age"))
    assert age["16-59"].population == milton.population_16_59


def test_page_shows_sentences_flags_and_carries_filters(client, world, southend):
    heard(world, 25, age_band="35-44", lsoa=lsoas(True)[0])
    client.login(username="decision-maker", password=PASSWORD)
    url = reverse("insight:heard", args=[world.programme.slug])
    response = client.get(url + "?kind=conversation")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Core20 residents were" in page and "× their share of the population" in page
    assert "Under-heard" in page
    assert "No population figure" in page
    assert "cannot be compared" in page.lower() or "Cannot be compared" in page
    places = reverse("insight:places", args=[world.programme.slug]) + "?kind=conversation"
    assert f'href="{places}"' in page


def test_page_is_not_there_for_people_outside_the_programme(client, world):
    client.login(username="other-analyst", password=PASSWORD)
    assert client.get(reverse("insight:heard", args=[world.programme.slug])).status_code == 404


def test_age_band_populations_add_up_for_wards_the_local_authority_and_england(southend):
    wards = list(Area.objects.filter(level=Level.WARD, parent=southend))
    for area in [southend, *wards]:
        assert area.population_0_15 + area.population_16_59 + area.population_60_plus == area.population
    assert southend.population_60_plus == sum(w.population_60_plus for w in wards)
    england = Area.objects.get(code="E92000001", level=Level.COUNTRY)
    assert england.population > 50_000_000 and england.population_60_plus > 10_000_000


def test_against_the_focus_wards_a_core20_programme_is_not_flagged_for_missing_the_least_deprived(
    client, world, southend
):
    wards = Area.objects.filter(level=Level.WARD, parent__code="E06000033")
    focus = sorted(wards, key=lambda w: (-w.children.filter(core20=True).count(), w.code))[:3]
    world.programme.focus_areas.set(focus)
    focus_lsoas = list(Area.objects.filter(level=Level.LSOA, parent__in=focus).exclude(imd_decile=None))
    for number in range(40):
        heard(world, 1, lsoa=focus_lsoas[number % len(focus_lsoas)])

    whole = who_we_heard_from(world.programme, Filters())
    assert rows(whole.section("imd_quintile"))["5"].under_heard  # against all of Southend

    result = who_we_heard_from(world.programme, Filters(), "focus")
    assert result.against == "focus"
    assert result.population == sum(ward.population for ward in focus)
    assert result.population_area.startswith("the focus wards (")
    assert result.contributions == 40 + sum(1 for c in world.contributions if c.ward in focus)
    assert result.outside_focus == whole.contributions - result.contributions
    quintiles = rows(result.section("imd_quintile"))
    assert not any(row.under_heard for row in quintiles.values())
    focus_quintiles = {str(lsoa.imd_quintile) for lsoa in focus_lsoas}
    assert set(quintiles) == focus_quintiles  # no row for a quintile nobody in the focus wards lives in

    client.login(username="decision-maker", password=PASSWORD)
    page = client.get(reverse("insight:heard", args=[world.programme.slug])).content.decode()
    assert "Compare with:" in page and "compared with the people living there" in page
    assert '<strong aria-current="true">the programme\'s focus wards</strong>' in page
    url = reverse("insight:heard", args=[world.programme.slug])
    page = client.get(url + "?against=area").content.decode()
    assert "Under-heard" in page
