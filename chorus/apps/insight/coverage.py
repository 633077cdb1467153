"""What every theme share is a share of, said the same way everywhere: the dashboard, the board story (the
first page of the board report), the public report and the programme's public page.

`released_coverage` turns a coding coverage (coding.queries.coding_coverage) into the figures a page shows:
exact inside Chorus, or under disclosure control in public, where the percentage is worked out from the
published (rounded) counts so that a rounded count never sits beside a percentage from the exact one.
`coverage_sentence` writes them as one sentence; `share_of_coded` gives a theme's share on the same footing.
"""

from __future__ import annotations

from chorus.apps.coding.queries import Coverage
from chorus.privacy.disclosure import display_count, display_percentage


def number(value: int | str | None) -> str:
    """A count with thousands separators; '*' (a suppressed count) as it is."""
    if value is None:
        return "–"
    return value if isinstance(value, str) else f"{value:,}"


def percent(value: float | str | None) -> str:
    if value is None:
        return "–"
    return value if isinstance(value, str) else f"{value:.1f}%"


def released_count(count: int, *, public: bool) -> int | str:
    return display_count(count) if public else count


def share_of_coded(count: int, coded: int, *, public: bool) -> float | str | None:
    """A theme's share of the coded contributions in percent (None when none is coded): exact, or from the
    published counts in public."""
    if coded == 0:
        return None
    if public:
        return display_percentage(count, coded)
    return round(100 * count / coded, 1)


def released_coverage(coverage: Coverage, *, public: bool) -> dict:
    """JSON-ready: contributions, coded (and its percentage of contributions) and checked by a person."""
    return {
        "contributions": released_count(coverage.contributions, public=public),
        "coded": released_count(coverage.coded, public=public),
        "coded_percent": share_of_coded(coverage.coded, coverage.contributions, public=public),
        "checked": released_count(coverage.checked_by_person, public=public),
    }


def coverage_sentence(released: dict) -> str:
    """The sentence that goes with every set of theme shares (from `released_coverage`), in words a board
    member or a resident follows: how many contributions have themes, and how many a person checked."""
    coded, total = number(released["coded"]), number(released["contributions"])
    checked, share = number(released["checked"]), percent(released["coded_percent"])
    if isinstance(released["coded"], int) and released["coded"] == released["contributions"]:
        sorted_words = f"All {total} contributions have been sorted into themes"
    else:
        sorted_words = f"{coded} of the {total} contributions ({share}) have been sorted into themes"
    return (
        f"{sorted_words}, by the Chorus model or by a person; a person checked {checked} of them. "
        f"Each share below is of those {coded}."
    )
