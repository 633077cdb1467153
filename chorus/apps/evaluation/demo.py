"""Demo evaluation: cancer screening uptake in Southend, three VCS partners, a comparator, grants and reach,
a pre/post survey and two case studies. VCKC's figures are the published ones: 1010/1712 -> 1089/1675."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from chorus.apps.accounts.models import Role, User
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.actions import create_grant, create_organisation, create_partnership
from chorus.apps.programmes.models import Organisation, OrganisationKind, Programme

from .actions.case_studies import create_case_study
from .actions.indicators import create_indicator
from .actions.interventions import create_intervention
from .actions.measurements import record_measurement
from .actions.populations import create_comparator, create_partner
from .actions.reach import record_reach
from .actions.surveys import create_survey, create_survey_item, import_survey_answers
from .models import IndicatorKind, Intervention, ItemDomain, PopulationKind

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


def _lead(programme: Programme) -> User:
    """The programme's lead (its first analyst) enters the evaluation; the administrator when it has none."""
    analysts = User.objects.filter(memberships__programme=programme, memberships__role=Role.ANALYST)
    lead = analysts.order_by("pk").first() or User.objects.filter(is_superuser=True).order_by("pk").first()
    if lead is None:
        raise RuntimeError(
            f"The evaluation demo needs an analyst of '{PROGRAMME}'; load the core demo first."
        )
    return lead


def _organisation(name: str, *, by: User) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    return organisation or create_organisation(name, kind=OrganisationKind.VCS, slug=slugify(name), by=by)


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


def _answers_csv(rows: list[tuple[str, str, str, bool]]) -> bytes:
    """Individual answers as the survey's spreadsheet holds them: respondent, statement, when, answer."""
    lines = ["respondent,statement,when,answer"]
    lines += [
        f'{key},"{statement}",{when},{"yes" if agrees else "no"}' for key, statement, when, agrees in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


@transaction.atomic
def load(rng: random.Random, out: Callable[[str], None]) -> None:
    programme = _programme()
    if Intervention.objects.filter(programme=programme, slug=SLUG).exists():
        out("  Evaluation demo already loaded.")
        return
    lead = _lead(programme)
    intervention = create_intervention(
        programme,
        name="Cancer screening uptake",
        summary=(
            "Three voluntary and community sector partners were funded to raise bowel, breast and cervical "
            "screening uptake among people least likely to take up their invitation: conversations in "
            "community venues, help with bowel screening kits, and going along to appointments."
        ),
        start_date=START,
        end_date=END,
        report_is_public=True,
        by=lead,
    )
    bowel = create_indicator(
        intervention,
        name="Bowel screening uptake",
        kind=IndicatorKind.UPTAKE,
        definition=(
            "People aged 60-74 in the population who were invited for bowel screening in the previous 12 "
            "months and returned a usable kit within 6 months of their invitation, out of everyone invited."
        ),
        by=lead,
    )
    cervical = create_indicator(
        intervention,
        name="Cervical screening coverage",
        kind=IndicatorKind.COVERAGE,
        definition=(
            "Women aged 50-64 in the population screened adequately within the last 5.5 years, out of all "
            "eligible women aged 50-64."
        ),
        by=lead,
    )
    partners = []
    for name, kind, description, ward_name, grant_pounds, reached in PARTNERS:
        organisation = _organisation(name, by=lead)
        if not programme.partnerships.filter(organisation=organisation).exists():
            create_partnership(programme, organisation, by=lead)
        partner = create_partner(
            intervention,
            organisation=organisation,
            population_kind=kind,
            population_description=description,
            area=_ward(programme, ward_name),
            by=lead,
        )
        partners.append(partner)
        create_grant(
            programme,
            organisation,
            amount_pence=grant_pounds * 100,
            purpose=GRANT_PURPOSE,
            start_date=START,
            end_date=END,
            by=lead,
        )
        record_reach(
            partner,
            period_start=START,
            period_end=END,
            residents_reached=reached,
            how_counted="People aged 60-74 who had at least one conversation about screening, counted once",
            by=lead,
        )
    comparator = create_comparator(
        intervention,
        name="Other Southend practices",
        population_kind=PopulationKind.PRACTICE,
        description="Patients aged 60-74 at Southend practices that no partner worked alongside",
        by=lead,
    )

    bowel_counts = {
        partners[0]: VCKC_COUNTS,
        partners[1]: _plausible_counts(rng, rng.randint(2300, 2500), 0.52 + rng.uniform(-0.01, 0.01), 0.035),
        partners[2]: _plausible_counts(rng, rng.randint(900, 1000), 0.47 + rng.uniform(-0.01, 0.01), 0.012),
    }
    comparator_counts = _plausible_counts(rng, rng.randint(20_500, 21_500), 0.607, 0.006)

    def measure(indicator, population, when, eligible, with_outcome) -> None:
        record_measurement(
            indicator, population, when=when, eligible=eligible, with_outcome=with_outcome, by=lead
        )

    for when, index in ((BASELINE, 0), (FOLLOW_UP, 1)):
        for partner, counts in bowel_counts.items():
            x, n = counts[index]
            measure(bowel, partner, when, n, x)
        x, n = comparator_counts[index]
        measure(bowel, comparator, when, n, x)
        for partner, base in zip(partners, (0.63, 0.66, 0.61), strict=True):
            n = rng.randint(700, 1300)
            share = base + (rng.uniform(0.005, 0.02) if index else 0)
            measure(cervical, partner, when, n, round(n * share))
        n = rng.randint(11_000, 12_000)
        measure(cervical, comparator, when, n, round(n * (0.68 + (0.002 if index else 0))))

    survey = create_survey(
        intervention,
        title="Screening conversations: before and after",
        who_was_asked=(
            "Residents who took part in a screening conversation, asked at their first conversation and "
            "again six to eight weeks later (linked by a code, not a name); the last question was asked "
            "only afterwards."
        ),
        by=lead,
    )
    people = 64
    knowledge = create_survey_item(
        survey,
        statement="I know how to do a bowel screening kit at home",
        domain=ItemDomain.KNOWLEDGE,
        by=lead,
    )
    attitude = create_survey_item(
        survey,
        statement="Screening is worth doing even when I feel well",
        domain=ItemDomain.ATTITUDE,
        by=lead,
    )
    create_survey_item(
        survey,
        statement="I am more likely to book screening when I am invited",
        domain=ItemDomain.BEHAVIOUR,
        after=(58, people),  # only the totals of this one are known
        by=lead,
    )
    answers = []
    for item, before, after in ((knowledge, 0.38, 0.83), (attitude, 0.61, 0.80)):
        for key, agreed_before, agreed_after in _paired_answers(rng, people, before, after):
            answers.append((key, item.statement, "before", agreed_before))
            answers.append((key, item.statement, "after", agreed_after))
    imported = import_survey_answers(survey, _answers_csv(answers), "answers.csv", by=lead)
    if imported.problems:
        raise RuntimeError(f"the evaluation demo's survey answers were refused: {imported.problems}")

    create_case_study(
        intervention,
        partner=partners[0],
        title="“I had put the kit in a drawer for two years”",
        text=(
            "A man in his sixties told a VCKC volunteer at a coffee morning that he had never opened his "
            "bowel screening kit because the instructions worried him. They went through it together, and he "
            "sent it off that week. His result was normal, and he has since talked two friends into doing "
            "theirs."
        ),
        consent_to_publish=True,
        publish=True,
        by=lead,
    )
    create_case_study(
        intervention,
        partner=partners[2],
        title="Going along to the appointment",
        text=(
            "A carer had missed three cervical screening invitations because she could not leave the person "
            "she cares for. The family centre arranged a sitter and a staff member went with her. She said "
            "she would not have gone otherwise, and has booked her next one herself."
        ),
        consent_to_publish=True,
        publish=True,
        by=lead,
    )
    out(
        f"  Evaluation: '{intervention.name}' in {programme.name} with {len(partners)} partners and a "
        f"comparator; see /evaluation/{programme.slug}/{SLUG}/ (report PDF at .../report.pdf; the public "
        f"version, open to anyone, at /evaluation/{programme.slug}/{SLUG}/public/)"
    )
