"""Demo evaluation: cancer screening uptake in Southend, three VCS partners, a comparator, grants and reach,
a pre/post survey and two case studies. VCKC's figures are the published ones: 1010/1712 -> 1089/1675."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Grant, Organisation, OrganisationKind, Partnership, Programme

from .models import (
    CaseStudy,
    ComparatorPopulation,
    IndicatorKind,
    Intervention,
    InterventionPartner,
    ItemDomain,
    Measurement,
    OutcomeIndicator,
    PopulationKind,
    Reach,
    Survey,
    SurveyItem,
    SurveyResponse,
    SurveyTally,
    Wave,
)

PROGRAMME = "southend-connectors"
SLUG = "cancer-screening-uptake"
BASELINE, FOLLOW_UP = date(2024, 3, 31), date(2025, 3, 31)
START, END = date(2024, 4, 1), date(2025, 3, 31)
GRANT_PURPOSE = "Community outreach to raise bowel, breast and cervical screening uptake"

# (organisation name, population kind, who is eligible, ward for the area, grant in pounds, reached)
PARTNERS = [
    (
        "VCKC",
        PopulationKind.PRACTICE,
        "Patients aged 60-74 registered at the two practices VCKC works alongside",
        "Kursaal",
        40_000,
        612,
    ),
    (
        "Kursaal Community Hub",
        PopulationKind.WARD,
        "Residents aged 60-74 living in Kursaal and Milton wards",
        "Milton",
        26_500,
        438,
    ),
    (
        "Westborough Family Centre",
        PopulationKind.CLIENT_GROUP,
        "Carers and parents aged 60-74 using the centre, and their households",
        "Westborough",
        19_000,
        251,
    ),
]
VCKC_COUNTS = ((1010, 1712), (1089, 1675))


def _programme() -> Programme:
    programme = Programme.objects.filter(slug=PROGRAMME).first()
    if programme is None:
        raise RuntimeError(
            f"The evaluation demo needs the programme '{PROGRAMME}'; load the core demo first."
        )
    return programme


def _organisation(name: str) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(name=name, slug=slugify(name), kind=OrganisationKind.VCS)
    return organisation


def _ward(programme: Programme, name: str) -> Area | None:
    return Area.objects.filter(level=Level.WARD, name=name, parent_id=programme.local_authority_id).first()


def _plausible_counts(
    rng: random.Random, eligible: int, before: float, gain: float
) -> tuple[tuple[int, int], ...]:
    follow_up_eligible = eligible + rng.randint(-60, 40)
    return (
        (round(eligible * before), eligible),
        (round(follow_up_eligible * (before + gain)), follow_up_eligible),
    )


def _paired_answers(
    rng: random.Random, people: int, before: float, after: float
) -> list[tuple[str, bool, bool]]:
    """(key, before, after) for people answering twice; those who agreed before mostly still agree."""
    answers = []
    for index in range(people):
        agreed_before = rng.random() < before
        # Keep the after share near `after`: everyone who agreed stays likely to; others may change.
        switch_to_yes = (after - before * 0.95) / max(1e-9, 1 - before)
        agreed_after = rng.random() < 0.95 if agreed_before else rng.random() < switch_to_yes
        answers.append((f"R{index + 1:03d}", agreed_before, agreed_after))
    return answers


@transaction.atomic
def load(rng: random.Random, out: Callable[[str], None]) -> None:
    programme = _programme()
    if Intervention.objects.filter(programme=programme, slug=SLUG).exists():
        out("  Evaluation demo already loaded.")
        return
    intervention = Intervention.objects.create(
        programme=programme,
        slug=SLUG,
        name="Cancer screening uptake",
        summary=(
            "Three voluntary and community sector partners were funded to raise bowel, breast and cervical "
            "screening uptake among people least likely to take up their invitation: conversations in "
            "community venues, help with bowel screening kits, and going along to appointments."
        ),
        start_date=START,
        end_date=END,
        report_is_public=True,
    )
    bowel = OutcomeIndicator.objects.create(
        intervention=intervention,
        name="Bowel screening uptake",
        kind=IndicatorKind.UPTAKE,
        definition=(
            "People aged 60-74 in the population who were invited for bowel screening in the previous 12 "
            "months and returned a usable kit within 6 months of their invitation, out of everyone invited."
        ),
    )
    cervical = OutcomeIndicator.objects.create(
        intervention=intervention,
        name="Cervical screening coverage",
        kind=IndicatorKind.COVERAGE,
        definition=(
            "Women aged 50-64 in the population screened adequately within the last 5.5 years, out of all "
            "eligible women aged 50-64."
        ),
    )
    partners = []
    for name, kind, description, ward_name, grant_pounds, reached in PARTNERS:
        organisation = _organisation(name)
        Partnership.objects.get_or_create(programme=programme, organisation=organisation)
        partner = InterventionPartner.objects.create(
            intervention=intervention,
            organisation=organisation,
            population_kind=kind,
            population_description=description,
            area=_ward(programme, ward_name),
        )
        partners.append(partner)
        Grant.objects.create(
            programme=programme,
            organisation=organisation,
            amount_pence=grant_pounds * 100,
            purpose=GRANT_PURPOSE,
            start_date=START,
            end_date=END,
        )
        Reach.objects.create(
            partner=partner,
            period_start=START,
            period_end=END,
            residents_reached=reached,
            how_counted="People aged 60-74 who had at least one conversation about screening, counted once",
        )
    comparator = ComparatorPopulation.objects.create(
        intervention=intervention,
        name="Other Southend practices",
        population_kind=PopulationKind.PRACTICE,
        description="Patients aged 60-74 at Southend practices that no partner worked alongside",
    )

    bowel_counts = {
        partners[0]: VCKC_COUNTS,
        partners[1]: _plausible_counts(rng, rng.randint(2300, 2500), 0.52 + rng.uniform(-0.01, 0.01), 0.035),
        partners[2]: _plausible_counts(rng, rng.randint(900, 1000), 0.47 + rng.uniform(-0.01, 0.01), 0.012),
    }
    comparator_counts = _plausible_counts(rng, rng.randint(20_500, 21_500), 0.607, 0.006)
    for when, index in ((BASELINE, 0), (FOLLOW_UP, 1)):
        for partner, counts in bowel_counts.items():
            x, n = counts[index]
            Measurement.objects.create(
                indicator=bowel, partner=partner, date=when, eligible=n, with_outcome=x
            )
        x, n = comparator_counts[index]
        Measurement.objects.create(
            indicator=bowel, comparator=comparator, date=when, eligible=n, with_outcome=x
        )
        for partner, base in zip(partners, (0.63, 0.66, 0.61), strict=True):
            n = rng.randint(700, 1300)
            share = base + (rng.uniform(0.005, 0.02) if index else 0)
            Measurement.objects.create(
                indicator=cervical, partner=partner, date=when, eligible=n, with_outcome=round(n * share)
            )
        n = rng.randint(11_000, 12_000)
        Measurement.objects.create(
            indicator=cervical,
            comparator=comparator,
            date=when,
            eligible=n,
            with_outcome=round(n * (0.68 + (0.002 if index else 0))),
        )

    survey = Survey.objects.create(
        intervention=intervention,
        title="Screening conversations: before and after",
        who_was_asked=(
            "Residents who took part in a screening conversation, asked at their first conversation and "
            "again six to eight weeks later (linked by a code, not a name); the last question was asked "
            "only afterwards."
        ),
    )
    knowledge = SurveyItem.objects.create(
        survey=survey,
        statement="I know how to do a bowel screening kit at home",
        domain=ItemDomain.KNOWLEDGE,
        position=1,
    )
    attitude = SurveyItem.objects.create(
        survey=survey,
        statement="Screening is worth doing even when I feel well",
        domain=ItemDomain.ATTITUDE,
        position=2,
    )
    likely = SurveyItem.objects.create(
        survey=survey,
        statement="I am more likely to book screening when I am invited",
        domain=ItemDomain.BEHAVIOUR,
        position=3,
    )
    people = 64
    for item, before, after in ((knowledge, 0.38, 0.83), (attitude, 0.61, 0.80)):
        for key, agreed_before, agreed_after in _paired_answers(rng, people, before, after):
            SurveyResponse.objects.create(item=item, wave=Wave.PRE, respondent_key=key, agrees=agreed_before)
            SurveyResponse.objects.create(item=item, wave=Wave.POST, respondent_key=key, agrees=agreed_after)
    SurveyTally.objects.create(item=likely, wave=Wave.POST, respondents=people, agreeing=58)

    CaseStudy.objects.create(
        intervention=intervention,
        partner=partners[0],
        title="“I had put the kit in a drawer for two years”",
        text=(
            "A man in his sixties told a VCKC volunteer at a coffee morning that he had never opened his "
            "bowel screening kit because the instructions worried him. They went through it together, and he "
            "sent it off that week. His result was normal, and he has since talked two friends into doing "
            "theirs."
        ),
        consent_to_publish=True,
        published=True,
    )
    CaseStudy.objects.create(
        intervention=intervention,
        partner=partners[2],
        title="Going along to the appointment",
        text=(
            "A carer had missed three cervical screening invitations because she could not leave the person "
            "she cares for. The family centre arranged a sitter and a staff member went with her. She said "
            "she would not have gone otherwise, and has booked her next one herself."
        ),
        consent_to_publish=True,
        published=True,
    )
    out(
        f"  Evaluation: '{intervention.name}' in {programme.name} with {len(partners)} partners and a "
        f"comparator; see /evaluation/{programme.slug}/{SLUG}/ (report PDF at .../report.pdf; the public "
        f"version, open to anyone, at /evaluation/{programme.slug}/{SLUG}/public/)"
    )
