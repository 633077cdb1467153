"""Who we heard from: the profile of a programme's contributors against the population they come from.

Population figures are the IoD 2019 denominators (mid-2015, File 6) summed over the LSOAs of the programme's
local authority, or of the wards the filters select. What Chorus has offline decides what can be compared:
- age: contributors' bands fold into File 6's three bands (0–15, 16–59, 60+) where they fit inside one;
  "55 to 64" straddles 16–59 and 60+, so those contributors are set aside, never split by guesswork.
  Whom the programme sets out to hear by age (Programme.ages_heard) decides whether children are compared:
  "everyone" compares all ages, so children are flagged under-heard even when none was heard; "adults"
  compares the population aged 16 and over and sets aside any contributor under 16; "not set" infers it
  from the contributions: a programme none of whose contributors (in any activity, under any filter) was
  under 16 is taken to hear adults only, and the page and the board report say that this was assumed;
- IMD quintile and Core20: from each contributor's LSOA, against the population of the area's LSOAs;
  contributors living outside the area are set aside;
- sex and ethnicity: shares of contributors only; there is no ward or local-authority population figure
  offline, and none is invented.
"Not asked" and "Prefer not to say" are counted and shown, but left out of every share. Each contribution
counts once (a resident heard twice counts twice). Shares of contributors carry 95% Wilson intervals; a
group is flagged under-heard by chorus.stats.representation's rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.db.models import Count, Sum

from chorus import equality
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import AgesHeard, Programme
from chorus.stats import representation, wilson_ci

from .aggregates import LEVEL, evidence
from .filters import Filters

NOT_ASKED = "Not asked"
PREFER_NOT = "Prefer not to say"
FOCUS = "focus"  # compare with the programme's focus wards
AREA = "area"  # compare with the whole local authority
POPULATION_SOURCE = "IoD 2019 population denominators, mid-2015 (ONS, File 6)"
# Deprivation quintiles in words for sentences a board member or resident reads (1 = most deprived).
QUINTILE_WORDS = {
    "1": "the most deprived fifth of neighbourhoods in England",
    "2": "the second most deprived fifth of neighbourhoods",
    "3": "the middle fifth of neighbourhoods by deprivation",
    "4": "the second least deprived fifth of neighbourhoods",
    "5": "the least deprived fifth of neighbourhoods",
}

CHILDREN = "0-15"  # the population band of children, compared only in a programme that hears them
# Whom the age comparison covers, and why (HeardFrom.ages).
EVERYONE = "everyone"  # the programme sets out to hear everyone, children included
ADULTS = "adults"  # it sets out to hear people aged 16 and over
ASSUMED_CHILDREN = "assumed-children"  # it does not say; a child has been heard, so children are compared
ASSUMED_ADULTS = "assumed-adults"  # it does not say; no child has been heard, so adults only are assumed
AGES_SENTENCES = {
    EVERYONE: "The programme sets out to hear everyone, children included, so children under 16 are "
    "compared with their share of the population, whether or not any were heard.",
    ADULTS: "The programme sets out to hear adults, so contributors are compared with the population aged 16 "
    "and over, and anyone under 16 who was heard is left out of the age comparison.",
    ASSUMED_CHILDREN: "The programme does not say whom it sets out to hear by age; someone under 16 has been "
    "heard, so children under 16 are compared with their share of the population too.",
    ASSUMED_ADULTS: "No contributor was under 16 and the programme does not say whom it sets out to hear by "
    "age, so the age comparison assumes it hears adults only (16 and over) and cannot show whether children "
    "were under-heard.",
}
# Contributors' age bands -> the File 6 population band they fall inside (None: straddles two bands).
POPULATION_AGE_BANDS: list[tuple[str, str, str, str]] = [
    # key, label, Area field, who (for sentences)
    ("0-15", "0 to 15", "population_0_15", "Children under 16"),
    ("16-59", "16 to 59", "population_16_59", "People aged 16 to 59"),
    ("60-plus", "60 and over", "population_60_plus", "People aged 60 and over"),
]
AGE_BAND_TO_POPULATION: dict[str, str | None] = {
    "under-16": "0-15",
    "16-24": "16-59",
    "25-34": "16-59",
    "35-44": "16-59",
    "45-54": "16-59",
    "55-64": None,
    "65-74": "60-plus",
    "75-plus": "60-plus",
}


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


@dataclass(frozen=True)
class HeardRow:
    """One group: how many contributors, their share of those who answered, and the population's share."""

    key: str
    label: str
    contributors: int
    share: float | None
    lower: float | None
    upper: float | None
    population: int | None = None
    population_share: float | None = None
    ratio: float | None = None
    under_heard: bool = False
    who: str = ""

    @property
    def share_text(self) -> str:
        return _percent(self.share)

    @property
    def interval_text(self) -> str:
        return "" if self.lower is None else f"{_percent(self.lower)} to {_percent(self.upper)}"

    @property
    def population_share_text(self) -> str:
        return _percent(self.population_share)

    @property
    def ratio_text(self) -> str:
        return "" if self.ratio is None else f"{self.ratio:.1f}×"

    @property
    def sentence(self) -> str:
        """'Core20 residents were 2.3× their share of the population', or '' without a population."""
        if self.ratio is None:
            return ""
        if self.contributors == 0:
            return f"No {self.who[0].lower() + self.who[1:]} were heard."
        return f"{self.who} were {self.ratio:.1f}× their share of the population."


@dataclass(frozen=True)
class SetAside:
    """Contributors left out of the shares, and why (not asked, prefer not to say, cannot be compared)."""

    label: str
    count: int


@dataclass(frozen=True)
class HeardSection:
    name: str  # age | sex | ethnicity | imd_quintile | core20
    title: str
    rows: list[HeardRow]
    set_aside: list[SetAside]
    compared: bool  # a population figure is known and the rows carry population shares
    population_note: str
    notes: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(row.contributors for row in self.rows)

    @property
    def under_heard(self) -> list[HeardRow]:
        return [row for row in self.rows if row.under_heard]


@dataclass(frozen=True)
class AgeMapping:
    contributor_band: str
    population_band: str | None  # None: cannot be compared
    note: str = ""  # why it cannot be compared


@dataclass(frozen=True)
class HeardFrom:
    programme: Programme
    filters: Filters
    contributions: int
    population_area: str  # e.g. "Southend-on-Sea" or "Kursaal and Milton wards"; "" when none
    population: int | None
    sections: list[HeardSection]
    age_mapping: list[AgeMapping]
    against: str = AREA
    outside_focus: int = 0  # contributions left out because they came from outside the focus wards
    ages: str = ASSUMED_ADULTS  # whom the age comparison covers, and why: EVERYONE, ADULTS, ASSUMED_...

    @property
    def ages_sentence(self) -> str:
        """Whom the age comparison covers and why, in one sentence; '' when there is no age comparison."""
        return AGES_SENTENCES[self.ages] if self.section("age").compared else ""

    def section(self, name: str) -> HeardSection:
        return next(section for section in self.sections if section.name == name)

    @property
    def core20(self) -> tuple[int, int]:
        """(contributors from Core20 areas, contributors whose home area is known) among those compared with
        the population: the focus wards only, or the area's residents only, so not every contribution."""
        section = self.section("core20")
        return next((row.contributors for row in section.rows if row.key == "core20"), 0), section.answered

    @property
    def scope(self) -> str:
        """Whom the comparison counts, in words that lead a figure: 'focus wards only', 'Southend only'."""
        return "focus wards only" if self.against == FOCUS else f"{self.population_area} only"

    @property
    def under_heard(self) -> list[tuple[HeardSection, HeardRow]]:
        return [(section, row) for section in self.sections for row in section.under_heard]


# ------------------------------------------------------------------------------------------------ building


def _population_areas(programme: Programme, filters: Filters) -> tuple[str, Area | None, list[Area]]:
    """(name, local authority, wards) whose population the contributors are compared with."""
    authority = programme.local_authority
    if authority is None:
        return "", None, []
    wards = list(Area.objects.filter(parent=authority, level=Level.WARD).order_by("name"))
    chosen = [ward for ward in wards if ward.code in filters.wards]
    if chosen:
        names = [ward.name for ward in chosen]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{joined} ward{'s' if len(names) > 1 else ''}", authority, chosen
    return authority.name, authority, wards


def focus_ward_codes(programme: Programme) -> tuple[str, ...]:
    return tuple(sorted(programme.focus_areas.filter(level=Level.WARD).values_list("code", flat=True)))


def comparison_filters(programme: Programme, filters: Filters, against: str) -> Filters:
    """The filters the comparison runs under: against the focus wards, contributors from those wards only
    (a programme that works in the most deprived wards is judged against the people living there, not the
    whole area, so the least deprived fifth is not flagged under-heard). A ward filter wins over both."""
    if against != FOCUS or filters.wards:
        return filters
    codes = focus_ward_codes(programme)
    return replace(filters, wards=codes) if codes else filters


def _rows(
    contributors: Mapping[str, int],
    groups: Iterable[tuple[str, str, str]],
    population: Mapping[str, int] | None,
) -> list[HeardRow]:
    """Rows for (key, label, who) groups; compared with `population` when given (every group listed)."""
    groups = list(groups)
    answered = sum(contributors.get(key, 0) for key, _, _ in groups)
    if population is not None and answered > 0:
        compared = {
            result.group: result
            for result in representation(
                {key: contributors.get(key, 0) for key, _, _ in groups},
                {key: population[key] for key, _, _ in groups},
                level=LEVEL,
            )
        }
        return [
            HeardRow(
                key=key,
                label=label,
                contributors=compared[key].contributors,
                share=compared[key].contributor_share,
                lower=compared[key].contributor_share_lower,
                upper=compared[key].contributor_share_upper,
                population=compared[key].population,
                population_share=compared[key].population_share,
                ratio=compared[key].ratio,
                under_heard=compared[key].under_heard,
                who=who,
            )
            for key, label, who in groups
        ]
    total_population = sum(population.values()) if population else 0
    rows = []
    for key, label, who in groups:
        count = contributors.get(key, 0)
        lower, upper = wilson_ci(count, answered, LEVEL) if answered else (None, None)
        rows.append(
            HeardRow(
                key=key,
                label=label,
                contributors=count,
                share=count / answered if answered else None,
                lower=lower,
                upper=upper,
                population=population[key] if population else None,
                population_share=population[key] / total_population if total_population else None,
                who=who,
            )
        )
    return rows


def _counts(contributions, field_name: str) -> dict[str, int]:
    return {
        row[field_name]: row["n"]
        for row in contributions.order_by().values(field_name).annotate(n=Count("pk"))
    }


def _not_stated(counts: Mapping[str, int]) -> list[SetAside]:
    found = [
        SetAside(NOT_ASKED, counts.get("", 0)),
        SetAside(PREFER_NOT, counts.get(equality.PREFER_NOT_TO_SAY, 0)),
    ]
    return [item for item in found if item.count]


def age_scope(programme: Programme) -> str:
    """Whom the age comparison covers: the programme's own setting, or when it is not set, an inference from
    the contributions: a programme none of whose contributors (in any activity) was under 16 is taken to
    hear adults only."""
    if programme.ages_heard == AgesHeard.EVERYONE:
        return EVERYONE
    if programme.ages_heard == AgesHeard.ADULTS:
        return ADULTS
    heard_a_child = evidence(programme, Filters()).filter(age_band="under-16").exists()
    return ASSUMED_CHILDREN if heard_a_child else ASSUMED_ADULTS


def hears_children(programme: Programme) -> bool:
    """Whether children under 16 are compared with the population on "Who we heard from"."""
    return age_scope(programme) in (EVERYONE, ASSUMED_CHILDREN)


def _age_section(contributions, authority, wards, filtered: bool, place: str, ages: str) -> HeardSection:
    children = ages in (EVERYONE, ASSUMED_CHILDREN)
    counts = _counts(contributions, "age_band")
    folded: dict[str, int] = {}
    for band, population_band in AGE_BAND_TO_POPULATION.items():
        if population_band:
            folded[population_band] = folded.get(population_band, 0) + counts.get(band, 0)
    bands = [band for band in POPULATION_AGE_BANDS if children or band[0] != CHILDREN]
    population = None
    if authority is not None:
        sums_of = wards if filtered else [authority]
        sums = Area.objects.filter(pk__in=[area.pk for area in sums_of]).aggregate(
            **{key: Sum(field_name) for key, _, field_name, _ in bands}
        )
        if all(sums[key] for key, _, _, _ in bands):
            population = {key: sums[key] for key, _, _, _ in bands}
    groups = [(key, label, who) for key, label, _, who in bands]
    set_aside = []
    if not children and counts.get("under-16"):
        set_aside.append(
            SetAside("Under 16: not compared, as the programme sets out to hear adults", counts["under-16"])
        )
    if counts.get("55-64"):
        set_aside.append(
            SetAside("55 to 64: cannot be compared (spans 16 to 59 and 60 and over)", counts["55-64"])
        )
    set_aside += _not_stated(counts)
    into = "three bands: under 16 into 0 to 15; " if children else "bands for people aged 16 and over: "
    return HeardSection(
        name="age",
        title="Age",
        rows=_rows(folded, groups, population),
        set_aside=set_aside,
        compared=population is not None,
        population_note=(
            "No population figure by age for this programme's area."
            if not population
            else f"Population of {place} by age, {POPULATION_SOURCE}."
            if children
            else f"Population of {place} aged 16 and over, by age, {POPULATION_SOURCE}."
        ),
        notes=[
            f"Contributors' age bands are folded into the population's {into}"
            "16 to 24, 25 to 34, 35 to 44 and 45 to 54 into 16 to 59; 65 to 74 and 75 or over into 60 and "
            "over. 55 to 64 spans two population bands, so it cannot be compared and is set aside: the 16 "
            "to 59 row holds contributors aged 16 to 54 and the 60 and over row those aged 65 and over."
        ],
    )


def _uncompared_section(name: str, title: str, counts: Mapping[str, int], groups, what: str) -> HeardSection:
    return HeardSection(
        name=name,
        title=title,
        rows=_rows(counts, groups, None),
        set_aside=_not_stated(counts),
        compared=False,
        population_note=f"No population figure: Chorus holds no {what} figures for wards or local "
        "authorities offline, so these are shares of contributors only.",
    )


def _deprivation_sections(contributions, authority, wards, place: str) -> list[HeardSection]:
    ward_ids = {ward.pk for ward in wards}
    quintile_counts: dict[str, int] = {}
    core20_counts: dict[str, int] = {}
    not_known = outside = 0
    rows = contributions.order_by().values("ward_id", "imd_decile", "core20").annotate(n=Count("pk"))
    for row in rows:
        if row["imd_decile"] is None or row["core20"] is None:
            not_known += row["n"]
        elif row["ward_id"] not in ward_ids:
            outside += row["n"]
        else:
            quintile = str((row["imd_decile"] + 1) // 2)
            quintile_counts[quintile] = quintile_counts.get(quintile, 0) + row["n"]
            key = "core20" if row["core20"] else "not-core20"
            core20_counts[key] = core20_counts.get(key, 0) + row["n"]

    quintile_population: dict[str, int] = {}
    core20_population: dict[str, int] = {}
    lsoas = Area.objects.filter(level=Level.LSOA, parent_id__in=ward_ids).exclude(population=None)
    for lsoa in lsoas.only("imd_decile", "core20", "population"):
        if lsoa.imd_decile is None:
            continue
        quintile = str(lsoa.imd_quintile)
        quintile_population[quintile] = quintile_population.get(quintile, 0) + lsoa.population
        key = "core20" if lsoa.core20 else "not-core20"
        core20_population[key] = core20_population.get(key, 0) + lsoa.population

    set_aside = []
    if not_known:
        set_aside.append(SetAside("Where they live is not known to the LSOA", not_known))
    if outside:
        set_aside.append(SetAside(f"Live outside {place}", outside))
    note = (
        f"Population of {place}'s LSOAs, {POPULATION_SOURCE}; quintiles are national (IMD 2019)."
        if quintile_population
        else "No population figure: the programme has no local authority with LSOAs."
    )

    quintile_groups = []
    for quintile in sorted(set(quintile_population) | set(quintile_counts)):
        suffix = {"1": " (most deprived)", "5": " (least deprived)"}.get(quintile, "")
        where = QUINTILE_WORDS.get(quintile, "neighbourhoods")
        quintile_groups.append(
            (quintile, f"IMD quintile {quintile}{suffix}", f"Residents of {where} (IMD quintile {quintile})")
        )
    # A quintile with contributors but no population can only come from a stale LSOA; set it aside.
    missing = [key for key, _, _ in quintile_groups if key not in quintile_population]
    for key in missing:
        set_aside.append(SetAside(f"IMD quintile {key}: no population figure", quintile_counts[key]))
    quintile_groups = [group for group in quintile_groups if group[0] not in missing]
    core20_groups = [
        (key, label, who)
        for key, label, who in [
            ("core20", "Core20 (most deprived 20% nationally)", "Core20 residents"),
            ("not-core20", "Not Core20", "Residents outside Core20 areas"),
        ]
        if key in core20_population
    ]
    return [
        HeardSection(
            "imd_quintile",
            "Deprivation (IMD quintile)",
            _rows(quintile_counts, quintile_groups, quintile_population or None),
            list(set_aside),
            bool(quintile_population),
            note,
        ),
        HeardSection(
            "core20",
            "Core20",
            _rows(core20_counts, core20_groups, core20_population or None),
            [item for item in set_aside if not item.label.startswith("IMD quintile")],
            bool(core20_population),
            note,
        ),
    ]


def usual_comparison(programme: Programme) -> str:
    """What a programme's contributors are compared with unless someone asks otherwise: its focus wards when
    it has some (the people it sets out to reach), else its local authority."""
    return FOCUS if focus_ward_codes(programme) else AREA


def who_we_heard_from(programme: Programme, filters: Filters, against: str = AREA) -> HeardFrom:
    """Contributors' age, sex, ethnicity, deprivation and Core20 against the population, under `filters`:
    of the local authority (AREA), or of the programme's focus wards (FOCUS, when it has some)."""
    asked = filters
    filters = comparison_filters(programme, filters, against)
    contributions = evidence(programme, filters)
    place, authority, wards = _population_areas(programme, filters)
    filtered = (
        authority is not None and len(wards) < Area.objects.filter(parent=authority, level=Level.WARD).count()
    )

    sex_groups = [(key, label, label) for key, label in equality.SEXES if key != equality.PREFER_NOT_TO_SAY]
    ethnicity_counts: dict[str, int] = {}
    for code, count in _counts(contributions, "ethnicity").items():
        group = equality.ETHNICITY_GROUP_OF.get(code, code)
        ethnicity_counts[group] = ethnicity_counts.get(group, 0) + count
    ethnicity_groups = [(group, group, group) for group, _ in equality.ETHNIC_GROUPS]

    ages = age_scope(programme)
    sections = [
        _age_section(contributions, authority, wards, filtered, place, ages),
        _uncompared_section("sex", "Sex", _counts(contributions, "sex"), sex_groups, "sex"),
        _uncompared_section("ethnicity", "Ethnic group", ethnicity_counts, ethnicity_groups, "ethnic group"),
        *_deprivation_sections(contributions, authority, wards, place),
    ]
    population = None
    if authority is not None:
        population = sum(w.population or 0 for w in wards) if filtered else authority.population
    focus = filters is not asked
    return HeardFrom(
        programme=programme,
        filters=filters,
        contributions=contributions.count(),
        population_area=f"the focus wards ({place.removesuffix(' wards').removesuffix(' ward')})"
        if focus
        else place,
        against=FOCUS if focus else AREA,
        outside_focus=evidence(programme, asked).count() - contributions.count() if focus else 0,
        population=population,
        sections=sections,
        age_mapping=_age_mapping(ages),
        ages=ages,
    )


def _age_mapping(ages: str) -> list[AgeMapping]:
    """Each contributor age band and the population band it is compared in, or why it is not. Under 16 is
    left out when adults only are assumed (no contributor was under 16, so there is nothing to map)."""
    mapping = []
    for key, label in equality.AGE_BANDS:
        if key == equality.PREFER_NOT_TO_SAY or (key == "under-16" and ages == ASSUMED_ADULTS):
            continue
        target = AGE_BAND_TO_POPULATION[key]
        if key == "under-16" and ages == ADULTS:
            mapping.append(AgeMapping(label, None, "Not compared: the programme sets out to hear adults"))
        elif target is None:
            mapping.append(AgeMapping(label, None, "Cannot be compared: spans two population bands"))
        else:
            mapping.append(AgeMapping(label, next(b[1] for b in POPULATION_AGE_BANDS if b[0] == target)))
    return mapping
