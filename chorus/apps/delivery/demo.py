"""Demo running of southend-connectors and plymouth-connected: grants with milestones and reports (one
overdue), a connector pipeline with training and supervision, a safeguarding lead and one mild concern,
neighbourhoods at different steps of the seven-step path, two rounds of Common Standards, events with
sign-in sheets. Everyone named here is fictional."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from chorus.apps.accounts.models import Role, User
from chorus.apps.engagement.models import Contribution
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.actions import change_communities_served, create_grant
from chorus.apps.programmes.models import Grant, Programme

from . import actions, pipeline, seven_steps, standards
from .models import ConnectorProfile, EventKind

FIRST_NAMES = [
    "Amara",
    "Bogdan",
    "Chloe",
    "Dev",
    "Eilidh",
    "Farah",
    "Gareth",
    "Hana",
    "Ife",
    "Jakub",
    "Kerry",
    "Leon",
    "Maya",
    "Nasra",
    "Owen",
    "Priya",
    "Rosa",
    "Sam",
    "Tomasz",
    "Uma",
    "Vera",
    "Wes",
    "Yusuf",
    "Zara",
]
LAST_NAMES = ["Ahmed", "Brown", "Costa", "Dlamini", "Evans", "Kowalski", "Lee", "Murphy", "Okafor", "Patel"]
LIVED_EXPERIENCE = [
    "Carer for a parent with dementia",
    "Lives with COPD",
    "Came to the UK as a refugee",
    "Recovering from addiction",
    "Single parent on a low income",
    "Has a learning disability",
    "Experienced homelessness",
    "Long-term condition (diabetes)",
]
LANGUAGES = [
    "English",
    "English, Polish",
    "English, Bengali",
    "English, Romanian",
    "English, Somali",
    "English, Urdu",
]
MODULES = [
    "Safeguarding adults and children",
    "Consent and data protection",
    "Listening well",
    "Recording voices",
]
COMMUNITIES = [
    "Carers; older people living alone",
    "Roma and Eastern European families",
    "People experiencing homelessness",
    "Young parents; people with learning disabilities",
    "South Asian women; people with long-term conditions",
]
GRANT_PURPOSE = "Listening to residents and bringing their voices to the programme"

PROGRAMMES = {
    # slug: (lead username, recruits, neighbourhood names, step each reached)
    "southend-connectors": (
        "lead-southend",
        30,
        ["Kursaal", "Milton", "Victoria", "Shoeburyness"],
        [7, 5, 3, 1],
    ),
    "plymouth-connected": ("analyst-plymouth", 22, ["Stonehouse", "Devonport", "Efford"], [6, 4, 2]),
}
START = date(2025, 6, 2)


def _programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise RuntimeError(f"The delivery demo needs the programme {slug!r}: load the core demo first.")
    return programme


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"The delivery demo needs the user {username!r}: load the core demo first.")
    return user


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    needed = {slug: (_programme(slug), _user(lead_name)) for slug, (lead_name, *_) in PROGRAMMES.items()}
    for slug, (_, recruits, places, reached) in PROGRAMMES.items():
        programme, lead = needed[slug]
        grants = _grants(programme, lead, rng)
        people = _pipeline(programme, lead, recruits, rng)
        _safeguarding(programme, lead, rng, raise_one=slug == "southend-connectors")
        neighbourhoods = _path(programme, lead, places, reached, rng)
        _standards(programme, lead, neighbourhoods[0], rng)
        events = _events(programme, lead, neighbourhoods, rng)
        rows, left = pipeline.funnel(
            [(p.status_changes.values_list("to_status", flat=True), p.status) for p in people]
        )
        out(
            f"  Delivery in {programme.name}: {len(grants)} grants, pipeline "
            + ", ".join(f"{r.ever} {r.label.lower()}" for r in rows)
            + f" ({left} left), {len(neighbourhoods)} neighbourhoods on the path, {events} events"
            + f" — see /delivery/{slug}/"
        )
    out("  Partner portal: sign in as partner-kursaal and open /delivery/")


def _grants(programme: Programme, lead: User, rng: random.Random) -> list[Grant]:
    for partnership in programme.partnerships.select_related("organisation"):
        organisation = partnership.organisation
        if not organisation.communities_served:
            change_communities_served(organisation, rng.choice(COMMUNITIES), by=lead)
        if not Grant.objects.filter(programme=programme, organisation=organisation).exists():
            create_grant(
                programme,
                organisation,
                amount_pence=rng.randrange(19_000, 40_001, 500) * 100,
                purpose=GRANT_PURPOSE,
                start_date=START,
                end_date=date(2027, 3, 31),
                by=lead,
            )
    grants = list(Grant.objects.filter(programme=programme).order_by("organisation__name"))
    for index, grant in enumerate(grants):
        milestones = [
            ("Volunteers recruited and trained", date(2025, 9, 30), date(2025, 9, rng.randint(10, 29))),
            (
                "First listening event held",
                date(2026, 1, 31),
                date(2026, 1, rng.randint(5, 30)) if index % 3 else None,
            ),
            ("Report back to residents", date(2027, 2, 28), None),
        ]
        for title, due_on, completed_on in milestones:
            actions.create_grant_milestone(
                grant, title=title, due_on=due_on, completed_on=completed_on, by=lead
            )
        reports = [
            ("Six-month report", date(2026, 1, 15), date(2026, 1, rng.randint(5, 14))),
            # The first partner's annual report is the overdue one.
            (
                "Annual report",
                date(2026, 7, 15),
                None if index == 0 else date(2026, 7, rng.randint(1, 14)),
            ),
            ("Final report", date(2027, 4, 30), None),
        ]
        for title, due_on, submitted_on in reports:
            actions.create_grant_report(grant, title=title, due_on=due_on, submitted_on=submitted_on, by=lead)
    return grants


def _pipeline(programme: Programme, lead: User, recruits: int, rng: random.Random) -> list[ConnectorProfile]:
    wards = list(Area.objects.filter(level=Level.WARD, parent=programme.local_authority_id).order_by("name"))
    partners = list(programme.partners.all())
    accounts = list(
        User.objects.filter(memberships__programme=programme, memberships__role=Role.CONNECTOR).order_by(
            "username"
        )
    )
    people = []
    for index in range(recruits):
        user = accounts[index] if index < len(accounts) else None
        recruited_on = START + timedelta(days=rng.randint(0, 60))
        profile = actions.recruit_connector(
            by=lead,
            programme=programme,
            name=str(user) if user else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            recruited_on=recruited_on,
            user=user,
            organisation=partners[index % len(partners)] if partners else None,
            lived_experience=rng.choice(LIVED_EXPERIENCE),
            area=rng.choice(wards) if wards else None,
            languages=rng.choice(LANGUAGES),
        )
        # Connectors with accounts are the active ones; others fall away along the funnel.
        if user is not None:
            furthest = pipeline.Stage.ACTIVE
        else:
            furthest = rng.choices(
                [
                    pipeline.Stage.RECRUITED,
                    pipeline.Stage.TRAINED,
                    pipeline.Stage.AVAILABLE,
                    pipeline.Stage.ACTIVE,
                ],
                weights=[3, 3, 4, 2],
            )[0]
        on = recruited_on
        for stage in pipeline.FUNNEL_STAGES[1 : pipeline.FUNNEL_STAGES.index(furthest) + 1]:
            on += timedelta(days=rng.randint(14, 45))
            if stage == pipeline.Stage.TRAINED:
                for module in MODULES:
                    actions.create_training_record(
                        profile, module=module, completed_on=on - timedelta(days=7), by=lead
                    )
            actions.change_connector_status(profile, stage, on=on, by=lead)
        if user is None and rng.random() < 0.25:
            on += timedelta(days=rng.randint(30, 90))
            reason = rng.choice(["Started full-time work", "Moved away", "Caring responsibilities", "Health"])
            actions.change_connector_status(profile, pipeline.Stage.LEFT, on=on, reason=reason, by=lead)
        elif furthest == pipeline.Stage.ACTIVE and user is None and rng.random() < 0.4:
            actions.change_connector_status(
                profile, pipeline.Stage.AVAILABLE, on=on + timedelta(days=60), by=lead
            )
        if profile.status_changes.filter(to_status=pipeline.Stage.ACTIVE).exists():
            actions.create_supervision_note(
                profile,
                met_on=on + timedelta(days=30),
                note="Going well; wants to shadow a focus group. Reminded about debriefs.",
                by=lead,
            )
        profile.refresh_from_db()
        people.append(profile)
    return people


def _safeguarding(programme: Programme, lead: User, rng: random.Random, *, raise_one: bool) -> None:
    actions.change_safeguarding_lead(programme, lead, by=lead)
    if not raise_one:
        return
    contribution = Contribution.objects.filter(programme=programme).exclude(recorded_by=None).order_by("pk")
    contribution = contribution[rng.randrange(min(50, contribution.count()))] if contribution else None
    by = contribution.recorded_by if contribution else lead
    actions.raise_concern(
        by=by,
        programme=programme,
        contribution=contribution,
        concern=(
            "An older man I spoke to said he has not had a hot meal for a week since his daughter moved, "
            "and seemed confused about the day. He agreed I could ask for a welfare check. (Fictional demo.)"
        ),
    )


STEP_EVIDENCE = {
    1: "Steering group of 9 met; 14 key residents named through the community hub and school gate.",
    2: "Planning workshop with 22 residents and 6 services; priorities agreed: damp, buses, GP access.",
    3: "Listening event heard 63 residents; 'You said, we did' leaflet delivered to every door 8 days later.",
    4: "Partnership constituted with terms of reference; the community centre is its hub.",
    5: "Monthly partnership meetings; visible wins: bus stop shelter restored, damp surgery at the hub.",
    6: "Four new groups: walking group, men's shed, parent and toddler, Polish-speaking coffee morning.",
    7: "Two resident coordinators funded for two years; outcomes: GP registrations, group attendance.",
}


def _path(programme, lead, places, reached, rng) -> list:
    wards = {w.name: w for w in Area.objects.filter(level=Level.WARD, parent=programme.local_authority_id)}
    made = []
    for name, last in zip(places, reached, strict=True):
        neighbourhood = actions.create_neighbourhood(
            programme, name=name, areas=[wards[name]] if name in wards else [], by=lead
        )
        on = START + timedelta(days=rng.randint(0, 30))
        for step in seven_steps.STEPS:
            if step > last + 1:
                break
            started = on
            on = on + timedelta(days=rng.randint(25, 70))
            done = step <= last
            actions.record_step(
                neighbourhood,
                step,
                started_on=started,
                completed_on=on if done else None,
                evidence=STEP_EVIDENCE[step] if done else "",
                by=lead,
            )
        made.append(neighbourhood)
    return made


def _standards(programme, lead, neighbourhood, rng) -> None:
    for neighbourhood_or_none in (None, neighbourhood):
        for round_on, lift in ((date(2025, 11, 20), 0), (date(2026, 10, 15), 1)):
            for assessor, bias in (("resident", -1), ("staff", 0)):
                scores = {
                    key: (
                        max(1, min(5, 2 + lift + bias + rng.choice([0, 1, 1]))),
                        f"{label}: examples discussed at the partnership meeting.",
                    )
                    for key, label in standards.STANDARDS.items()
                }
                actions.record_assessment(
                    programme=programme,
                    assessed_on=round_on,
                    assessor=assessor,
                    scores=scores,
                    neighbourhood=neighbourhood_or_none,
                    by=lead,
                )


def _events(programme, lead, neighbourhoods, rng) -> int:
    specs = [
        (EventKind.TRAINING, "Connector induction training", date(2025, 7, 10), "Civic centre, room 2", 20),
        (EventKind.WORKSHOP, "Planning workshop", date(2025, 10, 4), "Community hub", 30),
        (
            EventKind.LISTENING_EVENT,
            "Listening event: what would make life healthier here?",
            date(2026, 2, 7),
            "Community centre main hall",
            80,
        ),
        (EventKind.TRAINING, "Safeguarding refresher", date(2026, 5, 19), "Civic centre, room 2", 20),
        (EventKind.LISTENING_EVENT, "Listening event: one year on", date(2026, 10, 10), "Library", 60),
    ]
    for index, (kind, title, when, place, capacity) in enumerate(specs):
        event = actions.create_event(
            programme=programme,
            kind=kind,
            title=title,
            when=when,
            place=place,
            capacity=capacity,
            neighbourhood=neighbourhoods[index % len(neighbourhoods)],
            by=lead,
        )
        lines = ["name,organisation,signed_in"]
        for _ in range(rng.randint(capacity // 3, capacity)):
            organisation = rng.choice(["", "", "Resident", "Community hub", "GP practice"])
            lines.append(
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)},{organisation},"
                f"{'yes' if rng.random() < 0.9 else 'no'}"
            )
        actions.import_sign_in_sheet(event, "\n".join(lines).encode(), f"sign-in-{index + 1}.csv", by=lead)
    return len(specs)
