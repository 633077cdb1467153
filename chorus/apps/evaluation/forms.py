from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.forms.models import model_to_dict

from chorus.apps.core.forms import NhsukForm, NhsukModelForm

from .measurement_table import Layout
from .models import (
    CaseStudy,
    ComparatorPopulation,
    Intervention,
    InterventionPartner,
    ItemDomain,
    Measurement,
    OutcomeIndicator,
    Reach,
    Survey,
)

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


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT_WIDGET = forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"})


class SetUpForm(NhsukModelForm):
    """One model's fields, with the model's limits and choices; Meta gives the words people see.

    The form parses and the action writes: a record being changed is given as `instance` only to fill the
    form in, and the form never changes it (the action compares it with what was typed). Radio buttons
    offer the model's choices without a blank one; dates and counts read and explain themselves like
    the other forms' (`_date`, `_count`). `minimums` raises a count's lowest value above the model's.
    """

    minimums: dict[str, int] = {}

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs["initial"] = model_to_dict(instance, fields=self._meta.fields) | kwargs.get("initial", {})
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.RadioSelect) and not isinstance(field, forms.ModelChoiceField):
                field.choices = [(value, label) for value, label in field.choices if value != ""]
            if isinstance(field, forms.DateField):
                _describe_date(field)
            elif isinstance(field, forms.IntegerField):
                _describe_count(field, self.minimums.get(name, 0))


def _describe_date(field: forms.DateField) -> None:
    example = _date(str(field.label), required=field.required, help_text=field.help_text)
    field.input_formats, field.help_text = example.input_formats, example.help_text
    field.error_messages = {**field.error_messages, **example.error_messages}


def _describe_count(field: forms.IntegerField, minimum: int) -> None:
    example = _count(str(field.label), required=field.required, minimum=minimum)
    if minimum > (field.min_value or 0):
        field.min_value = minimum
        field.validators.append(MinValueValidator(minimum))
        field.widget.attrs["min"] = minimum
    field.error_messages = {**field.error_messages, **example.error_messages}


class CaseStudyForm(SetUpForm):
    consent_to_publish = forms.ChoiceField(
        label="Did the person agree to their story being shared without their name?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Select yes or no: did the person agree to their story being shared?"},
    )
    publish = forms.BooleanField(label="Publish it in the evaluation and its report", required=False)

    class Meta:
        model = CaseStudy
        fields = ["title", "text", "partner"]
        labels = {"text": "The story"}
        help_texts = {"text": "Leave out names, addresses and anything else that could identify the person."}
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "title": {"required": "Enter a title for the story"},
            "text": {"required": "Enter the story"},
        }

    field_order = ["title", "text", "partner", "consent_to_publish", "publish"]

    def __init__(self, *args, intervention, instance: CaseStudy | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "consent_to_publish": "yes" if instance.consent_to_publish else "no",
                "publish": instance.published,
            } | kwargs.get("initial", {})
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["partner"].queryset = intervention.partners.select_related("organisation")
        self.fields["partner"].empty_label = "None"


class InterventionForm(SetUpForm):
    class Meta:
        model = Intervention
        fields = ["name", "summary", "start_date", "end_date", "report_is_public"]
        labels = {
            "report_is_public": "Publish the public version of the report (counts under disclosure control) "
            "for anyone to read",
        }
        help_texts = {
            "start_date": "Optional. For example, 1/4/2024.",
            "end_date": "Optional. For example, 31/3/2025.",
            "report_is_public": "",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
        }
        error_messages = {"name": {"required": "Enter the name of the intervention"}}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date")
        return cleaned


class NewInterventionForm(InterventionForm):
    class Meta(InterventionForm.Meta):
        fields = ["programme", *InterventionForm.Meta.fields]
        error_messages = {
            **InterventionForm.Meta.error_messages,
            "programme": {
                "required": "Choose the programme",
                "invalid_choice": "Choose one of your programmes",
            },
        }

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].empty_label = None


AREA_HELP = "Optional: the ward or local authority the population lives in."


class PartnerForm(SetUpForm):
    class Meta:
        model = InterventionPartner
        fields = ["organisation", "population_kind", "population_description", "area"]
        labels = {
            "population_kind": "What kind of population should its work reach?",
            "population_description": "Who is eligible",
        }
        help_texts = {
            "organisation": "One of the programme's partner organisations.",
            "population_description": "For example, 'Registered list of Queensway Surgery, aged 60 to 74'.",
            "area": AREA_HELP,
        }
        widgets = {"population_kind": forms.RadioSelect}
        error_messages = {
            "organisation": {
                "required": "Choose the organisation",
                "invalid_choice": "Choose one of the partners",
            },
            "population_kind": {"required": "Select the kind of population"},
            "population_description": {"required": "Describe who is eligible"},
        }

    def __init__(self, *args, organisations, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["area"].queryset = areas
        self.fields["area"].empty_label = "None"


class ComparatorForm(SetUpForm):
    class Meta:
        model = ComparatorPopulation
        fields = ["name", "population_kind", "description", "area"]
        labels = {"population_kind": "What kind of population is it?"}
        help_texts = {
            "name": "As it will appear in measurement tables, for example 'Other Southend practices'.",
            "area": AREA_HELP,
        }
        widgets = {"population_kind": forms.RadioSelect}
        error_messages = {
            "name": {"required": "Enter the name of the comparator population"},
            "population_kind": {"required": "Select the kind of population"},
        }

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].empty_label = "None"


class IndicatorForm(SetUpForm):
    class Meta:
        model = OutcomeIndicator
        fields = ["name", "kind", "definition"]
        labels = {"kind": "Is it uptake or coverage?"}
        help_texts = {
            "kind": "Uptake: of the people invited in a period, those who took part. Coverage: of everyone "
            "eligible, those tested within the recommended interval.",
            "definition": "Numerator and denominator in words, for example 'People aged 60 to 74 invited for "
            "bowel screening who returned a kit within 6 months'.",
        }
        widgets = {"kind": forms.RadioSelect, "definition": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {"required": "Enter the name of the indicator"},
            "kind": {"required": "Select uptake or coverage"},
            "definition": {"required": "Define the indicator: who is counted, and out of whom"},
        }


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


class MeasurementCountsForm(SetUpForm):
    minimums = {"eligible": 1}

    class Meta:
        model = Measurement
        fields = ["eligible", "with_outcome"]
        labels = {"eligible": "Eligible people", "with_outcome": "People with the outcome"}
        widgets = {"eligible": COUNT_WIDGET, "with_outcome": COUNT_WIDGET}

    def clean(self):
        cleaned = super().clean()
        eligible, with_outcome = cleaned.get("eligible"), cleaned.get("with_outcome")
        if eligible is not None and with_outcome is not None and with_outcome > eligible:
            self.add_error("with_outcome", f"This is more than the {eligible} eligible people")
        return cleaned


class ReachForm(SetUpForm):
    class Meta:
        model = Reach
        fields = ["partner", "period_start", "period_end", "residents_reached", "how_counted"]
        labels = {
            "period_start": "First day of the period",
            "period_end": "Last day of the period",
            "how_counted": "How they were counted",
        }
        help_texts = {
            "residents_reached": "People, not contacts: count each resident once in the period.",
            "how_counted": "Optional, for example 'Sign-in sheets at sessions, de-duplicated by name'.",
        }
        widgets = {"period_start": DATE_WIDGET, "period_end": DATE_WIDGET, "residents_reached": COUNT_WIDGET}
        error_messages = {"partner": {"required": "Choose the partner"}}

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = intervention.partners.select_related("organisation")
        self.fields["partner"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The last day must be the same as or after the first day")
        return cleaned


class SurveyForm(SetUpForm):
    class Meta:
        model = Survey
        fields = ["title", "who_was_asked"]
        help_texts = {
            "who_was_asked": "Optional, for example 'People who came to a screening session, before and 6 "
            "weeks after'.",
        }
        error_messages = {"title": {"required": "Enter the title"}}


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
