"""What the interactive map view draws: factors with positions, links with their sign and strength.

The page embeds this as JSON (json_script) for static/maps/graph.mjs, which draws it with cytoscape. The
same facts are in the page's tables, which stay the accessible way to read the map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils.text import slugify

from chorus.maps import FuzzyCognitiveMap, MapMetrics

from . import exports
from .actions import ScenarioOutcome
from .models import ExperienceMap, Link

LIBRARY = "cytoscape/cytoscape.esm.min.mjs"
ARROWS = {"rises": "▲", "falls": "▼", "held": "■"}


def library_url() -> str:
    """Where the browser loads cytoscape from, or "" if it is not served (the page then keeps its drawing)."""
    try:
        return staticfiles_storage.url(LIBRARY)
    except ValueError:  # a hashed static storage without the file: collectstatic did not find it
        return ""


def _signed(value: float) -> str:
    return f"{'−' if value < 0 else '+'}{abs(value):.2f}"


def graph_data(
    experience_map: ExperienceMap,
    fcm: FuzzyCognitiveMap,
    metrics: MapMetrics,
    links: Iterable[Link],
    *,
    editable: bool = False,
    scenario: ScenarioOutcome | None = None,
) -> dict:
    positions = exports.layout(fcm) if fcm.factors else {}
    spread = 320 * max(1.0, math.sqrt(len(fcm.factors)) / 3)
    states = {str(row.factor.pk): row for row in scenario.rows} if scenario else {}
    factors = []
    for item in metrics.factors:
        x, y = positions.get(item.id, (0.0, 0.0))
        factor = {
            "id": item.id,
            "name": item.name,
            "type": item.type,
            "x": round(x * spread * 1.4),
            "y": round(-y * spread),  # drawings have y upwards, screens downwards
        }
        if editable:
            factor["edit"] = reverse("maps:edit-factor", args=[experience_map.pk, int(item.id)])
        row = states.get(item.id)
        if row is not None:
            factor["state"] = row.direction.replace(" ", "-")
            if row.direction == "held":
                factor["stateText"] = f"Held at {row.scenario:.2f}"
                factor["label"] = f"{ARROWS['held']} {item.name} (held)"
            elif row.direction in ("rises", "falls"):
                factor["stateText"] = f"{row.direction.capitalize()} by {abs(row.difference):.2f}"
                factor["label"] = f"{ARROWS[row.direction]} {item.name} {_signed(row.difference)}"
            else:
                factor["stateText"] = "No change"
        factors.append(factor)
    drawn_links = []
    for link in links:
        drawn = {
            "id": link.pk,
            "source": str(link.source_id),
            "target": str(link.target_id),
            "weight": round(link.weight, 4),
            "verb": "raises" if link.weight >= 0 else "lowers",
            "label": _signed(link.weight),
        }
        if editable:
            drawn["edit"] = reverse("maps:edit-link", args=[experience_map.pk, link.pk])
        drawn_links.append(drawn)
    data = {
        "factors": factors,
        "links": drawn_links,
        "filename": slugify(experience_map.name) or f"map-{experience_map.pk}",
    }
    if editable and scenario is None:
        data["addLink"] = {"source": "id_link-source", "target": "id_link-target"}
    return data
