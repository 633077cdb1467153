from __future__ import annotations

from django import forms
from django.http import QueryDict

from chorus.apps.core.forms import NhsukForm
from chorus.apps.insight.filters import Filters

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AUDIENCES = [
    ("internal", "The programme and its board: exact figures and consented quotes"),
    ("public", "Everyone, on the public programme page: counts rounded to 5, counts of 1 to 7 hidden"),
]


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE_WIDGET,
        error_messages={
            "invalid": "Enter a real date, for example 31/03/2026",
            "required": f"Enter {label.lower()}",
        },
    )


class ReportForm(NhsukForm):
    period_start = _date("First day of the period")
    period_end = _date("Last day of the period")
    audience = forms.ChoiceField(
        label="Who is this version for?",
        choices=AUDIENCES,
        initial="internal",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who this version is for"},
    )
    # The dashboard's other filters (wards, activity types, partners, Core20, theme) as a query string.
    filters = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The last day must be on or after the first day")
        return data

    def chosen_filters(self) -> Filters:
        return Filters.from_query(QueryDict(self.cleaned_data.get("filters") or "")).without("from", "to")

    @property
    def public(self) -> bool:
        return self.cleaned_data["audience"] == "public"


class RecommendationForm(NhsukForm):
    text = forms.CharField(
        label="The Board is asked to…",
        help_text="One thing the board is asked to do, for example: note the rise in damp and mould.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
        error_messages={"required": "Write what the board is asked to do"},
    )


class StoryPeriodForm(NhsukForm):
    start = _date("First day of the period")
    end = _date("Last day of the period")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day must be on or after the first day")
        return data
