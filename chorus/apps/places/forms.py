"""Forms for local indicators: the definition, one value, and a Fingertips-style file import."""

from __future__ import annotations

from django import forms

from chorus.apps.core.forms import NhsukForm, NhsukModelForm

from .models import Area, Indicator, IndicatorUnit, IndicatorValue

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class IndicatorForm(NhsukModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "per", "polarity", "source", "period", "description"]
        labels = {
            "name": "Indicator name",
            "unit": "What kind of figure is it?",
            "per": "Rate per how many people?",
            "polarity": "Is a higher value better or worse?",
            "source": "Source",
            "period": "Time periods (optional)",
            "description": "Description (optional)",
        }
        widgets = {
            "unit": forms.RadioSelect,
            "polarity": forms.RadioSelect,
            "per": forms.NumberInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {
                "required": "Enter the indicator's name",
                "unique": "There is already an indicator with this name",
            },
            "unit": {"required": "Select what kind of figure it is"},
            "polarity": {"required": "Select whether a higher value is better, worse or neither"},
            "source": {"required": "Enter where the figures come from"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["per"].required = False
        self.fields[
            "per"
        ].help_text = "Only for a rate, for example 100000. A proportion is per 100 (per cent)."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit") == IndicatorUnit.RATE and not cleaned.get("per"):
            self.add_error("per", "Enter per how many people the rate is, for example 100000")
        if not cleaned.get("per"):
            cleaned["per"] = 100
        return cleaned


class IndicatorValueForm(NhsukModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["indicator", "area", "period", "numerator", "denominator", "value", "illustrative"]
        labels = {
            "indicator": "Indicator",
            "area": "Area",
            "period": "Time period",
            "numerator": "Count (optional)",
            "denominator": "Denominator or population (optional)",
            "value": "Value (optional if you give the count and denominator)",
            "illustrative": "This is an illustrative figure, not a real one",
        }
        widgets = {
            "numerator": forms.NumberInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
            "denominator": forms.NumberInput(
                attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}
            ),
            "value": forms.NumberInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
            "period": forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
        }
        error_messages = {
            "indicator": {"required": "Choose the indicator"},
            "area": {"required": "Choose the area"},
            "period": {"required": "Enter the time period, for example 2019/20"},
            "numerator": {"invalid": "Enter the count as a whole number, like 28468"},
            "denominator": {"invalid": "Enter the denominator as a number, like 156589"},
            "value": {"invalid": "Enter the value as a number, like 18.18"},
        }

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(pk__in=[area.pk for area in areas]).order_by(
            "level", "name"
        )
        self.fields["area"].empty_label = "Choose an area"
        self.fields["indicator"].empty_label = "Choose an indicator"
        self.fields["value"].required = False
        self.fields["period"].help_text = "As the source writes it, for example 2019/20 or 2017 - 19"
        self.fields["value"].help_text = "In the indicator's unit: 18.18 for 18.18%, or the rate per N people"

    def clean(self):
        cleaned = super().clean()
        numerator, denominator = cleaned.get("numerator"), cleaned.get("denominator")
        if denominator is not None and denominator <= 0:
            self.add_error("denominator", "The denominator must be above zero")
        if cleaned.get("value") is None and not self.has_error("value"):
            if numerator is None or denominator is None:
                self.add_error(
                    "value", "Enter the value, or the count and the denominator to work it out from"
                )
        indicator = cleaned.get("indicator")
        if indicator is not None and indicator.unit == IndicatorUnit.PROPORTION:
            if numerator is not None and denominator and numerator > denominator:
                self.add_error("numerator", "The count cannot be more than the denominator")
            value = cleaned.get("value")
            if value is not None and not 0 <= value <= 100:
                self.add_error("value", "A proportion is a percentage between 0 and 100")
        return cleaned

    def validate_unique(self):
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except forms.ValidationError:
            self.add_error("period", "This area already has a value for this indicator and time period")


class IndicatorImportForm(NhsukForm):
    file = forms.FileField(
        label="Indicator values file",
        help_text="A CSV or Excel (.xlsx) file up to 5 MB, as Fingertips exports it: Indicator name, "
        "Area code, Area name, Time period, Count, Denominator, Value.",
        error_messages={"required": "Choose a CSV or Excel file"},
    )
    illustrative = forms.BooleanField(label="These are illustrative figures, not real ones", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or Excel (.xlsx) file")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        return upload
