"""Demo "you said, we did" for Southend and Plymouth: three priorities each (damp and mould, GP access,
buses and isolation) from the demo contributions, residents' proposals, a Health and Wellbeing Board
meeting with decisions, actions (one overdue), feedback (some sent, one overdue) and residents' answers, and
residents waiting to hear back by email or text, with made-up example contact details (example.org addresses,
Ofcom's 07700 900xxx drama numbers).
Called by the core demo (chorus.apps.demo.loader) after the programmes and voices exist."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chorus.apps.accounts.models import User
from chorus.apps.engagement.models import ActivityKind, Contribution
from chorus.apps.programmes.models import Organisation, OrganisationKind, Programme

from . import queries
from .actions.action_items import create_action, record_progress
from .actions.assessments import record_assessment
from .actions.feedback import owe_what_we_heard, record_contact, send_feedback
from .actions.meetings import create_decision_body, create_meeting, record_decision
from .actions.priorities import create_priority, create_proposal
from .models import AssessmentSource, BodyKind, Channel, Difference, Listened, Outcome, Priority

PROGRAMMES = {"southend-connectors": "lead-southend", "plymouth-connected": "analyst-plymouth"}
MEETING_DAY = date(2026, 10, 15)
EVIDENCE_PER_PRIORITY = 60
EMAILS_PER_PROGRAMME = 8
MOBILES_PER_PROGRAMME = 5

THEMES = [
    {
        "title": "Warm, dry homes without damp and mould",
        "theme": "Damp and mould",
        "keywords": ("damp", "mould"),
        "summary": "Residents in rented homes live with damp and mould that they link to their children's "
        "asthma and their own chest problems. Reports to landlords go unanswered.",
        "proposals": [
            (
                "A damp hotline run with tenants",
                "One number to report damp, with a home visit within two weeks.",
                "Tenants' association",
            ),
            (
                "Name landlords who do not act",
                "A public list of landlords with open damp reports.",
                "Residents at the listening event",
            ),
        ],
    },
    {
        "title": "Getting a GP appointment",
        "theme": "GP access",
        "keywords": ("gp", "appointment", "surgery"),
        "summary": "People ring at 8am and cannot get through; those without a smartphone or good English "
        "find the online system hardest.",
        "proposals": [
            (
                "Walk-in help to book",
                "Volunteers in community hubs helping people book and use the NHS App.",
                "Community hub users",
            ),
        ],
    },
    {
        "title": "Buses that let people get out",
        "theme": "Buses and isolation",
        "keywords": ("bus", "lonely", "isolat"),
        "summary": "Cuts to evening and Sunday buses leave older and disabled residents stuck at home, "
        "missing appointments and seeing nobody.",
        "proposals": [
            (
                "Community transport on Sundays",
                "A volunteer minibus for Sunday shopping and visits.",
                "Older people's forum",
            ),
        ],
    },
]


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _get_programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise RuntimeError(f"The accountability demo needs the programme {slug!r}: load the core demo first.")
    return programme


def _get_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"The accountability demo needs the user {username!r}: load the core demo first.")
    return user


def _evidence(programme: Programme, keywords: tuple[str, ...], rng: random.Random) -> list[Contribution]:
    matching = Q()
    for word in keywords:
        matching |= Q(text__icontains=word)
    found = list(programme.contributions.filter(matching).order_by("pk"))
    return sorted(rng.sample(found, k=min(EVIDENCE_PER_PRIORITY, len(found))), key=lambda c: c.pk)


def _quotes(evidence: list[Contribution], rng: random.Random) -> list[Contribution]:
    quotable = [c for c in evidence if c.consent_quote and 40 <= len(c.text) <= 220 and "[" not in c.text]
    return rng.sample(quotable, k=min(2, len(quotable)))


def _owner(programme: Programme) -> Organisation:
    owner = programme.lead_organisation or programme.partners.first()
    if owner is None:
        raise RuntimeError(f"{programme} has no lead organisation or partner to own actions.")
    return owner


def _example_email(programme: Programme, n: int) -> str:
    return f"resident.{programme.slug.split('-')[0]}.{n}@example.org"


def _example_mobile(programme: Programme, n: int) -> str:
    # Ofcom's drama range, never a real resident's: 07700 900000 to 900999.
    offset = 500 if programme.slug.startswith("plymouth") else 100
    return f"07700 900{offset + n:03d}"


def _hear_back(lead: User, activity, residents: int, contact_for: Callable[[Programme, int], str]) -> int:
    """Residents at `activity` who asked to hear back leave made-up, clearly example contact details, so the
    feedback pages show who will be told and how. The first of them spoke twice: one participant, one
    message. Returns how many residents have contact details."""
    agreed = list(activity.contributions.filter(consent_recontact=True, participant=None).order_by("pk"))
    # Its own random choice, so the rest of the demo (residents' answers) is the same with or without it.
    chosen = random.Random(activity.pk).sample(agreed, k=min(len(agreed), residents + 1))
    for n, contribution in enumerate(chosen[:residents], start=1):
        record_contact(by=lead, contribution=contribution, contact=contact_for(activity.programme, n))
    if len(chosen) > residents:  # the resident who spoke twice gives the same details again
        record_contact(by=lead, contribution=chosen[residents], contact=contact_for(activity.programme, 1))
    return min(len(chosen), residents)


def _load_programme(programme: Programme, lead: User, rng: random.Random) -> dict[str, int]:
    priorities: list[Priority] = []
    proposals = []
    for spec in THEMES:
        evidence = _evidence(programme, spec["keywords"], rng)
        priority = create_priority(
            by=lead,
            programme=programme,
            title=spec["title"],
            theme=spec["theme"],
            summary=spec["summary"],
            contributions=evidence,
            quotes=_quotes(evidence, rng),
            is_public=True,
        )
        priorities.append(priority)
        for title, description, group in spec["proposals"]:
            proposals.append(
                create_proposal(by=lead, priority=priority, title=title, description=description, group=group)
            )
    place = programme.local_authority.name if programme.local_authority else programme.name
    hwbb_org = Organisation.objects.filter(
        kind=OrganisationKind.DECISION_BODY,
        name__icontains="Health and Wellbeing Board",
        name__startswith=place,
    ).first()
    body = create_decision_body(
        by=lead,
        programme=programme,
        name=f"{place} Health and Wellbeing Board",
        kind=BodyKind.HWBB,
        organisation=hwbb_org,
    )
    meeting = create_meeting(
        by=lead,
        body=body,
        title="Health and Wellbeing Board",
        date=MEETING_DAY,
        priorities=priorities,
        proposals=proposals,
        location="Civic Centre",
    )
    damp, gp, buses = priorities
    owner = _owner(programme)
    accepted = record_decision(
        by=lead,
        meeting=meeting,
        priority=damp,
        outcome=Outcome.ACCEPTED,
        summary="Fund a damp hotline run with the tenants' association and write to every landlord named.",
        owner=owner,
        due_date=date(2027, 3, 31),
        proposal=damp.proposals.first(),
    )
    referred = record_decision(
        by=lead,
        meeting=meeting,
        priority=gp,
        outcome=Outcome.REFERRED,
        summary="Ask the integrated care board to fund booking help in community hubs.",
        referred_to="the integrated care board's primary care committee",
        feedback_channel=Channel.NEWSLETTER,
    )
    deferred = record_decision(
        by=lead,
        meeting=meeting,
        priority=buses,
        outcome=Outcome.DEFERRED,
        summary="Come back in January with the costs of a Sunday community minibus.",
        reason="The bus contract is renegotiated in December.",
        feedback_channel=Channel.EVENT,
    )
    hotline = create_action(
        by=lead,
        priority=damp,
        decision=accepted,
        title="Open the damp hotline",
        owner=owner,
        due_date=date(2027, 1, 31),
    )
    record_progress(
        by=lead, action=hotline, status="in-progress", note="Line and rota agreed.", today=date(2026, 11, 2)
    )
    create_action(  # overdue: nobody has written to the landlords yet
        by=lead,
        priority=damp,
        decision=accepted,
        title="Write to landlords with open damp reports",
        owner=owner,
        due_date=date(2026, 10, 31),
    )
    minibus = create_action(
        by=lead,
        priority=buses,
        decision=deferred,
        title="Cost a Sunday community minibus",
        owner=owner,
        due_date=date(2027, 1, 15),
    )
    record_progress(
        by=lead, action=minibus, status="done", note="Costs to January's board.", today=date(2026, 11, 10)
    )

    # Feedback: what happened after the damp and GP decisions is sent; after the buses decision it is overdue.
    sent = []
    for decision, day, message in [
        (accepted, date(2026, 10, 22), "You told us about damp and mould. The board agreed a damp hotline."),
        (referred, date(2026, 10, 27), "You told us about GP appointments. The board asked the ICB to act."),
    ]:
        item = decision.feedback.get()
        send_feedback(by=lead, item=item, message=message, now=_noon(day))
        sent.append(item)
    events = list(programme.activities.filter(kind=ActivityKind.LISTENING_EVENT).order_by("-date", "-id")[:2])
    if events:
        heard = owe_what_we_heard(by=lead, activity=events[-1], channel=Channel.NEWSLETTER)
        send_feedback(
            by=lead,
            item=heard,
            message="Thank you for coming. Here is what we heard.",
            now=_noon(min(heard.due_date, date(2026, 11, 13))),
        )
        sent.append(heard)
    contacts = 0
    if len(events) == 2:
        owe_what_we_heard(by=lead, activity=events[0], channel=Channel.EMAIL)  # not yet sent
        contacts += _hear_back(lead, events[0], EMAILS_PER_PROGRAMME, _example_email)
    texted = (
        programme.activities.exclude(kind=ActivityKind.LISTENING_EVENT)
        .filter(contributions__consent_recontact=True, feedback=None)
        .order_by("-date", "-id")
        .first()
    )
    if texted is not None:
        owe_what_we_heard(by=lead, activity=texted, channel=Channel.SMS)  # not yet sent
        contacts += _hear_back(lead, texted, MOBILES_PER_PROGRAMME, _example_mobile)

    # Residents' answers after feedback, over the following weeks.
    answers = 0
    for item in sent:
        residents = list(queries.contributions_owed(item).filter(consent_recontact=True).order_by("pk"))
        for contribution in rng.sample(residents, k=min(len(residents), rng.randint(15, 30))):
            listened = rng.choices(list(Listened.values), weights=[5, 3, 2])[0]
            difference = rng.choices(list(Difference.values), weights=[2, 4, 3, 1, 1])[0]
            source = rng.choice([AssessmentSource.LINK, AssessmentSource.CONNECTOR])
            record_assessment(
                feedback=item,
                listened=listened,
                difference=difference,
                source=source,
                contribution=contribution,
                now=_noon(item.sent_on + timedelta(days=rng.randint(1, 25))),
                # Through the link the resident answers alone; else whoever heard them first asks again.
                by=(contribution.recorded_by or lead) if source == AssessmentSource.CONNECTOR else None,
            )
            answers += 1
    return {"priorities": len(priorities), "decisions": 3, "answers": answers, "contacts": contacts}


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    out("Loading 'you said, we did': priorities, a board meeting, decisions, actions, feedback, answers")
    with transaction.atomic():
        for slug, username in PROGRAMMES.items():
            programme, lead = _get_programme(slug), _get_user(username)
            made = _load_programme(programme, lead, rng)
            out(
                f"  {programme.name}: {made['priorities']} priorities, {made['decisions']} decisions, "
                f"{made['answers']} residents' answers, {made['contacts']} residents to tell by email or "
                f"text; public page /public/{slug}/you-said-we-did/"
            )
    out("  Sign in as lead-southend and open /priorities/, /meetings/, /actions/ and /feedback/")
