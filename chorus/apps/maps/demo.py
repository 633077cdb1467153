"""Demo data: Plymouth's social-connectedness map, built from coded conversations.

Plymouth's method: residents' recorded conversations become a map of what helps or stops people being
connected. For every link of the example map (chorus/maps/examples/plymouth_connectedness.csv) this finds
demo conversations in plymouth-connected whose sentences name the cause, the effect and a causal word
("since the bus was cut I don't get out"), codes the link from each (quoting the sentence when the
resident agreed to be quoted), and combines the individual maps into the community map.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable
from pathlib import Path

from chorus.apps.accounts.models import User
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.maps.strengths import DEFAULT_STRENGTH_TERMS

from . import actions
from .models import AggregationMethod, ExperienceMap, MapKind

PROGRAMME = "plymouth-connected"
ANALYST = "analyst-plymouth"
EXAMPLE = Path(__file__).resolve().parents[2] / "maps" / "examples" / "plymouth_connectedness.csv"
COMMUNITY_NAME = "Plymouth social connectedness: what residents told us"
COMBINED_NAME = "Plymouth social connectedness: residents and partners together"
WORKSHOP_NAME = "Plymouth partners' workshop map"
MAX_PER_LINK = 8

# How each factor of the example map shows itself in what residents say.
FACTOR_WORDS: dict[str, str] = {
    "bus routes": r"\bbus(es)?\b(?! fare)|\bthe \d+\b|stopped driving",
    "bus fares": r"bus fares?|\bfares?\b",
    "mobility": r"get out|getting out|go out|get about|leave the house|housebound|stuck (?:in|indoors)|\bwalk"
    r"|can't get (?:to|home|anywhere)|hardly move",
    "community groups": r"\bclubs?\b|\bgroups?\b|coffee morning|community caf|knit|day centre|men's shed"
    r"|befriending|community garden",
    "cost of living": r"afford|cost of living|money|\bbills?\b|prices|electric|heating|skint|benefits",
    "anxiety": r"anxi|nerves|worr|panic|stress|frighten",
    "health": r"health|chest|breath|pain|\bback\b|knee|\bill\b|poorly|copd|asthma|twenty a day",
    "being online": r"online|internet|broadband|facebook|video call|wi-?fi|\bapp\b",
    "loneliness": r"lonel|on my own|alone|isolat|no ?one to talk|nobody to (?:talk|ring)|speak to a soul"
    r"|lost touch|don't see anyone|nobody visits",
    "confidence": r"confiden|nerve to|\bshy\b|courage",
    "knowing what's on": r"didn't know|don't know what|knew about|hear about|find out|leaflet|what's on",
    "volunteering": r"volunteer|helping out|help out",
    "feeling connected": r"connected|belong|know my name|friends|mates|company|lifeline|somebody noticed"
    r"|part of (?:the|a) community",
    "caring responsibilities": r"\bcaring\b|look after|looking after|\bcarer\b",
    "green spaces": r"(?<!car )\bparks?\b|green space|allotment|seafront|the hoe\b|community garden",
}
# "{effect} because {cause}" and "{cause}, so {effect}": the causal word tells which side is which.
CAUSE_FOLLOWS = re.compile(r"\b(?:because|cos|(?:ever )?since)\b", re.IGNORECASE)
EFFECT_FOLLOWS = re.compile(r"\b(?:so|which means|that means|that's why|and since then)\b", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])\s+")
TERMS = list(DEFAULT_STRENGTH_TERMS)


def _example_links() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _reads_as_cause_and_effect(sentence: str, cause: re.Pattern, effect: re.Pattern) -> bool:
    forwards = EFFECT_FOLLOWS.search(sentence)
    if forwards:
        before, after = sentence[: forwards.start()], sentence[forwards.end() :]
        if cause.search(before) and effect.search(after):
            return True
    backwards = CAUSE_FOLLOWS.search(sentence)
    if backwards:
        before, after = sentence[: backwards.start()], sentence[backwards.end() :]
        # "Ever since {cause}, {effect}": the cause ends at the first comma.
        cause_part, _, rest = after.partition(",")
        if cause.search(cause_part) and (effect.search(before) or effect.search(rest)):
            return True
    return False


def _fitting_sentence(text: str, cause: re.Pattern, effect: re.Pattern) -> str | None:
    for sentence in SENTENCE.split(text):
        if _reads_as_cause_and_effect(sentence, cause, effect):
            return sentence.strip()
    return None


def _nearby_term(rng: random.Random, term: str) -> str:
    """People rate the same link differently: mostly the example's term, sometimes a neighbour."""
    position = TERMS.index(term)
    roll = rng.random()
    if roll < 0.15 and position > 0:
        return TERMS[position - 1]
    if roll > 0.85 and position < len(TERMS) - 1:
        return TERMS[position + 1]
    return term


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    programme = Programme.objects.filter(slug=PROGRAMME).first()
    if programme is None:
        raise RuntimeError(f"maps demo: programme {PROGRAMME!r} is missing; load the core demo data first")
    analyst = User.objects.filter(username=ANALYST).first()
    if analyst is None:
        raise RuntimeError(f"maps demo: user {ANALYST!r} is missing; load the core demo data first")
    if ExperienceMap.objects.filter(programme=programme, name=COMMUNITY_NAME).exists():
        out(f"Maps: the Plymouth map is already there: /maps/programme/{PROGRAMME}/")
        return

    contributions = list(
        Contribution.objects.filter(programme=programme).order_by("pk").only("pk", "text", "consent_quote")
    )
    patterns = {name: re.compile(words, re.IGNORECASE) for name, words in FACTOR_WORDS.items()}
    coded = 0
    for row in _example_links():
        cause, effect = row["from"], row["to"]
        fitting = [
            (contribution, sentence)
            for contribution in contributions
            if (sentence := _fitting_sentence(contribution.text, patterns[cause], patterns[effect]))
        ]
        chosen = rng.sample(fitting, min(MAX_PER_LINK, len(fitting)))
        for contribution, sentence in sorted(chosen, key=lambda pair: pair[0].pk):
            strength = actions.Strength(
                sign=-1 if row["sign"].strip() == "-" else 1, term=_nearby_term(rng, row["strength"])
            )
            try:
                actions.code_link_from_contribution(
                    contribution, cause, effect, strength, quote=sentence, by=analyst
                )
            except ActionError:
                continue  # this conversation already gave this link
            coded += 1

    with EXAMPLE.open("rb") as handle:
        workshop = actions.import_map(programme, WORKSHOP_NAME, "edge-list", handle.read(), by=analyst)
    workshop = actions.change_map(
        workshop,
        kind=MapKind.WORKSHOP,
        description="Drawn by the partners at the focus-setting workshop.",
        by=analyst,
    )

    individual = list(ExperienceMap.objects.filter(programme=programme, kind=MapKind.INDIVIDUAL))
    if len(individual) < 2:
        out(f"Maps: only {len(individual)} Plymouth conversations fitted the example map; no community map")
        return
    community = actions.combine_maps(
        programme, individual, COMMUNITY_NAME, AggregationMethod.MEAN_WITHOUT_ZEROS, by=analyst
    )
    # The conversations name only some of the links; with the partners' workshop map added, the map has the
    # outcomes ("feeling connected") the focus step ranks factors against, and agreement shows what rests on
    # residents' words.
    combined = actions.combine_maps(
        programme, [*individual, workshop], COMBINED_NAME, AggregationMethod.MEAN_WITHOUT_ZEROS, by=analyst
    )
    out(
        f"Maps: coded {coded} links from {len(individual)} Plymouth conversations into a community map of "
        f"{community.links.count()} links: /maps/{community.pk}/; with the partners' workshop map: "
        f"/maps/{combined.pk}/leverage/ (all maps: /maps/programme/{PROGRAMME}/)"
    )
