"""The filters an analyst sets on a programme's evidence, carried from view to view in the query string.

One `Filters` value is read from a request's GET parameters, narrows every aggregate, and writes itself back
as a query string so that the dashboard, who-we-heard-from, place profiles and reports all show the same
slice. Unknown or malformed values are dropped with a message rather than failing the page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db.models import Q

from chorus.apps.engagement.models import ActivityKind

PARAMETERS = ("from", "to", "ward", "kind", "partner", "core20", "theme")


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    wards: tuple[str, ...] = ()  # ONS ward codes
    activity_kinds: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()  # organisation slugs
    core20: bool | None = None
    theme: str = ""  # theme slug in the programme's current codebook
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query: Mapping) -> Filters:
        """Read filters from request.GET or a plain mapping; bad values become `problems`."""

        def values(name: str) -> list[str]:
            if hasattr(query, "getlist"):
                found = query.getlist(name)
            else:
                raw = query.get(name, [])
                found = raw if isinstance(raw, list | tuple) else [raw]
            return [value.strip() for value in found if value and str(value).strip()]

        problems: list[str] = []

        def one_date(name: str, label: str) -> datetime.date | None:
            given = values(name)
            if not given:
                return None
            try:
                return datetime.date.fromisoformat(given[0])
            except ValueError:
                problems.append(f"{label} must be a date like 2026-03-31; “{given[0]}” was ignored.")
                return None

        date_from = one_date("from", "The start date")
        date_to = one_date("to", "The end date")
        if date_from and date_to and date_from > date_to:
            problems.append("The start date was after the end date, so the dates were swapped.")
            date_from, date_to = date_to, date_from

        known_kinds = set(ActivityKind.values)
        kinds = [kind for kind in values("kind") if kind in known_kinds]
        if len(kinds) < len(values("kind")):
            problems.append("An unknown activity type was ignored.")

        core20_given = (values("core20") or [""])[0]
        core20 = {"yes": True, "no": False}.get(core20_given)
        if core20_given and core20 is None:
            problems.append(f"Core20 must be “yes” or “no”; “{core20_given}” was ignored.")
        theme = (values("theme") or [""])[0]
        return cls(
            date_from=date_from,
            date_to=date_to,
            wards=tuple(sorted(set(values("ward")))),
            activity_kinds=tuple(sorted(set(kinds))),
            partners=tuple(sorted(set(values("partner")))),
            core20=core20,
            theme=theme,
            problems=tuple(problems),
        )

    def checked(self, *, wards: Iterable[str], partners: Iterable[str], themes: Iterable[str]) -> Filters:
        """The same filters without wards, partners or a theme that the programme does not have; each
        dropped value is named in `problems` so the page can say what it ignored."""
        known_wards, known_partners, known_themes = set(wards), set(partners), set(themes)
        problems = list(self.problems)
        unknown_wards = [code for code in self.wards if code not in known_wards]
        if unknown_wards:
            named = ", ".join(unknown_wards)
            problems.append(f"Ward {named} is not in this programme's area and was ignored.")
        unknown_partners = [slug for slug in self.partners if slug not in known_partners]
        if unknown_partners:
            named = ", ".join(unknown_partners)
            problems.append(f"Partner {named} is not in this programme and was ignored.")
        theme = self.theme
        if theme and theme not in known_themes:
            problems.append(f"Theme “{theme}” is not in this programme's codebook and was ignored.")
            theme = ""
        return replace(
            self,
            wards=tuple(code for code in self.wards if code in known_wards),
            partners=tuple(slug for slug in self.partners if slug in known_partners),
            theme=theme,
            problems=tuple(problems),
        )

    def as_params(self) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        if self.date_from:
            params.append(("from", self.date_from.isoformat()))
        if self.date_to:
            params.append(("to", self.date_to.isoformat()))
        params += [("ward", code) for code in self.wards]
        params += [("kind", kind) for kind in self.activity_kinds]
        params += [("partner", slug) for slug in self.partners]
        if self.core20 is not None:
            params.append(("core20", "yes" if self.core20 else "no"))
        if self.theme:
            params.append(("theme", self.theme))
        return params

    def query_string(self) -> str:
        """'?from=...&ward=...' to append to a link, or '' when nothing is filtered."""
        params = self.as_params()
        return "?" + urlencode(params) if params else ""

    @property
    def is_empty(self) -> bool:
        return not self.as_params()

    def without(self, *names: str) -> Filters:
        """The same filters with some cleared, e.g. without('ward') for a map that shows every ward."""
        cleared = {
            "from": {"date_from": None},
            "to": {"date_to": None},
            "ward": {"wards": ()},
            "kind": {"activity_kinds": ()},
            "partner": {"partners": ()},
            "core20": {"core20": None},
            "theme": {"theme": ""},
        }
        changes: dict = {}
        for name in names:
            changes.update(cleared[name])
        return replace(self, **changes)

    def contribution_q(self, prefix: str = "") -> Q:
        """The filters as a condition on Contribution, or on a model that points to it with `prefix`
        (e.g. "contribution__" for codings). The theme filter is applied by the aggregates."""
        conditions: dict[str, object] = {}
        if self.date_from:
            conditions["activity__date__gte"] = self.date_from
        if self.date_to:
            conditions["activity__date__lte"] = self.date_to
        if self.wards:
            conditions["ward__code__in"] = self.wards
        if self.activity_kinds:
            conditions["activity__kind__in"] = self.activity_kinds
        if self.partners:
            conditions["activity__partner__slug__in"] = self.partners
        if self.core20 is not None:
            conditions["core20"] = self.core20
        return Q(**{prefix + name: value for name, value in conditions.items()})
