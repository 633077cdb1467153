"""Demo coding: codebooks in every demo programme, contributions coded by the model, each programme's analyst
teaching Chorus for a few rounds (answering the questions it asks, with the topics the demo's residents really
spoke of), some reviewed by the Southend lead, the NHS FFT comments coded by a model trained on part of their
published labels, and the emerging issues of Southend.

The generated voices (chorus.demo) speak only of topics the starter codebook has, so nothing in them is new.
To show what an emerging issue looks like, Southend also hears, in its last weeks, about something the
codebook lacks: local pharmacies closing and medicines running short (fictional, like all demo voices)."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from datetime import timedelta

from chorus.apps.accounts.models import Role, User
from chorus.apps.engagement.actions import ChunkRow, ContributionInput, create_contributions
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.programmes.models import Programme
from chorus.demo.fft import default_data_dir, fft_path, open_fft

from .actions.codebooks import create_starter_codebook
from .actions.discovery import run_discovery, start_discovery
from .actions.emerging import run_emerging, start_emerging
from .actions.review import import_labels, review
from .actions.runs import run_coding, start_coding
from .actions.teaching import answer
from .models import Codebook, ModelRun, TeachAnswer, Theme
from .queries import questions_to_teach, review_queue

RESIDENT_PROGRAMMES = (
    "southend-connectors",
    "plymouth-connected",
    "hackney-listening",
    "church-street",
    "north-kensington",
)
FFT_PROGRAMME = "nhs-fft"
FFT_SOURCE = "NHS England labellers (pxtextmining FFT labels)"
# Share of the labelled FFT comments whose labels train the model; the model codes the rest.
FFT_TRAINING_SHARE = 0.5
REVIEWER = "lead-southend"
# Who the loader's own writes are recorded as: no one, as there is no system user (the lead's reviews are
# recorded as the lead's).
REVIEWS = 40  # at most, and at most a tenth of the programme's contributions
# The analyst of each resident programme teaches Chorus in rounds of this many answers (at most a third of the
# programme's contributions in all), the model learning again after each round. With 40 answers (two per
# topic) the demo's voices shared a theme with what they were about at F1 0.53-0.62; on generated voices
# coded with multilingual-e5, two, four and six answers a topic gave F1 0.54-0.59, 0.61 and 0.70-0.71.
TEACH_ROUNDS = 3
TEACH_ANSWERS_PER_ROUND = 30
ADMINISTRATOR = "admin"  # imports the FFT's published labels

# The emerging issue planted in Southend's last weeks: what residents say, and how many say it.
EMERGING_VOICES = 48
EMERGING_WEEKS = 11
EMERGING_EVENTS = 4
EMERGING_OPENERS = (
    "",
    "",
    "Honestly, ",
    "Where I live, ",
    "Something new: ",
    "To be fair, ",
    "Since the summer, ",
)
EMERGING_LINES = (
    "The chemist on Southchurch Road has shut and the one in town has a queue out the door.",
    "Three pharmacies and none of them had my HRT, they said there's a shortage.",
    "Since the chemist closed I get the bus into town just to pick up my tablets.",
    "The pharmacist said my son's ADHD medicine is out of stock everywhere, try again next week.",
    "Our local chemist closed in the summer, for older people round here that was a lifeline.",
    "I spent a whole morning going round chemists trying to find my medication because of the shortages.",
    "The pharmacy keeps running out of my repeat prescription and I end up without for days.",
    "Nobody told us the chemist was closing, one day there was just a sign on the door.",
    "My mum's blister packs came from the chemist round the corner, now it's shut and nobody delivers.",
    "The pharmacy in the Victoria centre is the only one left near us and the wait is over an hour.",
    "Medicine shortages mean I'm rationing my tablets, the pharmacist can't get them in.",
    "Another chemist closed this month, that's two on our side of town this year.",
)


def _programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise RuntimeError(f"the coding demo needs the programme {slug!r}: load the core demo first")
    return programme


def _analyst(programme: Programme) -> User:
    analyst = (
        User.objects.filter(memberships__programme=programme, memberships__role=Role.ANALYST)
        .order_by("pk")
        .first()
    )
    return analyst or _user(ADMINISTRATOR)


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"the coding demo needs the user {username!r}: load the core demo first")
    return user


def _code(
    programme: Programme, codebook: Codebook, *, by: User, sentiment: bool = True, use_e5: bool | None = False
) -> ModelRun:
    """The analyst starts a coding run; the demo does it now rather than leaving it to the worker. Runs
    before the last go without the slower multilingual model, to load in reasonable time; `use_e5=None` is
    what a programme gets outside the demo (e5 for up to settings.CHORUS_CODING_E5_MAX contributions)."""
    run = start_coding(programme, codebook=codebook, by=by, enqueue=False)
    return run_coding(run.pk, by=by, use_e5=use_e5, sentiment=sentiment)


def _spoken_of(contribution: Contribution, themes: dict[str, Theme]) -> list[Theme]:
    """The codebook's themes (by slug) the resident spoke of: the demo knows each voice's topics."""
    return [themes[topic] for topic in (contribution.answers or {}).get("demo_topics", []) if topic in themes]


def _teach(programme: Programme, codebook: Codebook, *, by: User) -> ModelRun | None:
    """The analyst teaches Chorus: answers the questions it asks with the topics the resident spoke of (the
    demo knows them), and the model learns again after each round. The last round codes as Chorus does
    outside the demo, with the multilingual model where the programme is small enough: without it, the
    demo's voices shared a theme with what they were about far less often (F1 0.33-0.36 against
    0.46-0.51 with it, on the demo's own topics), and "Caring for someone" came first everywhere."""
    themes = {theme.slug: theme for theme in codebook.themes.all()}
    budget = programme.contributions.count() // 3
    run = None
    for round_number in range(1, TEACH_ROUNDS + 1):
        count = min(TEACH_ANSWERS_PER_ROUND, budget - TeachAnswer.objects.filter(codebook=codebook).count())
        if count <= 0:
            break
        for contribution in questions_to_teach(codebook, programme.contributions.all(), count=count):
            answer(contribution, codebook, _spoken_of(contribution, themes), by=by, retrain=False)
        last = round_number == TEACH_ROUNDS
        run = _code(programme, codebook, by=by, sentiment=False, use_e5=None if last else False)
    return run


def _fft_labels(codebook: Codebook, rng: random.Random) -> dict[int, list[Theme]]:
    """Training labels for a random share of the FFT comments, from the published file."""
    path = fft_path()
    if path is None:
        raise RuntimeError(f"the FFT labels are not under {default_data_dir()}; set CHORUS_SHARED_DATA")
    themes = {theme.name: theme for theme in codebook.themes.all()}
    contribution_ids = dict(
        codebook.programme.contributions.filter(submission_key__startswith="fft:").values_list(
            "submission_key", "pk"
        )
    )
    labels: dict[int, list[Theme]] = {}
    with open_fft(path) as handle:
        for row in csv.DictReader(handle):
            pk = contribution_ids.get(f"fft:{row['Comment ID']}")
            applied = [
                themes[name] for name, value in row.items() if name in themes and (value or "").strip() == "1"
            ]
            if pk is not None and applied:
                labels[pk] = applied
    chosen = list(labels)  # in the order of the file, however the comments were stored
    rng.shuffle(chosen)
    return {pk: labels[pk] for pk in chosen[: int(len(chosen) * FFT_TRAINING_SHARE)]}


def _plant_emerging_issue(programme: Programme, rng: random.Random) -> int:
    """Listening events in the programme's last weeks where residents raise what the codebook lacks."""
    last_day = programme.activities.order_by("-date").values_list("date", flat=True).first()
    wards = list(programme.activities.exclude(area=None).values_list("area", flat=True).distinct())
    recorders = list(
        User.objects.filter(memberships__programme=programme, memberships__role=Role.CONNECTOR).distinct()
    )
    if last_day is None or not wards or not recorders:
        raise RuntimeError(f"the coding demo needs {programme.slug}'s activities and connectors first")
    events = []
    for _ in range(EMERGING_EVENTS):
        recorder = rng.choice(recorders)
        ward_id = rng.choice(wards)
        events.append(
            Activity(  # saved with its contributions
                programme=programme,
                kind=ActivityKind.LISTENING_EVENT,
                title="Listening event: what has changed round here",
                date=last_day - timedelta(days=rng.randint(0, EMERGING_WEEKS * 7)),
                area_id=ward_id,
                recorded_by=recorder,
                participants=EMERGING_VOICES // EMERGING_EVENTS + rng.randint(2, 8),
            )
        )
    said: list[list[ChunkRow]] = [[] for _ in events]
    for index in range(EMERGING_VOICES):
        event = events[index % EMERGING_EVENTS]
        said[index % EMERGING_EVENTS].append(
            ChunkRow(
                ContributionInput(
                    text=rng.choice(EMERGING_OPENERS) + EMERGING_LINES[index % len(EMERGING_LINES)],
                    ward=event.area,
                    consent_quote=rng.random() < 0.7,
                    consent_open_data=rng.random() < 0.6,
                    consent_recontact=rng.random() < 0.4,
                    answers={"demo_topics": ["pharmacy (not in the codebook)"]},
                )
            )
        )
    for event, rows in zip(events, said, strict=True):
        results = create_contributions(event, rows, by=event.recorded_by)
        if any(result.status != "imported" for result in results):
            raise RuntimeError("the coding demo's emerging voices were refused")
    return EMERGING_VOICES


def _review_some(programme: Programme, codebook: Codebook, reviewer: User) -> int:
    """The lead reviews the contributions the model is least sure of, reading what the resident said: keeps
    the suggestions the resident spoke of, drops the others and adds what the model missed (the demo knows
    the topics). Keeping suggestions at random instead taught the model that the reviewed voices had 3.1
    themes each where residents spoke of 1.4. A tenth of the contributions at most: in a small demo the least
    sure are mostly the planted voices about pharmacies, which no theme fits."""
    themes = {theme.slug: theme for theme in codebook.themes.all()}
    count = min(REVIEWS, programme.contributions.count() // 10)
    queue = list(review_queue(codebook, programme.contributions.all())[:count])
    for contribution in queue:
        review(contribution, codebook, _spoken_of(contribution, themes), by=reviewer)
    return len(queue)


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    reviewer = User.objects.filter(username=REVIEWER).first()
    if reviewer is None:
        raise RuntimeError(f"the coding demo needs the user {REVIEWER!r}: load the core demo first")
    out("Coding: loading codebooks and coding contributions with the model")
    for slug in RESIDENT_PROGRAMMES:
        programme = _programme(slug)
        if slug == "southend-connectors":
            planted = _plant_emerging_issue(programme, rng)
            out(
                f"  {programme.name}: {planted} recent voices about something the codebook lacks (pharmacies)"
            )
        analyst = _analyst(programme)
        codebook = create_starter_codebook(programme, "community_health", by=analyst)
        run = _code(programme, codebook, by=analyst)
        out(
            f"  {programme.name}: {run.codings.count()} themes suggested from the codebook ({run.model_name})"
        )
        taught = _teach(programme, codebook, by=analyst)
        answers = TeachAnswer.objects.filter(codebook=codebook)
        if taught is not None:
            agreed = answers.filter(agreed=True).count()
            out(
                f"  {analyst.username} taught Chorus {answers.count()} answers (the model agreed with "
                f"{agreed} before seeing them); {taught.codings.count()} themes suggested after"
            )
        if slug == "southend-connectors":
            reviewed = _review_some(programme, codebook, reviewer)
            out(f"  {reviewer.username} reviewed {reviewed} contributions of {programme.name}")
            emerging = start_emerging(programme, by=reviewer, enqueue=False)
            emerging = run_emerging(emerging.pk, by=reviewer)
            out(f"  {emerging.metrics.get('clusters', 0)} emerging issues found in {programme.name}")
            found = start_discovery(programme, by=reviewer, enqueue=False)
            found = run_discovery(found.pk, by=reviewer)
            out(
                f"  {found.metrics.get('themes', 0)} themes proposed from the data of {programme.name} "
                f"({found.metrics.get('unassigned_share', 0):.0%} of contributions in none)"
            )
    fft = _programme(FFT_PROGRAMME)
    admin = _user(ADMINISTRATOR)
    codebook = create_starter_codebook(fft, "nhs_patient_experience", by=admin)
    labels = _fft_labels(codebook, rng)
    import_labels(codebook, labels, source=FFT_SOURCE, by=admin)
    run = _code(fft, codebook, by=admin)
    out(
        f"  {fft.name}: trained on {run.training_size} labelled comments, "
        f"{run.codings.count()} themes suggested for the rest"
    )
    out("  Coding pages: /coding/ (review queue, emerging issues, themes from the data, agreement, search)")
