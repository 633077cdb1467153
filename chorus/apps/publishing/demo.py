"""Demo board reports for Southend: the lead's recommendations to the board, then an internal version and a
public one for the six months to September 2026, rendered here (charts, HTML and PDF) so they are ready
without the background worker."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from chorus.apps.accounts.models import User
from chorus.apps.insight.aggregates import top_themes
from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import Programme

from . import actions

PROGRAMME = "southend-connectors"
ANALYST = "lead-southend"
PERIOD = (date(2026, 4, 1), date(2026, 9, 30))
# What the lead asks the board to do, after the theme raised most (recommendations): without them the board
# paper opened on "not written yet".
OTHER_RECOMMENDATIONS = (
    "Ask the programme to hear more from residents of the most deprived neighbourhoods (Core20) next period.",
    "Ask the integrated care board's pharmacy lead to look into the closed chemists residents describe, an "
    "emerging issue not yet in the codebook.",
)


def recommendations(programme: Programme) -> tuple[str, ...]:
    """The lead's recommendations, the first on the theme the period's contributions raised most, as the
    lead reads it from the coding (a fixed theme went stale when the coding changed)."""
    top = top_themes(programme, Filters(date_from=PERIOD[0], date_to=PERIOD[1]), limit=1)
    if not top:
        return OTHER_RECOMMENDATIONS
    name = top[0].theme_name
    if len(name) > 1 and name[1].islower():
        name = name[0].lower() + name[1:]
    return (
        f"Ask the partners who lead on {name} to answer what residents said about it, the theme raised "
        "most this period, by the next meeting.",
        *OTHER_RECOMMENDATIONS,
    )


def load(rng: random.Random, out: Callable[[str], None]) -> None:
    programme = Programme.objects.filter(slug=PROGRAMME).first()
    analyst = User.objects.filter(username=ANALYST).first()
    if programme is None or analyst is None:
        raise RuntimeError(
            f"the publishing demo needs {PROGRAMME!r} and {ANALYST!r}: load the core demo first"
        )
    out("Publishing: board reports for Southend")
    for text in recommendations(programme):
        actions.add_recommendation(programme, *PERIOD, text, by=analyst)
    for public in (False, True):
        report = actions.create_report(
            programme, *PERIOD, Filters(), public=public, by=analyst, enqueue=False
        )
        report = actions.render_report(report.pk)
        kind = "public" if public else "internal"
        state = report.get_status_display().lower()
        out(f"  {kind} version {report.version} for {report.period_label}: {state}")
    out(f"  Reports: /programmes/{PROGRAMME}/reports/  Public page: /public/{PROGRAMME}/")
