from __future__ import annotations

from django import forms

from chorus.apps.web.forms import NhsukForm

from .measurement_table import Layout
from .models import InterventionPartner, OutcomeIndicator

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
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or Excel (.xlsx) file")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        return upload


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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publish") and cleaned.get("consent_to_publish") == "no":
            self.add_error("publish", "A story can only be published if the person agreed to it being shared")
        return cleaned
