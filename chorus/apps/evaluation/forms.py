from __future__ import annotations

from django import forms

from chorus.apps.core.forms import NhsukForm

from .measurement_table import Layout
from .models import IndicatorKind, InterventionPartner, ItemDomain, OutcomeIndicator, PopulationKind

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ImportMeasurementsForm(NhsukForm):
    indicator = forms.ModelChoiceField(
        queryset=OutcomeIndicator.objects.none(),
        label="Outcome indicator",
        empty_label=None,
        error_messages={"required": "Choose the indicator these measurements are for"},
    )
    layout = forms.ChoiceField(
        label="What does the table hold?",
        widget=forms.RadioSelect,
        choices=[
            (Layout.COUNTS.value, "Counts: columns partner, date, eligible, with_outcome"),
            (
                Layout.PERCENTAGES.value,
                "Published percentages: columns partner, date, eligible, percentage "
                "(the counts are worked out from them)",
            ),
        ],
        initial=Layout.COUNTS.value,
        error_messages={"required": "Select what the table holds"},
    )
    decimals = forms.TypedChoiceField(
        label="How many decimal places were the percentages published to?",
        help_text="Only used for published percentages. 59.0% has 1 decimal place.",
        choices=[(0, "0"), (1, "1"), (2, "2")],
        coerce=int,
        initial=1,
    )
    file = forms.FileField(
        label="Measurement table",
        help_text="A CSV or Excel (.xlsx) file, up to 2 MB. The first row holds the column names.",
        error_messages={"required": "Choose a CSV or Excel file to import"},
    )

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = intervention.indicators.all()

    def clean_file(self):
        return checked_table_upload(self.cleaned_data["file"])


def checked_table_upload(upload):
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        raise forms.ValidationError("The file must be a CSV or Excel (.xlsx) file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError("The file must be smaller than 2 MB")
    return upload


class ImportSurveyAnswersForm(NhsukForm):
    file = forms.FileField(
        label="Table of answers",
        help_text="A CSV or Excel (.xlsx) file, up to 2 MB. The first row holds the column names: "
        "respondent, statement, when, answer.",
        error_messages={"required": "Choose a CSV or Excel file to import"},
    )

    def clean_file(self):
        return checked_table_upload(self.cleaned_data["file"])


class ImportGoodRowsForm(NhsukForm):
    token = forms.CharField(widget=forms.HiddenInput)


class CaseStudyForm(NhsukForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the story"}
    )
    text = forms.CharField(
        label="The story",
        help_text="Leave out names, addresses and anything else that could identify the person.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the story"},
    )
    partner = forms.ModelChoiceField(
        queryset=InterventionPartner.objects.none(), required=False, label="Partner", empty_label="None"
    )
    consent_to_publish = forms.ChoiceField(
        label="Did the person agree to their story being shared without their name?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Select yes or no: did the person agree to their story being shared?"},
    )
    publish = forms.BooleanField(label="Publish it in the evaluation and its report", required=False)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = intervention.partners.select_related("organisation")



def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text or "For example, 31/03/2025.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, for example 31/03/2025",
        },
    )


def _count(label: str, *, required: bool = True, minimum: int = 0, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=minimum,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be {minimum} or more",
        },
    )


class InterventionForm(NhsukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the name of the intervention"}
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        help_text="What was done, with whom, and what it aimed to change.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    start_date = _date("Start date", required=False, help_text="Optional. For example, 1/4/2024.")
    end_date = _date("End date", required=False, help_text="Optional. For example, 31/3/2025.")
    report_is_public = forms.BooleanField(
        label="Publish the public version of the report (counts under disclosure control) for anyone to read",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date")
        return cleaned


class NewInterventionForm(InterventionForm):
    programme = forms.ModelChoiceField(
        queryset=None,
        label="Programme",
        empty_label=None,
        error_messages={
            "required": "Choose the programme",
            "invalid_choice": "Choose one of your programmes",
        },
    )
    field_order = ["programme", "name", "summary", "start_date", "end_date", "report_is_public"]

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class PartnerForm(NhsukForm):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Organisation",
        help_text="One of the programme's partner organisations.",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose one of the partners",
        },
    )
    population_kind = forms.ChoiceField(
        label="What kind of population should its work reach?",
        choices=PopulationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of population"},
    )
    population_description = forms.CharField(
        label="Who is eligible",
        max_length=300,
        help_text="For example, 'Registered list of Queensway Surgery, aged 60 to 74'.",
        error_messages={"required": "Describe who is eligible"},
    )
    area = forms.ModelChoiceField(
        queryset=None,
        label="Area",
        required=False,
        empty_label="None",
        help_text="Optional: the ward or local authority the population lives in.",
    )

    def __init__(self, *args, organisations, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["area"].queryset = areas


class ComparatorForm(NhsukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="As it will appear in measurement tables, for example 'Other Southend practices'.",
        error_messages={"required": "Enter the name of the comparator population"},
    )
    population_kind = forms.ChoiceField(
        label="What kind of population is it?",
        choices=PopulationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of population"},
    )
    description = forms.CharField(label="Description", max_length=300, required=False)
    area = forms.ModelChoiceField(
        queryset=None,
        label="Area",
        required=False,
        empty_label="None",
        help_text="Optional: the ward or local authority the population lives in.",
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class IndicatorForm(NhsukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the name of the indicator"}
    )
    kind = forms.ChoiceField(
        label="Is it uptake or coverage?",
        choices=IndicatorKind.choices,
        widget=forms.RadioSelect,
        help_text="Uptake: of the people invited in a period, those who took part. Coverage: of everyone "
        "eligible, those tested within the recommended interval.",
        error_messages={"required": "Select uptake or coverage"},
    )
    definition = forms.CharField(
        label="Definition",
        help_text="Numerator and denominator in words, for example 'People aged 60 to 74 invited for bowel "
        "screening who returned a kit within 6 months'.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Define the indicator: who is counted, and out of whom"},
    )


class MeasurementForm(NhsukForm):
    indicator = forms.ModelChoiceField(
        queryset=None,
        label="Outcome indicator",
        empty_label=None,
        error_messages={"required": "Choose the indicator"},
    )
    population = forms.ChoiceField(
        label="Partner or comparator population", error_messages={"required": "Choose the population"}
    )
    when = _date("Date")
    eligible = _count("Eligible people", minimum=1)
    with_outcome = _count("People with the outcome")

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = intervention.indicators.all()
        self.populations = {
            f"partner-{p.pk}": p for p in intervention.partners.select_related("organisation")
        } | {f"comparator-{c.pk}": c for c in intervention.comparators.all()}
        self.fields["population"].choices = [
            (key, f"{population}" + (" (comparator)" if key.startswith("comparator") else ""))
            for key, population in self.populations.items()
        ]

    def clean_population(self):
        return self.populations[self.cleaned_data["population"]]

    def clean(self):
        cleaned = super().clean()
        eligible, with_outcome = cleaned.get("eligible"), cleaned.get("with_outcome")
        if eligible is not None and with_outcome is not None and with_outcome > eligible:
            self.add_error("with_outcome", f"This is more than the {eligible} eligible people")
        return cleaned


class MeasurementCountsForm(NhsukForm):
    eligible = _count("Eligible people", minimum=1)
    with_outcome = _count("People with the outcome")

    def clean(self):
        cleaned = super().clean()
        eligible, with_outcome = cleaned.get("eligible"), cleaned.get("with_outcome")
        if eligible is not None and with_outcome is not None and with_outcome > eligible:
            self.add_error("with_outcome", f"This is more than the {eligible} eligible people")
        return cleaned


class ReachForm(NhsukForm):
    partner = forms.ModelChoiceField(
        queryset=None, label="Partner", empty_label=None, error_messages={"required": "Choose the partner"}
    )
    period_start = _date("First day of the period")
    period_end = _date("Last day of the period")
    residents_reached = _count(
        "Residents reached", help_text="People, not contacts: count each resident once in the period."
    )
    how_counted = forms.CharField(
        label="How they were counted",
        max_length=300,
        required=False,
        help_text="Optional, for example 'Sign-in sheets at sessions, de-duplicated by name'.",
    )

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = intervention.partners.select_related("organisation")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The last day must be the same as or after the first day")
        return cleaned


class SurveyForm(NhsukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the title"})
    who_was_asked = forms.CharField(
        label="Who was asked",
        max_length=300,
        required=False,
        help_text="Optional, for example 'People who came to a screening session, before and 6 weeks after'.",
    )


class SurveyItemForm(NhsukForm):
    statement = forms.CharField(
        label="Statement",
        max_length=300,
        help_text="A yes/no statement, for example 'I am more likely to book screening when I am invited'.",
        error_messages={"required": "Enter the statement"},
    )
    domain = forms.ChoiceField(
        label="What does it ask about?",
        choices=ItemDomain.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select knowledge, attitude or behaviour"},
    )
    before_agreeing = _count("Agreeing before", required=False)
    before_respondents = _count("People asked before", required=False, minimum=1)
    after_agreeing = _count("Agreeing after", required=False)
    after_respondents = _count("People asked after", required=False, minimum=1)

    def tally(self, wave: str) -> tuple[int, int] | None:
        agreeing = self.cleaned_data.get(f"{wave}_agreeing")
        respondents = self.cleaned_data.get(f"{wave}_respondents")
        return None if agreeing is None and respondents is None else (agreeing, respondents)

    def clean(self):
        cleaned = super().clean()
        for wave, word in (("before", "before"), ("after", "after")):
            if f"{wave}_agreeing" in self.errors or f"{wave}_respondents" in self.errors:
                continue
            agreeing, respondents = cleaned.get(f"{wave}_agreeing"), cleaned.get(f"{wave}_respondents")
            if agreeing is None and respondents is not None:
                self.add_error(f"{wave}_agreeing", f"Enter how many agreed {word}, or leave both blank")
            elif respondents is None and agreeing is not None:
                self.add_error(
                    f"{wave}_respondents", f"Enter how many people were asked {word}, or leave both blank"
                )
            elif agreeing is not None and agreeing > respondents:
                self.add_error(f"{wave}_agreeing", f"This is more than the {respondents} people asked {word}")
        return cleaned
