"""Figures for pages, board packs and the public page. Every count that leaves the programme team goes
through chorus.privacy.disclosure (counts 1-7 shown as *, others rounded to 5)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet

from chorus import equality
from chorus.apps.engagement.models import Activity, Contribution
from chorus.privacy.disclosure import LARGEST_SMALL_COUNT, display_count, display_percentage

from .deadlines import Deadline, feedback_due
from .models import Assessment, AssessmentSource, Difference, FeedbackItem, FeedbackKind, Listened, Priority

# Activities that bring people together, after which residents are owed "what we heard".
GATHERINGS = ("listening-event", "focus-group", "workshop", "event", "survey")

GROUP_FIELDS = {
    "age_band": ("Age", dict(equality.AGE_BANDS)),
    "sex": ("Sex", dict(equality.SEXES)),
    "disability": ("Disability or long-term condition", dict(equality.YES_NO)),
    "carer": ("Carer", dict(equality.YES_NO)),
}


@dataclass
class Evidence:
    """Who said it and where, as counts. `released()` gives the disclosure-controlled version."""

    total: int
    by_ward: list[tuple[str, int]]
    by_group: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    core20: int = 0

    def released(self) -> dict:
        return {
            "total": display_count(self.total),
            "core20": display_count(self.core20),
            "core20_percent": display_percentage(self.core20, self.total),
            "by_ward": [(name, display_count(n)) for name, n in self.by_ward],
            # For the public: a place named only where at least 8 residents raised it.
            "public_wards": [(name, display_count(n)) for name, n in self.by_ward if n > LARGEST_SMALL_COUNT],
            "other_wards": any(0 < n <= LARGEST_SMALL_COUNT for _, n in self.by_ward),
            "by_group": {
                title: [(label, display_count(n)) for label, n in rows]
                for title, rows in self.by_group.items()
            },
        }


def evidence(contributions: QuerySet[Contribution]) -> Evidence:
    total = contributions.count()
    wards = (
        contributions.exclude(ward=None)
        .values("ward__name")
        .annotate(n=Count("id"))
        .order_by("-n", "ward__name")
    )
    by_group: dict[str, list[tuple[str, int]]] = {}
    for name, (title, labels) in GROUP_FIELDS.items():
        rows = contributions.exclude(**{name: ""}).values(name).annotate(n=Count("id")).order_by(name)
        if rows:
            by_group[title] = [(labels.get(r[name], r[name]), r["n"]) for r in rows]
    ethnic = Counter(
        equality.ETHNICITY_GROUP_OF.get(e, "")
        for e in contributions.exclude(ethnicity="").values_list("ethnicity", flat=True)
    )
    if ethnic:
        by_group["Ethnic group"] = sorted((label or "Other", n) for label, n in ethnic.items())
    return Evidence(
        total=total,
        by_ward=[(w["ward__name"], w["n"]) for w in wards],
        by_group=by_group,
        core20=contributions.filter(core20=True).count(),
    )


def priority_evidence(priority: Priority) -> Evidence:
    return evidence(priority.contributions.all())


def quotes(priority: Priority, limit: int = 5) -> list[str]:
    """Anonymous quotes, re-checking consent now: a resident may have withdrawn it since."""
    return list(priority.quotes.filter(consent_quote=True).values_list("text", flat=True)[:limit])


@dataclass
class Owed:
    """Feedback owed: planned items not yet sent, and gatherings nobody has planned feedback for."""

    items: list[tuple[FeedbackItem, Deadline]]
    unplanned: list[tuple[Activity, Deadline]]

    @property
    def overdue_count(self) -> int:
        return sum(d.overdue for _, d in self.items) + sum(d.overdue for _, d in self.unplanned)


def feedback_owed(programme_ids: Iterable[int], today: date, *, include_sent: bool = False) -> Owed:
    items = FeedbackItem.objects.filter(programme_id__in=programme_ids).select_related(
        "programme", "activity", "decision__priority"
    )
    if not include_sent:
        items = items.filter(sent_on=None)
    planned = FeedbackItem.objects.filter(activity=OuterRef("pk"), kind=FeedbackKind.WHAT_WE_HEARD)
    unplanned = (
        Activity.objects.filter(programme_id__in=programme_ids, kind__in=GATHERINGS, date__lte=today)
        .annotate(planned=Exists(planned))
        .filter(planned=False)
        .select_related("programme")
        .order_by("date", "id")
    )
    return Owed(
        items=[(item, item.deadline(today)) for item in items],
        unplanned=[
            (a, Deadline(feedback_due(a.date, a.programme.feedback_days), None, today)) for a in unplanned
        ],
    )


@dataclass
class AssessmentRow:
    label: str
    answered: int
    listened: int
    empowered: int

    def released(self) -> dict:
        return {
            "label": self.label,
            "answered": display_count(self.answered),
            "listened_percent": display_percentage(self.listened, self.answered),
            "empowered_percent": display_percentage(self.empowered, self.answered),
        }


def _rows(assessments: list[Assessment], key) -> list[AssessmentRow]:
    groups: dict[str, list[Assessment]] = {}
    for assessment in assessments:
        groups.setdefault(key(assessment), []).append(assessment)
    return [
        AssessmentRow(
            label=label,
            answered=len(rows),
            listened=sum(a.listened == Listened.YES for a in rows),
            empowered=sum(a.difference >= Difference.SOMEWHAT_EMPOWERED for a in rows),
        )
        for label, rows in sorted(groups.items())
    ]


OPEN_LINK_TABLE = "Open link (not checked to be one per person; not in the other tables)"


def assessment_report(assessments: QuerySet[Assessment]) -> dict[str, list[AssessmentRow]]:
    """Felt listened to (yes) and it made a difference (empowered or somewhat): by place, group, month.

    Answers from the open link are kept out of every table but their own."""
    rows = list(assessments.select_related("ward", "contribution"))
    age_labels = dict(equality.AGE_BANDS)

    def group_of(field_name: str, labels: dict | None = None):
        def key(a: Assessment) -> str:
            value = getattr(a.contribution, field_name, "") if a.contribution else ""
            return (labels or {}).get(value, value) or "Not known"

        return key

    open_link = [a for a in rows if a.source == AssessmentSource.OPEN_LINK]
    rows = [a for a in rows if a.source != AssessmentSource.OPEN_LINK]
    return {
        "All": _rows(rows, lambda a: "Everyone"),
        OPEN_LINK_TABLE: _rows(open_link, lambda a: "Everyone"),
        "Place": _rows(rows, lambda a: a.ward.name if a.ward else "Not known"),
        "Age": _rows(rows, group_of("age_band", age_labels)),
        "Ethnic group": _rows(rows, group_of("ethnic_group")),
        "Disability": _rows(rows, group_of("disability", dict(equality.YES_NO))),
        "Month": _rows(rows, lambda a: f"{a.answered_at:%Y-%m}"),
    }


def public_decisions():
    from .models import Decision

    return Decision.objects.select_related("meeting__body", "owner").order_by("meeting__date", "id")
