"""The demo: five real places with their deprivation; fictional programmes, partners and people; a few
thousand residents' voices (generated, seeded); and the public NHS Friends and Family Test comments.

Every write goes through the apps' actions, made by the person who would make it (the demo's administrator
sets up programmes and people; a connector records what residents said), so the demo is validated and
audited like real data. Every Chorus app may add to it with `chorus/apps/<app>/demo.py: load(rng, out)`,
called after the core.
"""

from __future__ import annotations

import csv
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction

from chorus.apps.accounts.actions import create_administrator, create_membership, create_user
from chorus.apps.accounts.models import Role, User
from chorus.apps.engagement.actions import ChunkRow, ContributionInput, create_contributions, fill_languages
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.places.actions import load_places
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.actions import (
    create_organisation,
    create_partnership,
    create_programme,
    create_topic,
)
from chorus.apps.programmes.models import AgesHeard, Organisation, OrganisationKind, Programme, Topic
from chorus.demo import generate_voices
from chorus.demo.fft import fft_path, open_fft
from chorus.privacy.redaction import redact_many

SEED = 2026
DEMO_PASSWORD_DEFAULT = "chorus-demo-2026"
ADMINISTRATOR = "admin"
FIRST_DAY, LAST_DAY = date(2025, 6, 2), date(2026, 11, 13)

# Activity mix: (kind, weight, participants range, contributions range)
ACTIVITY_MIX = [
    (ActivityKind.CONVERSATION, 60, (1, 1), (1, 1)),
    (ActivityKind.FOCUS_GROUP, 10, (6, 10), (4, 8)),
    (ActivityKind.LISTENING_EVENT, 8, (20, 60), (8, 20)),
    (ActivityKind.SURVEY, 4, (40, 150), (25, 70)),
    (ActivityKind.WORKSHOP, 8, (8, 15), (3, 6)),
    (ActivityKind.EVENT, 10, (30, 80), (2, 6)),
]


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    name: str
    summary: str
    la_code: str
    lead: tuple[str, OrganisationKind]
    partners: tuple[str, ...]
    focus_wards: int
    topics: tuple[str, ...]
    contributions: int
    analyst: str
    connectors: int
    board: str | None = None
    ages_heard: str = AgesHeard.ADULTS  # whom it sets out to hear by age
    analyst_title: str = "analyst"  # as people see the analyst named: "Plymouth analyst"


PROGRAMMES = [
    DemoProgramme(
        "southend-connectors",
        "Southend Core20PLUS5 community connectors",
        "Community connectors with lived experience listen to residents in Southend's six most deprived "
        "wards about what gets in the way of good health, with a focus on hypertension, COPD and early "
        "cancer diagnosis.",
        "E06000033",
        ("Southend Community Health Voice", OrganisationKind.HEALTHWATCH),
        (
            "Kursaal Community Hub",
            "Milton Community Partnership",
            "Shoebury Residents Together",
            "Westborough Family Centre",
        ),
        6,
        ("Hypertension", "Chronic respiratory disease (COPD)", "Early cancer diagnosis", "Smoking"),
        1200,
        "lead-southend",
        6,
        "board-southend",
        analyst_title="programme lead",
    ),
    DemoProgramme(
        "plymouth-connected",
        "Plymouth healthy communities: feeling connected",
        "Community researchers talk with residents about what helps or stops people feeling connected, and "
        "map how loneliness, transport, money and health drive each other.",
        "E06000026",
        ("Plymouth Healthy Communities Alliance", OrganisationKind.COUNCIL),
        ("Stonehouse Community Kitchen", "Devonport Connect", "Efford Wellbeing Hub"),
        5,
        ("Social isolation", "Mental wellbeing"),
        800,
        "analyst-plymouth",
        4,
        "board-plymouth",
    ),
    DemoProgramme(
        "hackney-listening",
        "Listening to Hackney: health inequalities",
        "Listening events and conversations on estates across Hackney about getting care, money and housing.",
        "E09000012",
        ("Hackney Community Voice", OrganisationKind.HEALTHWATCH),
        ("Dalston Community Voice", "Homerton Estates Forum"),
        4,
        ("Access to primary care", "Housing and health"),
        500,
        "analyst-hackney",
        3,
        # Left unset, as a programme made before the setting would be: its age comparison is inferred.
        ages_heard=AgesHeard.NOT_SET,
    ),
    DemoProgramme(
        "church-street",
        "Church Street neighbourhood health",
        "A neighbourhood partnership in north Westminster listening to residents about air quality, housing "
        "and services, using the seven-step community path.",
        "E09000033",
        ("Church Street Neighbourhood Forum", OrganisationKind.VCS),
        ("Church Street Family Hub",),
        3,
        ("Air quality", "Children and families"),
        350,
        "analyst-westminster",
        2,
        # It means to hear families, children included; the demo's voices are all 16 or over, so children
        # show as under-heard.
        ages_heard=AgesHeard.EVERYONE,
    ),
    DemoProgramme(
        "north-kensington",
        "North Kensington community health conversations",
        "Residents of north Kensington talk about trust in services, mental health and housing.",
        "E09000020",
        ("North Kensington Community Health Network", OrganisationKind.VCS),
        ("Golborne Residents Forum",),
        3,
        ("Trust in services", "Mental wellbeing"),
        350,
        "analyst-kensington",
        2,
    ),
]


def demo_password() -> str:
    return settings.CHORUS_DEMO_PASSWORD or DEMO_PASSWORD_DEFAULT


def slugify_name(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-").replace("--", "-")


def administrator() -> User:
    """The demo's administrator, who sets up its programmes and people; made by the site's first
    administrator when there is one already, else the first itself."""
    admin = User.objects.filter(username=ADMINISTRATOR).first()
    if admin is None:
        admin = create_administrator(
            ADMINISTRATOR,
            display_name="Demo administrator",
            email=f"{ADMINISTRATOR}@example.org",
            password=demo_password(),
            by=User.objects.filter(is_superuser=True).order_by("pk").first(),
        )
    return admin


def _user(username: str, display_name: str, *memberships: tuple, by: User) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(
            username,
            display_name=display_name,
            email=f"{username}@example.org",
            password=demo_password(),
            by=by,
        )
    for role, programme, organisation in memberships:
        if not user.memberships.filter(role=role, programme=programme, organisation=organisation).exists():
            create_membership(user, role=role, programme=programme, organisation=organisation, by=by)
    return user


def _organisation(name: str, kind: OrganisationKind, *, by: User) -> Organisation:
    slug = slugify_name(name)
    found = Organisation.objects.filter(slug=slug).first()
    return found or create_organisation(name, kind=kind, slug=slug, by=by)


def _topic(name: str, *, by: User) -> Topic:
    slug = slugify_name(name)
    return Topic.objects.filter(slug=slug).first() or create_topic(name, slug=slug, by=by)


def _random_day(rng: random.Random) -> date:
    # later dates are more likely: programmes grow
    span = (LAST_DAY - FIRST_DAY).days
    return FIRST_DAY + timedelta(days=int(span * rng.random() ** 0.7))


def _create_programme(
    spec: DemoProgramme, rng: random.Random, out: Callable[[str], None], scale: float, *, by: User
) -> Programme:
    authority = Area.objects.get(code=spec.la_code)
    wards = list(
        Area.objects.filter(level=Level.WARD, parent=authority).order_by("-core20_population_share", "name")
    )
    focus = wards[: spec.focus_wards]
    programme = create_programme(
        spec.slug,
        name=spec.name,
        summary=spec.summary,
        lead_organisation=_organisation(*spec.lead, by=by),
        local_authority=authority,
        start_date=FIRST_DAY,
        is_public=True,
        focus_areas=focus,
        priority_topics=[_topic(topic, by=by) for topic in spec.topics],
        ages_heard=spec.ages_heard,
        by=by,
    )
    partners = [_organisation(name, OrganisationKind.VCS, by=by) for name in spec.partners]
    for partner in partners:
        create_partnership(
            programme,
            partner,
            joined_on=FIRST_DAY,
            areas_served=rng.sample(focus, k=min(2, len(focus))),
            by=by,
        )
    place = spec.slug.split("-")[0]
    analyst = _user(
        spec.analyst, f"{authority.name} {spec.analyst_title}", (Role.ANALYST, programme, None), by=by
    )
    partner_members = [
        _user(
            f"partner-{slugify_name(p.name).split('-')[0]}",
            f"{p.name} (partner)",
            (Role.PARTNER, programme, p),
            by=by,
        )
        for p in partners
    ]
    connectors = [
        _user(
            f"connector-{place}" + (f"-{i + 1}" if i else ""),
            f"Connector {i + 1}, {authority.name}",
            (Role.CONNECTOR, programme, partners[i % len(partners)]),
            by=by,
        )
        for i in range(spec.connectors)
    ]
    if spec.board:
        board = _organisation(
            f"{authority.name} Health and Wellbeing Board", OrganisationKind.DECISION_BODY, by=by
        )
        _user(spec.board, f"{board.name} member", (Role.DECISION_MAKER, programme, board), by=by)
    _create_activities(
        spec,
        programme,
        authority,
        focus,
        wards,
        partners,
        connectors + partner_members + [analyst],
        rng,
        max(1, round(spec.contributions * scale)),
        first_recorders=connectors,
    )
    out(
        f"  {programme.name}: {programme.contributions.count()} contributions in "
        f"{programme.activities.count()} activities; focus wards {', '.join(w.name for w in focus)}"
    )
    return programme


def _pick_activity_kind(rng: random.Random):
    kinds = [m for m in ACTIVITY_MIX]
    return rng.choices(kinds, weights=[m[1] for m in kinds])[0]


def _create_activities(
    spec, programme, authority, focus, wards, partners, recorders, rng, total: int, first_recorders=()
) -> None:
    """`first_recorders` record the first activities, one each, so every connector signing in to the demo
    finds conversations of their own on their home page."""
    lsoas_by_ward = {w.pk: list(w.children.filter(level=Level.LSOA)) for w in wards}
    made = 0
    activities = 0
    while made < total:
        kind, _, participants_range, contributions_range = _pick_activity_kind(rng)
        ward = rng.choice(focus) if rng.random() < 0.75 else rng.choice(wards)
        recorder = rng.choice(recorders)
        if activities < len(first_recorders):
            recorder = first_recorders[activities]
        activities += 1
        partner = recorder.memberships.filter(programme=programme).exclude(organisation=None).first()
        n = min(rng.randint(*contributions_range), total - made)
        activity = Activity(  # saved by create_contributions, with its first contributions
            programme=programme,
            kind=kind,
            date=_random_day(rng),
            area=ward,
            recorded_by=recorder,
            partner=partner.organisation if partner else rng.choice(partners),
            participants=max(n, rng.randint(*participants_range)),
            title=f"{ActivityKind(kind).label} in {ward.name}",
        )
        voices = generate_voices(rng, authority.code, n, [ward.name])
        rows = []
        for voice, redacted in zip(voices, redact_many([v.text for v in voices]), strict=True):
            lsoa = (
                rng.choice(lsoas_by_ward[ward.pk]) if lsoas_by_ward[ward.pk] and rng.random() < 0.7 else None
            )
            data = ContributionInput(
                text=redacted.text,
                already_redacted=True,
                ward=ward,
                lsoa=lsoa,
                consent_quote=voice.consent_quote,
                consent_open_data=voice.consent_open_data,
                consent_recontact=voice.consent_recontact,
                age_band=voice.age_band or "",
                sex=voice.sex or "",
                gender_identity_same=voice.gender_identity_same or "",
                ethnicity=voice.ethnicity or "",
                disability=voice.disability or "",
                carer=voice.carer or "",
                answers={"demo_topics": list(voice.topics), "demo_sentiment": voice.sentiment},
            )
            rows.append(ChunkRow(data))
        _add_all(activity, rows, by=recorder)
        made += n


def _add_all(activity: Activity, rows: list[ChunkRow], *, by: User) -> None:
    """create_contributions, refusing nothing: a demo row the action refuses is a bug in the demo."""
    refused = [
        result.problem
        for result in create_contributions(activity, rows, by=by)
        if result.status != "imported"
    ]
    if refused:
        raise RuntimeError(f"the demo's contributions to {activity.title} were refused: {refused}")


def _fft_date(text: str) -> date:
    """The FFT file mixes UK (30/09/2021) and US (10/17/2021) dates; UK first, as its source is English."""
    for pattern in ("%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {text!r} in the FFT file")


def _load_fft(data_dir: Path, out: Callable[[str], None], limit: int | None = None, *, by: User) -> Programme:
    """The public FFT comments, as the administrator would import them: one activity a trust and month."""
    programme = create_programme(
        "nhs-fft",
        name="NHS patient feedback (Friends and Family Test)",
        lead_organisation=_organisation("NHS England (public FFT data)", OrganisationKind.NHS, by=by),
        summary="Public Friends and Family Test comments from two NHS trusts (2021-22), labelled by people "
        "with the NHS patient-experience framework. MIT licence, (c) NHS England (pxtextmining).",
        is_public=True,
        ages_heard=AgesHeard.EVERYONE,  # patients of every age answer the FFT
        by=by,
    )
    path = fft_path(data_dir)
    if path is None:
        raise FileNotFoundError(f"the NHS FFT comments are not under {data_dir / 'feedback'}")
    with open_fft(path) as handle:
        rows = [row for row in csv.DictReader(handle) if (row.get("FFT answer") or "").strip()][:limit]
    activities: dict[tuple[str, str], tuple[Activity, list[ChunkRow]]] = {}
    redacted_texts = [r.text for r in redact_many([row["FFT answer"] for row in rows])]
    for row, text in zip(rows, redacted_texts, strict=True):
        when = _fft_date(row["Date"])
        key = (row["Trust"], when.strftime("%Y-%m"))
        if key not in activities:
            activity = Activity(
                programme=programme,
                kind=ActivityKind.PATIENT_FEEDBACK,
                date=when.replace(day=1),
                title=f"Friends and Family Test, {row['Trust']}, {when:%B %Y}",
                participants=0,
                source="NHS FFT public data (pxtextmining)",
            )
            activities[key] = (activity, [])
        activity, chunk = activities[key]
        activity.participants += 1
        chunk.append(
            ChunkRow(
                ContributionInput(
                    text=text,
                    already_redacted=True,
                    consent_quote=True,
                    consent_open_data=True,
                    consent_recontact=False,
                    answers={
                        "Trust": row["Trust"],
                        "Service type": row["Service type 1"],
                        "FFT question": row["FFT question"],
                        "FFT rating": row["FFT categorical answer"],
                    },
                ),
                submission_key=f"fft:{row['Comment ID']}",
            )
        )
    for activity, chunk in activities.values():
        _add_all(activity, chunk, by=by)
    out(f"  {programme.name}: {len(rows)} comments")
    return programme


def app_demo_modules() -> list:
    """`chorus.apps.<app>.demo` modules, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("chorus.apps.") or config.name == "chorus.apps.demo":
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
    return modules


def sign_ins() -> list[tuple[str, str]]:
    people = User.objects.filter(
        username__in=[
            "admin",
            "lead-southend",
            "partner-kursaal",
            "connector-southend",
            "board-southend",
            "analyst-plymouth",
        ]
    ).order_by("username")
    roles = {
        "admin": "administrator (everything, and the admin site)",
        "lead-southend": "programme lead / analyst, Southend",
        "partner-kursaal": "partner member, Kursaal Community Hub",
        "connector-southend": "community connector, Southend (records conversations)",
        "board-southend": "decision-maker, Southend Health and Wellbeing Board",
        "analyst-plymouth": "analyst, Plymouth",
    }
    return [(user.username, roles[user.username]) for user in people]


def load_demo(
    data_dir: Path,
    *,
    seed: int = SEED,
    out: Callable[[str], None] = print,
    scale: float = 1.0,
    fft_limit: int | None = None,
) -> bool:
    """Load the demo once. Returns False (and changes nothing) when it is already there.

    `scale` and `fft_limit` shrink it for tests; the demo itself uses the full size.
    """
    if Programme.objects.filter(slug="southend-connectors").exists():
        return False
    rng = random.Random(seed)
    with transaction.atomic():
        admin = administrator()
        out("Loading places: five local authorities with their wards, LSOAs and IMD 2019")
        notes = load_places(by=admin)
        out(
            f"  {Area.objects.count()} areas; {len(notes)} LSOAs placed in redrawn wards by centroid "
            "(Westminster)"
        )
        out("Loading programmes, partners, people and residents' voices")
        for spec in PROGRAMMES:
            _create_programme(spec, rng, out, scale, by=admin)
        _load_fft(data_dir, out, fft_limit, by=admin)
        for module in app_demo_modules():
            module.load(rng, out)
        # Every contribution is given its language as it is stored; this fills any added another way.
        filled = fill_languages(by=admin)
        if filled:
            out(f"  languages detected for {filled} contributions that had none")
    out(
        f"Demo loaded: {Contribution.objects.count()} contributions in {Activity.objects.count()} activities."
    )
    return True
