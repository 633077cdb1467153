"""The board story: one page for decision-makers about a programme and a period.

What residents raised most (each theme's share of the contributions coded to themes, with how many were coded
and how many a person checked), what changed since the period before (of the same length, just before it), who
was and was not heard (the Core20 share and the groups heard less than their share of the population), what
was decided in the period and which actions are overdue, and "The Board is asked to…" recommendations that a
programme lead writes.

`story_figures` gathers the figures as JSON-ready data (frozen into a report version as its "story", released
under disclosure control when public); `story_sections` writes them as plain sentences. The page, the first
page of the board report (HTML and PDF) and the Word board paper all print those same sentences, so the three
cannot disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from chorus.apps.accountability.models import Action, Decision
from chorus.apps.coding.queries import Coverage
from chorus.apps.insight import aggregates
from chorus.apps.insight.coverage import coverage_sentence, number, percent, released_coverage, share_of_coded
from chorus.apps.insight.filters import Filters
from chorus.apps.insight.heard import usual_comparison, who_we_heard_from
from chorus.apps.programmes.models import Programme
from chorus.privacy.disclosure import display_difference
from chorus.stats import compare_proportions

from .figures import Release, core20_compared, core20_counts, core20_scope, period_filters
from .models import Recommendation

STORY_THEMES = 5
STORY_DECISIONS = 8
STORY_OVERDUE = 8
DEFAULT_PERIOD_DAYS = 91  # about a quarter, when no report has set the period


def previous_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period just before: as many whole calendar months when the period is whole months (April to
    September follows October to March, as a board reads it, not 30 September to 31 March), else the same
    number of days ending the day before `start`."""
    previous_end = start - datetime.timedelta(days=1)
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return aggregates.add_months(start, -months), previous_end
    return previous_end - (end - start), previous_end


def default_period(
    programme: Programme, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The period of the newest board report, or else the 13 weeks up to the latest activity (or today)."""
    latest = (
        programme.reports.order_by("-period_end", "-period_start")
        .values_list("period_start", "period_end")
        .first()
    )
    if latest is not None:
        return latest
    today = today or timezone.localdate()
    latest_activity = (
        programme.activities.filter(date__lte=today).order_by("-date").values_list("date", flat=True).first()
    )
    end = latest_activity or today
    return end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), end


def recommendations_for(programme: Programme, start: datetime.date, end: datetime.date):
    return Recommendation.objects.filter(programme=programme, period_start=start, period_end=end).order_by(
        "position", "id"
    )


def _coverage(programme: Programme, filters: Filters, codebook) -> Coverage:
    return aggregates.coding_summary(programme, filters, codebook)


def _theme_counts(programme: Programme, filters: Filters, codebook) -> dict[str, tuple[str, int]]:
    """slug -> (name, contributions raising it) in the period."""
    rows = aggregates.Evidence(programme, filters, codebook).theme_prevalence()
    return {row.theme: (row.theme_name, row.count) for row in rows}


def _direction(before: tuple[int, int], now: tuple[int, int], release: Release) -> str:
    """'rose' or 'fell' when the 95% interval of the change excludes zero, else 'steady'."""
    if not before[1] or not now[1] or release.suppressed(*before, *now):
        return "unknown"
    if release.public:
        released = display_difference(before, now)
        if released is None:
            return "unknown"
        lower, upper = released.lower, released.upper
    else:
        result = compare_proportions(before[0], before[1], now[0], now[1])
        lower, upper = result.difference_lower, result.difference_upper
    return "rose" if lower > 0 else "fell" if upper < 0 else "steady"


def _core20(counts: tuple[int, int], release: Release) -> dict:
    """The Core20 share from core20_counts, released."""
    core20, known = counts
    return {
        "core20": release.count(core20),
        "core20_known": release.count(known),
        "core20_percent": release.percent(core20, known),
    }


def _heard(programme: Programme, filters: Filters, release: Release) -> dict:
    heard = who_we_heard_from(programme, filters, usual_comparison(programme))
    counts = core20_counts(programme, filters)
    compared = core20_compared(heard, counts, release)
    under_heard = [
        row.who or row.label
        for section in heard.sections
        for row in section.rows
        if row.under_heard and not release.suppressed(row.contributors, section.answered)
    ]
    return {
        **_core20(counts, release),
        # Whom the share counts, and the share among those compared with the population when it differs
        # (stories frozen before these were added have neither and keep their first wording).
        "core20_scope": core20_scope(filters),
        "core20_compared": compared if compared and compared["differs"] else None,
        "population_area": heard.population_area,
        "under_heard": under_heard,
        "ages": heard.ages_sentence,  # whom the age comparison covers, and why
    }


def _decided(programme: Programme, start: datetime.date, end: datetime.date, public: bool) -> list[dict]:
    decisions = Decision.objects.filter(
        meeting__body__programme=programme, meeting__date__gte=start, meeting__date__lte=end
    ).select_related("meeting__body", "priority")
    if public:
        decisions = decisions.filter(priority__is_public=True)
    return [
        {
            "date": decision.meeting.date.isoformat(),
            "body": decision.meeting.body.name,
            "priority": decision.priority.title,
            "outcome": decision.get_outcome_display(),
            "summary": " ".join(decision.summary.split()),
        }
        for decision in decisions.order_by("-meeting__date", "id")[:STORY_DECISIONS]
    ]


def _overdue(programme: Programme, today: datetime.date, public: bool) -> list[dict]:
    open_actions = Action.objects.filter(
        Q(completed_on=None), priority__programme=programme, due_date__lt=today
    ).exclude(status__in=["done", "cancelled"])
    if public:
        open_actions = open_actions.filter(priority__is_public=True)
    overdue = [
        action
        for action in open_actions.select_related("owner", "priority")
        if action.deadline(today).overdue
    ]
    # A list, not a count: a public version's figures hold no integer but rounded counts of residents.
    return [
        {
            "title": action.title,
            "owner": action.owner.name,
            "due": action.due_date.isoformat(),
            "priority": action.priority.title,
        }
        for action in sorted(overdue, key=lambda action: (action.due_date, action.pk))
    ]


def story_figures(
    programme: Programme,
    start: datetime.date,
    end: datetime.date,
    filters: Filters | None = None,
    *,
    public: bool,
    today: datetime.date | None = None,
) -> dict:
    """The board story's figures for the period (exact, or under disclosure control when `public`)."""
    release = Release(public=public)
    today = today or timezone.localdate()
    base = filters or Filters()
    now_filters = period_filters(base, start, end)
    before_start, before_end = previous_period(start, end)
    before_filters = period_filters(base, before_start, before_end)
    codebook = aggregates.codebook_for(programme)
    coverage = _coverage(programme, now_filters, codebook)
    before = _coverage(programme, before_filters, codebook)
    counts = _theme_counts(programme, now_filters, codebook) if codebook else {}
    counts_before = _theme_counts(programme, before_filters, codebook) if codebook else {}
    top = sorted(((n, name, slug) for slug, (name, n) in counts.items() if n), key=lambda t: (-t[0], t[1]))
    themes = []
    for n, name, slug in top[:STORY_THEMES]:
        n_before = counts_before.get(slug, ("", 0))[1]
        themes.append(
            {
                "theme": name,
                "slug": slug,
                "count": release.count(n),
                "percent": share_of_coded(n, coverage.coded, public=public),
                "previous_count": release.count(n_before),
                "previous_percent": share_of_coded(n_before, before.coded, public=public),
                "direction": _direction((n_before, before.coded), (n, coverage.coded), release),
            }
        )
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "previous": {"start": before_start.isoformat(), "end": before_end.isoformat()},
        "public": public,
        "coverage": released_coverage(coverage, public=public),
        "previous_coverage": {
            "contributions": release.count(before.contributions),
            "coded": release.count(before.coded),
        },
        "themes": themes,
        "heard": _heard(programme, now_filters, release),
        "previous_heard": _core20(core20_counts(programme, before_filters), release),
        "decided": _decided(programme, start, end, public),
        "overdue": _overdue(programme, today, public),
        "recommendations": [] if public else [r.text for r in recommendations_for(programme, start, end)],
    }


# ------------------------------------------------------------------------------------------------ words


def day(iso: str) -> str:
    return f"{datetime.date.fromisoformat(iso):%-d %B %Y}"


def plain_period(label: str) -> str:
    """A month label as a reader says it ('2026-08' as 'Aug 2026'); other labels ('2026 Q3') as they are."""
    try:
        return f"{datetime.datetime.strptime(label, '%Y-%m'):%b %Y}"
    except (TypeError, ValueError):
        return label


def period_words(period: dict) -> str:
    return f"{day(period['start'])} to {day(period['end'])}"


def story_period(story: dict) -> str:
    return f"{period_words(story['period'])}, compared with {period_words(story['previous'])}"


@dataclass
class Section:
    """A heading, an opening sentence or two, and a list (numbered when `numbered`)."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    numbered: bool = False


def _raised(story: dict) -> Section:
    coverage = story["coverage"]
    section = Section("What residents raised most")
    if coverage["contributions"] in (0, None):
        section.paragraphs.append("No contributions were recorded in this period.")
        return section
    section.paragraphs.append(coverage_sentence(coverage))
    if not story["themes"]:
        section.paragraphs.append("No contribution in this period has been coded to a theme yet.")
        return section
    section.items = [
        f"{theme['theme']}: {percent(theme['percent'])} of coded contributions "
        f"({number(theme['count'])} of {number(coverage['coded'])})"
        for theme in story["themes"]
    ]
    return section


def _changed(story: dict) -> Section:
    before = story["previous_coverage"]
    now = story["coverage"]
    section = Section("What changed since the last period")
    section.paragraphs.append(
        f"Compared with {period_words(story['previous'])}: {number(before['contributions'])} contributions "
        f"then ({number(before['coded'])} coded), {number(now['contributions'])} now "
        f"({number(now['coded'])} coded)."
    )
    for theme in story["themes"]:
        then, latest = percent(theme["previous_percent"]), percent(theme["percent"])
        if theme["direction"] == "rose":
            words = f"rose from {then} to {latest} of coded contributions"
        elif theme["direction"] == "fell":
            words = f"fell from {then} to {latest} of coded contributions"
        elif theme["direction"] == "steady":
            words = f"no clear change ({then} then, {latest} now)"
        else:
            words = f"too few coded contributions to compare ({then} then, {latest} now)"
        section.items.append(f"{theme['theme']}: {words}")
    if story["themes"]:
        section.paragraphs.append(
            "We say a theme rose or fell only when the change is larger than chance would explain (its 95% "
            "confidence interval leaves out zero)."
        )
    return section


def _lead(words: str) -> str:
    """Words that start a sentence, with a capital (a place name keeps its own)."""
    return words[:1].upper() + words[1:]


def core20_sentences(heard: dict, before: dict) -> list[str]:
    """The Core20 share, led by whom it counts ('All wards: 108 of the 314 contributions with a known home
    area…'), and, when who we heard from counts fewer (the focus wards only), that share with its own base,
    so that the two can never be read as one figure that changed."""
    sentences = [
        f"{_lead(heard['core20_scope'])}: {number(heard['core20'])} of the "
        f"{number(heard['core20_known'])} contributions with a known home area "
        f"({percent(heard['core20_percent'])}) came from Core20 areas, the most deprived 20% of "
        "neighbourhoods in England"
        + (
            f", against {percent(before['core20_percent'])} in the period before."
            if before["core20_percent"] is not None
            else "."
        )
    ]
    compared = heard.get("core20_compared")
    if compared:
        sentences.append(
            f"{_lead(compared['scope'])}, as in the comparison with the population: "
            f"{number(compared['core20'])} of {number(compared['known'])} ({percent(compared['percent'])})."
        )
    return sentences


def _heard_section(story: dict) -> Section:
    heard, before = story["heard"], story["previous_heard"]
    section = Section("Who was and was not heard")
    if heard["core20_known"] in (0, None):
        section.paragraphs.append(
            "We do not know the neighbourhood of anyone who contributed in this period."
        )
    elif "core20_scope" in heard:
        section.paragraphs += core20_sentences(heard, before)
    else:  # a story frozen before the Core20 share said whom it counts: its words as they were
        section.paragraphs.append(
            f"{percent(heard['core20_percent'])} of contributions whose neighbourhood we know came from the "
            f"most deprived 20% of neighbourhoods in England (Core20): {number(heard['core20'])} of "
            f"{number(heard['core20_known'])}"
            + (
                f", against {percent(before['core20_percent'])} in the period before."
                if before["core20_percent"] is not None
                else "."
            )
        )
    if heard.get("ages"):  # stories frozen before programmes said whom they hear by age have none
        section.paragraphs.append(heard["ages"])
    if heard["under_heard"]:
        where = f" of {heard['population_area']}" if heard["population_area"] else ""
        section.paragraphs.append(f"Heard less than their share of the population{where}:")
        section.items = list(heard["under_heard"])
    else:
        section.paragraphs.append("No group was clearly heard less than its share of the population.")
    return section


def _decided_section(story: dict) -> Section:
    section = Section("What was decided and what is overdue")
    decided, overdue = story["decided"], story["overdue"]
    shown = overdue[:STORY_OVERDUE]
    decisions = (
        f"Decisions in this period: {number(len(decided))}."
        if decided
        else "No decisions were recorded in this period."
    )
    actions = f"Actions overdue today: {number(len(overdue))}" if overdue else "No action is overdue"
    more = f" (the {number(len(shown))} overdue longest are listed)" if len(overdue) > len(shown) else ""
    section.paragraphs.append(f"{decisions} {actions}{more}.")
    section.items += [
        f"Decided {day(d['date'])}, {d['body']}: {d['outcome'].lower()}, {d['priority']}. {d['summary']}"
        for d in decided
    ]
    section.items += [
        f"Overdue: {a['title']} ({a['owner']}), due {day(a['due'])}, on {a['priority']}" for a in shown
    ]
    return section


def _asked(story: dict) -> Section:
    section = Section("The Board is asked to…", numbered=True)
    section.items = list(story["recommendations"])
    if not section.items:
        section.paragraphs.append("The programme lead has not written recommendations for this period yet.")
    return section


def story_sections(story: dict) -> list[Section]:
    """The board story in plain sentences, in the order it is read: what the board is asked to do first, as
    board papers put it, then the evidence behind it."""
    sections = [_raised(story), _changed(story), _heard_section(story), _decided_section(story)]
    if not story.get("public"):
        sections.insert(0, _asked(story))
    return sections
