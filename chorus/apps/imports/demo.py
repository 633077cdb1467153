"""Demo imports for southend-connectors: a small spreadsheet from a partner with a few rows that need
fixing (quarantined), and a KoboToolbox source that posted two submissions, one of them twice."""

from __future__ import annotations

import random
import uuid as uuid_module
from collections.abc import Callable
from datetime import date, timedelta

from chorus.apps.accounts.models import User
from chorus.apps.programmes.models import Programme

from . import actions
from .models import ImportSource, SourceKind
from .pipeline import run_batch

PROGRAMME = "southend-connectors"
LEAD = "lead-southend"

SAID = [
    "The bus to the hospital stops at six so I miss evening appointments",
    "I phoned the surgery at eight and every appointment had gone by five past",
    "The community fridge at the hub means we eat properly at the end of the month",
    "My husband's dementia is getting worse and I do not know who to ask for help",
    "There is black mould in the children's bedroom and the landlord will not fix it",
    "The walking group got me out of the house after my wife died",
    "I cannot afford to heat the flat and my chest is worse in winter",
    "Nobody explained my son's medication when he left hospital",
    "The pharmacy closes at lunchtime and I work until six",
    "The park lights are broken so I do not walk there after dark",
    "The library blood pressure checks are the only time I see a nurse",
    "My daughter waited a year for a mental health assessment",
]
WARDS = ["Kursaal", "Milton", "Victoria", "Westborough", "Shoeburyness", "Southchurch"]
AGES = ["23", "31", "38", "44", "52", "61", "67", "74", "80"]


def _lookup(out: Callable[[str], None]) -> tuple[Programme, User]:
    programme = Programme.objects.filter(slug=PROGRAMME).first()
    if programme is None:
        raise RuntimeError(f"imports demo needs the programme {PROGRAMME!r}; load the core demo data first")
    lead = User.objects.filter(username=LEAD).first()
    if lead is None:
        raise RuntimeError(f"imports demo needs the user {LEAD!r}; load the core demo data first")
    return programme, lead


def demo_csv(rng: random.Random) -> bytes:
    """16 rows from a partner's spreadsheet; rows 6, 10, 13 and 15 need fixing."""
    lines = [
        "Date,What matters to you?,Ward,Age,Participant ref,Consent to analysis,Consent to quote,"
        "Consent to share"
    ]
    start = date(2026, 9, 1)
    for number in range(2, 18):
        when = (start + timedelta(days=rng.randrange(40))).strftime("%d/%m/%Y")
        said = f"{rng.choice(SAID)} ({number})"
        ward, age = rng.choice(WARDS), rng.choice(AGES)
        ref = f"KH-{rng.randrange(1, 9):03d}"
        quote, share = rng.choice(["yes", "no"]), rng.choice(["yes", "no"])
        consent = "yes"
        if number == 6:
            age = "4O"  # letter O typed for a zero
        elif number == 10:
            said = ""
        elif number == 13:
            consent = "no"
        elif number == 15:
            when = "31/09/2026"
        lines.append(f'{when},"{said}",{ward},{age},{ref},{consent},{quote},{share}')
    return ("\n".join(lines) + "\n").encode("utf-8")


def kobo_submission(rng: random.Random, number: int) -> dict:
    uuid = str(uuid_module.UUID(int=rng.getrandbits(128), version=4))
    return {
        "_id": 318772200 + number,
        "formhub/uuid": "b7f1d0a4c33a4f3e9d2e8c1a5f6b7c8d",
        "today": f"2026-10-0{number}",
        "group_consent/consent_analysis": "yes",
        "group_consent/consent_quote": rng.choice(["yes", "no"]),
        "group_consent/consent_recontact": "no",
        "group_story/what_matters": rng.choice(SAID),
        "group_story/activity_type": "conversation",
        "group_about_you/age_band": rng.choice(["35_44", "45_54", "65_74"]),
        "group_about_you/sex": rng.choice(["female", "male"]),
        "group_about_you/ward": rng.choice(WARDS),
        "meta/instanceID": f"uuid:{uuid}",
        "_xform_id_string": "aBcD3fGh7iJkLmN9oPqRsT",
        "_uuid": uuid,
        "_submission_time": f"2026-10-0{number}T13:21:44",
    }


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    programme, lead = _lookup(out)
    batch, table = actions.start_upload(programme, "kursaal-hub-september.csv", [demo_csv(rng)], by=lead)
    mapping, _ = actions.suggested_mapping(programme, table.headers)
    actions.confirm_mapping(batch, mapping, by=lead, enqueue=False)
    batch = run_batch(batch.pk)
    out(f"imports: {batch.filename}: {batch.summary} -> /imports/batch/{batch.pk}/")

    source = ImportSource.objects.filter(programme=programme, name="KoboToolbox community survey").first()
    if source is None:
        source, token = actions.create_source(
            programme, "KoboToolbox community survey", SourceKind.FIELD_TOOL, by=lead
        )
        out(f"imports: Kobo endpoint /imports/field/{source.pk}/ with 'Authorization: Token {token}'")
    first, second = kobo_submission(rng, 1), kobo_submission(rng, 2)
    for payload in (first, second, first):  # the first is posted twice, as Kobo does on a retry
        status, _, _ = actions.receive_submission(source, payload)
        out(f"imports: Kobo post -> {status}")
